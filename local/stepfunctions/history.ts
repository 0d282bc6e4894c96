// Turns the ASL interpreter's event log, plus what our task integrations see, into AWS execution history:
// AWS event types (TaskStateEntered, TaskScheduled, ...) with their `...EventDetails`, chained by
// previousEventId as AWS chains them. Shapes checked against histories LocalStack recorded on real AWS
// (localstack/localstack tests/aws/services/stepfunctions/v2/**/*.snapshot.json, e.g. test_sfn_api
// test_stop_execution, scenarios/test_base_scenarios test_map_state and test_parallel_state,
// timeouts/test_timeouts, callback/test_callback, services/test_ecs_task_service test_run_task_sync).

import type { Clock } from '../clock';
import { countChecked } from '../conformance';
import { guarded } from '../listeners';
import type { StateScope } from './compiled';
import type { ExecutionRecord, HistoryEventRecord } from './model';

/** The interpreter's event log entries we read (see aws-local-stepfunctions' EventLog type). */
export interface InterpreterEvent {
  type: string;
  timestamp: number;
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  parentState?: { name: string; type: string; input?: unknown };
  index?: number;
}

export interface TaskResource {
  resourceType: string;
  resource: string;
}

/** One run of a state: entered and not yet exited, failed for good or aborted. */
export interface StateInstance {
  name: string;
  type: string;
  /** The lane (top level, one Parallel branch, one Map iteration) whose events chain together. */
  lane: string;
  input: unknown;
  /** A task handler is working for this instance (retries claim it again). */
  claimed: boolean;
  /** A Parallel or Map state that failed: no ...StateSucceeded when a Catch exits it. */
  failed?: boolean;
  /** Aborted by a stop or a failing sibling: whatever its task reports later is not recorded. */
  readonly abort: AbortController;
}

const json = (value: unknown): string => JSON.stringify(value ?? null);
/**
 * States that can be caught mid-way and record `<Type>StateAborted`. Pass, Choice, Succeed and Fail states
 * are over at once on AWS, and a stopped Wait records nothing (test_sfn_api test_stop_execution).
 */
const ABORTABLE = new Set(['Task', 'Map', 'Parallel']);
const noTruncation = { truncated: false };
const TOP = '';

/** "arn:aws:states:::sagemaker:createTrainingJob.sync" → sagemaker / createTrainingJob.sync. */
export function describeResource(resourceArn: string): TaskResource {
  const match = /^arn:[^:]+:states:[^:]*:[^:]*:(.+):([^:]+)$/.exec(resourceArn);
  if (match) return { resourceType: match[1] as string, resource: match[2] as string };
  const lambda = /^arn:[^:]+:lambda:/.test(resourceArn);
  return { resourceType: lambda ? 'lambda' : 'unknown', resource: resourceArn };
}

export class HistoryRecorder {
  private readonly instances: StateInstance[] = [];
  private readonly waiters: { name: string; resolve: (instance: StateInstance) => void }[] = [];
  /** Per lane, the id the lane's next event points back to. The top lane starts at 0, as on AWS. */
  private readonly laneLast = new Map<string, number>([[TOP, 0]]);
  /** Per lane, the Parallel and Map states it sits in, outermost first. */
  private readonly laneParents = new Map<string, string[]>([[TOP, []]]);
  /** Per Parallel/Map state, the newest event recorded inside it (its failure's source). */
  private readonly innerLast = new Map<string, number>();
  /** Per Map state, the last iteration's final inner event and its MapIterationSucceeded. */
  private readonly mapEnd = new Map<string, { inner: number; iteration: number }>();
  /** Per Map state, the last event of its iteration that failed: the source of the aborts that follow. */
  private readonly failureSource = new Map<string, number>();
  /** MapIterationStarted events held back until the previous iteration's end has been recorded. */
  private heldStarts: InterpreterEvent[] = [];
  /** Parallel/Map states that failed: AWS records their ...StateFailed unless a retry follows. */
  private readonly pendingFailures = new Map<string, { type: string; lane: string }>();

  constructor(
    private readonly execution: ExecutionRecord,
    private readonly clock: Clock,
    private readonly roleArn: string,
    private readonly scopes: ReadonlyMap<string, StateScope>,
    private readonly mapLength: (state: string, input: unknown) => number | undefined,
    private readonly onAdd?: (event: HistoryEventRecord) => void,
  ) {}

  /** Appends one event. `previous` defaults to the last event recorded, for execution-level events. */
  add(
    type: string,
    details?: [string, Record<string, unknown>],
    realMs = Date.now(),
    previous = this.execution.events.length,
  ): HistoryEventRecord {
    const events = this.execution.events;
    const event: HistoryEventRecord = {
      id: events.length + 1,
      previousEventId: previous,
      timestamp: this.clock.fromReal(realMs),
      type,
    };
    if (details) event[details[0] as `${string}EventDetails`] = details[1];
    events.push(event);
    countChecked('stepfunctions: history events recorded');
    this.onAdd?.(event);
    return event;
  }

  /**
   * The open instance of Task state `name` that a task handler now works for. The interpreter calls a
   * handler right after it logs the state's entry, so handlers claim entries in order; a retry claims its
   * instance again. Resolves once the entry has been recorded, keeping event order true.
   */
  claimTask(name: string): Promise<StateInstance> {
    const open = this.instances.find((i) => i.name === name && !i.claimed);
    if (open) {
      open.claimed = true;
      return Promise.resolve(open);
    }
    return new Promise((resolve) => this.waiters.push({ name, resolve }));
  }

  /** A task handler is done with its instance (it failed and may be retried). */
  release(instance: StateInstance): void {
    instance.claimed = false;
  }

  isOpen(instance: StateInstance): boolean {
    return this.instances.includes(instance) && !instance.abort.signal.aborted;
  }

  /**
   * The interpreter forwards each iteration's events on its own async path, so iteration n+1 may be
   * reported started before iteration n is reported done. AWS records the end first: an iteration's start
   * waits until another kind of event comes (or the current turn of the event loop ends).
   */
  record(event: InterpreterEvent): void {
    if (event.type === 'MapIterationStarted') {
      if (this.heldStarts.push(event) === 1) {
        setImmediate(() => guarded('recording Map iterations', () => this.flushStarts()));
      }
      return;
    }
    if (event.type !== 'MapIterationSucceeded' && event.type !== 'MapIterationFailed') this.flushStarts();
    this.recordNow(event);
  }

  private flushStarts(): void {
    const held = this.heldStarts;
    this.heldStarts = [];
    for (const event of held) this.mapIterationStarted(event, event.timestamp);
  }

  private recordNow(event: InterpreterEvent): void {
    const at = event.timestamp;
    switch (event.type) {
      case 'ExecutionStarted':
        // The first state entered points back to 0, not to this event.
        this.add(
          'ExecutionStarted',
          [
            'executionStartedEventDetails',
            { input: json(event.input), inputDetails: noTruncation, roleArn: this.roleArn },
          ],
          at,
          0,
        );
        return;
      case 'StateEntered':
        return this.stateEntered(event, at);
      case 'StateExited':
        return this.stateExited(event, at);
      case 'StateFailed':
        return this.stateFailed(event, at);
      case 'StateRetried':
        return this.stateRetried(event, at);
      case 'StateCaught':
        if (event.state) this.flushFailure(event.state.name, at);
        return;
      case 'MapIterationSucceeded':
        return this.mapIterationSucceeded(event, at);
      case 'MapIterationFailed':
        return this.mapIterationFailed(event, at);
      case 'ExecutionSucceeded':
        this.add(
          'ExecutionSucceeded',
          ['executionSucceededEventDetails', { output: json(event.output), outputDetails: noTruncation }],
          at,
          this.laneLast.get(TOP),
        );
        return;
      case 'ExecutionFailed':
        for (const name of [...this.pendingFailures.keys()].reverse()) this.flushFailure(name, at);
        this.add(
          'ExecutionFailed',
          ['executionFailedEventDetails', { error: event.Error, cause: failureCause(event) }],
          at,
          this.lastEventId(),
        );
        return;
      default:
        // Parallel branch events have no AWS counterpart; ParallelStateStarted/Succeeded stand for them.
        return;
    }
  }

  /**
   * A stop: open Task, Map and Parallel states record `<Type>StateAborted` with no details at all, then
   * ExecutionAborted (details only for an error or cause given to StopExecution). A Wait, Pass or Choice
   * state records nothing: see test_stop_execution, where a Wait is followed by ExecutionAborted alone.
   */
  aborted(error: string | undefined, cause: string | undefined, realMs = Date.now()): void {
    this.flushStarts();
    for (const instance of [...this.instances].reverse()) {
      instance.abort.abort();
      if (ABORTABLE.has(instance.type)) {
        this.add(`${instance.type}StateAborted`, undefined, realMs, this.laneLast.get(instance.lane));
      }
    }
    this.instances.length = 0;
    const details: Record<string, unknown> = {};
    if (error !== undefined) details.error = error;
    if (cause !== undefined) details.cause = cause;
    // The recording points ExecutionAborted back to 0.
    this.add('ExecutionAborted', ['executionAbortedEventDetails', details], realMs, 0);
  }

  /** The execution's own TimeoutSeconds ran out (AWS gives the event empty details). */
  timedOut(realMs = Date.now()): void {
    this.flushStarts();
    for (const instance of this.instances) instance.abort.abort();
    this.instances.length = 0;
    this.add('ExecutionTimedOut', ['executionTimedOutEventDetails', {}], realMs, this.lastEventId());
  }

  taskScheduled(
    instance: StateInstance,
    resource: TaskResource,
    region: string,
    parameters: unknown,
    limits: { timeoutInSeconds?: number; heartbeatInSeconds?: number },
  ): void {
    if (isFunctionArn(resource)) {
      this.inLane(instance, 'LambdaFunctionScheduled', [
        'lambdaFunctionScheduledEventDetails',
        {
          resource: resource.resource,
          input: json(parameters),
          inputDetails: noTruncation,
          timeoutInSeconds: limits.timeoutInSeconds,
        },
      ]);
      this.inLane(instance, 'LambdaFunctionStarted');
      return;
    }
    this.inLane(instance, 'TaskScheduled', [
      'taskScheduledEventDetails',
      { ...resource, region, parameters: json(parameters), ...limits },
    ]);
    this.inLane(instance, 'TaskStarted', ['taskStartedEventDetails', { ...resource }]);
  }

  /** A `.sync` task's create call answered: its response, before the job's outcome. */
  taskSubmitted(instance: StateInstance, resource: TaskResource, output: unknown): void {
    this.inLane(instance, 'TaskSubmitted', [
      'taskSubmittedEventDetails',
      { ...resource, output: json(output), outputDetails: noTruncation },
    ]);
  }

  taskSucceeded(instance: StateInstance, resource: TaskResource, output: unknown): void {
    if (isFunctionArn(resource)) {
      this.inLane(instance, 'LambdaFunctionSucceeded', [
        'lambdaFunctionSucceededEventDetails',
        { output: json(output), outputDetails: noTruncation },
      ]);
      return;
    }
    this.inLane(instance, 'TaskSucceeded', [
      'taskSucceededEventDetails',
      { ...resource, output: json(output), outputDetails: noTruncation },
    ]);
  }

  taskFailed(instance: StateInstance, resource: TaskResource, error: string, cause: string): void {
    if (isFunctionArn(resource)) {
      this.inLane(instance, 'LambdaFunctionFailed', ['lambdaFunctionFailedEventDetails', { error, cause }]);
      return;
    }
    this.inLane(instance, 'TaskFailed', ['taskFailedEventDetails', { ...resource, error, cause }]);
  }

  /**
   * TimeoutSeconds ran out: States.Timeout, no cause (as recorded in timeouts/test_timeouts); heartbeats stopped
   * coming for HeartbeatSeconds: States.HeartbeatTimeout, the error AWS documents for it.
   */
  taskTimedOut(instance: StateInstance, resource: TaskResource, error = 'States.Timeout'): void {
    if (isFunctionArn(resource)) {
      this.inLane(instance, 'LambdaFunctionTimedOut', [
        'lambdaFunctionTimedOutEventDetails',
        { error: 'States.Timeout' },
      ]);
      return;
    }
    this.inLane(instance, 'TaskTimedOut', ['taskTimedOutEventDetails', { ...resource, error }]);
  }

  private inLane(
    instance: StateInstance,
    type: string,
    details?: [string, Record<string, unknown>],
    realMs = Date.now(),
  ): HistoryEventRecord {
    const event = this.add(type, details, realMs, this.laneLast.get(instance.lane) ?? 0);
    this.advance(instance.lane, event.id);
    return event;
  }

  /** Moves a lane on, and tells every enclosing Parallel/Map its newest inner event. */
  private advance(lane: string, id: number): void {
    this.laneLast.set(lane, id);
    for (const state of this.laneParents.get(lane) ?? []) this.innerLast.set(state, id);
  }

  private lastEventId(): number {
    return this.execution.events.length;
  }

  /** The lane a state's events go to: its enclosing branch or iteration, inside its parents' lanes. */
  private laneOf(name: string, index: number | undefined): string {
    const parent = this.scopes.get(name)?.parent;
    if (!parent) return TOP;
    const outer = this.laneOf(parent.state, index);
    return this.innerLane(
      outer,
      parent.state,
      parent.type === 'Map' ? `[${index ?? 0}]` : `#${parent.branch}`,
    );
  }

  /** A branch ("#1") or iteration ("[3]") lane of `state`, which runs in lane `outer`. */
  private innerLane(outer: string, state: string, part: string): string {
    const lane = `${outer}${JSON.stringify([state, part])}`;
    if (!this.laneParents.has(lane)) {
      this.laneParents.set(lane, [...(this.laneParents.get(outer) ?? []), state]);
    }
    return lane;
  }

  private stateEntered(event: InterpreterEvent, at: number): void {
    const state = event.state;
    if (!state) return;
    const lane = this.laneOf(state.name, event.index);
    const instance: StateInstance = {
      name: state.name,
      type: state.type,
      lane,
      input: state.input,
      claimed: false,
      abort: new AbortController(),
    };
    this.inLane(
      instance,
      `${state.type}StateEntered`,
      [
        'stateEnteredEventDetails',
        { name: state.name, input: json(state.input), inputDetails: noTruncation },
      ],
      at,
    );
    if (state.type === 'Map') this.mapStarted(instance, at);
    if (state.type === 'Parallel') this.parallelStarted(instance, at);
    this.instances.push(instance);
    const waiter = this.waiters.find((w) => w.name === state.name);
    if (waiter) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      instance.claimed = true;
      waiter.resolve(instance);
    }
  }

  /** MapStateStarted: the first iterations point back to it. */
  private mapStarted(instance: StateInstance, at: number): void {
    const length = this.mapLength(instance.name, instance.input);
    const started = this.inLane(instance, 'MapStateStarted', ['mapStateStartedEventDetails', { length }], at);
    this.innerLast.set(instance.name, started.id);
    this.failureSource.delete(instance.name);
    this.mapEnd.delete(instance.name);
  }

  /** ParallelStateStarted, and each branch lane starts from it. */
  private parallelStarted(instance: StateInstance, at: number): void {
    const started = this.inLane(instance, 'ParallelStateStarted', undefined, at);
    for (const scope of this.scopes.values()) {
      if (scope.parent?.state === instance.name) {
        this.laneLast.set(
          this.innerLane(instance.lane, instance.name, `#${scope.parent.branch}`),
          started.id,
        );
      }
    }
  }

  private stateExited(event: InterpreterEvent, at: number): void {
    const state = event.state;
    if (!state) return;
    const instance = this.close(state.name, this.laneOf(state.name, event.index));
    if (!instance || state.type === 'Fail') return; // AWS records no exit for a Fail state
    if (state.type === 'Map' && !instance.failed) {
      // As recorded: MapStateSucceeded points at the last iteration's final state event, the exit at its
      // MapIterationSucceeded.
      const end = this.mapEnd.get(state.name);
      this.add('MapStateSucceeded', undefined, at, end?.inner ?? this.laneLast.get(instance.lane));
      this.laneLast.set(instance.lane, end?.iteration ?? this.lastEventId());
    }
    if (state.type === 'Parallel' && !instance.failed) {
      // As LocalStack (validated on AWS) chains it: the exit points where the Succeeded event does.
      const inner = this.innerLast.get(state.name) ?? this.laneLast.get(instance.lane) ?? 0;
      this.add('ParallelStateSucceeded', undefined, at, inner);
      this.laneLast.set(instance.lane, inner);
    }
    this.inLane(
      instance,
      `${state.type}StateExited`,
      [
        'stateExitedEventDetails',
        { name: state.name, output: json(state.output), outputDetails: noTruncation },
      ],
      at,
    );
  }

  private stateFailed(event: InterpreterEvent, at: number): void {
    const state = event.state;
    if (!state || (state.type !== 'Map' && state.type !== 'Parallel')) return;
    // The Task states failed for good keep their instance open until retried or caught.
    const lane = this.laneOf(state.name, event.index);
    const inside = `${lane}${JSON.stringify([state.name]).slice(0, -1)},`;
    const source =
      this.failureSource.get(state.name) ?? this.innerLast.get(state.name) ?? this.laneLast.get(lane) ?? 0;
    for (const name of [...this.pendingFailures.keys()]) {
      if (this.pendingFailures.get(name)?.lane.startsWith(inside)) this.flushFailure(name, at);
    }
    // Siblings still running are aborted: in a Parallel every open state, the failed one included
    // (test_callback); in a Map each open iteration, whose failed iteration was already closed.
    const openInside = this.instances.filter((i) => i.lane.startsWith(inside));
    const iterations = new Set<string>();
    for (const instance of openInside.reverse()) {
      instance.abort.abort();
      this.instances.splice(this.instances.indexOf(instance), 1);
      // Only states still working are aborted; the interpreter may merely not have reported others' exit.
      if (!ABORTABLE.has(instance.type)) continue;
      this.add(`${instance.type}StateAborted`, undefined, at, source);
      const iteration = /^"\[(\d+)\]"\]/.exec(instance.lane.slice(inside.length));
      if (iteration && !iterations.has(iteration[1] as string)) {
        iterations.add(iteration[1] as string);
        this.add(
          'MapIterationAborted',
          ['mapIterationAbortedEventDetails', { index: Number(iteration[1]), name: state.name }],
          at,
          source,
        );
      }
    }
    this.laneLast.set(lane, source);
    const failed = this.instances.find((i) => i.name === state.name && i.lane === lane);
    if (failed) failed.failed = true;
    this.pendingFailures.set(state.name, { type: state.type, lane });
  }

  private stateRetried(event: InterpreterEvent, at: number): void {
    const state = event.state;
    if (!state || !this.pendingFailures.delete(state.name)) return;
    const instance = this.instances.find((i) => i.name === state.name);
    if (!instance) return;
    instance.failed = false;
    if (state.type === 'Parallel') this.parallelStarted(instance, at);
    if (state.type === 'Map') this.mapStarted(instance, at);
  }

  /** Records a failed Parallel/Map state's ...StateFailed, now that no retry follows. */
  private flushFailure(name: string, at: number): void {
    const failed = this.pendingFailures.get(name);
    if (!failed) return;
    this.pendingFailures.delete(name);
    const event = this.add(`${failed.type}StateFailed`, undefined, at, this.laneLast.get(failed.lane));
    this.advance(failed.lane, event.id);
  }

  private mapIterationStarted(event: InterpreterEvent, at: number): void {
    const map = event.parentState?.name;
    if (map === undefined || event.index === undefined) return;
    const mapLane = this.laneOf(map, undefined);
    // As recorded: an iteration points at the newest event inside the Map (MapStateStarted at first, the
    // previous iteration's last state event when they run one by one); iteration events don't count.
    const started = this.add(
      'MapIterationStarted',
      ['mapIterationStartedEventDetails', { index: event.index, name: map }],
      at,
      this.innerLast.get(map) ?? this.laneLast.get(mapLane),
    );
    this.laneLast.set(this.innerLane(mapLane, map, `[${event.index}]`), started.id);
  }

  private mapIterationSucceeded(event: InterpreterEvent, at: number): void {
    const map = event.parentState?.name;
    if (map === undefined || event.index === undefined) return;
    const lane = this.innerLane(this.laneOf(map, undefined), map, `[${event.index}]`);
    const inner = this.laneLast.get(lane) ?? 0;
    const done = this.add(
      'MapIterationSucceeded',
      ['mapIterationSucceededEventDetails', { index: event.index, name: map }],
      at,
      inner,
    );
    this.mapEnd.set(map, { inner, iteration: done.id });
  }

  private mapIterationFailed(event: InterpreterEvent, at: number): void {
    const map = event.parentState?.name;
    if (map === undefined || event.index === undefined) return;
    const lane = this.innerLane(this.laneOf(map, undefined), map, `[${event.index}]`);
    // The failed iteration's own states end with it: no ...StateAborted for them (test_timeouts).
    for (const instance of this.instances.filter((i) => i.lane.startsWith(lane))) {
      instance.abort.abort();
      this.instances.splice(this.instances.indexOf(instance), 1);
    }
    const source = this.laneLast.get(lane) ?? 0;
    if (!this.failureSource.has(map)) this.failureSource.set(map, source);
    this.add(
      'MapIterationFailed',
      ['mapIterationFailedEventDetails', { index: event.index, name: map }],
      at,
      source,
    );
  }

  private close(name: string, lane: string): StateInstance | undefined {
    const instance = this.instances.find((i) => i.name === name && i.lane === lane);
    if (instance) this.instances.splice(this.instances.indexOf(instance), 1);
    return instance;
  }
}

/**
 * A Task whose Resource is a Lambda function's ARN records LambdaFunction* events, not Task* events
 * (services/test_lambda_task test_invoke_pipe).
 */
function isFunctionArn(resource: TaskResource): boolean {
  return resource.resourceType === 'lambda' && resource.resource.startsWith('arn:');
}

/**
 * An execution failure's cause. A timeout has none on AWS (test_timeouts), whereas the interpreter's
 * States.Timeout error repeats its name as its message.
 */
export function failureCause(event: Pick<InterpreterEvent, 'Error' | 'Cause'>): string | undefined {
  const cause = causeText(event.Cause);
  return event.Error === 'States.Timeout' && cause === 'States.Timeout' ? undefined : cause;
}

function causeText(cause: unknown): string | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause);
}
