// Runs one execution with aws-local-stepfunctions: every Task goes to the simulated SageMaker, waits and
// retries are shortened by the time scale, and the interpreter's events become AWS history.

import type { Clock, TimeScale } from '../clock';
import { guarded, oneLine } from '../listeners';
import type { SageMakerSimulator } from '../sagemaker/simulator';
import { sageMakerTaskHandler } from '../sagemaker/task-integration';
import { resolveSimplePath, type CompiledMachine, type TaskStateInfo } from './compiled';
import { describeResource, HistoryRecorder, type InterpreterEvent } from './history';
import type { ExecutionRecord, ExecutionStatus, HistoryEventRecord, StateMachineRecord } from './model';

export interface ExecutionDeps {
  region: string;
  sim: SageMakerSimulator;
  timeScale: TimeScale;
  /** Called before each task call; throws to inject a fault (e.g. throttling) into the pipeline. */
  beforeTaskCall?: (resource: string) => void;
  /**
   * Told of every history event as it is recorded (the local console prints steps from these). A listener
   * that throws is logged and ignored: it never decides how the execution goes.
   */
  onHistoryEvent?: (execution: ExecutionRecord, event: HistoryEventRecord) => void;
}

export interface RunningExecution {
  stop(error?: string, cause?: string): void;
  /** Settles once the execution has reached a final status and its history is complete. */
  done: Promise<void>;
}

const TERMINAL_EVENTS: Record<string, ExecutionStatus> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionAborted: 'ABORTED',
  ExecutionTimeout: 'TIMED_OUT',
};

export function runExecution(
  machine: StateMachineRecord,
  compiled: CompiledMachine,
  execution: ExecutionRecord,
  clock: Clock,
  deps: ExecutionDeps,
  onFinished: (execution: ExecutionRecord) => void,
): RunningExecution {
  const recorder = new HistoryRecorder(
    execution,
    clock,
    machine.roleArn,
    (state, input) => {
      const items = resolveSimplePath(input, compiled.mapItemsPaths.get(state) ?? '$');
      return Array.isArray(items) ? items.length : undefined;
    },
    (event) => {
      const listener = deps.onHistoryEvent;
      if (listener) guarded('a history listener', () => listener(execution, event));
    },
  );
  // History is bookkeeping: a failure to record it is logged, and the task or execution goes on regardless.
  const bookkeeping = (call: () => void): void => guarded(`recording history of ${execution.name}`, call);
  const taskAbort = new AbortController();
  let stopRequest: { error?: string; cause?: string } | undefined;

  const taskHandlers: Record<string, (input: unknown) => Promise<never>> = {};
  for (const [name, info] of compiled.tasks) {
    taskHandlers[name] = (params) => runTask(name, info, params) as Promise<never>;
  }

  async function runTask(name: string, info: TaskStateInfo, params: unknown): Promise<unknown> {
    await recorder.entered(name);
    const resource = describeResource(info.resource);
    bookkeeping(() => recorder.taskScheduled(resource, deps.region, params, info.timeoutSeconds));
    let output: unknown;
    try {
      deps.beforeTaskCall?.(info.resource);
      const handler = sageMakerTaskHandler(info.resource, deps.sim, {
        clock,
        timeScale: deps.timeScale,
        signal: taskAbort.signal,
      });
      if (!handler) throw unsupportedResource(info.resource);
      output = await handler((params ?? {}) as Record<string, unknown>);
    } catch (error) {
      if (!stopRequest) {
        bookkeeping(() => {
          const { name: errorName, message } = error as Error;
          recorder.taskFailed(resource, errorName, message);
        });
      }
      throw error;
    }
    if (!stopRequest) bookkeeping(() => recorder.taskSucceeded(resource, output));
    return output;
  }

  const startTime = new Date(execution.startDate).toISOString();
  const input = JSON.parse(execution.input) as unknown;
  const run = compiled.interpreter.run(input as never, {
    noThrowOnAbort: true,
    context: {
      Execution: {
        Id: execution.arn,
        Name: execution.name,
        Input: input as never,
        StartTime: startTime,
        RoleArn: machine.roleArn,
      },
      StateMachine: { Id: machine.arn, Name: machine.name },
    },
    overrides: {
      taskResourceLocalHandlers: taskHandlers,
      waitTimeOverrides: mapValues(compiled.waits, (seconds) => deps.timeScale.realMs(seconds)),
      retryIntervalOverrides: mapValues(compiled.retries, (intervals) =>
        intervals.map((s) => deps.timeScale.realMs(s)),
      ),
    },
  });
  // The result is read from the event log; a rejection here is already recorded there.
  run.result.catch(() => undefined);

  const finish = (status: ExecutionStatus, realMs: number, fields: Partial<ExecutionRecord>): void => {
    if (execution.status !== 'RUNNING') return;
    Object.assign(execution, fields, { status, stopDate: clock.fromReal(realMs) });
    taskAbort.abort();
    onFinished(execution);
  };

  const events = (async () => {
    for await (const event of run.eventLogs as AsyncIterable<InterpreterEvent>) {
      if (event.type === 'ExecutionAborted') {
        recorder.aborted(stopRequest?.error, stopRequest?.cause, event.timestamp);
        finish('ABORTED', event.timestamp, { error: stopRequest?.error, cause: stopRequest?.cause });
        continue;
      }
      recorder.record(event);
      const status = TERMINAL_EVENTS[event.type];
      if (status === 'SUCCEEDED')
        finish(status, event.timestamp, { output: JSON.stringify(event.output ?? null) });
      else if (status) finish(status, event.timestamp, { error: event.Error, cause: causeOf(event) });
    }
    if (execution.status === 'RUNNING') {
      finish('FAILED', Date.now(), {
        error: 'States.Runtime',
        cause: 'The local interpreter stopped unexpectedly.',
      });
    }
  })();
  // Anything unexpected while following the run fails the execution (never a RUNNING record forever, and
  // never an unhandled rejection, which ends the process on Node 20).
  const done = events.catch((error: unknown) => {
    console.error(`local AWS: execution ${execution.name} failed inside the local AWS: ${oneLine(error)}`);
    guarded(`stopping the interpreter for ${execution.name}`, () => run.abort());
    if (execution.status !== 'RUNNING') return;
    const fields = {
      error: 'States.Runtime',
      cause: `The local AWS failed while running this execution: ${oneLine(error)}`,
    };
    const now = Date.now();
    bookkeeping(() => recorder.add('ExecutionFailed', ['executionFailedEventDetails', fields], now));
    guarded(`finishing ${execution.name}`, () => finish('FAILED', now, fields));
  });

  return {
    stop(error, cause) {
      if (execution.status !== 'RUNNING' || stopRequest) return;
      stopRequest = { error, cause };
      taskAbort.abort();
      run.abort();
    },
    done,
  };
}

function causeOf(event: InterpreterEvent): string | undefined {
  const cause = event.Cause;
  if (cause === undefined || cause === null) return undefined;
  return typeof cause === 'string' ? cause : cause instanceof Error ? cause.message : JSON.stringify(cause);
}

function unsupportedResource(resource: string): Error {
  const error = new Error(`The local AWS runs SageMaker tasks only; ${resource} is not simulated.`);
  error.name = 'States.TaskFailed';
  return error;
}

function mapValues<V, R>(map: Map<string, V>, fn: (value: V) => R): Record<string, R> {
  return Object.fromEntries([...map].map(([key, value]) => [key, fn(value)]));
}
