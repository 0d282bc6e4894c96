// The deploy watch end to end: real builds on the local AWS (whose CloudWatch reports what the simulated
// endpoints serve), their cards posted by the notifier to the fake Slack, and the watch comparing each
// endpoint with the hour before its deploy on a clock the test moves on. A deploy that makes errors worse
// gets one warning in its card's thread, with a mention and a Rollback button; a healthy one gets none; and
// the deployed path, the notifier Lambda fed EventBridge's scheduled event, does the same.

import type { Requester } from '../core/builds/facts';
import { executionArnFor } from '../core/builds/names';
import type { SageBuild } from '../core/sagebuild';
import { startFakeSlackApi, type FakeMessage, type FakeSlack } from '../local/slack/fake-slack-api';
import { DeployWatch } from '../slack/notifier/deploy-watch';
import { BuildNotifier, type NotifyOutcome } from '../slack/notifier/notifier';
import { notifierWebClient } from '../slack/notifier/web-client';
import { createNotifierHandler } from '../slack/notifier-lambda';
import { ROLLBACK_ACTION } from '../slack/listeners/rollback';
import { MemoryStore } from '../slack/store/memory-store';
import { coreOnClock, movableClock, type MovableClock } from './support/health';
import { newKey, startLocalStack, type LocalStack } from './support/local-stack';
import { captureLog } from './support/log';
import { TEST_BOT_TOKEN } from './support/slack';

const ANA: Requester = { id: 'slack:U0ANALIMA' };
const CHANNELS = { prod: 'C0PRODBUILDS', dev: 'C0DEVBUILDS' } as const;
const WATCH_RULE = 'SageBuild-deploy-watch-1a2b3c4d';

let clock: MovableClock;
let stack: LocalStack;
let core: SageBuild;
let fake: FakeSlack;
let store: MemoryStore;
let watch: DeployWatch;
let web: ReturnType<typeof notifierWebClient>;
let pending: Promise<NotifyOutcome>[] = [];
const warnings: string[] = [];
const log = { warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };

beforeAll(async () => {
  clock = movableClock();
  stack = await startLocalStack({ clock });
  core = coreOnClock(stack, clock);
  fake = await startFakeSlackApi({ token: TEST_BOT_TOKEN });
  store = new MemoryStore();
  web = notifierWebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.apiUrl });
  const now = () => new Date(clock.now());
  const notifier = new BuildNotifier({ core, web, store, config: core.config, now, log });
  stack.local.events.subscribe((event) => void pending.push(notifier.handle(event)));
  watch = new DeployWatch({ core, web, store, config: core.config, now, log });
});

afterAll(async () => {
  await settle();
  core.close();
  await fake.close();
  await stack.close();
});

afterEach(() => {
  expect(fake.lapses).toEqual([]);
  expect(warnings).toEqual([]);
});

async function settle(): Promise<void> {
  while (pending.length > 0) {
    const batch = pending;
    pending = [];
    await Promise.all(batch);
  }
}

/** A build of `pipeline` run to its end by Ana, its cards posted; `simulate` picks how its model serves. */
async function deploy(pipeline: 'prod' | 'dev', simulate?: string): Promise<string> {
  const started = await core.start({
    pipeline,
    requester: ANA,
    idempotencyKey: newKey(),
    overrides: simulate ? { 'hyperparameters.sagebuild_simulate': simulate } : {},
  });
  await stack.local.stepFunctions.waitFor(started.executionArn);
  await settle();
  return started.name;
}

/** The build's card in its pipeline's channel, and the replies in its thread. */
function cardOf(pipeline: 'prod' | 'dev', build: string): { card: FakeMessage; replies: FakeMessage[] } {
  const channel = CHANNELS[pipeline];
  const card = fake.messages(channel).find((m) => !m.threadTs && m.text.includes(build));
  if (!card) throw new Error(`no card for ${build}`);
  return { card, replies: fake.replies(channel, card.ts) };
}

/** Thread replies that carry a Rollback button. */
function warningsIn(replies: FakeMessage[]): FakeMessage[] {
  return replies.filter((m) => JSON.stringify(m.blocks).includes(ROLLBACK_ACTION));
}

function rollbackButtonOf(
  message: FakeMessage | undefined,
): { action_id?: string; value?: string } | undefined {
  const actions = message?.blocks.find((b) => (b as { type?: string }).type === 'actions') as
    { elements: { action_id?: string; value?: string }[] } | undefined;
  return actions?.elements[0];
}

describe('a deploy that makes errors worse', () => {
  let bad: string;

  beforeAll(async () => {
    await deploy('prod');
    clock.advance(120);
    bad = await deploy('prod', 'serving-errors');
    clock.advance(20);
  });

  test('gets one warning in its card’s thread: the starter mentioned, the numbers, a Rollback button', async () => {
    const { outcomes } = await watch.run();
    expect(outcomes.prod).toBe('warned');
    const { replies } = cardOf('prod', bad);
    const [warning, ...more] = warningsIn(replies);
    expect(more).toEqual([]);
    expect(warning?.text).toMatch(
      /^:warning: <@U0ANALIMA>, the prod endpoint got worse after build prod-\S+ went live 20 minutes ago: failed requests went from [\d.]+% to \d+%\./,
    );
    expect(warning?.replyBroadcast).toBe(true);
    expect(rollbackButtonOf(warning)).toMatchObject({
      action_id: ROLLBACK_ACTION,
      value: JSON.stringify({ pipeline: 'prod', build: bad }),
    });
  });

  test('a second check, and a third later on, post nothing more', async () => {
    expect((await watch.run()).outcomes.prod).toBe('already-warned');
    clock.advance(5);
    expect((await watch.run()).outcomes.prod).toBe('already-warned');
    expect(warningsIn(cardOf('prod', bad).replies)).toHaveLength(1);
    expect((await store.getCard(arnOf('prod', bad)))?.deployWarnedAt).toBeDefined();
  });

  test('once the watch is over, the deploy is no longer looked at', async () => {
    clock.advance(30);
    expect((await watch.run()).outcomes.prod).toBe('not-watched');
  });
});

describe('a healthy deploy', () => {
  test('gets no warning, check after check', async () => {
    await deploy('dev');
    clock.advance(120);
    const good = await deploy('dev');
    // 1 minute in (too little traffic to judge yet), then 11 and 26 minutes: within the 30-minute watch.
    for (const minutes of [1, 10, 15]) {
      clock.advance(minutes);
      expect((await watch.run()).outcomes.dev).toBe('quiet');
    }
    expect(warningsIn(cardOf('dev', good).replies)).toEqual([]);
    expect((await store.getCard(arnOf('dev', good)))?.deployWarnedAt).toBeUndefined();
  });
});

describe('on the notifier Lambda, EventBridge’s scheduled event runs the watch', () => {
  /** EventBridge's "Scheduled Event", as a rule with a schedule sends it. */
  function scheduledEvent(rule: string) {
    return {
      version: '0',
      id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: stack.local.accountId,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: stack.local.region,
      resources: [`arn:aws:events:${stack.local.region}:${stack.local.accountId}:rule/${rule}`],
      detail: {},
    };
  }

  test('its rule’s event warns once about a worse deploy; the progress rule’s does not run it', async () => {
    await deploy('prod');
    clock.advance(120);
    const bad = await deploy('prod', 'serving-errors');
    clock.advance(15);
    const captured = captureLog();
    const parts = {
      notifier: new BuildNotifier({ core, web, store, config: core.config, log }),
      progress: {
        run: async () => ({ refreshed: 0, unchanged: 0, skipped: 0, failed: 0, failedPipelines: [] }),
      },
      deployWatch: watch,
    };
    const handler = createNotifierHandler({
      log: captured.log,
      setUp: async () => parts as never,
      deployWatchRule: WATCH_RULE,
    });
    const context = { awsRequestId: 'watch-1', getRemainingTimeInMillis: () => 29_000 };

    await handler(scheduledEvent('SageBuild-BuildProgress'), context);
    expect(warningsIn(cardOf('prod', bad).replies)).toEqual([]);
    await handler(scheduledEvent(WATCH_RULE), context);
    await handler(scheduledEvent(WATCH_RULE), context);

    const [warning, ...more] = warningsIn(cardOf('prod', bad).replies);
    expect(more).toEqual([]);
    expect(warning?.text).toContain('<@U0ANALIMA>, the prod endpoint got worse');
    expect(rollbackButtonOf(warning)?.value).toBe(JSON.stringify({ pipeline: 'prod', build: bad }));
    const line = { front: 'notifier', requestId: 'watch-1', outcome: 'answered' };
    expect(captured.lines()).toEqual([
      expect.objectContaining({ ...line, action: 'progress' }),
      expect.objectContaining({ ...line, action: 'deploy-watch', result: 'warned', warnedPipelines: 'prod' }),
      expect.objectContaining({ ...line, action: 'deploy-watch', result: 'checked' }),
    ]);
  });
});

function arnOf(pipeline: 'prod' | 'dev', build: string): string {
  return executionArnFor(core.pipeline(pipeline).stateMachineArn, build);
}
