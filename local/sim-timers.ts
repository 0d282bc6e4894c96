// Timers in simulated time that fire in simulated order. Real timers alone let machine speed decide outcomes:
// when the event loop stalls, a job's chain of phase timers falls behind a task's single timeout timer, and a
// replayed build times out that never would have. Here every timer of one time scale has a simulated instant
// (work scheduled while a timer fires counts from that timer's instant, so a chain keeps its simulated pace)
// and a real moment (now plus its length, as a plain timer). A timer fires no earlier than its real moment,
// so a phase is never shorter than its length, and never before a timer of an earlier simulated instant.

interface Pending {
  /** Simulated ms since the scale began. */
  due: number;
  /** Real epoch ms before which it never fires. */
  realAt: number;
  seq: number;
  fn: () => void;
}

export class SimTimers {
  private readonly origin = Date.now();
  private readonly pending: Pending[] = [];
  private firing: number | undefined;
  private lastFired = 0;
  private seq = 0;
  private armed: NodeJS.Timeout | undefined;

  /** `factor` simulated milliseconds pass per real millisecond. */
  constructor(private readonly factor: number) {}

  /** Runs `fn` once `simSeconds` of simulated time have passed. Returns a function that cancels it. */
  after(simSeconds: number, fn: () => void): () => void {
    const ms = simSeconds * 1000;
    const entry: Pending = {
      due: this.now() + ms,
      realAt: Date.now() + ms / this.factor,
      seq: this.seq++,
      fn,
    };
    this.pending.push(entry);
    this.pending.sort((a, b) => a.due - b.due || a.seq - b.seq);
    this.arm();
    return () => {
      const index = this.pending.indexOf(entry);
      if (index < 0) return;
      this.pending.splice(index, 1);
      this.arm();
    };
  }

  /** The simulated instant: the firing timer's, else real time scaled (never going back). */
  private now(): number {
    if (this.firing !== undefined) return this.firing;
    return Math.max(this.lastFired, (Date.now() - this.origin) * this.factor);
  }

  private arm(): void {
    clearTimeout(this.armed);
    this.armed = undefined;
    const next = this.pending[0];
    if (!next) return;
    // One timer per macrotask: promises settled by a fired timer run before the next one fires.
    this.armed = setTimeout(() => this.fireNext(), Math.max(0, next.realAt - Date.now()));
    // A simulated job must never be the reason the process stays up.
    this.armed.unref();
  }

  private fireNext(): void {
    this.armed = undefined;
    const next = this.pending.shift();
    if (next) {
      this.firing = next.due;
      this.lastFired = Math.max(this.lastFired, next.due);
    }
    try {
      next?.fn();
    } finally {
      this.firing = undefined;
      this.arm();
    }
  }
}
