// The every-minute progress refresh of build cards, against real builds on the local AWS and the fake Slack
// Web API: a running build's card moves on to the step the build is in, and is left alone while nothing it
// shows changed; finished builds are the notifier's; one pipeline's failure, or Slack's 429, costs nothing
// but a round. Then through the notifier's Lambda handler, which tells the scheduled event apart.

import { LogLevel } from '@slack/web-api';
import type { ExecutionStatusChangeEvent } from '../local/events';
import { startFakeSlackApi, type FakeSlack } from '../local/slack/fake-slack-api';
import type { BuildStatusFact } from '../core/builds/facts';
import type { SageBuildConfig } from '../core/config/schema';
import { SageBuild } from '../core/sagebuild';
import { cardFor } from '../slack/listeners/card';
import { BuildNotifier, refreshCardMessage } from '../slack/notifier/notifier';
import { ApprovalNotifier } from '../slack/notifier/approval-requests';
import { progressWebClient, ProgressRefresh, type ProgressReport } from '../slack/notifier/progress-refresh';
import { notifierWebClient } from '../slack/notifier/web-client';
import { createNotifierHandler } from '../slack/notifier-lambda';
import { MemoryStore } from '../slack/store/memory-store';
import { newKey, startLocalStack, waitFor, type LocalStack } from './support/local-stack';
import { captureLog } from './support/log';
import { TEST_BOT_TOKEN } from './support/slack';

/**
 * Slower than the other tests' local AWS: a build spends about 2 s waiting for its endpoint, long enough to
 * catch it there, and ends within 10 s, so its card's times all read "a few seconds" and only its step moves.
 */
const TIME_SCALE = 200;
/** A minute of (simulated) training: the build soon moves on from its first step. */
const QUICK = { 'hyperparameters.sagebuild_training_minutes': '1' };
const ANA = { id: 'slack:U0ANALIMA', displayName: 'Ana Lima' };
const DEV_CHANNEL = 'C0DEVBUILDS';
/** The states the card shows as its "Wait for endpoint" step. */
const WAITING_FOR_ENDPOINT = ['Wait for endpoint', 'Check endpoint status', 'Is endpoint in service'];
const NOTHING: ProgressReport = { refreshed: 0, unchanged: 0, skipped: 0, failed: 0, failedPipelines: [] };

let stack: LocalStack;
let fake: FakeSlack;
const heard: ExecutionStatusChangeEvent[] = [];
/** Builds started by the current test: each ends before the next test starts one. */
let started: string[] = [];
const warnings: string[] = [];
const log = { warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };

beforeAll(async () => {
  stack = await startLocalStack({ timeScale: TIME_SCALE });
  fake = await startFakeSlackApi();
  stack.local.events.subscribe((event) => heard.push(event));
});

afterAll(async () => {
  await fake.close();
  await stack.close();
});

beforeEach(() => {
  fake.reset();
  warnings.length = 0;
});

// Run to the end, not stopped: a stopped build would leave the endpoint updating, and the next one failing.
afterEach(async () => {
  // Slack would take blocks without top-level text; our rule is to always send it.
  expect(fake.lapses).toEqual([]);
  await Promise.all(started.map((arn) => stack.local.stepFunctions.waitFor(arn)));
  started = [];
});

function notifierWith(store: MemoryStore): BuildNotifier {
  // Quiet: the client warns on every 429, which a test makes on purpose.
  const web = notifierWebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.apiUrl, logLevel: LogLevel.ERROR });
  return new BuildNotifier({ core: stack.core, web, store, config: stack.core.config, log });
}

const progressSlack = () => progressWebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.apiUrl });

function refresherWith(store: MemoryStore, core: SageBuild = stack.core): ProgressRefresh {
  return new ProgressRefresh({ core, web: progressSlack(), store, log });
}

/** Starts a dev build; resolves with its RUNNING event once the local AWS has sent it. */
async function startBuild(): Promise<{ executionArn: string; running: ExecutionStatusChangeEvent }> {
  const { executionArn } = await stack.core.start({
    pipeline: 'dev',
    requester: ANA,
    idempotencyKey: newKey(),
    overrides: QUICK,
  });
  started.push(executionArn);
  const running = await waitFor(() =>
    heard.find((e) => e.detail.executionArn === executionArn && e.detail.status === 'RUNNING'),
  );
  return { executionArn, running };
}

/** Waits until the build is waiting for its endpoint: steps past the one its card was posted in. */
async function movedOn(executionArn: string): Promise<void> {
  await waitFor(async () => {
    const fact = await stack.core.statusOf('dev', executionArn);
    if (fact.status !== 'RUNNING') throw new Error(`${fact.name} ended before the test caught it running`);
    return WAITING_FOR_ENDPOINT.includes(fact.currentStep?.name ?? '') ? true : undefined;
  });
}

/** A running build whose card a notifier posted on a fresh store, the build since moved on. */
async function movedOnCard(): Promise<{ executionArn: string; store: MemoryStore; ts: string }> {
  const { executionArn, running } = await startBuild();
  const store = new MemoryStore();
  expect(await notifierWith(store).handle(running)).toBe('posted');
  await movedOn(executionArn);
  return { executionArn, store, ts: cardTs() };
}

function cardTs(): string {
  const [card, ...others] = fake.messages(DEV_CHANNEL).filter((m) => !m.threadTs);
  expect(others).toEqual([]);
  return card?.ts ?? '';
}

function stepsOf(ts: string): string {
  const blocks = fake.message(DEV_CHANNEL, ts)?.blocks ?? [];
  const steps = blocks.find((b) => (b as { block_id?: string }).block_id === 'build_steps') as
    { text: { text: string } } | undefined;
  return steps?.text.text ?? '';
}

const updates = () => fake.callsTo('chat.update').length;

describe('the progress refresh', () => {
  test("moves a running build's card on to its current step, then leaves it alone while nothing changed", async () => {
    const { executionArn, store, ts } = await movedOnCard();
    expect(stepsOf(ts)).not.toContain(':hourglass_flowing_sand: Wait for endpoint');
    const refresh = refresherWith(store);

    expect(await refresh.run()).toEqual({ ...NOTHING, refreshed: 1 });
    expect(updates()).toBe(1);
    expect(stepsOf(ts)).toContain(':white_check_mark: Train model');
    expect(stepsOf(ts)).toContain(':hourglass_flowing_sand: Wait for endpoint');
    expect(fake.message(DEV_CHANNEL, ts)?.versions).toHaveLength(2);
    const record = await store.getCard(executionArn);
    expect(record).toMatchObject({
      status: 'RUNNING',
      cards: [{ channel: DEV_CHANNEL, ts, shows: 'RUNNING' }],
    });
    expect(record?.busyUntil).toBeUndefined();

    expect(await refresh.run()).toEqual({ ...NOTHING, unchanged: 1 });
    expect(updates()).toBe(1);

    // Someone else changed the card since (a Refresh click): the next round shows its own render again.
    const fact = await stack.core.statusOf('dev', executionArn);
    const render = (shown: BuildStatusFact) => cardFor(shown, new Date());
    await refreshCardMessage({ store, web: progressSlack(), fact, channel: DEV_CHANNEL, ts, render });
    expect(await refresh.run()).toEqual({ ...NOTHING, refreshed: 1 });
    expect(updates()).toBe(3);
    expect(warnings).toEqual([]);
  });

  test("leaves a finished build's card to the notifier", async () => {
    const { executionArn, running } = await startBuild();
    const store = new MemoryStore();
    const notifier = notifierWith(store);
    await notifier.handle(running);
    await stack.local.stepFunctions.waitFor(executionArn);
    const final = await waitFor(() =>
      heard.find((e) => e.detail.executionArn === executionArn && e.detail.status !== 'RUNNING'),
    );
    expect(await notifier.handle(final)).toBe('updated');
    const calls = fake.calls.length;

    expect(await refresherWith(store).run()).toEqual(NOTHING);
    expect(fake.calls).toHaveLength(calls);
    expect(fake.message(DEV_CHANNEL, cardTs())?.versions).toHaveLength(2);
  });

  test("a pipeline whose state machine is missing does not stop the other pipelines' cards", async () => {
    const config = stack.core.config;
    const dev = config.pipelines.find((p) => p.name === 'dev');
    if (!dev) throw new Error('no dev pipeline');
    const ghost = { ...dev, name: 'ghost', aliases: [], stateMachineArn: `${dev.stateMachineArn}-deleted` };
    const withGhost: SageBuildConfig = { ...config, pipelines: [ghost, ...config.pipelines] };
    const core = new SageBuild(withGhost);
    try {
      const { store, ts } = await movedOnCard();
      expect(await refresherWith(store, core).run()).toEqual({
        ...NOTHING,
        refreshed: 1,
        failedPipelines: ['ghost'],
      });
      expect(stepsOf(ts)).toContain(':hourglass_flowing_sand: Wait for endpoint');
      expect(warnings).toEqual([
        expect.stringMatching(/^Slack progress: ghost builds not listed: ConfigError: .* does not exist\.$/),
      ]);
    } finally {
      core.close();
    }
  });

  test('a 429 from Slack ends the round at once; the next round updates the card', async () => {
    const { store, ts } = await movedOnCard();
    const refresh = refresherWith(store);
    fake.rateLimit({ method: 'chat.update', count: 1, retryAfterSeconds: 30 });
    const before = Date.now();
    expect(await refresh.run()).toEqual({ ...NOTHING, skipped: 1 });
    expect(Date.now() - before).toBeLessThan(5000);
    expect(fake.message(DEV_CHANNEL, ts)?.versions).toHaveLength(1);
    expect(await refresh.run()).toEqual({ ...NOTHING, refreshed: 1 });
    expect(stepsOf(ts)).toContain(':hourglass_flowing_sand: Wait for endpoint');
  });
});

describe("the notifier Lambda's scheduled event", () => {
  function scheduledEvent(time = new Date()) {
    return {
      version: '0',
      id: `scheduled-${newKey()}`,
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: stack.local.accountId,
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: stack.local.region,
      resources: [
        `arn:aws:events:${stack.local.region}:${stack.local.accountId}:rule/SageBuild-BuildProgress`,
      ],
      detail: {},
    };
  }

  test('goes to the progress refresh, status changes to the notifier, anything else is ignored', async () => {
    const store = new MemoryStore();
    const parts = {
      notifier: notifierWith(store),
      progress: refresherWith(store),
      approvals: new ApprovalNotifier({
        core: stack.core,
        web: notifierWebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.apiUrl }),
        store,
        config: stack.core.config,
        log,
      }),
    };
    const captured = captureLog();
    const handler = createNotifierHandler({ log: captured.log, setUp: async () => parts });
    const context = { awsRequestId: 'notifier-1', getRemainingTimeInMillis: () => 29_000 };

    const { executionArn, running } = await startBuild();
    await handler(running, context);
    const ts = cardTs();
    await movedOn(executionArn);
    await handler(scheduledEvent(), context);
    expect(stepsOf(ts)).toContain(':hourglass_flowing_sand: Wait for endpoint');
    await handler(scheduledEvent(), context);
    await handler({ source: 'aws.health', 'detail-type': 'AWS Health Event', detail: {} }, context);
    await handler(scheduledEvent(new Date(Date.now() - 10 * 60_000)), context);

    const line = { front: 'notifier', requestId: 'notifier-1', outcome: 'answered' };
    const progress = { ...line, action: 'progress', result: 'refreshed', skipped: 0, failed: 0 };
    expect(captured.lines()).toEqual([
      expect.objectContaining({ ...line, pipeline: 'dev', action: 'RUNNING', result: 'posted' }),
      expect.objectContaining({ ...progress, refreshed: 1, unchanged: 0 }),
      expect.objectContaining({ ...progress, refreshed: 0, unchanged: 1 }),
      expect.objectContaining({ level: 'WARN', source: 'aws.health', detailType: 'AWS Health Event' }),
      expect.objectContaining({ ...line, action: 'ignored' }),
      expect.objectContaining({ ...line, action: 'progress', result: 'late' }),
    ]);
    expect(updates()).toBe(1);
  });

  test('a round whose set-up fails is logged as failed, not thrown (Lambda would retry it)', async () => {
    const captured = captureLog();
    const handler = createNotifierHandler({
      log: captured.log,
      setUp: () => Promise.reject(new Error('The Slack tokens secret is unreadable.')),
    });
    await expect(handler(scheduledEvent(), { awsRequestId: 'notifier-2' })).resolves.toBeUndefined();
    expect(captured.lines()).toEqual([
      expect.objectContaining({ level: 'ERROR', action: 'progress', outcome: 'failed' }),
    ]);
  });
});
