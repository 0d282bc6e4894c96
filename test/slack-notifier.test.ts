// The notifier against real builds on the local AWS, hearing its EventBridge events, and posting to the
// fake Slack Web API: one card per build and channel, updated in place, whatever order events come in.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogLevel, type WebClient } from '@slack/web-api';
import { startFakeSlackApi, type FakeMessage, type FakeSlack } from '../local/slack/fake-slack-api';
import type { ExecutionStatusChangeEvent } from '../local/events';
import type { BuildStatusFact } from '../core/builds/facts';
import { renderBuildCard } from '../slack/cards/build-card';
import { consoleUrlFor } from '../slack/cards/console-url';
import {
  BuildNotifier,
  refreshCardMessage,
  type NotifierDeps,
  type NotifyOutcome,
} from '../slack/notifier/notifier';
import { stopKey } from '../slack/notifier/stop-claim';
import { notifierWebClient } from '../slack/notifier/web-client';
import { createNotifierHandler } from '../slack/notifier-lambda';
import { startDynalite } from '../slack/store/dynalite';
import { createTable, DynamoDbStore } from '../slack/store/dynamodb-store';
import { MemoryStore } from '../slack/store/memory-store';
import type { SlackStore } from '../slack/store/store';
import { alexaStartsThenStops, newKey, startLocalStack, type LocalStack } from './support/local-stack';
import { captureLog } from './support/log';
import { TEST_BOT_TOKEN } from './support/slack';

const ANA = { id: 'slack:U0ANALIMA', displayName: 'Ana Lima' };
const DEV_CHANNEL = 'C0DEVBUILDS';
const FAIL_TRAINING = { 'hyperparameters.sagebuild_simulate': 'training-failure' };

let stack: LocalStack;
let fake: FakeSlack;
/** Every status event the local AWS emitted, in order. */
const heard: ExecutionStatusChangeEvent[] = [];
/** The live notifier's work in flight; `settle()` waits for it. */
let pending: Promise<NotifyOutcome>[] = [];
let live: { notifier: BuildNotifier; store: SlackStore; outcomes: NotifyOutcome[] };
const warnings: string[] = [];

function slackClient(): WebClient {
  // Quiet: the client warns on every 429, which the burst test makes on purpose.
  return notifierWebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.apiUrl, logLevel: LogLevel.ERROR });
}

function notifierWith(store: SlackStore, options: Partial<NotifierDeps> = {}): BuildNotifier {
  return new BuildNotifier({
    core: stack.core,
    web: slackClient(),
    store,
    config: stack.core.config,
    log: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    ...options,
  });
}

/** A clock that tests can move on (event and card leases run out), shared by a store and its notifiers. */
function movableClock(): { now: () => Date; later: (ms: number) => void } {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), later: (ms) => void (offset += ms) };
}

/**
 * A Slack client whose card update, or thread reply, never answers: the handler hangs there as one does
 * when Lambda times it out or the container dies. `reached` resolves once it got that far.
 */
function dyingSlack(at: 'update' | 'reply'): { web: WebClient; reached: Promise<void> } {
  const real = slackClient();
  let reach = (): void => undefined;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const hang = (): Promise<never> => {
    reach();
    return new Promise<never>(() => undefined);
  };
  const chat = {
    update: at === 'update' ? hang : real.chat.update,
    postMessage: (args: Parameters<WebClient['chat']['postMessage']>[0]) =>
      at === 'reply' && (args as { thread_ts?: string }).thread_ts ? hang() : real.chat.postMessage(args),
  };
  return { web: { chat } as unknown as WebClient, reached };
}

beforeAll(async () => {
  stack = await startLocalStack();
  fake = await startFakeSlackApi();
  const store = new MemoryStore();
  live = { notifier: notifierWith(store), store, outcomes: [] };
  stack.local.events.subscribe((event) => {
    heard.push(event);
    const work = live.notifier.handle(event);
    pending.push(work.then((outcome) => (live.outcomes.push(outcome), outcome)));
  });
});

afterAll(async () => {
  await settle();
  await fake.close();
  await stack.close();
});

beforeEach(() => {
  fake.reset();
  warnings.length = 0;
});

afterEach(() => {
  // Slack would take blocks without top-level text; our rule is to always send it.
  expect(fake.lapses).toEqual([]);
});

async function settle(): Promise<void> {
  while (pending.length > 0) {
    const batch = pending;
    pending = [];
    await Promise.all(batch);
  }
}

/** Starts a dev build through the core and waits until it ended and the notifier has heard it all. */
async function build(
  overrides: Record<string, string> = {},
  requester = ANA,
): Promise<{ executionArn: string; name: string }> {
  const started = await stack.core.start({ pipeline: 'dev', requester, idempotencyKey: newKey(), overrides });
  await stack.local.stepFunctions.waitFor(started.executionArn);
  await settle();
  return started;
}

function eventsOf(executionArn: string): {
  running: ExecutionStatusChangeEvent;
  final: ExecutionStatusChangeEvent;
} {
  const mine = heard.filter((e) => e.detail.executionArn === executionArn);
  const running = mine.find((e) => e.detail.status === 'RUNNING');
  const final = mine.find((e) => e.detail.status !== 'RUNNING');
  if (!running || !final) throw new Error(`missing events for ${executionArn}`);
  return { running, final };
}

/**
 * A dev build that ended and its events; a notifier on a fresh memory store (the fake Slack reset) has posted
 * the build's RUNNING card.
 */
async function runningCard(overrides?: Record<string, string>): Promise<{
  executionArn: string;
  final: ExecutionStatusChangeEvent;
  store: MemoryStore;
  notifier: BuildNotifier;
}> {
  const { executionArn } = await build(overrides);
  const { running, final } = eventsOf(executionArn);
  fake.reset();
  const store = new MemoryStore();
  const notifier = notifierWith(store);
  await notifier.handle(running);
  return { executionArn, final, store, notifier };
}

const cards = (channel: string): FakeMessage[] => fake.messages(channel).filter((m) => !m.threadTs);

function headerOf(blocks: unknown[]): string {
  const header = blocks.find((b) => (b as { type?: string }).type === 'header') as
    { text: { text: string } } | undefined;
  return header?.text.text ?? '';
}

function fieldsOf(blocks: unknown[], blockId: string): string {
  const section = blocks.find((b) => (b as { block_id?: string }).block_id === blockId) as
    { fields?: { text: string }[] } | undefined;
  return (section?.fields ?? []).map((f) => f.text).join('\n');
}

describe('the build notifier', () => {
  test('a build: one card posted on RUNNING, updated in place to SUCCEEDED, and a thread reply', async () => {
    const { executionArn, name } = await build();
    const [card, ...others] = cards(DEV_CHANNEL);
    expect(others).toEqual([]);
    expect(card?.versions.map((v) => headerOf(v.blocks))).toEqual([
      expect.stringContaining('dev build running'),
      expect.stringContaining('dev build succeeded'),
    ]);
    expect(card?.versions[0]?.text).toBe(`Ana Lima started the dev build ${name}.`);
    expect(card?.text).toMatch(new RegExp(`^The dev build ${name} succeeded after `));
    const replies = fake.replies(DEV_CHANNEL, card?.ts ?? '');
    expect(replies.map((r) => [r.text, r.replyBroadcast])).toEqual([[card?.text, false]]);
    expect(await live.store.getCard(executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      cards: [{ channel: DEV_CHANNEL, ts: card?.ts }],
      startedBySlackUser: 'U0ANALIMA',
    });
    // The card was posted once and then only updated.
    expect(fake.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(1);
    expect(fake.callsTo('chat.update')).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  test('a training failure: the card shows FAILED with step and reason; the reply is broadcast with a mention', async () => {
    const { name } = await build(FAIL_TRAINING);
    const [card, ...others] = cards(DEV_CHANNEL);
    expect(others).toEqual([]);
    expect(headerOf(card?.blocks ?? [])).toContain('dev build failed');
    expect(fieldsOf(card?.blocks ?? [], 'build_failure')).toContain('*Failed step*\nTrain model');
    expect(fieldsOf(card?.blocks ?? [], 'build_failure')).toContain('*Reason*\n');
    const [reply, ...more] = fake.replies(DEV_CHANNEL, card?.ts ?? '');
    expect(more).toEqual([]);
    expect(reply?.replyBroadcast).toBe(true);
    expect(reply?.text).toMatch(new RegExp(`^<@U0ANALIMA> The dev build ${name} failed after `));
  });

  test('a build started outside Slack (a schedule) still gets its card, and its failure mentions nobody', async () => {
    const pipeline = stack.pipelines.find((p) => p.name === 'dev');
    const input = {
      ...pipeline?.defaultInput,
      hyperparameters: { sagebuild_simulate: 'training-failure' },
      startedBy: { displayName: 'the nightly schedule' },
    };
    const { executionArn } = stack.local.stepFunctions.startExecution({
      stateMachineArn: pipeline?.stateMachineArn ?? '',
      name: `dev-nightly-${Date.now()}`,
      input: JSON.stringify(input),
    });
    await stack.local.stepFunctions.waitFor(executionArn);
    await settle();
    const [card] = cards(DEV_CHANNEL);
    expect(card?.versions[0]?.text).toMatch(/^The nightly schedule started the dev build/);
    expect(fieldsOf(card?.blocks ?? [], 'build_facts')).toContain('*Started by*\nthe nightly schedule');
    const [reply] = fake.replies(DEV_CHANNEL, card?.ts ?? '');
    expect(reply?.replyBroadcast).toBe(true);
    expect(reply?.text).not.toContain('<@');
  });

  test('a build started and stopped from Alexa: a stop on the card and in the thread, the person named, no id', async () => {
    const started = await alexaStartsThenStops(stack, 'wrong data');
    await settle();
    const [card] = cards(DEV_CHANNEL);
    const replies = fake.replies(DEV_CHANNEL, card?.ts ?? '');
    const everything = JSON.stringify([card?.versions, replies]);
    expect(everything).not.toContain('amzn1.');
    expect(everything).not.toContain('Failed step');
    expect(everything).not.toContain('via SageBuild');
    expect(card?.versions[0]?.text).toBe(`Someone using Alexa started the dev build ${started.name}.`);
    expect(headerOf(card?.blocks ?? [])).toBe(':octagonal_sign: dev build stopped');
    const ending = fieldsOf(card?.blocks ?? [], 'build_failure');
    expect(ending).toContain('*Stopped at*\nTrain model');
    expect(ending).toContain('*Stopped by*\nsomeone using Alexa');
    expect(ending).toContain('*Reason*\nwrong data.');
    expect(fieldsOf(card?.blocks ?? [], 'build_facts')).toContain('*Started by*\nsomeone using Alexa');
    expect(replies.map((r) => [r.text, r.replyBroadcast])).toEqual([[card?.text, false]]);
    expect(card?.text).toMatch(
      new RegExp(
        `^The dev build ${started.name} was stopped by someone using Alexa after .*: wrong data\\.$`,
      ),
    );
  });

  test('a stop Slack already told the channel (Stop button, /sagebuild stop): the card shows it, no second line', async () => {
    const { executionArn } = await alexaStartsThenStops(stack);
    await settle();
    const { running, final } = eventsOf(executionArn);
    fake.reset();
    const store = new MemoryStore();
    const notifier = notifierWith(store);
    await notifier.handle(running);
    // What the Slack stop does before it announces the stop in the channel.
    expect(await store.claimEvent(stopKey(executionArn))).toBe(true);
    expect(await notifier.handle(final)).toBe('updated');
    const [card] = cards(DEV_CHANNEL);
    expect(headerOf(card?.blocks ?? [])).toBe(':octagonal_sign: dev build stopped');
    expect(fake.replies(DEV_CHANNEL, card?.ts ?? '')).toEqual([]);
    expect(await store.getCard(executionArn)).toMatchObject({
      stopToldInSlack: true,
      cards: [{ shows: 'ABORTED', replied: 'ABORTED' }],
    });
  });

  test('a stop from elsewhere claims the line: a Slack stop answering late does not announce it again', async () => {
    const { executionArn } = await alexaStartsThenStops(stack);
    await settle();
    expect(await live.store.claimEvent(stopKey(executionArn))).toBe(false);
  });

  test('duplicate and out-of-order events give one card, in the final state', async () => {
    const { executionArn } = await build();
    const { running, final } = eventsOf(executionArn);
    fake.reset();
    const notifier = notifierWith(new MemoryStore());
    const outcomes = [];
    for (const event of [final, final, running, running, final]) outcomes.push(await notifier.handle(event));
    expect(outcomes).toEqual(['posted', 'duplicate', 'stale', 'duplicate', 'duplicate']);
    const [card, ...others] = cards(DEV_CHANNEL);
    expect(others).toEqual([]);
    expect(card?.versions.map((v) => headerOf(v.blocks))).toEqual([expect.stringContaining('succeeded')]);
    expect(fake.replies(DEV_CHANNEL, card?.ts ?? '')).toHaveLength(1);
  });

  test('a RUNNING copy redelivered after the final event changes nothing', async () => {
    const { executionArn } = await build();
    const { running, final } = eventsOf(executionArn);
    fake.reset();
    const notifier = notifierWith(new MemoryStore());
    const lateCopy = { ...running, id: `${running.id}-redelivered` };
    const outcomes = [];
    for (const event of [running, final, lateCopy]) outcomes.push(await notifier.handle(event));
    expect(outcomes).toEqual(['posted', 'updated', 'stale']);
    const [card, ...others] = cards(DEV_CHANNEL);
    expect(others).toEqual([]);
    expect(headerOf(card?.blocks ?? [])).toContain('succeeded');
  });

  test('RUNNING and final handled at the same moment, twice over: one card, one reply', async () => {
    const { executionArn } = await build();
    const { running, final } = eventsOf(executionArn);
    fake.reset();
    const store = new MemoryStore();
    const a = notifierWith(store);
    const b = notifierWith(store);
    const copies = (e: ExecutionStatusChangeEvent, n: number) => ({ ...e, id: `${e.id}-copy-${n}` });
    const outcomes = await Promise.all([
      a.handle(running),
      b.handle(final),
      a.handle(copies(final, 1)),
      b.handle(copies(running, 1)),
    ]);
    expect(outcomes.filter((o) => o === 'posted')).toHaveLength(1);
    const [card, ...others] = cards(DEV_CHANNEL);
    expect(others).toEqual([]);
    expect(headerOf(card?.blocks ?? [])).toContain('succeeded');
    expect(fake.replies(DEV_CHANNEL, card?.ts ?? '')).toHaveLength(1);
    expect((await store.getCard(executionArn))?.status).toBe('SUCCEEDED');
  });

  test('many copies of both events at once, on the DynamoDB store: one card, final, one reply', async () => {
    const { executionArn } = await build();
    const { running, final } = eventsOf(executionArn);
    fake.reset();
    const dynamodb = await startDynalite();
    try {
      await createTable(dynamodb.client, 'race');
      const store = new DynamoDbStore(dynamodb.client, 'race');
      const notifiers = [notifierWith(store), notifierWith(store), notifierWith(store)];
      const events = Array.from({ length: 12 }, (_, i) => ({
        ...(i % 2 ? final : running),
        id: `copy-${i % 4}`, // some copies share an id too
      }));
      const outcomes = await Promise.all(events.map((e, i) => notifiers[i % 3]?.handle(e)));
      expect(outcomes.filter((o) => o === 'posted')).toHaveLength(1);
      const [card, ...others] = cards(DEV_CHANNEL);
      expect(others).toEqual([]);
      expect(headerOf(card?.blocks ?? [])).toContain('succeeded');
      expect(fake.replies(DEV_CHANNEL, card?.ts ?? '')).toHaveLength(1);
    } finally {
      await dynamodb.close();
    }
  });

  test('an update Slack cannot take is given back; its retry updates the card and replies once', async () => {
    const { executionArn, final, store, notifier } = await runningCard();
    fake.fail('chat.update', 'internal_error');
    await expect(notifier.handle(final)).rejects.toThrow(/may work on a retry/);
    // The record took the final status on; its card says it still shows RUNNING, with no reply yet.
    expect(await store.getCard(executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      cards: [{ shows: 'RUNNING' }],
    });
    expect(await notifier.handle(final)).toBe('updated');
    const [card] = cards(DEV_CHANNEL);
    expect(headerOf(card?.blocks ?? [])).toContain('succeeded');
    expect(fake.replies(DEV_CHANNEL, card?.ts ?? '')).toHaveLength(1);
    expect((await store.getCard(executionArn))?.cards).toEqual([
      expect.objectContaining({ shows: 'SUCCEEDED', replied: 'SUCCEEDED' }),
    ]);
  });

  test('a burst of 429s from Slack loses nothing: the card, its update and the reply all arrive', async () => {
    const { executionArn } = await build();
    const { running, final } = eventsOf(executionArn);
    fake.reset();
    fake.rateLimit({ count: 2, retryAfterSeconds: 1 });
    const notifier = notifierWith(new MemoryStore());
    expect(await notifier.handle(running)).toBe('posted');
    fake.rateLimit({ method: 'chat.update', count: 1, retryAfterSeconds: 1 });
    expect(await notifier.handle(final)).toBe('updated');
    expect(fake.calls.filter((c) => c.outcome === 'ratelimited')).toHaveLength(3);
    const [card, ...others] = cards(DEV_CHANNEL);
    expect(others).toEqual([]);
    expect(card?.versions).toHaveLength(2);
    expect(fake.replies(DEV_CHANNEL, card?.ts ?? '')).toHaveLength(1);
  }, 30_000);

  test("an older build's card gets that build's own facts from the core, not the latest build's", async () => {
    const older = await build(FAIL_TRAINING);
    await build(); // the pipeline's latest build now
    const { final } = eventsOf(older.executionArn);
    fake.reset();
    const statusOf = jest.spyOn(stack.core, 'statusOf');
    const status = jest.spyOn(stack.core, 'status');
    try {
      expect(await notifierWith(new MemoryStore()).handle(final)).toBe('posted');
      expect(statusOf).toHaveBeenCalledWith('dev', older.executionArn);
      expect(status).not.toHaveBeenCalled();
      const expected = await stack.core.statusOf('dev', older.executionArn);
      const [card] = cards(DEV_CHANNEL);
      expect(card?.text).toContain(older.name);
      expect(card?.blocks).toEqual(
        renderBuildCard(expected, {
          consoleUrl: consoleUrlFor(older.executionArn),
          canStop: false,
          now: new Date(),
        }).blocks,
      );
    } finally {
      statusOf.mockRestore();
      status.mockRestore();
    }
  });

  test('an event from a state machine no pipeline uses is ignored', async () => {
    const { executionArn } = await build();
    const { running } = eventsOf(executionArn);
    fake.reset();
    const stranger = {
      ...running,
      id: 'stranger-1',
      detail: {
        ...running.detail,
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:other',
      },
    };
    const store = new MemoryStore();
    expect(await notifierWith(store).handle(stranger)).toBe('unknown-machine');
    expect(fake.calls).toEqual([]);
    expect(await store.claimEvent('stranger-1')).toBe(true);
  });

  test('an event whose id is missing or not a string is refused with a log line, and nothing is posted', async () => {
    const { executionArn } = await build();
    const { running } = eventsOf(executionArn);
    fake.reset();
    const store = new MemoryStore();
    const { id: _id, ...withoutId } = running;
    const unusable: unknown[] = [
      withoutId,
      { ...running, id: 42 },
      { ...running, id: '' },
      { ...running, id: null },
    ];
    for (const event of unusable) {
      expect(await notifierWith(store).handle(event as ExecutionStatusChangeEvent)).toBe('unusable-event');
    }
    expect(fake.calls).toEqual([]);
    expect(await store.getCard(executionArn)).toBeUndefined();
    expect(warnings).toEqual(
      Array.from({ length: 4 }, () => 'Slack notifier: an event was not posted because it has no id.'),
    );
    // The same event with its id is posted as usual.
    expect(await notifierWith(store).handle(running)).toBe('posted');
  });

  test('channels subscribed in the store get the card too, each updated in place', async () => {
    await live.store.subscribe('dev', 'C0EXTRA');
    try {
      const { executionArn } = await build();
      for (const channel of [DEV_CHANNEL, 'C0EXTRA']) {
        const [card, ...others] = cards(channel);
        expect(others).toEqual([]);
        expect(card?.versions).toHaveLength(2);
        expect(fake.replies(channel, card?.ts ?? '')).toHaveLength(1);
      }
      expect((await live.store.getCard(executionArn))?.cards.map((c) => c.channel)).toEqual([
        DEV_CHANNEL,
        'C0EXTRA',
      ]);
    } finally {
      await live.store.unsubscribe('dev', 'C0EXTRA');
    }
  });

  test('a channel Slack refuses is skipped; the others get the card', async () => {
    const { executionArn } = await build();
    const { running } = eventsOf(executionArn);
    fake.reset();
    const store = new MemoryStore();
    await store.subscribe('dev', 'C0EXTRA');
    fake.fail('chat.postMessage', 'channel_not_found');
    expect(await notifierWith(store).handle(running)).toBe('posted');
    expect(cards(DEV_CHANNEL).length + cards('C0EXTRA').length).toBe(1);
    expect(warnings.join('\n')).toContain('channel_not_found');
  });

  test('when Slack cannot take the card at all, the event is given back and its retry posts it', async () => {
    const { executionArn } = await build();
    const { running } = eventsOf(executionArn);
    fake.reset();
    const store = new MemoryStore();
    const notifier = notifierWith(store);
    fake.fail('chat.postMessage', 'internal_error', 1);
    await expect(notifier.handle(running)).rejects.toThrow(/may work on a retry/);
    expect(cards(DEV_CHANNEL)).toEqual([]);
    expect(await notifier.handle(running)).toBe('posted');
    expect(cards(DEV_CHANNEL)).toHaveLength(1);
  });
});

describe('the build notifier after a crash or a partial failure', () => {
  test.each([
    { dies: 'before the reply to a card posted final-first', at: 'reply', first: false },
    { dies: 'in the card update, before Slack got it', at: 'update', first: true },
    { dies: 'after the card update, before the reply', at: 'reply', first: true },
  ] as const)(
    'a handler that dies $dies: the retry of the same event finishes the rest, once',
    async ({ at, first }) => {
      const { executionArn } = await build();
      const { running, final } = eventsOf(executionArn);
      fake.reset();
      const clock = movableClock();
      const store = new MemoryStore(clock.now);
      if (first) expect(await notifierWith(store, { now: clock.now }).handle(running)).toBe('posted');
      const dying = dyingSlack(at);
      void notifierWith(store, { now: clock.now, web: dying.web }).handle(final);
      await dying.reached;

      // Lambda's retry comes once the dead handler's leases ran out (the event's 2 min, the card's 1 min).
      clock.later(3 * 60_000);
      expect(await notifierWith(store, { now: clock.now }).handle(final)).toBe('updated');
      const [card, ...others] = cards(DEV_CHANNEL);
      expect(others).toEqual([]);
      expect(headerOf(card?.blocks ?? [])).toContain('succeeded');
      expect(card?.versions).toHaveLength(first ? 2 : 1); // never updated twice to the same state
      expect(fake.replies(DEV_CHANNEL, card?.ts ?? '')).toHaveLength(1);
      expect(await store.getCard(executionArn)).toMatchObject({
        status: 'SUCCEEDED',
        cards: [{ shows: 'SUCCEEDED', replied: 'SUCCEEDED' }],
      });
      expect((await store.getCard(executionArn))?.busyUntil).toBeUndefined();
      // And the event is done now: another copy of it changes nothing.
      expect(await notifierWith(store, { now: clock.now }).handle(final)).toBe('duplicate');
    },
  );

  test('a repeat of an event another handler is working on waits for it, then is a duplicate', async () => {
    const { executionArn } = await build();
    const { running } = eventsOf(executionArn);
    fake.reset();
    const store = new MemoryStore();
    const outcomes = await Promise.all(
      [notifierWith(store), notifierWith(store)].map((n) => n.handle(running)),
    );
    expect(outcomes.sort()).toEqual(['duplicate', 'posted']);
    expect(cards(DEV_CHANNEL)).toHaveLength(1);
  });

  test('one channel of two fails, then succeeds on the retry: each channel gets exactly one card and reply', async () => {
    const { executionArn } = await build();
    const { running, final } = eventsOf(executionArn);
    fake.reset();
    const store = new MemoryStore();
    await store.subscribe('dev', 'C0EXTRA');
    const notifier = notifierWith(store);
    const channels = [DEV_CHANNEL, 'C0EXTRA'];

    fake.fail('chat.postMessage', 'internal_error', 1);
    await expect(notifier.handle(running)).rejects.toThrow(/1 Slack call .* may work on a retry/);
    const afterPost = await store.getCard(executionArn);
    expect(afterPost?.cards).toHaveLength(1);
    expect(afterPost?.unposted).toEqual(channels.filter((c) => c !== afterPost?.cards[0]?.channel));
    expect(await notifier.handle(running)).toBe('posted');
    for (const channel of channels) expect(cards(channel)).toHaveLength(1);
    expect((await store.getCard(executionArn))?.unposted).toBeUndefined();

    fake.fail('chat.update', 'internal_error', 1);
    await expect(notifier.handle(final)).rejects.toThrow(/may work on a retry/);
    expect(await notifier.handle(final)).toBe('updated');
    for (const channel of channels) {
      const [card, ...others] = cards(channel);
      expect(others).toEqual([]);
      expect(card?.versions.map((v) => headerOf(v.blocks))).toEqual([
        expect.stringContaining('running'),
        expect.stringContaining('succeeded'),
      ]);
      expect(fake.replies(channel, card?.ts ?? '')).toHaveLength(1);
    }
    // The retries redid nothing that had worked: 2 posts + 1 retried post, 2 updates + 1 failed one.
    expect(fake.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(3);
    expect(fake.callsTo('chat.update')).toHaveLength(3);
    expect(warnings.join('\n')).toContain('internal_error');
  });

  test('a thread reply Slack cannot take is retried alone: one update, one reply', async () => {
    const { final, notifier } = await runningCard(FAIL_TRAINING);
    fake.fail('chat.postMessage', 'service_unavailable', 1);
    await expect(notifier.handle(final)).rejects.toThrow(/may work on a retry/);
    const [card] = cards(DEV_CHANNEL);
    expect(headerOf(card?.blocks ?? [])).toContain('failed');
    expect(fake.replies(DEV_CHANNEL, card?.ts ?? '')).toEqual([]);
    expect(await notifier.handle(final)).toBe('updated');
    expect(card?.versions).toHaveLength(2);
    expect(fake.callsTo('chat.update')).toHaveLength(1);
    const replies = fake.replies(DEV_CHANNEL, card?.ts ?? '');
    expect(replies.map((r) => r.replyBroadcast)).toEqual([true]);
    expect(replies[0]?.text).toMatch(/^<@U0ANALIMA> /);
  });
});

describe('refreshCardMessage (the Refresh button)', () => {
  const render = (fact: BuildStatusFact) =>
    renderBuildCard(fact, {
      consoleUrl: consoleUrlFor(fact.executionArn),
      canStop: fact.status === 'RUNNING',
      now: new Date(),
    });

  async function finishedCard(): Promise<{ store: MemoryStore; fact: BuildStatusFact; ts: string }> {
    const { executionArn, final, store, notifier } = await runningCard();
    await notifier.handle(final);
    const fact = await stack.core.statusOf('dev', executionArn);
    return { store, fact, ts: cards(DEV_CHANNEL)[0]?.ts ?? '' };
  }

  test('never moves a final card back to running; re-renders it from final facts', async () => {
    const { store, fact, ts } = await finishedCard();
    const base = { store, web: slackClient(), channel: DEV_CHANNEL, ts, render };
    const running: BuildStatusFact = { ...fact, status: 'RUNNING' };
    delete running.stoppedAt;
    delete running.failure;
    expect(await refreshCardMessage({ ...base, fact: running })).toBe('stale');
    expect(fake.message(DEV_CHANNEL, ts)?.versions).toHaveLength(2);
    expect(await refreshCardMessage({ ...base, fact })).toBe('updated');
    const card = fake.message(DEV_CHANNEL, ts);
    expect(card?.versions).toHaveLength(3);
    expect(headerOf(card?.blocks ?? [])).toContain('succeeded');
    const record = await store.getCard(fact.executionArn);
    expect(record?.busyUntil).toBeUndefined();
    expect(record?.status).toBe('SUCCEEDED');
  });

  test('leaves a card alone while the notifier is updating it; updates one without a record', async () => {
    const { store, fact, ts } = await finishedCard();
    const record = await store.getCard(fact.executionArn);
    if (!record) throw new Error('no record');
    await store.saveCard(
      { ...record, version: record.version + 1, busyUntil: new Date(Date.now() + 30_000).toISOString() },
      record.version,
    );
    const base = { web: slackClient(), channel: DEV_CHANNEL, ts, render, fact };
    expect(await refreshCardMessage({ ...base, store })).toBe('busy');
    expect(await refreshCardMessage({ ...base, store: new MemoryStore() })).toBe('updated');
    expect(fake.message(DEV_CHANNEL, ts)?.versions).toHaveLength(3);
  });

  test('a final fact on a card the notifier still shows running updates it', async () => {
    const { executionArn } = await build();
    const { running } = eventsOf(executionArn);
    fake.reset();
    const store = new MemoryStore();
    await notifierWith(store).handle(running);
    const ts = cards(DEV_CHANNEL)[0]?.ts ?? '';
    const fact = await stack.core.statusOf('dev', executionArn);
    expect(
      await refreshCardMessage({ store, web: slackClient(), fact, channel: DEV_CHANNEL, ts, render }),
    ).toBe('updated');
    expect(headerOf(fake.message(DEV_CHANNEL, ts)?.blocks ?? [])).toContain('succeeded');
  });
});

describe('the notifier Lambda', () => {
  test('sets up from the environment (config, token, DynamoDB table) and handles events once', async () => {
    const { executionArn } = await build();
    const { running, final } = eventsOf(executionArn);
    fake.reset();
    const dynamodb = await startDynalite();
    await createTable(dynamodb.client, 'sagebuild-slack');
    const dir = mkdtempSync(join(tmpdir(), 'sagebuild-notifier-'));
    const configPath = join(dir, 'config.json');
    writeFileSync(configPath, JSON.stringify(stack.core.config));
    const env = {
      SAGEBUILD_CONFIG: configPath,
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_API_URL: fake.apiUrl,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    };
    Object.assign(process.env, env);
    const captured = captureLog();
    const handler = createNotifierHandler({ log: captured.log });
    try {
      for (const event of [running, final, running]) await handler(event, { awsRequestId: 'notifier-1' });
      const [card, ...others] = cards(DEV_CHANNEL);
      expect(others).toEqual([]);
      expect(headerOf(card?.blocks ?? [])).toContain('succeeded');
      const store = new DynamoDbStore(dynamodb.client, 'sagebuild-slack');
      expect(await store.getCard(executionArn)).toMatchObject({
        status: 'SUCCEEDED',
        cards: [{ ts: card?.ts }],
      });
      const line = { front: 'notifier', requestId: 'notifier-1', pipeline: 'dev', outcome: 'answered' };
      expect(captured.lines()).toEqual([
        expect.objectContaining({ ...line, action: 'RUNNING', result: 'posted' }),
        expect.objectContaining({ ...line, action: 'SUCCEEDED', result: 'updated' }),
        expect.objectContaining({ ...line, action: 'RUNNING', result: 'duplicate' }),
      ]);
      expect(captured.text()).not.toContain(TEST_BOT_TOKEN);
    } finally {
      for (const key of Object.keys(env)) delete process.env[key];
      rmSync(dir, { recursive: true, force: true });
      await dynamodb.close();
    }
  });
});
