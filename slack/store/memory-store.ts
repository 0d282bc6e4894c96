// The store in memory, for unit tests and the local console. It behaves like the DynamoDB adapter, expiry
// included, and hands out copies so no caller can change a stored record behind the store's back.

import {
  RETENTION_MS,
  type ApprovalCardMessage,
  type CardRecord,
  type EventClaim,
  type SlackStore,
} from './store';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/** An event id taken: held until `leaseUntil` (a lease) or `expiresAt` (a claim), or handled (`done`). */
interface EventEntry {
  expiresAt: number;
  leaseUntil?: number;
  done?: true;
}

export class MemoryStore implements SlackStore {
  private readonly cards = new Map<string, Expiring<CardRecord>>();
  private readonly events = new Map<string, EventEntry>();
  private readonly subscribers = new Map<string, Set<string>>();
  private readonly approvals = new Map<string, Expiring<Map<string, string>>>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async getCard(executionArn: string): Promise<CardRecord | undefined> {
    const current = this.current(executionArn);
    return current && copy(current);
  }

  async saveCard(record: CardRecord, expectedVersion?: number): Promise<boolean> {
    // Check and write with no await between them: that is what makes the write conditional.
    if (
      expectedVersion !== undefined &&
      (this.current(record.executionArn)?.version ?? 0) !== expectedVersion
    ) {
      return false;
    }
    this.cards.set(record.executionArn, {
      value: copy(record),
      expiresAt: this.time() + RETENTION_MS.card,
    });
    return true;
  }

  async claimEvent(eventId: string): Promise<boolean> {
    if (this.event(eventId)) return false;
    this.events.set(eventId, { expiresAt: this.time() + RETENTION_MS.eventClaim });
    return true;
  }

  async leaseEvent(eventId: string, leaseMs: number): Promise<EventClaim> {
    const entry = this.event(eventId);
    if (entry?.done) return 'done';
    if (entry && (entry.leaseUntil === undefined || entry.leaseUntil > this.time())) return 'in-progress';
    this.events.set(eventId, {
      expiresAt: this.time() + RETENTION_MS.eventClaim,
      leaseUntil: this.time() + leaseMs,
    });
    return 'claimed';
  }

  async finishEvent(eventId: string): Promise<void> {
    this.events.set(eventId, { expiresAt: this.time() + RETENTION_MS.eventClaim, done: true });
  }

  async releaseEvent(eventId: string): Promise<void> {
    this.events.delete(eventId);
  }

  async subscribe(pipeline: string, channel: string): Promise<void> {
    const channels = this.subscribers.get(pipeline) ?? new Set<string>();
    channels.add(channel);
    this.subscribers.set(pipeline, channels);
  }

  async unsubscribe(pipeline: string, channel: string): Promise<void> {
    this.subscribers.get(pipeline)?.delete(channel);
  }

  async subscriptions(pipeline: string): Promise<string[]> {
    return [...(this.subscribers.get(pipeline) ?? [])].sort();
  }

  async rememberApprovalCard(executionArn: string, message: ApprovalCardMessage): Promise<void> {
    const byChannel = this.liveApprovals(executionArn) ?? new Map<string, string>();
    byChannel.set(message.channel, message.ts);
    this.approvals.set(executionArn, { value: byChannel, expiresAt: this.time() + RETENTION_MS.card });
  }

  async approvalCards(executionArn: string): Promise<ApprovalCardMessage[]> {
    const byChannel = this.liveApprovals(executionArn) ?? new Map<string, string>();
    return [...byChannel].sort(([a], [b]) => a.localeCompare(b)).map(([channel, ts]) => ({ channel, ts }));
  }

  private liveApprovals(executionArn: string): Map<string, string> | undefined {
    const entry = this.approvals.get(executionArn);
    return entry && entry.expiresAt > this.time() ? entry.value : undefined;
  }

  private current(executionArn: string): CardRecord | undefined {
    const entry = this.cards.get(executionArn);
    return entry && entry.expiresAt > this.time() ? entry.value : undefined;
  }

  private event(eventId: string): EventEntry | undefined {
    const entry = this.events.get(eventId);
    return entry && entry.expiresAt > this.time() ? entry : undefined;
  }

  private time(): number {
    return this.now().getTime();
  }
}

function copy(record: CardRecord): CardRecord {
  return structuredClone(record);
}
