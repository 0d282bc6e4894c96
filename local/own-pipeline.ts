// `npm start -- --pipeline my-machine.asl.json`: a team's own exported state machine as one more local
// pipeline, so they can hear how SageBuild speaks about it before deploying anything. The default input is
// made from what the machine reads (`$$.Execution.Input[...]`, and `$.` paths where `$` is the execution
// input) in any state's Parameters, Choice rules, Wait and Map paths: names SageMaker needs new each build get
// "{build}", the rest get valid local values (role ARN, S3 URIs, image, instance type and count). A value a
// Pass state copies is valued by what the tasks after it use it for. People may change the sizes and the
// hyperparameters at a start, nothing else.

import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { formatInputPath, type PathSegment } from '../core/config/input-path';
import { createdNameField } from '../core/machine/fixed-names';
import {
  executionInputReads,
  intrinsicReferences,
  isObject,
  parseReference,
  valueAt,
  walkStates,
  type Base,
  type Json,
} from '../core/machine/input-flow';
import type { LocalAws } from './local-aws';
import type { LocalPipeline } from './reference-pipelines';

/** Step Functions takes definitions up to 1 MiB. */
const MAX_FILE_BYTES = 1024 * 1024;
/**
 * Build names are "<pipeline>-<12 hex>": 16 characters keep them within 29, so "{build}" fits even
 * SageMaker's shortest name (a tuning job's, 32 characters).
 */
const MAX_NAME = 16;

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** Its message is the one line `npm start` prints before exiting with code 2. */
export class OwnPipelineError extends Error {}

export interface OwnMachine {
  /** The pipeline name, from the file name. */
  name: string;
  file: string;
  definition: Json;
}

/** Reads and checks one exported definition (or `aws stepfunctions describe-state-machine` output). */
export function readOwnMachine(path: string, taken: readonly string[]): OwnMachine {
  const file = basename(path);
  let text: string;
  try {
    if (statSync(path).size > MAX_FILE_BYTES) {
      throw new OwnPipelineError(`${file} is larger than 1 MiB, more than Step Functions takes.`);
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof OwnPipelineError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new OwnPipelineError(
      code === 'ENOENT' ? `There is no file ${path}.` : `Can't read ${path} (${code ?? 'unknown error'}).`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
    // describe-state-machine output holds the definition as a string.
    if (isObject(parsed) && typeof parsed.definition === 'string') parsed = JSON.parse(parsed.definition);
  } catch (error) {
    throw new OwnPipelineError(`${file} is not JSON: ${(error as Error).message.slice(0, 120)}.`);
  }
  if (!isObject(parsed) || typeof parsed.StartAt !== 'string' || !isObject(parsed.States)) {
    throw new OwnPipelineError(
      `${file} is not a state machine definition: it needs "StartAt" and "States" at the top.`,
    );
  }
  return { name: pipelineNameFor(file, taken), file, definition: parsed };
}

/** "My Machine.asl.json" → "my-machine"; a taken name gets "-2", "-3"... */
export function pipelineNameFor(file: string, taken: readonly string[]): string {
  const stem = file
    .replace(/(\.asl)?\.json$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const base = cutAtWord(stem, MAX_NAME) || 'own';
  let name = base;
  for (let n = 2; taken.includes(name); n += 1)
    name = `${cutAtWord(base, MAX_NAME - 1 - String(n).length)}-${n}`;
  return name;
}

/** At most `max` characters, ending at a hyphen when there is one to end at: "continuous-deployment" → "continuous". */
function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max + 1).lastIndexOf('-');
  // One long word has no boundary to keep: it is cut where the limit falls.
  return (cut > 0 ? text.slice(0, cut) : text.slice(0, max)).replace(/-+$/, '');
}

/** Creates the machine on the local AWS; its refusal (an invalid definition) becomes one friendly line. */
export function addOwnPipeline(local: LocalAws, machine: OwnMachine): LocalPipeline<Json> {
  let stateMachineArn: string;
  try {
    ({ stateMachineArn } = local.stepFunctions.createStateMachine({
      name: machine.name,
      definition: JSON.stringify(machine.definition),
      roleArn: `arn:aws:iam::${local.accountId}:role/SageBuildStepFunctionsRole`,
    }));
  } catch (error) {
    throw new OwnPipelineError(
      `${machine.file} is not a valid state machine: ${(error as Error).message.slice(0, 200)}`,
    );
  }
  const { input, allowedInputKeys } = deriveInput(machine.definition, {
    pipeline: machine.name,
    accountId: local.accountId,
    region: local.region,
  });
  return {
    name: machine.name,
    aliases: [],
    stateMachineArn,
    defaultInput: input,
    allowedInputKeys,
    slackChannel: `C0${machine.name.toUpperCase().replace(/[^A-Z0-9]/g, '')}`,
    file: machine.file,
  };
}

interface Where {
  pipeline: string;
  accountId: string;
  region: string;
}

/** A read of the execution input: where, under which parameter key, by which SageMaker call. */
interface Read {
  path: PathSegment[];
  /** The parameter it feeds; undefined when the whole request comes from the input. */
  key: string | undefined;
  /** True for a piece of an intrinsic (States.Format), which gets a plain word. */
  piece: boolean;
  action: string | undefined;
  /** The name field this task creates (TrainingJobName for createTrainingJob). */
  creates: string | undefined;
  /** The value a flow state needs there (a Choice's compared value, a Wait's seconds), when it says. */
  fixed?: { value: unknown };
}

/**
 * A Pass, Parallel or Map that builds its own output from the input ("job.$": "$.job"): what it reads is
 * known, what it holds only from how the states after it use `output`.
 */
interface Rename {
  input: PathSegment[];
  /** Where the value lands in the states' `$` after it; undefined when the state drops it (ResultPath null). */
  output: PathSegment[] | undefined;
  key: string;
  piece: boolean;
}

/** The input a machine's builds start with, and the paths of it people may change at a start. */
export interface DerivedInput {
  input: Json;
  allowedInputKeys: string[];
}

/** A default input holding a valid value at every path the machine reads. */
export function derivedInput(definition: Json, where: Where): Json {
  return deriveInput(definition, where).input;
}

export function deriveInput(definition: Json, where: Where): DerivedInput {
  const reads: Read[] = [];
  const renames: Rename[] = [];
  /** `$.` reads of tasks whose `$` is not the execution input: the users of what a rename passes on. */
  const users: Read[] = [];
  const results: PathSegment[][] = [];
  let updatesEndpoints = false;
  walkStates(definition, ({ state, base, jsonata }) => {
    // "$.training" holds a state's result later on, whatever the input had there.
    const result = typeof state.ResultPath === 'string' ? parseReference(state.ResultPath) : undefined;
    if (base && result?.root === '$' && result.segments.length > 0)
      results.push([...base, ...result.segments]);
    if (jsonata) return;
    reads.push(...flowReads(state, base, where.pipeline));
    if (state.Type !== 'Task') {
      const lands = renameTarget(state);
      for (const field of [state.Parameters, state.ItemSelector]) {
        collectReads(
          field,
          (expression) => executionInputReads(expression, base),
          (input, key, piece, output) =>
            renames.push({ input, output: lands && [...lands, ...output], key, piece }),
        );
      }
      return;
    }
    if (typeof state.Resource !== 'string') return;
    const action = /sagemaker:([A-Za-z0-9]+)/.exec(state.Resource)?.[1];
    if (action === 'updateEndpoint') updatesEndpoints = true;
    const creates = createdNameField(state);
    if (state.Parameters === undefined && base !== undefined && action) {
      reads.push({ path: base, key: undefined, piece: false, action, creates });
    }
    collectReads(
      state.Parameters,
      (expression) => executionInputReads(expression, base),
      (path, key, piece) => reads.push({ path, key, piece, action, creates }),
    );
    if (base === undefined) {
      collectReads(state.Parameters, relativeReads, (path, key, piece) =>
        users.push({ path, key, piece, action, creates }),
      );
    }
  });
  reads.push(...renames.flatMap((rename) => renamedReads(rename, users)));
  const values = new LocalValues(where, !updatesEndpoints);
  const input: Json = {};
  const applied: Read[] = [];
  for (const read of reads) {
    if (results.some((result) => startsWith(read.path, result))) continue;
    applied.push(read);
    const value = values.forRead(read);
    if (read.path.length > 0) setIfMissing(input, read.path, value);
    // The first state sends the whole execution input as its request: its fields go at the top.
    else if (isObject(value))
      Object.entries(value).forEach(([key, field]) => setIfMissing(input, [key], field));
  }
  return { input, allowedInputKeys: safeToChange(input, applied) };
}

/** Where a non-Task state's Parameters land in the `$` of the states after it (or of its branches). */
function renameTarget(state: Json): PathSegment[] | undefined {
  // A Parallel's or Map's Parameters (ItemSelector) are its branches' whole input.
  if (state.Type !== 'Pass') return [];
  if (state.ResultPath === undefined || state.ResultPath === '$') return [];
  const ref = typeof state.ResultPath === 'string' ? parseReference(state.ResultPath) : undefined;
  return ref?.root === '$' ? ref.segments : undefined;
}

/** What a rename reads, valued by what its users feed; a rename nobody uses gets a value by its own name. */
function renamedReads(rename: Rename, users: Read[]): Read[] {
  const { output } = rename;
  const using = output ? users.filter((user) => startsWith(user.path, output)) : [];
  if (!output || using.length === 0) {
    return [
      { path: rename.input, key: rename.key, piece: rename.piece, action: undefined, creates: undefined },
    ];
  }
  return using.map((user) => ({
    ...user,
    path: [...rename.input, ...user.path.slice(output.length)],
    piece: rename.piece || user.piece,
  }));
}

/** `$.` paths an expression reads, whole or inside an intrinsic. */
function relativeReads(expression: string): PathSegment[][] {
  const trimmed = expression.trim();
  const refs = trimmed.startsWith('States.') ? intrinsicReferences(trimmed) : [trimmed];
  return refs.flatMap((text) => {
    const ref = parseReference(text);
    return ref?.root === '$' ? [ref.segments] : [];
  });
}

/** A timestamp already past: a Wait until it ends at once. */
const PAST = '2024-01-01T00:00:00Z';
/** A SageMaker training job may run up to 28 days; a task timeout from the input must not cut it. */
const TASK_TIMEOUT_SECONDS = 28 * 24 * 3600;

/**
 * Values the flow fields need from the execution input: a Choice's variables, a Wait's SecondsPath or
 * TimestampPath, a Map's ItemsPath, a task's timeouts. A missing one fails the build at that state.
 */
function flowReads(state: Json, base: Base, pipeline: string): Read[] {
  const reads: Read[] = [];
  const read = (expression: unknown, value: unknown) => {
    if (typeof expression !== 'string') return;
    for (const path of executionInputReads(expression, base)) {
      reads.push({
        path,
        key: undefined,
        piece: false,
        action: undefined,
        creates: undefined,
        fixed: { value },
      });
    }
  };
  if (state.Type === 'Choice' && Array.isArray(state.Choices)) {
    state.Choices.forEach((rule) => choiceReads(rule, read, pipeline, 0));
  }
  read(state.SecondsPath, 10);
  read(state.TimestampPath, PAST);
  // No items: the Map runs no iteration and succeeds with [].
  read(state.ItemsPath, []);
  read(state.MaxConcurrencyPath, 0);
  read(state.ToleratedFailureCountPath, 0);
  read(state.ToleratedFailurePercentagePath, 0);
  read(state.TimeoutSecondsPath, TASK_TIMEOUT_SECONDS);
  read(state.HeartbeatSecondsPath, TASK_TIMEOUT_SECONDS - 1);
  return reads;
}

/** A Choice rule's variable (and a `...Path` comparison's other side) gets a value the rule matches. */
function choiceReads(
  rule: unknown,
  read: (expression: unknown, value: unknown) => void,
  pipeline: string,
  depth: number,
): void {
  if (!isObject(rule) || depth > 10) return;
  for (const nested of [rule.And, rule.Or]) {
    if (Array.isArray(nested)) nested.forEach((inner) => choiceReads(inner, read, pipeline, depth + 1));
  }
  choiceReads(rule.Not, read, pipeline, depth + 1);
  const operator = Object.keys(rule).find((key) => key !== 'Variable' && key !== 'Next');
  // IsPresent is the one test that holds for a missing value.
  if (typeof rule.Variable !== 'string' || !operator || operator === 'IsPresent') return;
  const value = comparedValue(operator, rule[operator], pipeline);
  read(rule.Variable, value);
  if (operator.endsWith('Path')) read(rule[operator], value);
}

function comparedValue(operator: string, operand: unknown, pipeline: string): unknown {
  if (operator === 'IsNull') return null;
  if (!operator.endsWith('Path') && /Equals$/.test(operator)) return operand;
  if (operator === 'StringMatches' && typeof operand === 'string') return operand.replace(/\*/g, '');
  if (/^(String|IsString)/.test(operator)) return pipeline;
  if (/^(Numeric|IsNumeric)/.test(operator)) return typeof operand === 'number' ? operand : 1;
  if (/^(Boolean|IsBoolean)/.test(operator)) return true;
  if (/^(Timestamp|IsTimestamp)/.test(operator)) return typeof operand === 'string' ? operand : PAST;
  return pipeline;
}

/**
 * The paths people may change at a start: what sizes the machines (instance types and counts) and the
 * hyperparameters. They change cost and the model, never where data, images, roles or names come from.
 */
function safeToChange(input: Json, reads: Read[]): string[] {
  const keys = new Set<string>();
  const add = (segments: PathSegment[], wildcard = false) => {
    if (segments.length > 0) keys.add(formatInputPath({ segments, wildcard }));
  };
  for (const { path, key, piece } of reads) {
    const value = valueAt(input, path);
    if (piece || value === undefined) continue;
    if (key === 'HyperParameters' && isObject(value)) add(path, true);
    if ((key === 'InstanceType' || /InstanceCount$/.test(key ?? '')) && !isObject(value)) add(path);
    if (key === 'ResourceConfig' && isObject(value)) {
      ['InstanceType', 'InstanceCount']
        .filter((field) => field in value)
        .forEach((field) => add([...path, field]));
    }
    if (key === 'ProductionVariants' && Array.isArray(value) && isObject(value[0])) {
      const variant = value[0];
      ['InstanceType', 'InitialInstanceCount']
        .filter((field) => field in variant)
        .forEach((field) => add([...path, 0, field]));
    }
  }
  return [...keys].sort();
}

/** Every `key.$` in (nested) Parameters: the paths `reads` finds in its expression, and where it lands. */
function collectReads(
  parameters: unknown,
  reads: (expression: string) => PathSegment[][],
  found: (path: PathSegment[], key: string, piece: boolean, output: PathSegment[]) => void,
  at: PathSegment[] = [],
): void {
  if (at.length > 10) return;
  if (Array.isArray(parameters)) {
    parameters.forEach((item, i) => collectReads(item, reads, found, [...at, i]));
    return;
  }
  if (!isObject(parameters)) return;
  for (const [key, value] of Object.entries(parameters)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      // A path read whole ("$$.Execution.Input.jobName") takes the parameter's value; inside an intrinsic,
      // a piece of it.
      const piece = value.trim().startsWith('States.');
      const name = key.slice(0, -2);
      reads(value).forEach((path) => found(path, name, piece, [...at, name]));
    } else {
      collectReads(value, reads, found, [...at, key]);
    }
  }
}

/** Valid local values, by the SageMaker field they feed. */
class LocalValues {
  private readonly bucket: string;
  private readonly role: string;
  private readonly image: string;
  /** How many of each kind of name the machine creates so far: a second training job needs its own name. */
  private readonly created = new Map<string, number>();

  constructor(
    private readonly where: Where,
    private readonly endpointPerBuild: boolean,
  ) {
    this.bucket = `sagebuild-local-${where.accountId}`;
    this.role = `arn:aws:iam::${where.accountId}:role/SageBuildSageMakerRole`;
    this.image = `${where.accountId}.dkr.ecr.${where.region}.amazonaws.com/${where.pipeline}:latest`;
  }

  forRead(read: Read): unknown {
    if (read.fixed) return read.fixed.value;
    if (read.key === undefined) return this.request(read.action ?? '', read.creates);
    if (read.key === read.creates) return this.newName(read.key);
    return read.piece ? this.where.pipeline : this.forKey(read.key, read.action);
  }

  /** "{build}", then "{build}-2" for a second resource of the same kind in one build. */
  private newName(field: string): string {
    const n = (this.created.get(field) ?? 0) + 1;
    this.created.set(field, n);
    return n === 1 ? '{build}' : `{build}-${n}`;
  }

  private forKey(key: string, action: string | undefined): unknown {
    const s3 = `s3://${this.bucket}/${this.where.pipeline}`;
    switch (key) {
      case 'TrainingJobName':
      case 'ModelName':
      case 'EndpointConfigName':
      case 'ProcessingJobName':
      case 'TransformJobName':
      case 'HyperParameterTuningJobName':
        return '{build}'; // a reference to what this build created
      case 'EndpointName':
        // A machine that only ever creates endpoints can only deploy a new one each build.
        return this.endpointPerBuild ? '{build}' : this.where.pipeline;
      case 'RoleArn':
      case 'ExecutionRoleArn':
        return this.role;
      case 'TrainingImage':
      case 'Image':
        return this.image;
      case 'InstanceType':
        return action === 'createEndpointConfig' ? 'ml.m5.large' : 'ml.m5.xlarge';
      case 'InstanceCount':
      case 'InitialInstanceCount':
        return 1;
      case 'VolumeSizeInGB':
        return 30;
      case 'MaxRuntimeInSeconds':
        return 3600;
      case 'S3OutputPath':
        return `${s3}/output`;
      case 'S3Uri':
        return `${s3}/data/train/`;
      case 'ModelDataUrl':
        return `${s3}/output/{build}/output/model.tar.gz`;
      case 'HyperParameters':
      case 'Environment':
        return {};
      case 'AlgorithmSpecification':
        return { TrainingImage: this.image, TrainingInputMode: 'File' };
      case 'OutputDataConfig':
        return { S3OutputPath: `${s3}/output` };
      case 'StoppingCondition':
        return { MaxRuntimeInSeconds: 3600 };
      case 'ResourceConfig':
        return { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 };
      case 'InputDataConfig':
        return [
          {
            ChannelName: 'train',
            DataSource: {
              S3DataSource: {
                S3DataType: 'S3Prefix',
                S3Uri: `${s3}/data/train/`,
                S3DataDistributionType: 'FullyReplicated',
              },
            },
          },
        ];
      case 'PrimaryContainer':
        return {
          Image: this.image,
          ModelDataUrl: `${s3}/output/{build}/output/model.tar.gz`,
          Environment: {},
        };
      case 'ProductionVariants':
        return [
          {
            VariantName: 'AllTraffic',
            ModelName: '{build}',
            InitialInstanceCount: 1,
            InstanceType: 'ml.m5.large',
          },
        ];
      default:
        return this.byShape(key);
    }
  }

  /** A field this table doesn't know, by what its name says it holds. */
  private byShape(key: string): unknown {
    if (/RoleArn$/.test(key)) return this.role;
    if (/(Uri|Url|S3Path|OutputPath)$/.test(key)) return `s3://${this.bucket}/${this.where.pipeline}/${key}`;
    if (/Count$/.test(key)) return 1;
    if (/InstanceType$/.test(key)) return 'ml.m5.xlarge';
    return this.where.pipeline;
  }

  /** A whole request, for a task that sends its input unchanged. */
  private request(action: string, creates: string | undefined): Json {
    const fields: Record<string, string[]> = {
      createTrainingJob: [
        'AlgorithmSpecification',
        'RoleArn',
        'InputDataConfig',
        'OutputDataConfig',
        'ResourceConfig',
        'StoppingCondition',
        'HyperParameters',
      ],
      createModel: ['ExecutionRoleArn', 'PrimaryContainer'],
      createEndpointConfig: ['ProductionVariants'],
      createEndpoint: ['EndpointName', 'EndpointConfigName'],
      updateEndpoint: ['EndpointName', 'EndpointConfigName'],
    };
    const request: Json = creates ? { [creates]: this.newName(creates) } : {};
    for (const key of fields[action] ?? []) request[key] = this.forKey(key, action);
    return request;
  }
}

function startsWith(path: PathSegment[], prefix: PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}

/** Sets `value` at `path` unless something is there already; [n] makes a list. */
function setIfMissing(input: Json, path: PathSegment[], value: unknown): void {
  if (path.some((segment) => FORBIDDEN_KEYS.has(String(segment)))) return;
  let node: Record<string | number, unknown> = input;
  for (let i = 0; i < path.length; i += 1) {
    const segment = path[i] as PathSegment;
    const last = i === path.length - 1;
    const existing = node[segment];
    if (last) {
      if (existing === undefined) node[segment] = value;
      return;
    }
    if (existing === undefined) node[segment] = typeof path[i + 1] === 'number' ? [] : {};
    const next = node[segment];
    if (next === null || typeof next !== 'object') return; // a value already sits where a container should
    node = next as Record<string | number, unknown>;
  }
}
