// A finished build's history never changes, until a redrive runs it on and it stops again (a new stop time, a
// new redrive count). So the newest page an answer read of a finished build is kept, per SageBuild instance:
// asking again about it ("why did it fail?", a card's button) costs no GetExecutionHistory call.

import type { ExecutionListItem, HistoryEvent } from '@aws-sdk/client-sfn';

/** Builds kept at most; the least recently read go first. */
export const MAX_FINISHED_HISTORIES = 100;
/** Characters of event data kept at most over all builds (states' inputs and outputs can be large). */
export const MAX_FINISHED_HISTORY_CHARS = 8_000_000;

/** A build as ListExecutions or DescribeExecution tells it: enough to know its history is final. */
export type BuildAsListed = Pick<ExecutionListItem, 'executionArn' | 'status' | 'stopDate' | 'redriveCount'>;

/** The events an execution's history ends with. */
const ENDED = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

interface Kept {
  /** Which stop of the build this history ends with. */
  stop: string;
  /** The page size asked for: a page shorter than it is the whole history. */
  pageSize: number;
  events: HistoryEvent[];
  chars: number;
}

/** The stop a history ends with, or undefined while the build runs (or waits to be redriven). */
function stopOf(build: BuildAsListed): string | undefined {
  if (!build.stopDate || build.status === 'RUNNING' || build.status === 'PENDING_REDRIVE') return undefined;
  return `${build.stopDate.getTime()}#${build.redriveCount ?? 0}`;
}

export class FinishedHistoryCache {
  private readonly entries = new Map<string, Kept>();
  private chars = 0;

  /** The newest `pageSize` events of `build`, newest first, when a page that holds them was kept. */
  recall(build: BuildAsListed, pageSize: number): HistoryEvent[] | undefined {
    const arn = build.executionArn ?? '';
    const kept = this.entries.get(arn);
    const stop = stopOf(build);
    if (!kept || !stop || kept.stop !== stop) return undefined;
    if (kept.pageSize < pageSize && kept.events.length >= kept.pageSize) return undefined;
    // Read again: it is now the most recently used.
    this.entries.delete(arn);
    this.entries.set(arn, kept);
    return kept.events.slice(0, pageSize);
  }

  /**
   * Keeps a page just read of `build`'s history (newest first), if the build has finished and the page ends
   * with it: a page read just before the build ended (beside DescribeExecution) is not final.
   */
  remember(build: BuildAsListed, pageSize: number, events: HistoryEvent[]): void {
    const arn = build.executionArn ?? '';
    const stop = stopOf(build);
    if (!stop || !ENDED.has(events[0]?.type ?? '')) return;
    const chars = JSON.stringify(events).length;
    if (chars > MAX_FINISHED_HISTORY_CHARS / 4) return;
    const kept = this.entries.get(arn);
    if (kept && kept.stop === stop && kept.pageSize >= pageSize) return;
    this.forget(arn);
    this.entries.set(arn, { stop, pageSize, events, chars });
    this.chars += chars;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= MAX_FINISHED_HISTORIES && this.chars <= MAX_FINISHED_HISTORY_CHARS) break;
      this.forget(oldest);
    }
  }

  /** Whether some page of this build's history is kept (DescribeExecution says whether it is still final). */
  has(executionArn: string): boolean {
    return this.entries.has(executionArn);
  }

  get size(): number {
    return this.entries.size;
  }

  private forget(arn: string): void {
    const kept = this.entries.get(arn);
    if (!kept) return;
    this.chars -= kept.chars;
    this.entries.delete(arn);
  }
}
