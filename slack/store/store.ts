// The Slack bot's own memory: where each build's card lives, which events were already handled, and which
// channels asked to hear about a pipeline. One interface, one adapter per file (memory, DynamoDB); the
// contract tests run the same cases against both.

import type { BuildStatus } from '../../core/builds/facts';

/** One posted copy of a build card, and how far the notifier got with it. */
export interface CardMessage {
  channel: string;
  ts: string;
  /** The status this message shows: the record's status once its post or last update went through. */
  shows: BuildStatus;
  /** The time of that status (ISO), as the record's `statusAt`. */
  showsAt: string;
  /** The final status whose thread reply this message got (set once: a build gets one reply per card). */
  replied?: BuildStatus;
}

export interface CardRecord {
  executionArn: string;
  pipeline: string;
  /** The status the cards are to show: the newest the notifier took on (each card says what it shows). */
  status: BuildStatus;
  /** When that status happened (the event's time, ISO): orders events of the same rank. */
  statusAt: string;
  /** Optimistic concurrency: every save writes version + 1 of what it read (1 for a new record). */
  version: number;
  /** The card's messages posted so far. */
  cards: CardMessage[];
  /** Channels still to get the card: their post failed in a way a retry may fix. */
  unposted?: string[];
  /** The Slack user who started the build ("U0123"), to mention when it fails. */
  startedBySlackUser?: string;
  /**
   * When the deploy watch warned in the card's threads that the endpoint got worse after this build's deploy
   * (ISO). Set before the warning is posted, so a deploy gets one warning whichever process checks it.
   */
  deployWarnedAt?: string;
  /**
   * The build was stopped from Slack, which told the channel who stopped it: its thread gets no second
   * line about the stop (the card still shows it stopped).
   */
  stopToldInSlack?: boolean;
  /**
   * Set while one handler does the card's Slack calls (ISO): posts, updates, replies. Others wait rather
   * than call Slack for the same card. A lease, renewed at each save, so a handler that died does not block
   * the card for ever: the next handler finishes what its record says is missing.
   */
  busyUntil?: string;
  /** When the record was last written (ISO). */
  updatedAt: string;
}

/** One posted approval card (slack/cards/approval-card.ts): where it is, so a decision updates every copy. */
export interface ApprovalCardMessage {
  channel: string;
  ts: string;
}

/** What a lease on an event id found: the caller's now, someone else's, or the event already handled. */
export type EventClaim = 'claimed' | 'in-progress' | 'done';

export interface SlackStore {
  getCard(executionArn: string): Promise<CardRecord | undefined>;
  /**
   * Writes the record. With `expectedVersion`, only if the stored version is that (0: no record yet);
   * returns false when another writer got there first. Without it, writes unconditionally.
   */
  saveCard(record: CardRecord, expectedVersion?: number): Promise<boolean>;
  /** True the first time an id is claimed (within about a day), false for a repeat. */
  claimEvent(eventId: string): Promise<boolean>;
  /**
   * Takes an event id for `leaseMs`: 'claimed' when it is free (never seen, released, or its lease ran out:
   * the handler died), 'in-progress' while another lease holds, 'done' once `finishEvent` marked it
   * (for about a day).
   */
  leaseEvent(eventId: string, leaseMs: number): Promise<EventClaim>;
  /** Marks a leased event as handled: repeats of it are 'done' for about a day. */
  finishEvent(eventId: string): Promise<void>;
  /** Gives a claim or lease back, so that a retry of an event whose handling failed is not taken for a repeat. */
  releaseEvent(eventId: string): Promise<void>;
  subscribe(pipeline: string, channel: string): Promise<void>;
  unsubscribe(pipeline: string, channel: string): Promise<void>;
  /** The channels subscribed to a pipeline with `subscribe`, sorted (config channels are not included). */
  subscriptions(pipeline: string): Promise<string[]>;
  /** Remembers an approval card posted for a build's gate (one per channel: a repost replaces it). */
  rememberApprovalCard(executionArn: string, message: ApprovalCardMessage): Promise<void>;
  /** The approval cards posted for a build's gate, by channel. */
  approvalCards(executionArn: string): Promise<ApprovalCardMessage[]>;
}

const DAY_MS = 24 * 3600_000;

/** How long records are kept: cards for a month (a Refresh on an old card still works), claims a day. */
export const RETENTION_MS = { card: 30 * DAY_MS, eventClaim: DAY_MS } as const;
