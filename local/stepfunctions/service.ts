// The local Step Functions API: state machines, executions, history, with AWS's names, errors and paging.

import { realClock, type Clock, type TimeScale } from '../clock';
import { guarded } from '../listeners';
import {
  AwsError,
  decodeToken,
  encodeToken,
  isCount,
  optionalString,
  pageSize,
  requireString,
} from '../protocol';
import { compileDefinition, type CompiledMachine } from './compiled';
import { runExecution, type ExecutionDeps, type RunningExecution } from './executor';
import { TaskTokens, TOKEN_LIMITS } from './task-tokens';
import {
  executionArn,
  isValidName,
  redriveInfo,
  stateMachineArn,
  type ExecutionRecord,
  type ExecutionStatus,
  type StateMachineRecord,
} from './model';

type Input = Record<string, unknown>;
type Handler = (input: Input) => unknown;

export interface StepFunctionsOptions extends ExecutionDeps {
  accountId: string;
  /** Told when an execution starts or reaches a final status. A listener that throws is logged and ignored. */
  onStatusChange?: (execution: ExecutionRecord) => void;
  /** The clock live executions run on (default: the real one); seeded past builds bring their own. */
  clock?: Clock;
}

export interface ExecutionTiming {
  clock?: Clock;
  timeScale?: TimeScale;
  /**
   * Tell no listener about this execution (neither status changes nor history events): seeded past builds
   * happened "in the past", so they must not reach EventBridge targets or the console as if live.
   */
  quiet?: boolean;
}

/** Every statusFilter AWS accepts. PENDING_REDRIVE matches nothing here: the local AWS never redrives. */
const STATUS_FILTERS = new Set<string>([
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
] satisfies (ExecutionStatus | 'PENDING_REDRIVE')[]);

/** A ListExecutions position: the start date and sequence number of the last execution returned. */
const isExecutionPosition = (value: unknown): value is [number, number] =>
  Array.isArray(value) &&
  value.length === 2 &&
  typeof value[0] === 'number' &&
  Number.isFinite(value[0]) &&
  isCount(value[1]);

export class StepFunctionsService {
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly compiled = new Map<string, CompiledMachine>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, RunningExecution>();
  private seq = 0;

  readonly operations: Record<string, Handler> = {
    CreateStateMachine: (input) => this.createStateMachine(input),
    DescribeStateMachine: (input) => this.describeStateMachine(input),
    ListStateMachines: (input) => this.listStateMachines(input),
    StartExecution: (input) => this.startExecution(input),
    StopExecution: (input) => this.stopExecution(input),
    DescribeExecution: (input) => this.describeExecution(input),
    DescribeStateMachineForExecution: (input) => this.describeStateMachineForExecution(input),
    ListExecutions: (input) => this.listExecutions(input),
    GetExecutionHistory: (input) => this.getExecutionHistory(input),
    SendTaskSuccess: (input) => this.sendTaskSuccess(input),
    SendTaskFailure: (input) => this.sendTaskFailure(input),
    SendTaskHeartbeat: (input) => this.sendTaskHeartbeat(input),
  };

  /** The tokens of `.waitForTaskToken` tasks. */
  readonly tokens = new TaskTokens();

  constructor(private readonly options: StepFunctionsOptions) {}

  createStateMachine(input: Input): { stateMachineArn: string; creationDate: Date } {
    const name = requireString(input, 'name');
    if (!isValidName(name)) throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
    const definition = requireString(input, 'definition');
    const roleArn = requireString(input, 'roleArn');
    const arn = stateMachineArn(this.options.region, this.options.accountId, name);
    const existing = this.machines.get(arn);
    if (existing) {
      if (existing.definition === definition && existing.roleArn === roleArn) {
        return { stateMachineArn: arn, creationDate: new Date(existing.creationDate) };
      }
      throw new AwsError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const compiled = compileDefinition(definition);
    const type = input.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
    const record = {
      arn,
      name,
      definition,
      roleArn,
      type,
      creationDate: Date.now(),
      seq: ++this.seq,
    } as const;
    this.machines.set(arn, record);
    this.compiled.set(arn, compiled);
    return { stateMachineArn: arn, creationDate: new Date(record.creationDate) };
  }

  describeStateMachine(input: Input): Record<string, unknown> {
    const machine = this.machine(requireString(input, 'stateMachineArn'));
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definition,
      roleArn: machine.roleArn,
      type: machine.type,
      creationDate: new Date(machine.creationDate),
    };
  }

  /** The definition an execution ran. Local machines are never updated, so it is the machine's own. */
  describeStateMachineForExecution(input: Input): Record<string, unknown> {
    const execution = this.execution(requireString(input, 'executionArn'));
    const machine = this.machine(execution.stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      definition: machine.definition,
      roleArn: machine.roleArn,
      updateDate: new Date(machine.creationDate),
    };
  }

  listStateMachines(input: Input): Record<string, unknown> {
    const all = [...this.machines.values()].sort((a, b) => a.seq - b.seq);
    const { items, nextToken } = page(all, input, {
      scope: 'ListStateMachines',
      fallbackSize: 100,
      maxSize: 1000,
      position: (m) => m.seq,
      isPosition: isCount,
      isAfter: (m, after) => m.seq > after,
    });
    return {
      stateMachines: items.map((m) => ({
        stateMachineArn: m.arn,
        name: m.name,
        type: m.type,
        creationDate: new Date(m.creationDate),
      })),
      nextToken,
    };
  }

  /**
   * Starts an execution. The local runner may pass its own clock and time scale: seeded history runs fast
   * on a replay clock so that it lands in the past, and quietly (see ExecutionTiming.quiet).
   */
  startExecution(input: Input, timing: ExecutionTiming = {}): { executionArn: string; startDate: Date } {
    const clock = timing.clock ?? this.options.clock ?? realClock;
    const machine = this.machine(requireString(input, 'stateMachineArn'));
    const name = optionalString(input, 'name') ?? crypto.randomUUID();
    if (!isValidName(name)) throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
    const rawInput = optionalString(input, 'input') ?? '{}';
    try {
      JSON.parse(rawInput);
    } catch {
      throw new AwsError('InvalidExecutionInput', `Invalid execution input: '${rawInput.slice(0, 100)}'`);
    }
    const arn = executionArn(machine.arn, name);
    const existing = this.executions.get(arn);
    if (existing) {
      // AWS: same name and input while still running returns the same execution; anything else is a clash.
      if (existing.status === 'RUNNING' && existing.input === rawInput) {
        return { executionArn: arn, startDate: new Date(existing.startDate) };
      }
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const execution: ExecutionRecord = {
      arn,
      stateMachineArn: machine.arn,
      name,
      status: 'RUNNING',
      startDate: clock.now(),
      input: rawInput,
      events: [],
      seq: ++this.seq,
    };
    const compiled = this.compiled.get(machine.arn) as CompiledMachine;
    const deps: ExecutionDeps = {
      ...this.options,
      timeScale: timing.timeScale ?? this.options.timeScale,
      onHistoryEvent: timing.quiet ? undefined : this.options.onHistoryEvent,
      ...(timing.quiet ? { quiet: true } : {}),
      // Quiet (seeded) builds' events reach nobody: nobody is to act on the past.
      events:
        timing.quiet && this.options.events
          ? { ...this.options.events, put: () => undefined }
          : this.options.events,
      tokens: this.tokens,
    };
    const onStatusChange = timing.quiet ? undefined : this.options.onStatusChange;
    const tell = (changed: ExecutionRecord): void => {
      if (onStatusChange) guarded('a status-change listener', () => onStatusChange(changed));
    };
    // Registered only once it runs: an execution that could not start leaves no RUNNING record behind.
    const running = runExecution(machine, compiled, execution, clock, deps, (finished) => {
      this.running.delete(finished.arn);
      tell(finished);
    });
    this.executions.set(arn, execution);
    this.running.set(arn, running);
    tell(execution);
    return { executionArn: arn, startDate: new Date(execution.startDate) };
  }

  stopExecution(input: Input): { stopDate: Date } {
    const execution = this.execution(requireString(input, 'executionArn'));
    const running = this.running.get(execution.arn);
    if (execution.status === 'RUNNING' && running) {
      running.stop(optionalString(input, 'error'), optionalString(input, 'cause'));
    }
    // AWS answers a stop of a finished execution with success and its original stop date.
    return { stopDate: new Date(execution.stopDate ?? Date.now()) };
  }

  describeExecution(input: Input): Record<string, unknown> {
    const execution = this.execution(requireString(input, 'executionArn'));
    return {
      ...summary(execution),
      input: execution.input,
      inputDetails: { included: true },
      output: execution.output,
      outputDetails: execution.output === undefined ? undefined : { included: true },
      error: execution.error,
      cause: execution.cause,
      redriveCount: 0,
      ...redriveInfo(execution),
    };
  }

  listExecutions(input: Input): Record<string, unknown> {
    const machine = this.machine(requireString(input, 'stateMachineArn'));
    const filter = optionalString(input, 'statusFilter');
    if (filter !== undefined && !STATUS_FILTERS.has(filter)) {
      throw new AwsError(
        'ValidationException',
        `Value '${filter}' at 'statusFilter' failed to satisfy constraint`,
      );
    }
    const newestFirst = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === machine.arn && (filter === undefined || e.status === filter))
      .sort((a, b) => b.startDate - a.startDate || b.seq - a.seq);
    const { items, nextToken } = page(newestFirst, input, {
      scope: `ListExecutions ${machine.arn} ${filter ?? ''}`,
      fallbackSize: 100,
      maxSize: 1000,
      position: (e): [number, number] => [e.startDate, e.seq],
      isPosition: isExecutionPosition,
      isAfter: (e, [date, seq]) => e.startDate < date || (e.startDate === date && e.seq < seq),
    });
    return { executions: items.map(summary), nextToken };
  }

  getExecutionHistory(input: Input): Record<string, unknown> {
    const execution = this.execution(requireString(input, 'executionArn'));
    const reverse = input.reverseOrder === true;
    const includeData = input.includeExecutionData !== false;
    const ordered = reverse ? [...execution.events].reverse() : execution.events;
    const { items, nextToken } = page(ordered, input, {
      scope: `GetExecutionHistory ${execution.arn} ${reverse ? 'reverse' : 'forward'}`,
      fallbackSize: 100,
      maxSize: 1000,
      position: (e) => e.id,
      isPosition: isCount,
      isAfter: (e, after) => (reverse ? e.id < after : e.id > after),
    });
    return {
      events: items.map((event) => ({
        ...(includeData ? event : withoutData(event as unknown as Record<string, unknown>)),
        timestamp: new Date(event.timestamp),
      })),
      nextToken,
    };
  }

  /** The callback pattern: the output must be JSON, as AWS checks it (InvalidOutput). */
  sendTaskSuccess(input: Input): Record<string, never> {
    const token = taskToken(input);
    const output = requireString(input, 'output');
    assertMaxLength('output', output, TOKEN_LIMITS.outputChars);
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new AwsError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
    }
    this.tokens.succeed(token, parsed);
    return {};
  }

  sendTaskFailure(input: Input): Record<string, never> {
    const token = taskToken(input);
    const error = optionalString(input, 'error');
    const cause = optionalString(input, 'cause');
    if (error !== undefined) assertMaxLength('error', error, TOKEN_LIMITS.errorChars);
    if (cause !== undefined) assertMaxLength('cause', cause, TOKEN_LIMITS.causeChars);
    this.tokens.fail(token, error, cause);
    return {};
  }

  sendTaskHeartbeat(input: Input): Record<string, never> {
    this.tokens.heartbeat(taskToken(input));
    return {};
  }

  /** For the local runner and tests: every execution of a state machine, newest first. */
  executionsOf(stateMachine: string): ExecutionRecord[] {
    return [...this.executions.values()]
      .filter((e) => e.stateMachineArn === stateMachine)
      .sort((a, b) => b.startDate - a.startDate || b.seq - a.seq);
  }

  /** Resolves when the execution has finished (or at once if it has). */
  async waitFor(arn: string): Promise<ExecutionRecord> {
    await this.running.get(arn)?.done;
    return this.execution(arn);
  }

  stopAll(): void {
    for (const running of this.running.values())
      running.stop('LocalAwsShutdown', 'The local AWS is shutting down.');
  }

  private machine(arn: string): StateMachineRecord {
    const machine = this.machines.get(arn);
    if (!machine) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  private execution(arn: string): ExecutionRecord {
    const execution = this.executions.get(arn);
    if (!execution) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }
}

/** A request's taskToken, its length checked before it is looked up (at most 2,048 characters). */
function taskToken(input: Input): string {
  const token = requireString(input, 'taskToken');
  assertMaxLength('taskToken', token, TOKEN_LIMITS.tokenChars);
  return token;
}

function assertMaxLength(member: string, value: string, max: number): void {
  if (value.length > max) throw lengthError(member, `less than or equal to ${max}`);
}

/** AWS's constraint wording; the value itself is not echoed (it may be a megabyte, or a secret token). */
function lengthError(member: string, bound: string): AwsError {
  return new AwsError(
    'ValidationException',
    `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length ${bound}`,
  );
}

function summary(execution: ExecutionRecord): Record<string, unknown> {
  return {
    executionArn: execution.arn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: new Date(execution.startDate),
    stopDate: execution.stopDate === undefined ? undefined : new Date(execution.stopDate),
  };
}

function withoutData(event: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') {
      const { input: _input, output: _output, ...rest } = value as Record<string, unknown>;
      copy[key] = rest;
    } else copy[key] = value;
  }
  return copy;
}

interface Paging<T, P> {
  /** What the token pages: the operation and its resource. A token from anything else is InvalidToken. */
  scope: string;
  fallbackSize: number;
  maxSize: number;
  position: (item: T) => P;
  isPosition: (value: unknown) => value is P;
  isAfter: (item: T, position: P) => boolean;
}

/** Cursor paging: the token holds the position of the last item returned. */
function page<T, P>(ordered: T[], input: Input, paging: Paging<T, P>): { items: T[]; nextToken?: string } {
  const size = pageSize(input, paging.fallbackSize, paging.maxSize);
  const after = decodeToken(input.nextToken, paging.scope, paging.isPosition);
  const start = after === undefined ? 0 : ordered.findIndex((item) => paging.isAfter(item, after));
  const rest = start < 0 ? [] : ordered.slice(start);
  const items = rest.slice(0, size);
  const last = items[items.length - 1];
  return {
    items,
    nextToken:
      rest.length > size && last !== undefined ? encodeToken(paging.scope, paging.position(last)) : undefined,
  };
}
