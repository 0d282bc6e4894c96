// Runs one execution with aws-local-stepfunctions: every Task goes to the simulated SageMaker, waits and
// retries are shortened by the time scale, and the interpreter's events become AWS history.

import type { Clock, TimeScale } from '../clock';
import { guarded, oneLine } from '../listeners';
import type { SageMakerSimulator } from '../sagemaker/simulator';
import { sageMakerTaskHandler } from '../sagemaker/task-integration';
import { resolveSimplePath, type CompiledMachine, type TaskStateInfo } from './compiled';
import { describeResource, failureCause, HistoryRecorder, type InterpreterEvent } from './history';
import { eventsTaskHandler, type EventsTarget } from './events-tasks';
import { lambdaTaskHandler, type LocalFunction } from './lambda-tasks';
import type { TaskTokens } from './task-tokens';
import type { ExecutionRecord, ExecutionStatus, HistoryEventRecord, StateMachineRecord } from './model';
import { isStatesTimeout, withinTimeout } from './timeouts';

export interface ExecutionDeps {
  region: string;
  accountId: string;
  sim: SageMakerSimulator;
  /** Lambda functions served locally, by name; any other function is not found. */
  functions?: ReadonlyMap<string, LocalFunction>;
  timeScale: TimeScale;
  /** Called before each task call; throws to inject a fault (e.g. throttling) into the pipeline. */
  beforeTaskCall?: (resource: string) => void;
  /**
   * Told of every history event as it is recorded (the local console prints steps from these). A listener
   * that throws is logged and ignored: it never decides how the execution goes.
   */
  onHistoryEvent?: (execution: ExecutionRecord, event: HistoryEventRecord) => void;
  /** Where EventBridge PutEvents tasks deliver their events; without it such tasks are not simulated. */
  events?: EventsTarget;
  /** The task tokens of `.waitForTaskToken` tasks ($$.Task.Token), shared with SendTaskSuccess and the like. */
  tokens?: TaskTokens;
  /** A seeded past build: its SageMaker work emits no events either. */
  quiet?: boolean;
}

/** The callback pattern's suffix: the task waits for SendTaskSuccess/Failure after its call. */
const CALLBACK = '.waitForTaskToken';
const HEARTBEAT_TIMEOUT = 'States.HeartbeatTimeout';

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
    compiled.scopes,
    (state, input) => {
      const [inputPath, itemsPath] = compiled.mapItemsPaths.get(state) ?? ['$', '$'];
      const items = resolveSimplePath(resolveSimplePath(input, inputPath), itemsPath);
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
    const instance = await recorder.claimTask(name);
    const resource = describeResource(info.resource);
    const timeout = info.timeoutSeconds ?? timeoutFromPath(info, instance.input);
    bookkeeping(() =>
      recorder.taskScheduled(instance, resource, deps.region, params, {
        timeoutInSeconds: timeout,
        heartbeatInSeconds: info.heartbeatSeconds,
      }),
    );
    // Stopped, timed out, or aborted with its Parallel or Map: the work stops and reports nothing more.
    const attempt = new AbortController();
    const signal = AbortSignal.any([taskAbort.signal, instance.abort.signal, attempt.signal]);
    const live = (): boolean => !stopRequest && recorder.isOpen(instance);
    let output: unknown;
    try {
      deps.beforeTaskCall?.(info.resource);
      const submitted = (response: unknown): void => {
        if (live()) bookkeeping(() => recorder.taskSubmitted(instance, resource, response));
      };
      const work = info.resource.endsWith(CALLBACK)
        ? callbackTask(info, params, signal, submitted)
        : taskHandler(info.resource, signal, submitted)((params ?? {}) as Record<string, unknown>);
      output = await withinTimeout(work, timeout, deps.timeScale, () => attempt.abort());
    } catch (error) {
      if (live()) {
        bookkeeping(() => {
          if (isStatesTimeout(error)) return recorder.taskTimedOut(instance, resource);
          if ((error as Error).name === HEARTBEAT_TIMEOUT) {
            return recorder.taskTimedOut(instance, resource, HEARTBEAT_TIMEOUT);
          }
          const { name: errorName, message } = error as Error;
          recorder.taskFailed(instance, resource, errorName, message);
        });
      }
      recorder.release(instance);
      throw error;
    }
    if (live()) bookkeeping(() => recorder.taskSucceeded(instance, resource, output));
    return output;
  }

  /**
   * A `.waitForTaskToken` task: the service call (its response is TaskSubmitted), then the wait for the token
   * its parameters carry. Without a token in them the task waits until it times out, as on AWS.
   */
  async function callbackTask(
    info: TaskStateInfo,
    params: unknown,
    signal: AbortSignal,
    submitted: (response: unknown) => void,
  ): Promise<unknown> {
    const tokens = deps.tokens;
    if (!tokens) throw unsupportedResource(info.resource);
    const [token] = tokens.tokensIn(execution.arn, params);
    const call = taskHandler(info.resource.slice(0, -CALLBACK.length), signal, () => undefined);
    const response = await call((params ?? {}) as Record<string, unknown>);
    submitted(response);
    if (token === undefined) {
      await new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('the task ended')), { once: true }),
      );
    }
    const heartbeat = info.heartbeatSeconds;
    return tokens.wait(
      token as string,
      signal,
      heartbeat === undefined ? undefined : deps.timeScale.realMs(heartbeat),
    );
  }

  function taskHandler(
    resource: string,
    signal: AbortSignal,
    onSubmitted: (response: unknown) => void,
  ): (params: Record<string, unknown>) => Promise<unknown> {
    const handler =
      sageMakerTaskHandler(resource, deps.sim, {
        clock,
        timeScale: deps.timeScale,
        signal,
        onSubmitted,
        ...(deps.quiet ? { quiet: true } : {}),
      }) ??
      lambdaTaskHandler(resource, {
        region: deps.region,
        accountId: deps.accountId,
        functions: deps.functions ?? new Map(),
      }) ??
      eventsTaskHandler(resource, deps.events);
    if (!handler) throw unsupportedResource(resource);
    return handler;
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
      // Each read of $$.Task.Token (a task's Parameters) issues a fresh token of this execution.
      Task: taskContext(execution.arn, deps.tokens),
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

  // The execution's own TimeoutSeconds, in scaled time (the interpreter's real-time timer is removed).
  let timedOut = false;
  const cancelExecutionTimer =
    compiled.timeoutSeconds === undefined
      ? undefined
      : deps.timeScale.after(compiled.timeoutSeconds, () => {
          timedOut = true;
          taskAbort.abort();
          run.abort();
        });

  const finish = (status: ExecutionStatus, realMs: number, fields: Partial<ExecutionRecord>): void => {
    if (execution.status !== 'RUNNING') return;
    cancelExecutionTimer?.();
    deps.tokens?.closeExecution(execution.arn);
    Object.assign(execution, fields, { status, stopDate: clock.fromReal(realMs) });
    taskAbort.abort();
    onFinished(execution);
  };

  const events = (async () => {
    for await (const event of run.eventLogs as AsyncIterable<InterpreterEvent>) {
      if (event.type === 'ExecutionAborted' && timedOut && !stopRequest) {
        recorder.timedOut(event.timestamp);
        finish('TIMED_OUT', event.timestamp, {});
        continue;
      }
      if (event.type === 'ExecutionAborted') {
        recorder.aborted(stopRequest?.error, stopRequest?.cause, event.timestamp);
        finish('ABORTED', event.timestamp, { error: stopRequest?.error, cause: stopRequest?.cause });
        continue;
      }
      recorder.record(event);
      const status = TERMINAL_EVENTS[event.type];
      if (status === 'SUCCEEDED')
        finish(status, event.timestamp, { output: JSON.stringify(event.output ?? null) });
      else if (status) finish(status, event.timestamp, { error: event.Error, cause: failureCause(event) });
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

/** The context object's Task: its Token is issued when read (the interpreter sets no Task of its own). */
function taskContext(executionArn: string, tokens: TaskTokens | undefined): Record<string, unknown> {
  const task: Record<string, unknown> = {};
  Object.defineProperty(task, 'Token', {
    enumerable: true,
    get: () => tokens?.issue(executionArn),
  });
  return task;
}

function unsupportedResource(resource: string): Error {
  const error = new Error(
    `The local AWS runs SageMaker, Lambda and EventBridge PutEvents tasks only; ${resource} is not simulated.`,
  );
  error.name = 'States.Runtime';
  return error;
}

/** TimeoutSecondsPath, read from the state's input; AWS wants a positive whole number of seconds. */
function timeoutFromPath(info: TaskStateInfo, input: unknown): number | undefined {
  if (info.timeoutSecondsPath === undefined) return undefined;
  const value = resolveSimplePath(input, info.timeoutSecondsPath);
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function mapValues<V, R>(map: Map<string, V>, fn: (value: V) => R): Record<string, R> {
  return Object.fromEntries([...map].map(([key, value]) => [key, fn(value)]));
}
