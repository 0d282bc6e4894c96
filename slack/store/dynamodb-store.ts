// The store in one DynamoDB table. Keys:
//   card#<executionArn>  / card              a build's card record (expires after 30 days)
//   event#<eventId>      / event             an EventBridge event claimed, leased (leaseUntil, epoch ms) or
//                                            handled (done); expires a day after its last write
//   subs#<pipeline>      / channel#<channel> a channel subscribed to a pipeline (kept until unsubscribed)
//   approval#<executionArn> / channel#<channel> an approval card posted for the build's gate (30 days)
// DynamoDB deletes expired items late (up to days), so reads and conditions treat `expiresAt` as the truth.

import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { BuildStatus } from '../../core/builds/facts';
import {
  RETENTION_MS,
  type ApprovalCardMessage,
  type CardMessage,
  type CardRecord,
  type EventClaim,
  type SlackStore,
} from './store';

type Item = Record<string, AttributeValue>;

export const TTL_ATTRIBUTE = 'expiresAt';

/** An absent item, or one past its expiry that DynamoDB has not removed yet. */
const ABSENT_OR_EXPIRED = `attribute_not_exists(pk) OR ${TTL_ATTRIBUTE} < :now`;

export class DynamoDbStore implements SlackStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async getCard(executionArn: string): Promise<CardRecord | undefined> {
    const { Item: item } = await this.client.send(
      // Consistent: a read that feeds a conditional write must see the last write.
      new GetItemCommand({ TableName: this.table, Key: cardKey(executionArn), ConsistentRead: true }),
    );
    if (!item || this.expired(item)) return undefined;
    return cardFromItem(item);
  }

  async saveCard(record: CardRecord, expectedVersion?: number): Promise<boolean> {
    const item = { ...cardKey(record.executionArn), ...cardItem(record), ...this.expiry(RETENTION_MS.card) };
    if (expectedVersion === undefined) {
      await this.client.send(new PutItemCommand({ TableName: this.table, Item: item }));
      return true;
    }
    return this.putIf(
      item,
      expectedVersion === 0
        ? { ConditionExpression: ABSENT_OR_EXPIRED, ExpressionAttributeValues: { ':now': this.epoch() } }
        : {
            ConditionExpression: '#version = :expected AND #expires >= :now',
            ExpressionAttributeNames: { '#version': 'version', '#expires': TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) }, ':now': this.epoch() },
          },
    );
  }

  async claimEvent(eventId: string): Promise<boolean> {
    return this.putIf(
      { ...eventKey(eventId), ...this.expiry(RETENTION_MS.eventClaim) },
      { ConditionExpression: ABSENT_OR_EXPIRED, ExpressionAttributeValues: { ':now': this.epoch() } },
    );
  }

  async leaseEvent(eventId: string, leaseMs: number): Promise<EventClaim> {
    const now = this.now().getTime();
    const leased = await this.putIf(
      {
        ...eventKey(eventId),
        leaseUntil: { N: String(now + leaseMs) },
        ...this.expiry(RETENTION_MS.eventClaim),
      },
      {
        // Free: never seen, expired, or a lease that ran out (its handler died) on an event not done.
        ConditionExpression: `${ABSENT_OR_EXPIRED} OR (attribute_not_exists(#done) AND #lease <= :nowMs)`,
        ExpressionAttributeNames: { '#done': 'done', '#lease': 'leaseUntil' },
        ExpressionAttributeValues: { ':now': this.epoch(), ':nowMs': { N: String(now) } },
      },
    );
    if (leased) return 'claimed';
    const { Item: item } = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: eventKey(eventId), ConsistentRead: true }),
    );
    return item?.done?.BOOL && !this.expired(item) ? 'done' : 'in-progress';
  }

  async finishEvent(eventId: string): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: { ...eventKey(eventId), done: { BOOL: true }, ...this.expiry(RETENTION_MS.eventClaim) },
      }),
    );
  }

  async releaseEvent(eventId: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.table, Key: eventKey(eventId) }));
  }

  async subscribe(pipeline: string, channel: string): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: { ...subscriptionKey(pipeline, channel), channel: { S: channel } },
      }),
    );
  }

  async unsubscribe(pipeline: string, channel: string): Promise<void> {
    await this.client.send(
      new DeleteItemCommand({ TableName: this.table, Key: subscriptionKey(pipeline, channel) }),
    );
  }

  async subscriptions(pipeline: string): Promise<string[]> {
    const channels: string[] = [];
    let start: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: subscriptionPk(pipeline) } },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) if (item.channel?.S) channels.push(item.channel.S);
      start = page.LastEvaluatedKey;
    } while (start);
    return channels.sort();
  }

  async rememberApprovalCard(executionArn: string, message: ApprovalCardMessage): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          pk: { S: approvalPk(executionArn) },
          sk: { S: `channel#${message.channel}` },
          channel: { S: message.channel },
          ts: { S: message.ts },
          ...this.expiry(RETENTION_MS.card),
        },
      }),
    );
  }

  async approvalCards(executionArn: string): Promise<ApprovalCardMessage[]> {
    const cards: ApprovalCardMessage[] = [];
    let start: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: approvalPk(executionArn) } },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.channel?.S && item.ts?.S && !this.expired(item))
          cards.push({ channel: item.channel.S, ts: item.ts.S });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return cards.sort((a, b) => a.channel.localeCompare(b.channel));
  }

  /** A conditional put: false when the condition failed (another writer won). */
  private async putIf(
    item: Item,
    condition: Pick<
      ConstructorParameters<typeof PutItemCommand>[0],
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<boolean> {
    try {
      await this.client.send(new PutItemCommand({ TableName: this.table, Item: item, ...condition }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private epoch(): AttributeValue {
    return { N: String(Math.floor(this.now().getTime() / 1000)) };
  }

  /** The TTL attribute: epoch seconds, as DynamoDB's TTL requires. */
  private expiry(keepMs: number): Item {
    return { [TTL_ATTRIBUTE]: { N: String(Math.floor((this.now().getTime() + keepMs) / 1000)) } };
  }

  private expired(item: Item): boolean {
    const expiresAt = Number(item[TTL_ATTRIBUTE]?.N);
    return Number.isFinite(expiresAt) && expiresAt * 1000 < this.now().getTime();
  }
}

function cardKey(executionArn: string): Item {
  return { pk: { S: `card#${executionArn}` }, sk: { S: 'card' } };
}

function eventKey(eventId: string): Item {
  return { pk: { S: `event#${eventId}` }, sk: { S: 'event' } };
}

function approvalPk(executionArn: string): string {
  return `approval#${executionArn}`;
}

function subscriptionPk(pipeline: string): string {
  return `subs#${pipeline}`;
}

function subscriptionKey(pipeline: string, channel: string): Item {
  return { pk: { S: subscriptionPk(pipeline) }, sk: { S: `channel#${channel}` } };
}

function cardItem(record: CardRecord): Item {
  const item: Item = {
    executionArn: { S: record.executionArn },
    pipeline: { S: record.pipeline },
    status: { S: record.status },
    statusAt: { S: record.statusAt },
    version: { N: String(record.version) },
    cards: { L: record.cards.map((card) => ({ M: cardMessageItem(card) })) },
    updatedAt: { S: record.updatedAt },
  };
  if (record.unposted?.length) item.unposted = { L: record.unposted.map((channel) => ({ S: channel })) };
  if (record.startedBySlackUser) item.startedBySlackUser = { S: record.startedBySlackUser };
  if (record.busyUntil) item.busyUntil = { S: record.busyUntil };
  if (record.deployWarnedAt) item.deployWarnedAt = { S: record.deployWarnedAt };
  if (record.stopToldInSlack) item.stopToldInSlack = { BOOL: true };
  return item;
}

function cardMessageItem(card: CardMessage): Item {
  const item: Item = {
    channel: { S: card.channel },
    ts: { S: card.ts },
    shows: { S: card.shows },
    showsAt: { S: card.showsAt },
  };
  if (card.replied) item.replied = { S: card.replied };
  return item;
}

function cardFromItem(item: Item): CardRecord {
  const text = (name: string): string => item[name]?.S ?? '';
  const record: CardRecord = {
    executionArn: text('executionArn'),
    pipeline: text('pipeline'),
    status: text('status') as BuildStatus,
    statusAt: text('statusAt'),
    version: Number(item.version?.N ?? 0),
    cards: (item.cards?.L ?? []).map((c) => cardMessageFromItem(c.M ?? {})),
    updatedAt: text('updatedAt'),
  };
  const unposted = (item.unposted?.L ?? []).flatMap((c) => (c.S ? [c.S] : []));
  if (unposted.length > 0) record.unposted = unposted;
  if (item.startedBySlackUser?.S) record.startedBySlackUser = item.startedBySlackUser.S;
  if (item.busyUntil?.S) record.busyUntil = item.busyUntil.S;
  if (item.deployWarnedAt?.S) record.deployWarnedAt = item.deployWarnedAt.S;
  if (item.stopToldInSlack?.BOOL) record.stopToldInSlack = true;
  return record;
}

function cardMessageFromItem(item: Item): CardMessage {
  const card: CardMessage = {
    channel: item.channel?.S ?? '',
    ts: item.ts?.S ?? '',
    shows: (item.shows?.S ?? '') as BuildStatus,
    showsAt: item.showsAt?.S ?? '',
  };
  if (item.replied?.S) card.replied = item.replied.S as BuildStatus;
  return card;
}

export interface CreatedTable {
  /** False when the table was already there. */
  created: boolean;
  /** False when the endpoint has no TTL (dynalite): items then carry expiresAt but are never removed. */
  ttl: boolean;
}

/** Creates the store's table (on-demand, pk/sk strings) with TTL on `expiresAt`; for tests and local use. */
export async function createTable(client: DynamoDBClient, name: string): Promise<CreatedTable> {
  let created = true;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
    created = false;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: name });
  return { created, ttl: await enableTtl(client, name) };
}

async function enableTtl(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { Enabled: true, AttributeName: TTL_ATTRIBUTE },
      }),
    );
    return true;
  } catch (error) {
    const why = (error as Error).name;
    // Already on (real DynamoDB says so with a ValidationException), or an emulator without TTL.
    if (why === 'UnknownOperationException') return false;
    if (why === 'ValidationException' && /already enabled/i.test((error as Error).message)) return true;
    throw error;
  }
}
