// Time in the local AWS. Live builds run on the real clock, with simulated work shortened by a TimeScale.
// Seeded past builds run fast on a clock that maps real time into the past, so their records look lived-in.

import { SimTimers } from './sim-timers';

export interface Clock {
  /** Now, in epoch ms, as this clock tells it. */
  now(): number;
  /** Map a real epoch-ms timestamp (e.g. from the ASL interpreter) onto this clock. */
  fromReal(realMs: number): number;
}

export const realClock: Clock = {
  now: () => Date.now(),
  fromReal: (realMs) => realMs,
};

/** A clock that starts at `anchorMs` and runs `stretch` times faster than real time. */
export function replayClock(anchorMs: number, stretch: number): Clock {
  const realStart = Date.now();
  const fromReal = (realMs: number): number => anchorMs + (realMs - realStart) * stretch;
  return { now: () => fromReal(Date.now()), fromReal };
}

/** How much faster than life simulated work runs: factor 60 makes a 45-minute training take 45 seconds. */
export class TimeScale {
  private readonly timers: SimTimers;

  constructor(readonly factor: number) {
    if (!(factor > 0)) throw new Error(`time scale must be positive, got ${factor}`);
    this.timers = new SimTimers(factor);
  }

  /**
   * Runs `fn` after `simSeconds` of simulated time, in order with every other timer of this scale (see
   * SimTimers). Returns a function that cancels it.
   */
  after(simSeconds: number, fn: () => void): () => void {
    return this.timers.after(simSeconds, fn);
  }

  /** Real milliseconds that `simSeconds` of simulated work take. */
  realMs(simSeconds: number): number {
    return (simSeconds * 1000) / this.factor;
  }
}

/** What every simulated operation needs to know about time. */
export interface SimContext {
  clock: Clock;
  timeScale: TimeScale;
  /** Work of a seeded past build: it changes resources, but tells no event listener (see ExecutionTiming). */
  quiet?: boolean;
}

export const DEFAULT_TIME_SCALE = 60;
