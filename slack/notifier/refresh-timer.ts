// The progress refresh's schedule, as a timer. One refresh function (ProgressRefresh.run) moves running
// builds' cards; what differs is what calls it. Deployed, an EventBridge rule sends the notifier's Lambda a
// "Scheduled Event" every minute (notifier-lambda.ts). Locally (`npm start`, against a local AWS whose builds
// run faster than real time) nothing sends that event, so this timer calls the same function, as often as the
// local clock makes one deployed minute.
//
// Like the deployed schedule it is bounded and never insists: a round has a time budget, the next round is
// only scheduled once the last one ended (rounds never overlap), a failed round is logged and left to the
// next one, and stop() ends it: no round starts after it, and it waits for the one running.

import type { NotifierLog } from './notifier';
import type { ProgressReport } from './progress-refresh';

/** How often the deployed schedule runs a round: the EventBridge rule's rate (infra/notifications.ts). */
export const DEPLOYED_REFRESH_MS = 60_000;
/** However fast the local clock runs, rounds are at least this far apart: each one reads every pipeline. */
export const MIN_REFRESH_MS = 1_000;
/** A round's budget: ProgressRefresh stops starting work 5 s before it ends, so it must be well over that. */
const ROUND_BUDGET_MS = 15_000;

/** The refresh function, as the timer calls it (the deploy watch's check is timed the same way). */
export interface RefreshRound<R = ProgressReport> {
  run(budgetMs?: number): Promise<R>;
}

export interface RefreshTimerOptions<R = ProgressReport> {
  refresh: RefreshRound<R>;
  /** Time between the end of one round and the start of the next. */
  everyMs: number;
  log: NotifierLog;
  /** Each round's report, once it ended (for a caller that counts or waits on rounds). */
  onRound?: (report: R) => void;
  /** What a failed round is called in the log (default "Slack progress: a refresh round"). */
  name?: string;
}

export interface RefreshTimer {
  /** No round starts after this; resolves once the round under way, if any, has ended. */
  stop(): Promise<void>;
}

/**
 * The time between rounds for a clock `timeScale` times faster than real time: one deployed minute on that
 * clock, within MIN_REFRESH_MS and a real minute. E.g. the local default (60x) refreshes every second.
 */
export function scaledRefreshMs(timeScale: number, deployedMs = DEPLOYED_REFRESH_MS): number {
  if (!(timeScale > 0)) return deployedMs;
  return Math.min(deployedMs, Math.max(MIN_REFRESH_MS, Math.round(deployedMs / timeScale)));
}

export function startRefreshTimer<R = ProgressReport>(options: RefreshTimerOptions<R>): RefreshTimer {
  const { refresh, log, onRound, name = 'Slack progress: a refresh round' } = options;
  const everyMs = Math.max(MIN_REFRESH_MS, options.everyMs);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;

  const round = async (): Promise<void> => {
    try {
      const report = await refresh.run(ROUND_BUDGET_MS);
      onRound?.(report);
    } catch (error) {
      // ProgressRefresh counts and logs its own failures; this is anything else (a bug, a broken store).
      log.warn(`${name} failed: ${(error as Error).message}`);
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      current = round().finally(() => {
        current = undefined;
        schedule();
      });
    }, everyMs);
    // The timer alone never keeps the process alive: shutting down is the caller's, not the timer's.
    timer.unref();
  };

  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await current;
    },
  };
}
