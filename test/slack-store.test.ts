// One contract, two adapters: the in-memory store and the DynamoDB store (against dynalite, in process)
// must answer every case the same way.

import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynalite, type LocalDynamoDb } from '../slack/store/dynalite';
import { createTable, DynamoDbStore, TTL_ATTRIBUTE } from '../slack/store/dynamodb-store';
import { MemoryStore } from '../slack/store/memory-store';
import { RETENTION_MS, type CardRecord, type SlackStore } from '../slack/store/store';

interface Harness {
  store: SlackStore;
  clock: { now: Date };
}

type Adapter = { name: string; make: () => Promise<Harness> };

let dynamodb: LocalDynamoDb | undefined;
let tables = 0;

async function dynamoClient(): Promise<DynamoDBClient> {
  dynamodb ??= await startDynalite();
  return dynamodb.client;
}

const adapters: Adapter[] = [
  {
    name: 'memory',
    make: async () => {
      const clock = { now: new Date('2026-11-20T10:00:00Z') };
      return { store: new MemoryStore(() => clock.now), clock };
    },
  },
  {
    name: 'dynamodb',
    make: async () => {
      const client = await dynamoClient();
      const table = `sagebuild-slack-${++tables}`;
      await createTable(client, table);
      const clock = { now: new Date('2026-11-20T10:00:00Z') };
      return { store: new DynamoDbStore(client, table, () => clock.now), clock };
    },
  },
];

afterAll(async () => {
  await dynamodb?.close();
});

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:sagebuild-dev:dev-1';

const SHOWS_RUNNING = { shows: 'RUNNING', showsAt: '2026-11-20T10:00:00Z' } as const;

function record(overrides: Partial<CardRecord> = {}): CardRecord {
  return {
    executionArn: ARN,
    pipeline: 'dev',
    status: 'RUNNING',
    statusAt: '2026-11-20T10:00:00Z',
    version: 1,
    cards: [{ channel: 'C0DEVBUILDS', ts: '1700000000.000100', ...SHOWS_RUNNING }],
    updatedAt: '2026-11-20T10:00:01Z',
    ...overrides,
  };
}

describe.each(adapters)('the $name store', ({ make }) => {
  let store: SlackStore;
  let clock: { now: Date };
  const later = (ms: number) => {
    clock.now = new Date(clock.now.getTime() + ms);
  };

  beforeEach(async () => {
    ({ store, clock } = await make());
  });

  test('a card it never saw is undefined', async () => {
    expect(await store.getCard(ARN)).toBeUndefined();
  });

  test('a saved card reads back the same, optional fields included', async () => {
    const full = record({
      status: 'FAILED',
      cards: [
        { channel: 'C0A', ts: '1.1', shows: 'FAILED', showsAt: '2026-11-20T10:05:00Z', replied: 'FAILED' },
        { channel: 'C0B', ts: '1.2', ...SHOWS_RUNNING },
      ],
      unposted: ['C0C', 'C0D'],
      startedBySlackUser: 'U0ANA',
      busyUntil: '2026-11-20T10:01:00Z',
      deployWarnedAt: '2026-11-20T10:20:00Z',
    });
    expect(await store.saveCard(full, 0)).toBe(true);
    expect(await store.getCard(ARN)).toEqual(full);
    const bare = record({ version: 2, cards: [] });
    expect(await store.saveCard(bare, 1)).toBe(true);
    expect(await store.getCard(ARN)).toEqual(bare);
  });

  test('version 0 means "no record yet": the second creator loses', async () => {
    expect(await store.saveCard(record(), 0)).toBe(true);
    expect(await store.saveCard(record({ status: 'SUCCEEDED' }), 0)).toBe(false);
    expect((await store.getCard(ARN))?.status).toBe('RUNNING');
  });

  test('a save against a stale version loses and changes nothing', async () => {
    await store.saveCard(record(), 0);
    expect(await store.saveCard(record({ version: 2, status: 'SUCCEEDED' }), 1)).toBe(true);
    expect(await store.saveCard(record({ version: 2, status: 'FAILED' }), 1)).toBe(false);
    expect(await store.getCard(ARN)).toMatchObject({ version: 2, status: 'SUCCEEDED' });
  });

  test('of two concurrent saves against one version exactly one wins', async () => {
    await store.saveCard(record(), 0);
    const results = await Promise.all(
      ['SUCCEEDED', 'FAILED', 'ABORTED'].map((status) =>
        store.saveCard(record({ version: 2, status: status as CardRecord['status'] }), 1),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  test('a save without an expected version always writes', async () => {
    await store.saveCard(record({ version: 7 }), 0);
    expect(await store.saveCard(record({ version: 1, status: 'ABORTED' }))).toBe(true);
    expect((await store.getCard(ARN))?.status).toBe('ABORTED');
  });

  test('stored records are copies: changing what was saved or read changes nothing', async () => {
    const saved = record();
    await store.saveCard(saved, 0);
    saved.cards.push({ channel: 'C0OTHER', ts: '1.2', ...SHOWS_RUNNING });
    const read = await store.getCard(ARN);
    read?.cards.pop();
    expect((await store.getCard(ARN))?.cards).toEqual([
      { channel: 'C0DEVBUILDS', ts: '1700000000.000100', ...SHOWS_RUNNING },
    ]);
  });

  test('cards expire after 30 days, and an expired card can be created again', async () => {
    await store.saveCard(record(), 0);
    later(RETENTION_MS.card - 60_000);
    expect(await store.getCard(ARN)).toBeDefined();
    later(120_000);
    expect(await store.getCard(ARN)).toBeUndefined();
    expect(await store.saveCard(record({ status: 'SUCCEEDED' }), 0)).toBe(true);
  });

  test('an expired card does not satisfy a version condition', async () => {
    await store.saveCard(record(), 0);
    later(RETENTION_MS.card + 1000);
    expect(await store.saveCard(record({ version: 2 }), 1)).toBe(false);
  });

  test('an event id is claimed once; a released claim can be claimed again', async () => {
    expect(await store.claimEvent('event-1')).toBe(true);
    expect(await store.claimEvent('event-1')).toBe(false);
    expect(await store.claimEvent('event-2')).toBe(true);
    await store.releaseEvent('event-1');
    expect(await store.claimEvent('event-1')).toBe(true);
  });

  test('of concurrent claims of one event exactly one wins', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => store.claimEvent('event-x')));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  test('an event claim lasts about a day', async () => {
    await store.claimEvent('event-1');
    later(RETENTION_MS.eventClaim - 60_000);
    expect(await store.claimEvent('event-1')).toBe(false);
    later(120_000);
    expect(await store.claimEvent('event-1')).toBe(true);
  });

  test('an event lease: claimed once, in progress for others, then done once finished', async () => {
    expect(await store.leaseEvent('event-1', 120_000)).toBe('claimed');
    expect(await store.leaseEvent('event-1', 120_000)).toBe('in-progress');
    expect(await store.leaseEvent('event-2', 120_000)).toBe('claimed');
    await store.finishEvent('event-1');
    expect(await store.leaseEvent('event-1', 120_000)).toBe('done');
    later(10 * 60_000);
    expect(await store.leaseEvent('event-1', 120_000)).toBe('done');
  });

  test('a lease that runs out (its handler died) can be taken over; one that was released at once', async () => {
    await store.leaseEvent('event-1', 120_000);
    later(119_000);
    expect(await store.leaseEvent('event-1', 120_000)).toBe('in-progress');
    later(2000);
    expect(await store.leaseEvent('event-1', 120_000)).toBe('claimed');
    expect(await store.leaseEvent('event-1', 120_000)).toBe('in-progress');
    await store.releaseEvent('event-1');
    expect(await store.leaseEvent('event-1', 120_000)).toBe('claimed');
  });

  test('of concurrent leases of one event, and of an expired one, exactly one wins', async () => {
    const first = await Promise.all(Array.from({ length: 8 }, () => store.leaseEvent('event-x', 60_000)));
    expect(first.filter((c) => c === 'claimed')).toHaveLength(1);
    expect(first.filter((c) => c === 'in-progress')).toHaveLength(7);
    later(61_000);
    const again = await Promise.all(Array.from({ length: 8 }, () => store.leaseEvent('event-x', 60_000)));
    expect(again.filter((c) => c === 'claimed')).toHaveLength(1);
  });

  test('a finished event is done for about a day; a claim (no lease) holds until it expires', async () => {
    await store.leaseEvent('event-1', 60_000);
    await store.finishEvent('event-1');
    later(RETENTION_MS.eventClaim - 60_000);
    expect(await store.leaseEvent('event-1', 60_000)).toBe('done');
    later(120_000);
    expect(await store.leaseEvent('event-1', 60_000)).toBe('claimed');
    await store.claimEvent('event-2');
    later(3_600_000);
    expect(await store.leaseEvent('event-2', 60_000)).toBe('in-progress');
  });

  test('approval cards: one per channel per build, a repost replaces it, gone after the card retention', async () => {
    expect(await store.approvalCards(ARN)).toEqual([]);
    await store.rememberApprovalCard(ARN, { channel: 'C0B', ts: '1.2' });
    await store.rememberApprovalCard(ARN, { channel: 'C0A', ts: '1.1' });
    await store.rememberApprovalCard(ARN, { channel: 'C0B', ts: '1.3' });
    await store.rememberApprovalCard(`${ARN}-other`, { channel: 'C0A', ts: '9.9' });
    expect(await store.approvalCards(ARN)).toEqual([
      { channel: 'C0A', ts: '1.1' },
      { channel: 'C0B', ts: '1.3' },
    ]);
    later(RETENTION_MS.card + 1000);
    expect(await store.approvalCards(ARN)).toEqual([]);
  });

  test('subscriptions: per pipeline, sorted, idempotent, and they do not expire', async () => {
    expect(await store.subscriptions('dev')).toEqual([]);
    await store.subscribe('dev', 'C0B');
    await store.subscribe('dev', 'C0A');
    await store.subscribe('dev', 'C0A');
    await store.subscribe('prod', 'C0P');
    expect(await store.subscriptions('dev')).toEqual(['C0A', 'C0B']);
    await store.unsubscribe('dev', 'C0B');
    await store.unsubscribe('dev', 'C0NEVER');
    later(10 * RETENTION_MS.card);
    expect(await store.subscriptions('dev')).toEqual(['C0A']);
    expect(await store.subscriptions('prod')).toEqual(['C0P']);
  });
});

describe('the DynamoDB table', () => {
  test('items carry the TTL attribute in epoch seconds; subscriptions carry none', async () => {
    const client = await dynamoClient();
    const table = 'sagebuild-slack-ttl';
    const made = await createTable(client, table);
    expect(made).toEqual({ created: true, ttl: false }); // dynalite has no UpdateTimeToLive
    expect(await createTable(client, table)).toEqual({ created: false, ttl: false });
    const now = new Date('2026-11-20T10:00:00Z');
    const store = new DynamoDbStore(client, table, () => now);
    await store.saveCard(record(), 0);
    await store.claimEvent('event-1');
    await store.leaseEvent('event-2', 60_000);
    await store.leaseEvent('event-3', 60_000);
    await store.finishEvent('event-3');
    await store.subscribe('dev', 'C0A');
    const ttlOf = async (pk: string, sk: string) => {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } } }),
      );
      return Item?.[TTL_ATTRIBUTE]?.N;
    };
    const seconds = (ms: number) => String(Math.floor((now.getTime() + ms) / 1000));
    expect(await ttlOf(`card#${ARN}`, 'card')).toBe(seconds(RETENTION_MS.card));
    for (const id of ['event-1', 'event-2', 'event-3']) {
      expect(await ttlOf(`event#${id}`, 'event')).toBe(seconds(RETENTION_MS.eventClaim));
    }
    expect(await ttlOf('subs#dev', 'channel#C0A')).toBeUndefined();
  });
});
