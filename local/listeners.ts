// Telling listeners and keeping books without letting either decide a build: whatever a listener does
// (throws, rejects), the local AWS logs one line and carries on.

/** An error's first line, for a log line without a stack. */
export function oneLine(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  const text = typeof message === 'string' ? message : String(error);
  return text.split('\n', 1)[0] ?? '';
}

/** Runs `call`; if it throws (or returns a promise that rejects), logs "local AWS: <what> failed: …". */
export function guarded(what: string, call: () => unknown): void {
  const report = (error: unknown): void => console.error(`local AWS: ${what} failed: ${oneLine(error)}`);
  try {
    const result = call();
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, report);
    }
  } catch (error) {
    report(error);
  }
}
