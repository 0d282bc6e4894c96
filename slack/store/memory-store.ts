// The store in memory, for unit tests and the local console. It behaves like the DynamoDB adapter, expiry
// included, and hands out copies so no caller can change a stored record behind the store's back.

import { RETENTION_MS, type CardRecord, type SlackStore } from './store';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

export class MemoryStore implements SlackStore {
  private readonly cards = new Map<string, Expiring<CardRecord>>();
  private readonly claims = new Map<string, number>();
  private readonly subscribers = new Map<string, Set<string>>();

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
    const claimedUntil = this.claims.get(eventId);
    if (claimedUntil !== undefined && claimedUntil > this.time()) return false;
    this.claims.set(eventId, this.time() + RETENTION_MS.eventClaim);
    return true;
  }

  async releaseEvent(eventId: string): Promise<void> {
    this.claims.delete(eventId);
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

  private current(executionArn: string): CardRecord | undefined {
    const entry = this.cards.get(executionArn);
    return entry && entry.expiresAt > this.time() ? entry.value : undefined;
  }

  private time(): number {
    return this.now().getTime();
  }
}

function copy(record: CardRecord): CardRecord {
  return structuredClone(record);
}
