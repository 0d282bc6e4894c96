// Which states a build entered over its whole history, for a card's step marks when the newest page does not
// reach back to the start (an endpoint poll adds about nine events, so a long deploy soon outgrows a page).
// Read back a bounded number of pages, without execution data. Events never change once written, so what was
// read is kept: a card refreshed while the build runs reads only the events written since, and a finished
// build's card reads none.

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { historyUntil, type BuildContext } from './context';

/** Pages read back at most, of the most events a page holds: 5,000 events, about 9 hours of 1-minute polls. */
export const READ_BACK_PAGES = 5;
const READ_BACK_PAGE_SIZE = 1000;
/** Builds remembered at most; the least recently read go first. */
export const MAX_REMEMBERED_BUILDS = 200;

export interface EnteredStates {
  /** Every state entered in the events read. */
  entered: Set<string>;
  /** Whether they reach back to ExecutionStarted: a state not entered never ran. */
  complete: boolean;
}

interface Remembered extends EnteredStates {
  /** The newest event read: older ones need not be read again. */
  newestId: number;
  /** When the build had stopped, if it had: its history is then whole, until a redrive. */
  stoppedAt?: number;
}

/**
 * The states a build entered: from `newestPage` (already read, newest first) when it reaches back to the
 * events read last time, else read back from the newest event, as far as READ_BACK_PAGES pages go or back to
 * the events read last time. Remembered per SageBuild instance (`ctx.enteredStates`); without it, read each
 * time.
 */
export async function enteredStatesOf(
  ctx: BuildContext,
  executionArn: string,
  stoppedAt: Date | undefined,
  newestPage: HistoryEvent[],
): Promise<EnteredStates> {
  const known = ctx.enteredStates?.recall(executionArn);
  // A redrive runs a stopped build on, and it stops again later: only the same stop means the same history.
  if (known && stoppedAt && known.stoppedAt === stoppedAt.getTime()) return known;
  const read: Remembered = { entered: new Set(), complete: false, newestId: known?.newestId ?? 0 };
  const note = (event: HistoryEvent): boolean => {
    if (known && (event.id ?? 0) <= known.newestId) {
      for (const name of known.entered) read.entered.add(name);
      read.complete = known.complete;
      return true;
    }
    read.newestId = Math.max(read.newestId, event.id ?? 0);
    const name = event.stateEnteredEventDetails?.name;
    if (name && event.type?.endsWith('StateEntered')) read.entered.add(name);
    if (event.type === 'ExecutionStarted') read.complete = true;
    return read.complete;
  };
  // Noting an event twice changes nothing, so the read-back may start over from the newest event.
  if (!newestPage.some(note)) {
    await historyUntil(ctx, executionArn, (events) => events.some(note), {
      maxResults: READ_BACK_PAGE_SIZE,
      includeExecutionData: false,
      maxPages: READ_BACK_PAGES,
    });
  }
  if (stoppedAt) read.stoppedAt = stoppedAt.getTime();
  ctx.enteredStates?.remember(executionArn, read);
  return read;
}

/** What was read of each build's history, per SageBuild instance, for the most recently read builds. */
export class EnteredStatesCache {
  private readonly entries = new Map<string, Remembered>();

  recall(executionArn: string): Remembered | undefined {
    return this.entries.get(executionArn);
  }

  remember(executionArn: string, read: Remembered): void {
    this.entries.delete(executionArn);
    this.entries.set(executionArn, read);
    if (this.entries.size > MAX_REMEMBERED_BUILDS) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
