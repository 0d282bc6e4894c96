// EventBridge "Step Functions Execution Status Change" events, as far as the notifier reads them, and the
// build facts one event carries on its own. AWS leaves `input` out when it is too large, hence optional.

import type { BuildStatus, BuildStatusFact, FailureFact } from '../../core/builds/facts';
import { readableCause } from '../../core/builds/failure-reason';
import { withStopper } from '../../core/builds/stop-cause';
import { slackUserIdOf } from '../cards/people';
import { parseObject, startedByOf } from '../../core/builds/history';

export interface StatusChangeEvent {
  id: string;
  time: string;
  detail: {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: string;
    /** Epoch milliseconds, as AWS sends them in these events. */
    startDate: number;
    stopDate?: number | null;
    input?: string | null;
    error?: string | null;
    cause?: string | null;
  };
}

/** Event ids are UUIDs; anything much longer is not one, and is never used as a store key. */
const MAX_EVENT_ID = 128;

/**
 * Why an event can't be handled safely, or undefined when it can. The notifier dedupes by `id` (EventBridge
 * may deliver an event twice), so an event without a usable one would be posted again at every delivery.
 */
export function eventProblem({ id }: { id?: unknown }): string | undefined {
  if (typeof id !== 'string' || id.trim() === '') return 'it has no id';
  if (id.length > MAX_EVENT_ID) return `its id is longer than ${MAX_EVENT_ID} characters`;
  return undefined;
}

export type CardStatus = Extract<BuildStatus, 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED'>;

const RANK: Record<CardStatus, number> = { RUNNING: 1, SUCCEEDED: 2, FAILED: 2, TIMED_OUT: 2, ABORTED: 2 };

export function isCardStatus(status: string): status is CardStatus {
  return Object.hasOwn(RANK, status);
}

/** When the event's status began (start for RUNNING, stop for the rest), in ms: finer than the event's `time`. */
export function statusTime(event: StatusChangeEvent): number {
  const { status, startDate, stopDate } = event.detail;
  if (status === 'RUNNING') return startDate;
  return stopDate ?? (Date.parse(event.time) || startDate);
}

/**
 * Whether an event moves a card on from what it shows: to a later rank (running → final), or, within a
 * rank, to a later time. A card never moves back from a final state.
 */
export function advances(
  shown: { status: BuildStatus; statusAt: string },
  next: BuildStatus,
  nextAt: number,
): boolean {
  if (rank(next) !== rank(shown.status)) return rank(next) > rank(shown.status);
  return nextAt > Date.parse(shown.statusAt);
}

function rank(status: BuildStatus): number {
  return isCardStatus(status) ? RANK[status] : 0;
}

/** What the event alone says about its build: status, times, who started it, and why it failed. */
export function factFromEvent(pipeline: string, event: StatusChangeEvent, now: Date): BuildStatusFact {
  const { detail } = event;
  const status = detail.status as CardStatus;
  const startedAt = new Date(detail.startDate);
  const fact: BuildStatusFact = {
    pipeline,
    executionArn: detail.executionArn,
    name: detail.name,
    status,
    startedAt,
    elapsedMs: 0,
  };
  if (status !== 'RUNNING') fact.stoppedAt = new Date(statusTime(event));
  fact.elapsedMs = Math.max(0, (fact.stoppedAt ?? now).getTime() - startedAt.getTime());
  const startedBy = startedByOf(parseObject(detail.input ?? undefined));
  if (startedBy) fact.startedBy = startedBy;
  if (status === 'FAILED' || status === 'TIMED_OUT' || status === 'ABORTED') {
    const error = detail.error ?? (status === 'TIMED_OUT' ? 'States.Timeout' : status);
    const failure: FailureFact = {
      pipeline,
      executionArn: detail.executionArn,
      name: detail.name,
      status,
      error,
      reason: readableCause(detail.cause ?? undefined) ?? error,
    };
    if (fact.stoppedAt) failure.failedAt = fact.stoppedAt;
    fact.failure = withStopper(failure, detail.cause ?? undefined);
  }
  return fact;
}

/** "U0123" for a build started from Slack ("slack:U0123"), so the failure reply can mention them. */
export function slackUserOf(fact: BuildStatusFact): string | undefined {
  return slackUserIdOf(fact.startedBy);
}
