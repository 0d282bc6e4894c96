// Task timeouts as real Step Functions keeps them: only a state's TimeoutSeconds (or TimeoutSecondsPath),
// no default, counted in the local AWS's scaled time.
import '../polyfills';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import type { TimeScale } from '../clock';

let timeoutErrorClass: Promise<(new () => Error) | undefined> | undefined;

/**
 * The interpreter's own States.Timeout error. Its class is not exported, yet its Retry and Catch matching
 * tells a timeout apart by class (States.TaskFailed must not match one), so one is taken from a probe
 * task that times out after a millisecond, once per process.
 */
export async function statesTimeoutError(): Promise<Error> {
  timeoutErrorClass ??= (async () => {
    const probe = new StateMachine(
      {
        StartAt: 'Probe',
        States: {
          Probe: { Type: 'Task', Resource: 'arn:aws:states:::probe', TimeoutSeconds: 0.001, End: true },
        },
      } as never,
      { validationOptions: { noValidate: true } },
    );
    const run = probe.run(
      {},
      { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => {}) } } },
    );
    const failure = await run.result.then(
      () => undefined,
      (error: unknown) => (error instanceof ExecutionError ? error.cause : undefined),
    );
    return failure instanceof Error && failure.name === 'States.Timeout'
      ? (failure.constructor as new () => Error)
      : undefined;
  })();
  const Class = await timeoutErrorClass;
  return Class ? new Class() : Object.assign(new Error('States.Timeout'), { name: 'States.Timeout' });
}

export function isStatesTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'States.Timeout';
}

/**
 * Settles with `work`, or rejects with States.Timeout once `timeoutSeconds` of simulated time have passed on
 * `timeScale` (then `onTimeout` runs first, to stop the work). No limit when `timeoutSeconds` is undefined.
 * The deadline is a timer of the time scale, so simulated work due before it always wins, however slow the
 * machine.
 */
export async function withinTimeout<T>(
  work: Promise<T>,
  timeoutSeconds: number | undefined,
  timeScale: TimeScale,
  onTimeout: () => void,
): Promise<T> {
  if (timeoutSeconds === undefined) return work;
  let cancel: (() => void) | undefined;
  let expired = false;
  const deadline = new Promise<never>((_, reject) => {
    cancel = timeScale.after(timeoutSeconds, () => {
      expired = true;
      onTimeout();
      statesTimeoutError().then(reject, reject);
    });
  });
  try {
    return await Promise.race([work, deadline]);
  } catch (error) {
    // Stopping the work may make it fail first: past the deadline, the task timed out all the same.
    if (expired) throw await statesTimeoutError();
    throw error;
  } finally {
    cancel?.();
  }
}
