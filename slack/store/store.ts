// The Slack bot's own memory: where each build's card lives, which events were already handled, and which
// channels asked to hear about a pipeline. One interface, one adapter per file (memory, DynamoDB); the
// contract tests run the same cases against both.

import type { BuildStatus } from '../../core/builds/facts';

/** One posted copy of a build card. */
export interface CardMessage {
  channel: string;
  ts: string;
}

export interface CardRecord {
  executionArn: string;
  pipeline: string;
  /** The status the card shows. */
  status: BuildStatus;
  /** When that status happened (the event's time, ISO): orders events of the same rank. */
  statusAt: string;
  /** Optimistic concurrency: every save writes version + 1 of what it read (1 for a new record). */
  version: number;
  /** Empty while the card is being posted (see postingUntil) or when no post got through. */
  cards: CardMessage[];
  /** The Slack user who started the build ("U0123"), to mention when it fails. */
  startedBySlackUser?: string;
  /**
   * Set while one handler posts the card (ISO): others wait rather than post a second card. A lease, so a
   * handler that died mid-post does not block the build's card for ever.
   */
  postingUntil?: string;
  /** When the record was last written (ISO). */
  updatedAt: string;
}

export interface SlackStore {
  getCard(executionArn: string): Promise<CardRecord | undefined>;
  /**
   * Writes the record. With `expectedVersion`, only if the stored version is that (0: no record yet);
   * returns false when another writer got there first. Without it, writes unconditionally.
   */
  saveCard(record: CardRecord, expectedVersion?: number): Promise<boolean>;
  /** True the first time an event id is claimed (within about a day), false for a repeat. */
  claimEvent(eventId: string): Promise<boolean>;
  /** Gives a claim back, so that a retry of an event whose handling failed is not taken for a repeat. */
  releaseEvent(eventId: string): Promise<void>;
  subscribe(pipeline: string, channel: string): Promise<void>;
  unsubscribe(pipeline: string, channel: string): Promise<void>;
  /** The channels subscribed to a pipeline with `subscribe`, sorted (config channels are not included). */
  subscriptions(pipeline: string): Promise<string[]>;
}

const DAY_MS = 24 * 3600_000;

/** How long records are kept: cards for a month (a Refresh on an old card still works), claims a day. */
export const RETENTION_MS = { card: 30 * DAY_MS, eventClaim: DAY_MS } as const;
