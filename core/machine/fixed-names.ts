// Which SageMaker names a state machine takes from a value that is the same for every build. SageMaker
// refuses a second training job, model or endpoint config with a name it has seen, so such a machine
// succeeds once and then fails with "... names must be unique". Pure: a parsed ASL definition and the
// pipeline's default input in, findings out. `$$.Execution.Name`, States.UUID() and an input value holding
// "{build}" are fine; a literal, a context field like `$$.StateMachine.Name`, or an input value without
// "{build}" is not. What can't be known (a path into a previous state's result) is never reported.

import { formatInputPath, type PathSegment } from '../config/input-path';
import {
  intrinsicReferences,
  isObject,
  parseReference,
  valueAt,
  walkStates,
  type Base,
  type Json,
} from './input-flow';
import { BUILD_PLACEHOLDER } from '../builds/overrides';

export type FixedNameFinding =
  /** The definition itself holds the name, e.g. "TrainingJobName": "churn-training". */
  | { state: string; field: string; why: 'literal'; value: string }
  /** A context field that is the same each build, e.g. $$.StateMachine.Name. */
  | { state: string; field: string; why: 'context'; path: string }
  /** A path into the execution input whose default value has no {build} (or no default value at all). */
  | { state: string; field: string; why: 'input'; inputPath: string; value?: unknown };

/** The SageMaker create calls whose name must be new each build, and the field that holds the name. */
const NAME_FIELDS: Record<string, string> = {
  createTrainingJob: 'TrainingJobName',
  createModel: 'ModelName',
  createEndpointConfig: 'EndpointConfigName',
  createProcessingJob: 'ProcessingJobName',
  createTransformJob: 'TransformJobName',
  createHyperParameterTuningJob: 'HyperParameterTuningJobName',
  createLabelingJob: 'LabelingJobName',
  createAutoMLJob: 'AutoMLJobName',
  createAutoMLJobV2: 'AutoMLJobName',
  createCompilationJob: 'CompilationJobName',
};

// The optimized integration (arn:aws:states:::sagemaker:createTrainingJob.sync) and the SDK one
// (arn:aws:states:::aws-sdk:sagemaker:createTrainingJob), in any partition.
const SAGEMAKER_RESOURCE = /^arn:aws[a-z-]*:states:::(?:aws-sdk:)?sagemaker:([A-Za-z0-9]+)(?:\.[A-Za-z]+)?$/;

/** Context fields that differ for every build. */
const FRESH_CONTEXT = ['Execution.Name', 'Execution.Id', 'Execution.StartTime', 'State.EnteredTime'];
/** Intrinsics whose result differs for every call. */
const FRESH_INTRINSICS = /\bStates\.(UUID|MathRandom)\s*\(/;
/** JSONata: the same, in $states.context form, and its own random and time functions. */
const FRESH_JSONATA =
  /\$states\.context\.(Execution\.(Name|Id|StartTime)|State\.EnteredTime)\b|\$(uuid|random|now|millis)\(/;

export function fixedNameFindings(definition: unknown, defaultInput: Json): FixedNameFinding[] {
  const findings: FixedNameFinding[] = [];
  walkStates(definition, ({ name, state, base, jsonata }) => {
    const finding = checkTask(defaultInput, state, base, jsonata);
    if (finding) findings.push({ state: name, ...finding } as FixedNameFinding);
  });
  return findings;
}

function checkTask(
  input: Json,
  state: Json,
  base: Base,
  jsonata: boolean,
): (Why & { field: string }) | undefined {
  const field = createdNameField(state);
  if (field === undefined) return undefined;
  const finding = jsonata
    ? fromJsonata(input, state.Arguments, field)
    : fromJsonPath(input, state.Parameters, field, base);
  return finding && { field, ...finding };
}

/** "TrainingJobName" for a createTrainingJob task: the name SageMaker needs new each build; else undefined. */
export function createdNameField(state: Json): string | undefined {
  if (state.Type !== 'Task' || typeof state.Resource !== 'string') return undefined;
  const action = SAGEMAKER_RESOURCE.exec(state.Resource)?.[1];
  return action === undefined ? undefined : NAME_FIELDS[action];
}

type Why =
  | { why: 'literal'; value: string }
  | { why: 'context'; path: string }
  | { why: 'input'; inputPath: string; value?: unknown };

function fromJsonPath(input: Json, parameters: unknown, field: string, base: Base): Why | undefined {
  if (parameters === undefined) {
    // No Parameters: the effective input itself is the request.
    return base === undefined ? undefined : fromInput(input, [...base, field]);
  }
  if (!isObject(parameters)) return undefined;
  if (typeof parameters[field] === 'string') return { why: 'literal', value: parameters[field] };
  const expression = parameters[`${field}.$`];
  if (typeof expression !== 'string') return undefined;
  if (expression.trim().startsWith('States.')) return fromIntrinsic(input, expression, base);
  const found = fromReference(input, expression, base);
  return found === 'fresh' ? undefined : found;
}

/** A single path such as $$.Execution.Input['Training'].TrainingJobName or $.jobName. */
function fromReference(input: Json, expression: string, base: Base): Why | 'fresh' | undefined {
  const ref = parseReference(expression.trim());
  if (!ref) return undefined;
  if (ref.root === '$') return base === undefined ? undefined : fromInput(input, [...base, ...ref.segments]);
  const [first, second, ...rest] = ref.segments;
  if (first === 'Execution' && second === 'Input') return fromInput(input, rest);
  const dotted = ref.segments.join('.');
  if (FRESH_CONTEXT.some((fresh) => dotted === fresh)) return 'fresh';
  if (first === 'StateMachine' || (first === 'State' && second === 'Name')) {
    return { why: 'context', path: expression.trim() };
  }
  return undefined; // $$.Map.Item.Index, $$.Task.Token...: not known to be fixed
}

/**
 * States.Format('churn-{}', $$.Execution.Name) and the like: fine when any argument is fresh or an input
 * value with {build}; fixed when every argument is known to be fixed.
 */
function fromIntrinsic(input: Json, expression: string, base: Base): Why | undefined {
  if (FRESH_INTRINSICS.test(expression)) return undefined;
  const results = intrinsicReferences(expression).map((ref) => fromReference(input, ref, base));
  if (results.some((r) => r === undefined || r === 'fresh')) return undefined;
  const fixed = results as Why[];
  return fixed.find((r) => r.why === 'input') ?? fixed[0] ?? { why: 'literal', value: expression };
}

function fromInput(input: Json, path: PathSegment[]): Why | undefined {
  const value = valueAt(input, path);
  if (typeof value === 'string' && value.includes(BUILD_PLACEHOLDER)) return undefined;
  const inputPath = formatInputPath({ segments: path, wildcard: false });
  return value === undefined ? { why: 'input', inputPath } : { why: 'input', inputPath, value };
}

function fromJsonata(input: Json, args: unknown, field: string): Why | undefined {
  if (!isObject(args)) return undefined;
  const value = args[field];
  if (typeof value !== 'string') return undefined;
  const expression = /^\{%([\s\S]*)%\}$/.exec(value.trim())?.[1]?.trim();
  if (expression === undefined) return { why: 'literal', value };
  if (FRESH_JSONATA.test(expression)) return undefined;
  // $states.input is the execution input only in the first state; only the context form is certain.
  const path = /^\$states\.context\.Execution\.Input((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/.exec(expression)?.[1];
  if (path) return fromInput(input, path.slice(1).split('.'));
  return undefined;
}
