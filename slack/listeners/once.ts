// Double clicks and Slack's retries arrive as separate requests, often at the same moment. Requests with the
// same key share one piece of work: the first gets the result, the others learn they were repeats (and say so
// privately instead of announcing twice). The idempotency keys given to the core are the real guarantee across
// processes; this only keeps one process from racing itself, and from announcing one action twice.

const DEFAULT_KEEP_MS = 60_000;

export interface Shared<T> {
  result: T;
  /** False for every request but the first with this key. */
  first: boolean;
}

export class OnceGate {
  private readonly entries = new Map<string, { promise: Promise<unknown>; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Runs `work` unless the same key is in flight, or finished less than `keepMs` ago. Use keepMs 0 for keys
   * that a later, separate request may legitimately repeat ("stop dev" twice a minute apart).
   */
  async run<T>(key: string, work: () => Promise<T>, keepMs = DEFAULT_KEEP_MS): Promise<Shared<T>> {
    this.forgetOld();
    const known = this.entries.get(key);
    if (known) return { result: (await known.promise) as T, first: false };
    const promise = work();
    this.entries.set(key, { promise, until: Infinity });
    const settle = (keep: number) => () => {
      if (keep <= 0) this.entries.delete(key);
      else this.entries.set(key, { promise, until: this.now() + keep });
    };
    // A failure is not remembered: a later click may well succeed.
    promise.then(settle(keepMs), settle(0));
    return { result: await promise, first: true };
  }

  /** Whether `key` was seen within `keepMs`; marks it seen. For events Slack may deliver twice. */
  seen(key: string, keepMs = DEFAULT_KEEP_MS): boolean {
    this.forgetOld();
    if (this.entries.has(key)) return true;
    this.entries.set(key, { promise: Promise.resolve(), until: this.now() + keepMs });
    return false;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  private forgetOld(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.until < now) this.entries.delete(key);
  }
}
