// A card update from outside the notifier (the Refresh button): the facts it brings may be older than what
// the notifier already put on the card (fetched before the build ended, answered late). The card's record
// decides: a card never moves back from what the notifier took it to, and the update runs under the
// record's busy lease, so it cannot land in the middle of the notifier's own update.

import type { WebClient } from '@slack/web-api';
import type { BuildStatusFact } from '../../core/builds/facts';
import type { BuildCard } from '../cards/build-card';
import type { CardRecord, SlackStore } from '../store/store';
import { advances } from './event';

export interface RefreshCardRequest {
  store: SlackStore;
  /** Any client allowed to edit the card (the bot's). */
  web: Pick<WebClient, 'chat'>;
  /** The build's facts, as the core told them (e.g. `core.statusOf(pipeline, executionArn)`). */
  fact: BuildStatusFact;
  /** The card message to update. */
  channel: string;
  ts: string;
  /** The card for the facts (the same renderer as the notifier's). */
  render: (fact: BuildStatusFact) => Pick<BuildCard, 'text' | 'blocks'>;
  now?: () => Date;
  /** How long the refresh holds the card against the notifier (default 15 s; it needs one Slack call). */
  leaseMs?: number;
}

/**
 * 'updated': the card shows the facts. 'stale': the record is ahead of the facts (e.g. final, and the facts
 * say running), the card was left alone. 'busy': the notifier is updating the card right now (it will show
 * the newest status), left alone too.
 */
export type RefreshOutcome = 'updated' | 'stale' | 'busy';

const DEFAULT_LEASE_MS = 15_000;

/**
 * Updates one card message from `fact`, unless the build's card record is ahead of it. Without a record
 * (a card the notifier never posted, or one past the store's retention) it just updates. Slack errors
 * are the caller's, as from `chat.update`.
 */
export async function refreshCardMessage(request: RefreshCardRequest): Promise<RefreshOutcome> {
  const { store, web, fact, channel, ts, render } = request;
  const now = request.now ?? (() => new Date());
  const leaseMs = request.leaseMs ?? DEFAULT_LEASE_MS;
  const update = () => web.chat.update({ channel, ts, ...render(fact) });

  for (let attempt = 0; attempt < 3; attempt += 1) {
    const record = await store.getCard(fact.executionArn);
    if (!record) {
      await update();
      return 'updated';
    }
    if (isBehind(fact, record)) return 'stale';
    if (record.busyUntil !== undefined && Date.parse(record.busyUntil) > now().getTime()) return 'busy';
    const held: CardRecord = {
      ...record,
      version: record.version + 1,
      busyUntil: new Date(now().getTime() + leaseMs).toISOString(),
      updatedAt: now().toISOString(),
    };
    if (!(await store.saveCard(held, record.version))) continue; // the notifier moved: look again
    try {
      await update();
    } finally {
      const free: CardRecord = { ...held, version: held.version + 1, updatedAt: now().toISOString() };
      delete free.busyUntil;
      // Lost only when the lease ran out and the notifier took the card: nothing to give back then.
      await store.saveCard(free, held.version).catch(() => false);
    }
    return 'updated';
  }
  return 'busy';
}

/**
 * Whether the record holds a later state than the facts: a higher rank (final over running), or another
 * final status that came later. The same status is never behind: a refresh re-renders it with fresh facts.
 */
function isBehind(fact: BuildStatusFact, record: CardRecord): boolean {
  if (fact.status === record.status) return false;
  const at = (fact.status === 'RUNNING' ? fact.startedAt : (fact.stoppedAt ?? fact.startedAt)).getTime();
  return advances(
    { status: fact.status, statusAt: new Date(at).toISOString() },
    record.status,
    Date.parse(record.statusAt),
  );
}
