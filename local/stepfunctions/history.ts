// Turns the ASL interpreter's event log, plus what our task integrations see, into AWS execution history:
// AWS event types (TaskStateEntered, TaskScheduled, ...) with their `...EventDetails`.

import type { Clock } from '../clock';
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

const json = (value: unknown): string => JSON.stringify(value ?? null);
const noTruncation = { truncated: false };

/** "arn:aws:states:::sagemaker:createTrainingJob.sync" → sagemaker / createTrainingJob.sync. */
export function describeResource(resourceArn: string): TaskResource {
  const match = /^arn:[^:]+:states:[^:]*:[^:]*:(.+):([^:]+)$/.exec(resourceArn);
  if (match) return { resourceType: match[1] as string, resource: match[2] as string };
  const lambda = /^arn:[^:]+:lambda:/.test(resourceArn);
  return { resourceType: lambda ? 'lambda' : 'unknown', resource: resourceArn };
}

export class HistoryRecorder {
  /** States entered and not yet exited, by name, so task events can wait for their state's entry. */
  private readonly open = new Map<string, { type: string; count: number }>();
  private readonly waiters: { name: string; resolve: () => void }[] = [];

  constructor(
    private readonly execution: ExecutionRecord,
    private readonly clock: Clock,
    private readonly roleArn: string,
    private readonly mapLength: (state: string, input: unknown) => number | undefined,
    private readonly onAdd?: (event: HistoryEventRecord) => void,
  ) {}

  add(type: string, details?: [string, Record<string, unknown>], realMs = Date.now()): HistoryEventRecord {
    const events = this.execution.events;
    const event: HistoryEventRecord = {
      id: events.length + 1,
      previousEventId: events.length,
      timestamp: this.clock.fromReal(realMs),
      type,
    };
    if (details) event[details[0] as `${string}EventDetails`] = details[1];
    events.push(event);
    this.onAdd?.(event);
    return event;
  }

  /** Resolves once the interpreter's StateEntered for `name` has been recorded, keeping event order true. */
  entered(name: string): Promise<void> {
    if (this.open.has(name)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ name, resolve }));
  }

  /** The state currently running (the most recently entered, still open), if any. */
  openState(): { name: string; type: string } | undefined {
    const last = [...this.open.entries()].pop();
    return last ? { name: last[0], type: last[1].type } : undefined;
  }

  record(event: InterpreterEvent): void {
    const at = event.timestamp;
    switch (event.type) {
      case 'ExecutionStarted':
        this.add(
          'ExecutionStarted',
          [
            'executionStartedEventDetails',
            { input: json(event.input), inputDetails: noTruncation, roleArn: this.roleArn },
          ],
          at,
        );
        return;
      case 'StateEntered':
        return this.stateEntered(event, at);
      case 'StateExited':
        return this.stateExited(event, at);
      case 'StateFailed':
        return this.stateFailed(event, at);
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const key = `mapIteration${event.type.slice('MapIteration'.length)}EventDetails`;
        this.add(event.type, [key, { name: event.parentState?.name, index: event.index }], at);
        return;
      }
      case 'ExecutionSucceeded':
        this.add(
          'ExecutionSucceeded',
          ['executionSucceededEventDetails', { output: json(event.output), outputDetails: noTruncation }],
          at,
        );
        return;
      case 'ExecutionFailed':
        this.add(
          'ExecutionFailed',
          ['executionFailedEventDetails', { error: event.Error, cause: causeText(event.Cause) }],
          at,
        );
        return;
      case 'ExecutionTimeout':
        this.add('ExecutionTimedOut', ['executionTimedOutEventDetails', {}], at);
        return;
      case 'StateCaught':
        if (event.state) this.close(event.state.name);
        return;
      default:
        // Retried events have no AWS counterpart: AWS shows them as TaskFailed then TaskScheduled.
        return;
    }
  }

  /** A stop: the open state is aborted, then the execution. */
  aborted(error: string | undefined, cause: string | undefined, realMs = Date.now()): void {
    const state = this.openState();
    if (state)
      this.add(`${state.type}StateAborted`, ['stateExitedEventDetails', { name: state.name }], realMs);
    this.add('ExecutionAborted', ['executionAbortedEventDetails', { error, cause }], realMs);
  }

  taskScheduled(
    resource: TaskResource,
    region: string,
    parameters: unknown,
    timeoutInSeconds?: number,
  ): void {
    this.add('TaskScheduled', [
      'taskScheduledEventDetails',
      { ...resource, region, parameters: json(parameters), timeoutInSeconds },
    ]);
    this.add('TaskStarted', ['taskStartedEventDetails', { ...resource }]);
  }

  taskSucceeded(resource: TaskResource, output: unknown): void {
    this.add('TaskSucceeded', [
      'taskSucceededEventDetails',
      { ...resource, output: json(output), outputDetails: noTruncation },
    ]);
  }

  taskFailed(resource: TaskResource, error: string, cause: string): void {
    this.add('TaskFailed', ['taskFailedEventDetails', { ...resource, error, cause }]);
  }

  private stateEntered(event: InterpreterEvent, at: number): void {
    const state = event.state;
    if (!state) return;
    this.add(
      `${state.type}StateEntered`,
      [
        'stateEnteredEventDetails',
        { name: state.name, input: json(state.input), inputDetails: noTruncation },
      ],
      at,
    );
    if (state.type === 'Map') {
      this.add(
        'MapStateStarted',
        ['mapStateStartedEventDetails', { length: this.mapLength(state.name, state.input) }],
        at,
      );
    }
    const open = this.open.get(state.name);
    this.open.set(state.name, { type: state.type, count: (open?.count ?? 0) + 1 });
    for (const waiter of this.waiters.filter((w) => w.name === state.name)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  private stateExited(event: InterpreterEvent, at: number): void {
    const state = event.state;
    if (!state) return;
    this.close(state.name);
    if (state.type === 'Fail') return; // AWS records no exit for a Fail state
    if (state.type === 'Map') this.add('MapStateSucceeded', undefined, at);
    this.add(
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
    if (!state) return;
    // The state stays open: a retry runs it again without a new StateEntered. A catch closes it.
    if (state.type === 'Map') this.add('MapStateFailed', undefined, at);
    if (state.type === 'Parallel') this.add('ParallelStateFailed', undefined, at);
  }

  private close(name: string): void {
    const open = this.open.get(name);
    if (!open) return;
    if (open.count > 1) open.count -= 1;
    else this.open.delete(name);
  }
}

function causeText(cause: unknown): string | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause);
}
