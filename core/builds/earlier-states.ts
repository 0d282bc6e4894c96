// Which states a build entered over its whole history, for a card's step marks when the newest page does not
// reach back to the start (an endpoint poll adds about nine events, so a long deploy soon outgrows a page).
// Read back a bounded number of pages, without execution data; a finished build's answer never changes, so
// it is kept.

import { historyUntil, type BuildContext } from './context';

/** Pages read back at most, of the most events a page holds: 5,000 events, about 9 hours of 1-minute polls. */
export const READ_BACK_PAGES = 5;
const READ_BACK_PAGE_SIZE = 1000;
/** Finished builds remembered at most; the oldest go first. */
export const MAX_CACHED_HISTORIES = 200;

export interface EnteredStates {
  /** Every state entered in the events read. */
  entered: Set<string>;
  /** Whether they reach back to ExecutionStarted: a state not entered never ran. */
  complete: boolean;
}

/** The states entered, newest first, as far back as READ_BACK_PAGES pages go. */
export async function statesEntered(ctx: BuildContext, executionArn: string): Promise<EnteredStates> {
  const read: EnteredStates = { entered: new Set(), complete: false };
  await historyUntil(
    ctx,
    executionArn,
    (events) => {
      for (const event of events) {
        const name = event.stateEnteredEventDetails?.name;
        if (name && event.type?.endsWith('StateEntered')) read.entered.add(name);
        if (event.type === 'ExecutionStarted') read.complete = true;
      }
      return read.complete;
    },
    { maxResults: READ_BACK_PAGE_SIZE, includeExecutionData: false, maxPages: READ_BACK_PAGES },
  );
  return read;
}

/**
 * Finished builds' entered states, per SageBuild instance. Keyed by when the build stopped as well: a redriven
 * build runs on and stops again later, with more history.
 */
export class FinishedHistoryCache {
  private readonly entries = new Map<string, EnteredStates>();

  async get(
    executionArn: string,
    stoppedAt: Date,
    read: () => Promise<EnteredStates>,
  ): Promise<EnteredStates> {
    const key = `${executionArn}@${stoppedAt.getTime()}`;
    const cached = this.entries.get(key);
    if (cached) return cached;
    const fresh = await read();
    this.entries.set(key, fresh);
    if (this.entries.size > MAX_CACHED_HISTORIES) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return fresh;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A build's entered states: from the cache once it has finished, else read back now. */
export function enteredStatesOf(
  ctx: BuildContext,
  executionArn: string,
  stoppedAt: Date | undefined,
): Promise<EnteredStates> {
  const read = () => statesEntered(ctx, executionArn);
  return stoppedAt && ctx.finishedHistories
    ? ctx.finishedHistories.get(executionArn, stoppedAt, read)
    : read();
}
