// Timers and change notifications shared by the simulated resources. Keeping them in one place lets
// dispose() end every pending transition and waiter at once, so tests and shutdown leave nothing running.
import { EventEmitter } from 'node:events';
import type { SimContext } from '../clock';
import { AwsError } from '../protocol';

/** A call still in flight when the local AWS shuts down: AWS's common 503, not an internal error to log. */
export class SimulatorDisposedError extends AwsError {
  constructor() {
    super('ServiceUnavailable', 'The SageMaker simulator was disposed.', 503);
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
}

export class SimRuntime {
  private readonly timers = new Set<() => void>();
  private readonly changes = new EventEmitter();
  private readonly waiters = new Set<(error: unknown) => void>();
  private disposed = false;

  constructor() {
    // Any number of callers may wait on the same resource.
    this.changes.setMaxListeners(0);
  }

  assertLive(): void {
    if (this.disposed) throw new SimulatorDisposedError();
  }

  /** Runs `fn` after `simSeconds` of simulated work. Returns a function that cancels it. */
  after(ctx: SimContext, simSeconds: number, fn: () => void): () => void {
    this.assertLive();
    // In simulated order with the task timeouts of the same scale, so machine speed never decides a race.
    const cancel = ctx.timeScale.after(simSeconds, () => {
      this.timers.delete(cancel);
      fn();
    });
    this.timers.add(cancel);
    return () => {
      cancel();
      this.timers.delete(cancel);
    };
  }

  /** Tells waiters on `key` to look again. */
  changed(key: string): void {
    this.changes.emit(key);
  }

  /**
   * Resolves with the first defined result of `check`, which runs now and again on every change of `key`.
   * Rejects when `check` throws, `signal` aborts or the runtime is disposed.
   */
  waitUntil<T>(key: string, check: () => T | undefined, signal?: AbortSignal): Promise<T> {
    this.assertLive();
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const cleanup = (): void => {
        this.changes.off(key, onChange);
        signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(fail);
      };
      const fail = (error: unknown): void => {
        cleanup();
        reject(error);
      };
      const onAbort = (): void => fail(signal ? abortReason(signal) : undefined);
      const onChange = (): void => {
        let result: T | undefined;
        try {
          result = check();
        } catch (error) {
          fail(error);
          return;
        }
        if (result === undefined) return;
        cleanup();
        resolve(result);
      };
      this.changes.on(key, onChange);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(fail);
      onChange();
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    for (const fail of [...this.waiters]) fail(new SimulatorDisposedError());
    this.changes.removeAllListeners();
  }
}
