// Which SageMaker names a state machine takes from a value that is the same for every build. SageMaker
// refuses a second training job, model or endpoint config with a name it has seen, so such a machine
// succeeds once and then fails with "... names must be unique". Pure: a parsed ASL definition and the
// pipeline's default input in, findings out. `$$.Execution.Name`, States.UUID() and an input value holding
// "{build}" are fine; a literal, a context field like `$$.StateMachine.Name`, or an input value without
// "{build}" is not. What can't be known (a path into a previous state's result) is never reported.

import { formatInputPath, type PathSegment } from '../config/input-path';
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

/** Nested Parallel/Map states deeper than this are not looked into (real machines nest two or three). */
const MAX_DEPTH = 8;
const MAX_STATES = 2000;

type Json = Record<string, unknown>;

/** Where a state's `$` points: a path into the execution input, or undefined when that is unknown. */
type Base = PathSegment[] | undefined;

interface Walk {
  input: Json;
  findings: FixedNameFinding[];
  seen: number;
  jsonata: boolean;
}

export function fixedNameFindings(definition: unknown, defaultInput: Json): FixedNameFinding[] {
  if (!isObject(definition)) return [];
  const walk: Walk = {
    input: defaultInput,
    findings: [],
    seen: 0,
    jsonata: definition.QueryLanguage === 'JSONata',
  };
  walkMachine(walk, definition, [], 0);
  return walk.findings;
}

/** One machine or branch: its states, with `$` of its first state at `base`. */
function walkMachine(walk: Walk, machine: Json, base: Base, depth: number): void {
  const states = machine.States;
  if (!isObject(states) || depth > MAX_DEPTH) return;
  const bases = statesBases(states, typeof machine.StartAt === 'string' ? machine.StartAt : '', base);
  for (const [name, state] of Object.entries(states)) {
    walk.seen += 1;
    if (!isObject(state) || walk.seen > MAX_STATES) continue;
    const jsonata = state.QueryLanguage ? state.QueryLanguage === 'JSONata' : walk.jsonata;
    const effective = jsonata ? undefined : narrowed(bases.get(name), state.InputPath);
    checkTask(walk, name, state, effective, jsonata);
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      // Each branch starts from the Parallel's effective input (Parameters replace it with unknowns).
      const branchBase = state.Parameters === undefined ? effective : undefined;
      state.Branches.filter(isObject).forEach((branch) => walkMachine(walk, branch, branchBase, depth + 1));
    }
    if (state.Type === 'Map') {
      // An iteration's input is one item, never the execution input: only $$.Execution.Input resolves there.
      const processor = isObject(state.ItemProcessor) ? state.ItemProcessor : state.Iterator;
      if (isObject(processor)) walkMachine(walk, processor, undefined, depth + 1);
    }
  }
}

/**
 * For each state, where its raw input points in the execution input: known for the first state, and for a
 * state all of whose predecessors pass their input on (a Choice, a Wait, or a Task whose ResultPath puts the
 * result beside the input). Starts from "all known" and drops what a predecessor spoils, until nothing changes.
 */
function statesBases(states: Json, startAt: string, base: Base): Map<string, Base> {
  const edges = new Map<string, { to: string; keeps: boolean }[]>();
  for (const [name, state] of Object.entries(states)) {
    if (isObject(state)) edges.set(name, successors(state));
  }
  const known = new Set(base === undefined ? [] : edges.keys());
  for (let changed = true; changed;) {
    changed = false;
    for (const [from, outs] of edges) {
      for (const { to, keeps } of outs) {
        if (known.has(to) && (!known.has(from) || !keeps)) {
          known.delete(to);
          changed = true;
        }
      }
    }
  }
  const reachable = new Set<string>([startAt]);
  for (const name of reachable) edges.get(name)?.forEach(({ to }) => reachable.add(to));
  return new Map(
    [...edges.keys()].map((name) => [name, known.has(name) && reachable.has(name) ? base : undefined]),
  );
}

/** Where a state can go next, and whether what it passes on still holds its raw input unchanged. */
function successors(state: Json): { to: string; keeps: boolean }[] {
  const outs: { to: string; keeps: boolean }[] = [];
  const passes = passesInputOn(state);
  if (typeof state.Next === 'string') outs.push({ to: state.Next, keeps: passes });
  if (typeof state.Default === 'string') outs.push({ to: state.Default, keeps: passes });
  for (const choice of Array.isArray(state.Choices) ? state.Choices : []) {
    if (isObject(choice) && typeof choice.Next === 'string') outs.push({ to: choice.Next, keeps: passes });
  }
  for (const caught of Array.isArray(state.Catch) ? state.Catch : []) {
    if (isObject(caught) && typeof caught.Next === 'string') {
      outs.push({ to: caught.Next, keeps: keepsBeside(caught.ResultPath) && !('Output' in caught) });
    }
  }
  return outs;
}

function passesInputOn(state: Json): boolean {
  if (!isWhole(state.OutputPath) || 'Output' in state) return false;
  switch (state.Type) {
    case 'Choice':
    case 'Wait':
      return isWhole(state.InputPath);
    case 'Pass':
      if (state.Result === undefined && state.Parameters === undefined && isWhole(state.InputPath)) {
        return isWhole(state.ResultPath) || keepsBeside(state.ResultPath);
      }
      return keepsBeside(state.ResultPath);
    case 'Task':
    case 'Parallel':
    case 'Map':
      return keepsBeside(state.ResultPath);
    default:
      return false;
  }
}

/** A ResultPath that keeps the raw input: null (result dropped) or "$.x" (result beside the input). */
function keepsBeside(resultPath: unknown): boolean {
  return resultPath === null || (typeof resultPath === 'string' && resultPath.startsWith('$.'));
}

function isWhole(path: unknown): boolean {
  return path === undefined || path === '$';
}

/** The effective input after InputPath: "$.Training" moves the base down to Training. */
function narrowed(base: Base, inputPath: unknown): Base {
  if (base === undefined || isWhole(inputPath)) return base;
  if (inputPath === null || typeof inputPath !== 'string') return undefined;
  const ref = parseReference(inputPath);
  return ref && ref.root === '$' ? [...base, ...ref.segments] : undefined;
}

function checkTask(walk: Walk, name: string, state: Json, base: Base, jsonata: boolean): void {
  if (state.Type !== 'Task' || typeof state.Resource !== 'string') return;
  const action = SAGEMAKER_RESOURCE.exec(state.Resource)?.[1];
  const field = action === undefined ? undefined : NAME_FIELDS[action];
  if (field === undefined) return;
  const finding = jsonata
    ? fromJsonata(walk, state.Arguments, field)
    : fromJsonPath(walk, state.Parameters, field, base);
  if (finding) walk.findings.push({ state: name, field, ...finding } as FixedNameFinding);
}

type Why =
  | { why: 'literal'; value: string }
  | { why: 'context'; path: string }
  | { why: 'input'; inputPath: string; value?: unknown };

function fromJsonPath(walk: Walk, parameters: unknown, field: string, base: Base): Why | undefined {
  if (parameters === undefined) {
    // No Parameters: the effective input itself is the request.
    return base === undefined ? undefined : fromInput(walk, [...base, field]);
  }
  if (!isObject(parameters)) return undefined;
  if (typeof parameters[field] === 'string') return { why: 'literal', value: parameters[field] };
  const expression = parameters[`${field}.$`];
  if (typeof expression !== 'string') return undefined;
  if (expression.trim().startsWith('States.')) return fromIntrinsic(walk, expression, base);
  const found = fromReference(walk, expression, base);
  return found === 'fresh' ? undefined : found;
}

/** A single path such as $$.Execution.Input['Training'].TrainingJobName or $.jobName. */
function fromReference(walk: Walk, expression: string, base: Base): Why | 'fresh' | undefined {
  const ref = parseReference(expression.trim());
  if (!ref) return undefined;
  if (ref.root === '$') return base === undefined ? undefined : fromInput(walk, [...base, ...ref.segments]);
  const [first, second, ...rest] = ref.segments;
  if (first === 'Execution' && second === 'Input') return fromInput(walk, rest);
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
function fromIntrinsic(walk: Walk, expression: string, base: Base): Why | undefined {
  if (FRESH_INTRINSICS.test(expression)) return undefined;
  const results = intrinsicReferences(expression).map((ref) => fromReference(walk, ref, base));
  if (results.some((r) => r === undefined || r === 'fresh')) return undefined;
  const fixed = results as Why[];
  return fixed.find((r) => r.why === 'input') ?? fixed[0] ?? { why: 'literal', value: expression };
}

function fromInput(walk: Walk, path: PathSegment[]): Why | undefined {
  const value = valueAt(walk.input, path);
  if (typeof value === 'string' && value.includes(BUILD_PLACEHOLDER)) return undefined;
  const inputPath = formatInputPath({ segments: path, wildcard: false });
  return value === undefined ? { why: 'input', inputPath } : { why: 'input', inputPath, value };
}

function fromJsonata(walk: Walk, args: unknown, field: string): Why | undefined {
  if (!isObject(args)) return undefined;
  const value = args[field];
  if (typeof value !== 'string') return undefined;
  const expression = /^\{%([\s\S]*)%\}$/.exec(value.trim())?.[1]?.trim();
  if (expression === undefined) return { why: 'literal', value };
  if (FRESH_JSONATA.test(expression)) return undefined;
  const input = /^\$states\.(?:input|context\.Execution\.Input)((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/.exec(
    expression,
  );
  // $states.input is the execution input only in the first state; only the context form is certain.
  if (input?.[1] && expression.startsWith('$states.context.')) {
    return fromInput(walk, input[1].slice(1).split('.'));
  }
  return undefined;
}

/** The path references inside an intrinsic call, skipping its quoted string arguments. */
function intrinsicReferences(expression: string): string[] {
  const refs: string[] = [];
  for (let i = 0; i < expression.length; i += 1) {
    const char = expression[i];
    if (char === "'") {
      for (i += 1; i < expression.length && expression[i] !== "'"; i += 1) if (expression[i] === '\\') i += 1;
    } else if (char === '$') {
      let end = i;
      while (end < expression.length && !/[\s,)]/.test(expression[end] as string)) {
        if (expression[end] === '[' && /['"]/.test(expression[end + 1] ?? '')) {
          const close = expression.indexOf(`${expression[end + 1]}]`, end + 2);
          end = close < 0 ? expression.length : close + 2;
        } else end += 1;
      }
      refs.push(expression.slice(i, end));
      i = end - 1;
    }
  }
  return refs;
}

/** "$" or "$$" then .key, ['key'], ["key"] or [n] parts; undefined for anything else (wildcards, filters). */
export function parseReference(text: string): { root: '$' | '$$'; segments: PathSegment[] } | undefined {
  const root = text.startsWith('$$') ? '$$' : text.startsWith('$') ? '$' : undefined;
  if (!root) return undefined;
  const segments: PathSegment[] = [];
  const part = /\.([^.[\]'"\s*()]+)|\[(?:'([^']*)'|"([^"]*)"|(\d{1,4}))\]/y;
  part.lastIndex = root.length;
  while (part.lastIndex < text.length) {
    const match = part.exec(text);
    if (!match) return undefined;
    const [, dotted, single, double, index] = match;
    segments.push(index !== undefined ? Number(index) : ((dotted ?? single ?? double) as string));
  }
  return { root, segments };
}

function valueAt(input: unknown, path: PathSegment[]): unknown {
  let node = input;
  for (const segment of path) {
    if (typeof segment === 'number' ? !Array.isArray(node) : !isObject(node)) return undefined;
    const holder = node as Record<string | number, unknown>;
    if (!Object.hasOwn(holder, segment)) return undefined;
    node = holder[segment];
  }
  return node;
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
