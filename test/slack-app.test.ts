// The Bolt app on its HTTP receiver, spoken to the way Slack speaks: real signed requests (signature
// verification stays on), its WebClient and response_urls pointed at the fake Slack API, and the local AWS
// running real builds. Every assertion is on what Slack would show, and on what happened to the builds.
// A second app on its own receiver shares the first one's store, as two Lambda containers share DynamoDB:
// a double click whose two requests land in different processes.

import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { parseConfig } from '../core/config/load';
import type { SageBuildConfig } from '../core/config/schema';
import { AwsUnavailable } from '../core/errors';
import { SageBuild } from '../core/sagebuild';
import { noAnswerInTime } from '../core/wording';
import { startFakeSlackApi, type FakeResponse, type FakeSlack } from '../local/slack/fake-slack-api';
import { createSlackApp, type SlackBot } from '../slack/app';
import { buttonValue, CARD_ACTIONS } from '../slack/cards/actions';
import { renderBuildCard } from '../slack/cards/build-card';
import { consoleUrlFor } from '../slack/cards/console-url';
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLambdaHandler } from '../slack/lambda';
import { createLambdaReceiver } from '../slack/receivers/lambda';
import { START_ACTION } from '../slack/listeners/conversation';
import { createHttpReceiver, type SlackHttpReceiver } from '../slack/receivers/http';
import { MemoryStore } from '../slack/store/memory-store';
import type { Logger } from '../core/log/logger';
import { startLocalStack, waitFor, type LocalStack } from './support/local-stack';
import { captureLog } from './support/log';
import { stackConfig } from './support/stack-config';
import {
  appMentionEvent,
  blockActionBody,
  blockActionPayload,
  eventBody,
  FORM,
  functionUrlEvent,
  JSON_TYPE,
  postSigned,
  signSlackRequest,
  slashCommandBody,
  TEST_BOT_TOKEN,
  TEST_BOT_USER_ID,
  TEST_APP_ID,
  TEST_SIGNING_SECRET,
  TEST_TEAM_ID,
  type BlockAction,
} from './support/slack';

/** Keeps a started build in training for 12 s at the test time scale, so it is still running when we look. */
const LONG_TRAINING = 'hyperparameters.sagebuild_training_minutes=600';
const ALLOWED = 'U0ALLOWED';
const NOBODY = 'U0NOBODY';
const GROUPIE = 'U0GROUPIE';
const DEVOPS = 'S0DEVOPS';
const DEV_CHANNEL = 'C0DEVBUILDS';
const PROD_CHANNEL = 'C0PRODBUILDS';
const OTHER_CHANNEL = 'C0RANDOM';

let stack: LocalStack;
let fake: FakeSlack;
let core: SageBuild;
let config: SageBuildConfig;
let store: MemoryStore;
let receiver: SlackHttpReceiver;
let bot: SlackBot;
/** Another process: its own core, gate and receiver; the same store. */
let otherCore: SageBuild;
let otherReceiver: SlackHttpReceiver;
let otherBot: SlackBot;
let sfn: SFNClient;

/** Every request an app finished with (all its listeners done), as Bolt saw its body. */
const finished: Record<string, unknown>[] = [];

/** Records each request once its listeners are done: a real signal that nothing more will come of it. */
function recordFinished(app: SlackBot['app']): void {
  app.use(async ({ body, next }) => {
    try {
      await next();
    } finally {
      finished.push(body as Record<string, unknown>);
    }
  });
}

/** Waits until `count` requests matching `which` were finished by either app. */
function handled(which: (body: Record<string, unknown>) => boolean, count: number): Promise<true> {
  return waitFor(() => (finished.filter(which).length >= count ? true : undefined), 10000);
}

/** A block_actions request for one of these action_ts. */
const clicksAt =
  (...actionTs: string[]) =>
  (body: Record<string, unknown>) =>
    Array.isArray(body.actions) &&
    body.actions.some((a: { action_ts?: string }) => actionTs.includes(a.action_ts ?? ''));

beforeAll(async () => {
  stack = await startLocalStack({ past: true });
  fake = await startFakeSlackApi({ userGroups: { [DEVOPS]: [GROUPIE] } });
  sfn = new SFNClient({});
  const people = [`slack:${ALLOWED}`, `slack-group:${DEVOPS}`];
  config = stackConfig(stack.pipelines, {
    settings: { region: stack.local.region, defaultPipeline: 'prod', slack: { botUserId: TEST_BOT_USER_ID } },
    slackChannels: true,
    // prod may only be changed from its own channel; dev from anywhere.
    access: (p) => ({
      start: people,
      stop: people,
      channels: p.name === 'prod' ? [`slack:${PROD_CHANNEL}`] : [],
    }),
    source: 'the Slack test',
  });
  core = new SageBuild(config);
  store = new MemoryStore();
  receiver = createHttpReceiver({ signingSecret: TEST_SIGNING_SECRET });
  bot = createSlackApp({
    core,
    config,
    store,
    receiver,
    botToken: TEST_BOT_TOKEN,
    webClientOptions: { slackApiUrl: fake.apiUrl },
  });
  recordFinished(bot.app);
  await bot.start();
  otherCore = new SageBuild(config);
  otherReceiver = createHttpReceiver({ signingSecret: TEST_SIGNING_SECRET });
  otherBot = createSlackApp({
    core: otherCore,
    config,
    store,
    receiver: otherReceiver,
    botToken: TEST_BOT_TOKEN,
    webClientOptions: { slackApiUrl: fake.apiUrl },
  });
  recordFinished(otherBot.app);
  await otherBot.start();
});

afterAll(async () => {
  await bot?.stop();
  await otherBot?.stop();
  core?.close();
  otherCore?.close();
  sfn?.destroy();
  await fake?.close();
  await stack?.close();
});

afterEach(() => {
  // Slack would take blocks without top-level text; our rule is to always send it.
  expect(fake.lapses).toEqual([]);
});

// ---- Slack's side -------------------------------------------------------------------------------------------

let requests = 0;

interface Slash {
  user?: string;
  channel?: string;
  triggerId?: string;
  headers?: Record<string, string>;
}

/** Sends `/sagebuild <text>` and returns the HTTP status and the response_url id its answer goes to. */
async function sendSlash(text: string, options: Slash = {}, id = `R${(requests += 1)}`) {
  const body = slashCommandBody({
    command: '/sagebuild',
    text,
    user_id: options.user ?? ALLOWED,
    user_name: (options.user ?? ALLOWED).toLowerCase(),
    channel_id: options.channel ?? DEV_CHANNEL,
    response_url: fake.responseUrl(id),
    ...(options.triggerId ? { trigger_id: options.triggerId } : {}),
  });
  const started = Date.now();
  const res = await postSigned(receiver.url, body, FORM, TEST_SIGNING_SECRET, {
    headers: options.headers ?? {},
  });
  return { status: res.status, ackMs: Date.now() - started, ackBody: await res.text(), id };
}

function responseTo(id: string): Promise<FakeResponse> {
  return waitFor(() => fake.responses.find((r) => r.id === id), 10000);
}

/** `/sagebuild <text>`: acked with 200 and no body, then answered through the response_url. */
async function slash(text: string, options: Slash = {}): Promise<FakeResponse> {
  const sent = await sendSlash(text, options);
  expect(sent.status).toBe(200);
  expect(sent.ackBody).toBe('');
  return responseTo(sent.id);
}

async function ephemeral(text: string, options: Slash = {}): Promise<string> {
  const response = await slash(text, options);
  expect(response.responseType).toBe('ephemeral');
  return response.text;
}

/**
 * Clicks a button; Slack only sends a confirm button's action after the person confirmed. `to` is the app
 * that gets the request: the other one stands for another Lambda container.
 */
async function click(
  action: Omit<BlockAction, 'responseUrl'>,
  to: 'this' | 'other' = 'this',
): Promise<string> {
  const id = `A${(requests += 1)}`;
  const responseUrl = fake.responseUrl(id, { channel: action.channelId, messageTs: action.messageTs });
  const res = await postSigned(
    (to === 'this' ? receiver : otherReceiver).url,
    blockActionBody(blockActionPayload({ ...action, responseUrl })),
    FORM,
  );
  expect(res.status).toBe(200);
  return id;
}

async function sendEvent(event: object, eventId?: string, to: 'this' | 'other' = 'this'): Promise<void> {
  const res = await postSigned(
    (to === 'this' ? receiver : otherReceiver).url,
    eventBody(event, eventId ? { event_id: eventId } : {}),
    JSON_TYPE,
  );
  expect(res.status).toBe(200);
}

// ---- AWS's side ---------------------------------------------------------------------------------------------

function arnOf(pipeline: string): string {
  const found = stack.pipelines.find((p) => p.name === pipeline);
  if (!found) throw new Error(`no pipeline ${pipeline}`);
  return found.stateMachineArn;
}

async function executions(pipeline: string) {
  const { executions: found = [] } = await sfn.send(
    new ListExecutionsCommand({ stateMachineArn: arnOf(pipeline), maxResults: 1000 }),
  );
  return found;
}

async function statusOf(executionArn: string): Promise<string | undefined> {
  return (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
}

async function until(executionArn: string, status: string): Promise<void> {
  await waitFor(async () => ((await statusOf(executionArn)) === status ? true : undefined), 15000);
}

async function running(pipeline: string) {
  return (await executions(pipeline)).filter((e) => e.status === 'RUNNING');
}

/** Starts a long dev build through the slash command; returns its name and ARN. */
async function startLongDevBuild(): Promise<{ name: string; executionArn: string }> {
  const response = await slash(`start dev ${LONG_TRAINING}`);
  const name = /started a new dev build, (dev-[\w-]+)\./.exec(response.text)?.[1];
  if (!name) throw new Error(`not a start announcement: ${response.text}`);
  const executionArn = `${arnOf('dev').replace(':stateMachine:', ':execution:')}:${name}`;
  return { name, executionArn };
}

/** Posts the build's card the way the notifier does, and returns its ts. */
async function postCard(pipeline: string, executionArn: string, channel: string): Promise<string> {
  const fact = await core.statusOf(pipeline, executionArn);
  const card = renderBuildCard(fact, {
    consoleUrl: consoleUrlFor(executionArn),
    canStop: true,
    now: new Date(),
  });
  const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_BOT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel, text: card.text, blocks: card.blocks }),
  });
  return ((await res.json()) as { ts: string }).ts;
}

function cardMessage(channel: string, ts: string) {
  const message = fake.message(channel, ts);
  if (!message) throw new Error(`no message ${ts}`);
  return message;
}

// ---- the tests ----------------------------------------------------------------------------------------------

describe('/sagebuild questions answer privately', () => {
  test('status prod: the core’s sentence, ephemeral', async () => {
    const text = await ephemeral('status prod');
    expect(text).toMatch(/^Yes\. Your prod build finished 2 hours ago/);
  });

  test('status with no pipeline in #dev-builds means dev', async () => {
    expect(await ephemeral('status')).toContain('Your dev build');
  });

  test('list, why, details, eta and endpoint', async () => {
    expect(await ephemeral('list prod')).toMatch(/The last 6 prod builds: 5 succeeded, 1 failed\./);
    const why = await ephemeral('why dev');
    expect(why).toContain('quality gate');
    expect(why).toContain('0.71');
    expect(await ephemeral('details prod')).toContain('prod-nightly-4');
    expect(await ephemeral('eta prod')).toContain("Your prod build isn't running.");
    expect(await ephemeral('endpoint production')).toContain('in service');
  });

  test('builds by name and "previous"; why says which build; list has a line per build', async () => {
    expect(await ephemeral('status prod-retrain-sam')).toMatch(
      /^No\. Sam Okafor's prod build from 7 hours ago/,
    );
    expect(await ephemeral('status prod previous')).toBe(await ephemeral('status prod-retrain-sam'));
    expect(await ephemeral('why prod')).toContain("The last failure before it was Sam Okafor's prod build");
    expect(await ephemeral('passed prod')).toMatch(/^Yes\. /);
    expect((await ephemeral('list prod')).split('\n')).toHaveLength(7);
  });

  test('a mistyped command gets the command meant; extra words are questioned', async () => {
    expect(await ephemeral('stauts prod')).toBe(
      'I don\'t know the command "stauts". Did you mean `status prod`?',
    );
    expect(await ephemeral('status prod dev')).toBe(
      "I read `dev` as extra, so I didn't run it. Did you mean `status prod`?",
    );
  });

  test('a mistyped pipeline gets “did you mean”', async () => {
    expect(await ephemeral('status prdo')).toBe(
      "I don't know a pipeline called prdo. Did you mean prod? The pipelines are prod and dev.",
    );
  });

  test('help, nothing, and an unknown subcommand all get help, not an error', async () => {
    const help = await slash('help');
    expect(help.responseType).toBe('ephemeral');
    // In a code block, Slack's control characters are still escaped.
    for (const usage of [
      'status [pipeline]',
      'start [pipeline] [key=value ...]',
      'subscribe &lt;pipeline&gt;',
    ]) {
      expect(help.text).toContain(`/sagebuild ${usage}`);
    }
    expect(help.text).toContain('Pipelines: prod (production, live), dev (development, staging, test)');
    expect(help.blocks.length).toBeGreaterThan(0);
    expect((await slash('')).text).toBe(help.text);
    // The lead, the usage lines and the pipelines are each their own block: Slack shows the code block
    // apart from the sentence, the first usage line on its own line, flush like the others.
    const texts = help.blocks.map((b) => (b as { text?: { text?: string } }).text?.text ?? '');
    expect(texts[0]).toBe('Here is what I can do:');
    expect(texts[1]).toMatch(/^```\n\/sagebuild status \[pipeline\] \[build\] +Is the latest build done\?/);
    expect(texts[1]).toMatch(/\n\/sagebuild help +This list\.\n```$/);
    expect(texts[2]).toBe('Pipelines: prod (production, live), dev (development, staging, test)');
    expect(help.text).toBe(texts.join('\n'));
    const unknown = await ephemeral('frobnicate prod');
    expect(unknown).toMatch(/^I don't know the command "frobnicate"\. Here is what I can do:/);
    expect(unknown).toContain('/sagebuild status [pipeline]');
  });

  test('text Slack escaped (&lt;) is read as typed, and echoed escaped', async () => {
    expect(await ephemeral('status &lt;b&gt;')).toContain("I don't know a pipeline called &lt;b&gt;.");
  });
});

describe('subscriptions', () => {
  test('subscribe and unsubscribe this channel; bad input says how', async () => {
    expect(await ephemeral('subscribe dev', { channel: OTHER_CHANNEL })).toBe(
      'This channel will now hear about every dev build.',
    );
    expect(await store.subscriptions('dev')).toEqual([OTHER_CHANNEL]);
    expect(await ephemeral('unsubscribe staging', { channel: OTHER_CHANNEL })).toBe(
      'This channel will no longer hear about dev builds.',
    );
    expect(await store.subscriptions('dev')).toEqual([]);
    expect(await ephemeral('subscribe')).toBe('Say which pipeline: /sagebuild subscribe &lt;pipeline&gt;.');
    expect(await ephemeral('subscribe prdo')).toContain('Did you mean prod?');
    expect(await ephemeral('unsubscribe dev', { channel: DEV_CHANNEL })).toContain(
      "through SageBuild's configuration",
    );
  });

  test('subscribing twice says the channel already hears; unsubscribing a channel that never did says so', async () => {
    expect(await ephemeral('subscribe dev', { channel: OTHER_CHANNEL })).toBe(
      'This channel will now hear about every dev build.',
    );
    expect(await ephemeral('subscribe dev', { channel: OTHER_CHANNEL })).toBe(
      'This channel already hears about every dev build.',
    );
    // Its own channel hears through the configuration: already, and nothing is stored for it.
    expect(await ephemeral('subscribe dev', { channel: DEV_CHANNEL })).toBe(
      'This channel already hears about every dev build.',
    );
    expect(await store.subscriptions('dev')).toEqual([OTHER_CHANNEL]);
    expect(await ephemeral('unsubscribe dev', { channel: OTHER_CHANNEL })).toBe(
      'This channel will no longer hear about dev builds.',
    );
    expect(await ephemeral('unsubscribe dev', { channel: OTHER_CHANNEL })).toBe(
      "This channel wasn't subscribed to dev builds, so there is nothing to undo.",
    );
    expect(await store.subscriptions('dev')).toEqual([]);
  });

  test('subscribing takes permission: anyone else is refused, and nothing changes', async () => {
    const refusal = (pipeline: string) =>
      `Sorry, you're not allowed to change which channels hear about ${pipeline} builds. Nothing was changed.`;
    // Someone with no access sends prod's cards, failure reasons included, to #random: refused.
    expect(await ephemeral('subscribe prod', { user: NOBODY, channel: OTHER_CHANNEL })).toBe(refusal('prod'));
    expect(await ephemeral('subscribe dev', { user: NOBODY, channel: OTHER_CHANNEL })).toBe(refusal('dev'));
    // prod may only be changed from its own channel: its cards don't go elsewhere, whoever asks.
    expect(await ephemeral('subscribe live', { channel: OTHER_CHANNEL })).toBe(refusal('prod'));
    expect(await store.subscriptions('prod')).toEqual([]);
    expect(await store.subscriptions('dev')).toEqual([]);
    // A member of a group allowed to stop dev builds may subscribe too (the default rule); only they may undo it.
    expect(await ephemeral('subscribe dev', { user: GROUPIE, channel: OTHER_CHANNEL })).toBe(
      'This channel will now hear about every dev build.',
    );
    expect(await ephemeral('unsubscribe dev', { user: NOBODY, channel: OTHER_CHANNEL })).toBe(refusal('dev'));
    expect(await store.subscriptions('dev')).toEqual([OTHER_CHANNEL]);
    expect(await ephemeral('unsubscribe dev', { user: GROUPIE, channel: OTHER_CHANNEL })).toBe(
      'This channel will no longer hear about dev builds.',
    );
    expect(await store.subscriptions('dev')).toEqual([]);
  });
});

describe('start and stop from the slash command', () => {
  test('start is announced in the channel with who did it; stop too', async () => {
    const sent = await sendSlash(`start dev hyperparameters.max_depth=7 ${LONG_TRAINING}`);
    expect(sent.status).toBe(200);
    expect(sent.ackMs).toBeLessThan(1000);
    const announced = await responseTo(sent.id);
    expect(announced.responseType).toBe('in_channel');
    expect(announced.text).toMatch(new RegExp(`^<@${ALLOWED}> started a new dev build, dev-[0-9a-f]+\\.$`));
    const name = /(dev-[0-9a-f]+)/.exec(announced.text)?.[1] ?? '';
    const [build] = await running('dev');
    expect(build?.name).toBe(name);
    const input = JSON.parse(
      (await sfn.send(new DescribeExecutionCommand({ executionArn: build?.executionArn }))).input ?? '{}',
    );
    expect(input.hyperparameters.max_depth).toBe('7');
    expect(input.startedBy).toEqual({ id: `slack:${ALLOWED}`, displayName: ALLOWED.toLowerCase() });

    const again = await ephemeral('start dev');
    expect(again).toContain(`A dev build is already running: ${name}`);

    const stopped = await slash('stop dev');
    expect(stopped.responseType).toBe('in_channel');
    expect(stopped.text).toBe(`<@${ALLOWED}> stopped the dev build ${name}.`);
    await until(build?.executionArn ?? '', 'ABORTED');
    expect(await ephemeral('stop dev')).toBe("No dev build is running, so there's nothing to stop.");
  });

  test('refusals say why and start nothing: bad overrides, a stranger, the wrong channel', async () => {
    const before = (await executions('dev')).length;
    expect(await ephemeral('start dev roleArn=x')).toContain('"roleArn" can\'t be changed');
    expect(await ephemeral('start dev trainingInstanceCount=abc')).toContain('must be a number');
    expect(await ephemeral('start dev', { user: NOBODY })).toBe(
      "Sorry, you're not allowed to start dev builds. Nothing was changed.",
    );
    expect(await ephemeral('stop dev', { user: NOBODY })).toContain("you're not allowed to stop dev builds");
    expect(await ephemeral('start prod', { channel: DEV_CHANNEL })).toContain(
      "you're not allowed to start prod builds",
    );
    expect((await executions('dev')).length).toBe(before);
    expect(await running('prod')).toEqual([]);
  });

  test('a retried slash command (same trigger_id, x-slack-retry-num) starts one build', async () => {
    const before = (await executions('dev')).length;
    const triggerId = '1234567890.retried';
    const first = await sendSlash(`start dev ${LONG_TRAINING}`, { triggerId });
    const retry = await sendSlash(`start dev ${LONG_TRAINING}`, {
      triggerId,
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    const answers = [await responseTo(first.id), await responseTo(retry.id)];
    expect(answers.filter((a) => a.responseType === 'in_channel')).toHaveLength(1);
    expect(answers.find((a) => a.responseType === 'ephemeral')?.text).toMatch(
      /^That dev build was already started/,
    );
    const builds = await running('dev');
    expect(builds).toHaveLength(1);
    expect((await executions('dev')).length).toBe(before + 1);
    // stop <build name>: the name tells the pipeline.
    const name = builds[0]?.name ?? '';
    expect((await slash(`stop ${name}`)).text).toBe(`<@${ALLOWED}> stopped the dev build ${name}.`);
    await until(builds[0]?.executionArn ?? '', 'ABORTED');
    expect(await ephemeral(`stop ${name}`)).toBe(
      `The build ${name} isn't running, so there's nothing to stop.`,
    );
    expect(await ephemeral('stop dev dev-nosuchbuild')).toBe(
      "I can't find a build called dev-nosuchbuild in the dev pipeline.",
    );
  });
});

describe('AWS not answering a start or stop in time', () => {
  test('is not “try again”: the start or stop may still happen, so it says how to find out', async () => {
    const timeout = () => new AwsUnavailable('Step Functions', 'timeout', 'budget spent');
    const starting = jest.spyOn(core, 'start').mockRejectedValueOnce(timeout());
    const stopping = jest.spyOn(core, 'stop').mockRejectedValueOnce(timeout());
    try {
      expect(await ephemeral('start dev')).toBe(noAnswerInTime('start'));
      expect(await ephemeral('stop dev')).toBe(noAnswerInTime('stop'));
    } finally {
      starting.mockRestore();
      stopping.mockRestore();
    }
    // Asking (nothing was changed) is still “slow, try again”.
    const asking = jest.spyOn(core, 'status').mockRejectedValueOnce(timeout());
    try {
      expect(await ephemeral('status dev')).toBe(
        'AWS Step Functions is slow to answer right now. Please try again in a minute.',
      );
    } finally {
      asking.mockRestore();
    }
  });
});

describe('request verification', () => {
  test('a forged signature and a 6-minute-old timestamp get 401 and change nothing', async () => {
    const before = (await executions('dev')).length;
    const responses = fake.responses.length;
    const forgedUrl = fake.responseUrl();
    const body = slashCommandBody({
      command: '/sagebuild',
      text: 'start dev',
      user_id: ALLOWED,
      channel_id: DEV_CHANNEL,
      response_url: forgedUrl,
    });
    const forged = await postSigned(receiver.url, body, FORM, 'not-the-signing-secret');
    expect(forged.status).toBe(401);
    const stale = await postSigned(receiver.url, body, FORM, TEST_SIGNING_SECRET, {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(stale.status).toBe(401);
    // The body changed after signing (a tampered text) is forged too.
    const signed = signSlackRequest(body, TEST_SIGNING_SECRET);
    const tampered = await fetch(receiver.url, {
      method: 'POST',
      headers: { 'content-type': FORM, ...signed },
      body: body.replace('start', 'stop'),
    });
    expect(tampered.status).toBe(401);
    // A 401 is Bolt refusing before it dispatches anything: no listener ever saw these requests.
    expect(finished.filter((b) => b.response_url === forgedUrl)).toEqual([]);
    expect(fake.responses.length).toBe(responses);
    expect((await executions('dev')).length).toBe(before);
  });
});

describe('plain language: mentions and DMs', () => {
  /** What the bot said to one person in a thread, that only they see. */
  const ephemeralsIn = (channel: string, threadTs: string) =>
    fake.ephemerals.filter((e) => e.channel === channel && e.threadTs === threadTs);

  test('“@SageBuild is my build done?” in #prod-builds is answered in its thread, to the asker alone', async () => {
    const ts = '1800000000.000100';
    await sendEvent(appMentionEvent('is my build done?', ALLOWED, PROD_CHANNEL, ts), 'Ev0ASKED1');
    const [reply] = await waitFor(() => {
      const replies = ephemeralsIn(PROD_CHANNEL, ts);
      return replies.length ? replies : undefined;
    });
    expect(reply?.user).toBe(ALLOWED);
    expect(reply?.text).toMatch(/^Yes\. Your prod build finished 2 hours ago/);
    await handled((b) => b.event_id === 'Ev0ASKED1', 1);
    // Nothing in the channel: a person's question is not everyone's business.
    expect(fake.messages(PROD_CHANNEL).filter((m) => m.threadTs === ts)).toEqual([]);
  });

  test('a mention inside a thread is answered in that thread', async () => {
    const parent = '1800000000.000150';
    const ts = '1800000000.000160';
    await sendEvent({ ...appMentionEvent('list prod builds', ALLOWED, PROD_CHANNEL, ts), thread_ts: parent });
    const reply = await waitFor(() => ephemeralsIn(PROD_CHANNEL, parent)[0]);
    expect(reply.text).toContain('The last 6 prod builds');
  });

  test('a repeated event (same event_id) is answered once, in this process or another', async () => {
    const ts = '1800000000.000200';
    const event = appMentionEvent('why did the dev build fail', ALLOWED, PROD_CHANNEL, ts);
    await sendEvent(event, 'Ev0REPEATED1');
    await sendEvent(event, 'Ev0REPEATED1');
    await sendEvent(event, 'Ev0REPEATED1', 'other');
    // Every copy was acked and its listener is done: whatever it was going to say, it has said.
    await handled((b) => b.event_id === 'Ev0REPEATED1', 3);
    const replies = ephemeralsIn(PROD_CHANNEL, ts);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('quality gate');
  });

  test('a DM is understood; nonsense gets help', async () => {
    const dm = 'D0ALLOWED';
    await sendEvent({
      type: 'message',
      channel_type: 'im',
      channel: dm,
      user: ALLOWED,
      text: 'which model is live on production',
      ts: '1800000000.000300',
      event_ts: '1800000000.000300',
    });
    await sendEvent({
      type: 'message',
      channel_type: 'im',
      channel: dm,
      user: ALLOWED,
      text: 'what is the weather in lisbon',
      ts: '1800000000.000400',
      event_ts: '1800000000.000400',
    });
    const answers = await waitFor(() => {
      const messages = fake.messages(dm);
      return messages.length >= 2 ? messages : undefined;
    });
    // A DM is answered in the conversation itself, not in a thread.
    expect(answers.every((m) => m.threadTs === undefined)).toBe(true);
    const model = answers.find((m) => !m.text.startsWith('Sorry'));
    const nonsense = answers.find((m) => m !== model);
    expect(model?.text).toContain('in service');
    expect(nonsense?.text).toContain("Sorry, I didn't get that.");
    expect(nonsense?.text).toContain('/sagebuild status [pipeline]');
  });

  test('“start a dev build” offers a confirm button; a double click in two processes starts one build, announced once', async () => {
    const ts = '1800000000.000500';
    await sendEvent(appMentionEvent('start a dev build', ALLOWED, DEV_CHANNEL, ts));
    const prompt = await waitFor(() => fake.messages(DEV_CHANNEL).find((m) => m.threadTs === ts));
    expect(prompt.text).toBe('Start a new dev build? Only the button starts it.');
    const button = JSON.stringify(prompt.blocks);
    expect(button).toContain(START_ACTION);
    expect(button).toContain('"confirm"');
    expect(await running('dev')).toEqual([]); // words alone start nothing

    const before = (await executions('dev')).length;
    const value = JSON.stringify({ pipeline: 'dev' });
    const clickOn = {
      actionId: START_ACTION,
      value,
      userId: ALLOWED,
      channelId: DEV_CHANNEL,
      messageTs: prompt.ts,
    };
    // A double click whose two requests land in two processes (two Lambda containers).
    const [first, second] = await Promise.all([
      click(clickOn),
      click({ ...clickOn, actionTs: '1800000001.000000' }, 'other'),
    ]);
    const answers = [
      await waitFor(() => fake.responses.find((r) => r.id === first)),
      await waitFor(() => fake.responses.find((r) => r.id === second)),
    ];
    const announcement = answers.find((a) => a.responseType === 'in_channel');
    expect(announcement?.text).toMatch(new RegExp(`^<@${ALLOWED}> started a new dev build, dev-`));
    expect(announcement?.replaceOriginal).toBe(true);
    expect(answers.filter((a) => a.responseType === 'in_channel')).toHaveLength(1);
    const builds = await executions('dev');
    expect(builds.length).toBe(before + 1);
    await until(builds[0]?.executionArn ?? '', 'SUCCEEDED');
  });

  test('“stop the dev build” from someone not allowed: refused, to them alone, no button', async () => {
    const ts = '1800000000.000600';
    await sendEvent(appMentionEvent('stop the dev build', NOBODY, DEV_CHANNEL, ts));
    const reply = await waitFor(() => ephemeralsIn(DEV_CHANNEL, ts)[0]);
    expect(reply.user).toBe(NOBODY);
    expect(reply.text).toBe("Sorry, you're not allowed to stop dev builds. Nothing was changed.");
    expect(reply.blocks).toEqual([]);
  });

  test('“stop the dev build”: a Stop button asking the core’s question; its click announces in the thread', async () => {
    const { name, executionArn } = await startLongDevBuild();
    const ts = '1800000000.000700';
    await sendEvent(appMentionEvent('stop the dev build', ALLOWED, DEV_CHANNEL, ts));
    const prompt = await waitFor(() => fake.messages(DEV_CHANNEL).find((m) => m.threadTs === ts));
    expect(prompt.text).toMatch(
      new RegExp(`^Stop the dev build ${name}, which has been .+ for .+\\? Only the button stops it\\.$`),
    );
    const button = JSON.stringify(prompt.blocks);
    expect(button).toContain(CARD_ACTIONS.stop);
    // The confirm dialog asks the same question, the core's (the one Alexa asks).
    const confirm = /"confirm":\{"title":.*?"text":\{"type":"plain_text","text":"([^"]+)"/.exec(button)?.[1];
    expect(confirm).toMatch(new RegExp(`^Stop the dev build ${name}, which has been`));
    expect(await statusOf(executionArn)).toBe('RUNNING');

    await click({
      actionId: CARD_ACTIONS.stop,
      value: buttonValue({ pipeline: 'dev', executionArn }),
      userId: ALLOWED,
      channelId: DEV_CHANNEL,
      messageTs: prompt.ts,
      // The prompt is a reply in the mention's thread: Slack says which thread.
      message: { type: 'message', ts: prompt.ts, thread_ts: ts, text: prompt.text, user: TEST_BOT_USER_ID },
    });
    const announced = await waitFor(() => fake.replies(DEV_CHANNEL, ts).find((m) => m.replyBroadcast));
    expect(announced.text).toBe(`<@${ALLOWED}> stopped the dev build ${name}.`);
    expect(announced.replyBroadcast).toBe(true);
    await until(executionArn, 'ABORTED');
  });
  test('“why did yesterday’s prod build fail” names the build as voice does, not a pipeline', async () => {
    const ts = '1800000000.000750';
    await sendEvent(appMentionEvent("why did yesterday's prod build fail", ALLOWED, PROD_CHANNEL, ts));
    const reply = await waitFor(() => ephemeralsIn(PROD_CHANNEL, ts)[0]);
    // Yesterday's newest prod build is the nightly that succeeded, not "a pipeline called yesterday's prod".
    expect(reply.text).toMatch(/^That prod build succeeded yesterday, so nothing failed\./);
  });

  test('“stop yesterday’s dev build” names that build: not running, so nothing to stop, and no button', async () => {
    const ts = '1800000000.000755';
    await sendEvent(appMentionEvent("stop yesterday's dev build", ALLOWED, DEV_CHANNEL, ts));
    const reply = await waitFor(() => ephemeralsIn(DEV_CHANNEL, ts)[0]);
    expect(reply.text).toMatch(/^The build dev-[\w-]+ isn't running, so there's nothing to stop\.$/);
    expect(reply.blocks).toEqual([]);
  });

  test('“run the last dev build again”: a Run again button asking with its settings; its click starts one', async () => {
    const ts = '1800000000.000760';
    await sendEvent(appMentionEvent('run the last dev build again', ALLOWED, DEV_CHANNEL, ts));
    const prompt = await waitFor(() => fake.messages(DEV_CHANNEL).find((m) => m.threadTs === ts));
    // dev's latest build, whichever an earlier test left, with the settings it was started with.
    const [, from = '', said = ''] =
      /^Run the dev build (dev-[\w-]+) again, with (.+)\? Only the button starts it\.$/.exec(prompt.text) ??
      [];
    const button = JSON.stringify(prompt.blocks);
    expect(button).toContain(CARD_ACTIONS.runAgain);
    expect(button).toContain(`"text":"Run the dev build ${from} again, with ${said}?"`);
    const before = (await executions('dev')).length;
    expect(await running('dev')).toEqual([]); // words alone start nothing

    // The click sends the value the button carries: it must name the build the question named.
    type Element = { action_id?: string; value?: string };
    const element = (prompt.blocks as { elements?: Element[] }[] | undefined)
      ?.flatMap((block) => block.elements ?? [])
      .find((e) => e.action_id === CARD_ACTIONS.runAgain);
    const value = element?.value ?? '';
    const carried = JSON.parse(value) as { executionArn: string };
    expect(carried.executionArn).toBe(`${arnOf('dev').replace(':stateMachine:', ':execution:')}:${from}`);
    await click({
      actionId: CARD_ACTIONS.runAgain,
      value,
      userId: ALLOWED,
      channelId: DEV_CHANNEL,
      messageTs: prompt.ts,
      message: { type: 'message', ts: prompt.ts, thread_ts: ts, text: prompt.text, user: TEST_BOT_USER_ID },
    });
    const announced = await waitFor(() => fake.replies(DEV_CHANNEL, ts).find((m) => m.replyBroadcast));
    expect(announced.text).toMatch(new RegExp(`^<@${ALLOWED}> started a new dev build, dev-`));
    const builds = await executions('dev');
    expect(builds.length).toBe(before + 1);
    const input = (await sfn.send(new DescribeExecutionCommand({ executionArn: builds[0]?.executionArn })))
      .input;
    const settings = said === 'the default settings' ? [] : said.split(', ');
    const hyperparameters = JSON.parse(input ?? '{}').hyperparameters as Record<string, string>;
    for (const setting of settings) {
      const [key = '', value] = setting.split('=');
      expect(hyperparameters[key.replace(/^hyperparameters\./, '')]).toBe(value);
    }
    // Whatever it was (a long one, maybe), it is no business of the tests after this one.
    await slash('stop dev');
  });
});

describe('card buttons', () => {
  test('Stop, with the confirm dialog: a stranger is refused and nothing changes; then a group member stops it', async () => {
    const { name, executionArn } = await startLongDevBuild();
    const ts = await postCard('dev', executionArn, DEV_CHANNEL);
    const card = cardMessage(DEV_CHANNEL, ts);
    // The card's Stop is a danger button behind a confirm dialog; Slack sends the click after "Stop it".
    const stop = JSON.stringify(card.blocks);
    expect(stop).toContain(CARD_ACTIONS.stop);
    expect(stop).toMatch(/"style":"danger","confirm":\{/);
    const value = buttonValue({ pipeline: 'dev', executionArn });
    const clickStop = {
      actionId: CARD_ACTIONS.stop,
      value,
      channelId: DEV_CHANNEL,
      messageTs: ts,
      message: card,
    };

    const refused = await click({ ...clickStop, userId: NOBODY });
    const refusal = await responseTo(refused);
    expect(refusal.responseType).toBe('ephemeral');
    expect(refusal.replaceOriginal).toBe(false);
    expect(refusal.text).toBe("Sorry, you're not allowed to stop dev builds. Nothing was changed.");
    expect(await statusOf(executionArn)).toBe('RUNNING');
    expect(cardMessage(DEV_CHANNEL, ts).versions).toHaveLength(1);

    // A double click by someone allowed through a user group, its two requests handled by two processes
    // (two Lambda containers) at once: one stop, one announcement; the other click is told privately.
    const [one, two] = ['1800000002.000000', '1800000002.300000'];
    const ids = await Promise.all([
      click({ ...clickStop, userId: GROUPIE, actionTs: one }),
      click({ ...clickStop, userId: GROUPIE, actionTs: two }, 'other'),
    ]);
    await handled(clicksAt(one, two), 2);
    const announcements = fake.replies(DEV_CHANNEL, ts).filter((m) => m.text.includes('stopped'));
    expect(announcements.map((m) => m.text)).toEqual([`<@${GROUPIE}> stopped the dev build ${name}.`]);
    expect(announcements[0]?.replyBroadcast).toBe(true);
    // The other click is told privately: a repeat while the stop is under way, or, had it come a moment
    // later, that the build isn't running any more.
    const told = fake.responses.filter((r) => ids.includes(r.id));
    expect(told).toHaveLength(1);
    expect([
      'That was already done.',
      `The build ${name} isn't running, so there's nothing to stop.`,
    ]).toContain(told[0]?.text);
    expect(await statusOf(executionArn)).toBe('ABORTED');
    expect(cardMessage(DEV_CHANNEL, ts).text).toContain('stopped');
    expect(fake.callsTo('usergroups.users.list').length).toBeGreaterThan(0);
    const blocks = JSON.stringify(cardMessage(DEV_CHANNEL, ts).blocks);
    expect(blocks).not.toContain(CARD_ACTIONS.stop);
    expect(blocks).toContain(CARD_ACTIONS.runAgain);

    // Stop on a card whose build already ended: refused, with the reason.
    const late = await click({ ...clickStop, userId: ALLOWED });
    expect((await responseTo(late)).text).toBe(
      `The build ${name} isn't running, so there's nothing to stop.`,
    );
  });

  test('Refresh re-renders the card it is on with chat.update', async () => {
    const [past] = (await executions('dev')).filter((e) => e.name === 'dev-ana-3');
    const executionArn = past?.executionArn ?? '';
    const ts = await postCard('dev', executionArn, DEV_CHANNEL);
    const updates = fake.callsTo('chat.update').length;
    await click({
      actionId: CARD_ACTIONS.refresh,
      value: buttonValue({ pipeline: 'dev', executionArn }),
      userId: NOBODY, // reading needs no permission
      channelId: DEV_CHANNEL,
      messageTs: ts,
    });
    await waitFor(() => (fake.callsTo('chat.update').length > updates ? true : undefined));
    const update = fake.callsTo('chat.update').at(-1);
    expect(update?.args).toMatchObject({ channel: DEV_CHANNEL, ts });
    expect(cardMessage(DEV_CHANNEL, ts).versions).toHaveLength(2);
    expect(cardMessage(DEV_CHANNEL, ts).text).toContain('dev-ana-3');
  });

  test('Refresh never moves a card back: facts still saying running leave a card the notifier finished', async () => {
    const { executionArn } = await startLongDevBuild();
    const ts = await postCard('dev', executionArn, DEV_CHANNEL);
    // The notifier already took the card to its final state (the stop's event came first).
    const at = new Date().toISOString();
    await store.saveCard({
      executionArn,
      pipeline: 'dev',
      status: 'ABORTED',
      statusAt: at,
      version: 1,
      cards: [],
      updatedAt: at,
    });
    const updates = fake.callsTo('chat.update').length;
    const actionTs = '1800000003.000000';
    await click({
      actionId: CARD_ACTIONS.refresh,
      value: buttonValue({ pipeline: 'dev', executionArn }),
      userId: ALLOWED,
      channelId: DEV_CHANNEL,
      messageTs: ts,
      actionTs,
    });
    await handled(clicksAt(actionTs), 1);
    expect(fake.callsTo('chat.update').length).toBe(updates);
    expect(cardMessage(DEV_CHANNEL, ts).versions).toHaveLength(1);
    await slash('stop dev');
    await until(executionArn, 'ABORTED');
  });

  test('Run again on a finished build: a double click starts one build; on a running one it is refused', async () => {
    const [past] = (await executions('dev')).filter((e) => e.name === 'dev-ana-2');
    const executionArn = past?.executionArn ?? '';
    const ts = await postCard('dev', executionArn, DEV_CHANNEL);
    const before = (await executions('dev')).length;
    const clickRerun = {
      actionId: CARD_ACTIONS.runAgain,
      value: buttonValue({ pipeline: 'dev', executionArn }),
      userId: ALLOWED,
      channelId: DEV_CHANNEL,
      messageTs: ts,
    };
    // Two clicks 0.3 s apart, in the middle of one of Run again's 10-minute windows (never either side of
    // an edge, whatever the clock says), each handled by its own process.
    const middle = (Math.floor(Date.now() / 1000 / 600) + 0.5) * 600;
    const [one, two] = [middle.toFixed(6), (middle + 0.3).toFixed(6)];
    const ids = await Promise.all([
      click({ ...clickRerun, actionTs: one }),
      click({ ...clickRerun, actionTs: two }, 'other'),
    ]);
    await handled(clicksAt(one, two), 2);
    const announcements = fake.replies(DEV_CHANNEL, ts).filter((m) => m.text.includes('started'));
    expect(announcements).toHaveLength(1);
    expect(announcements[0]?.text).toMatch(new RegExp(`^<@${ALLOWED}> started a new dev build, dev-`));
    const told = fake.responses.filter((r) => ids.includes(r.id));
    expect(told.map((r) => r.text)).toEqual([expect.stringMatching(/^That dev build was already started/)]);
    const after = await executions('dev');
    expect(after.length).toBe(before + 1);
    // The same settings as the card's build: dev-ana-2 was started with eta 0.3.
    const rerun = await sfn.send(new DescribeExecutionCommand({ executionArn: after[0]?.executionArn }));
    expect(JSON.parse(rerun.input ?? '{}').hyperparameters.eta).toBe('0.3');
    await until(after[0]?.executionArn ?? '', 'SUCCEEDED');

    // Run again is for finished builds only.
    const { executionArn: live } = await startLongDevBuild();
    const liveTs = await postCard('dev', live, DEV_CHANNEL);
    const refused = await click({
      ...clickRerun,
      value: buttonValue({ pipeline: 'dev', executionArn: live }),
      messageTs: liveTs,
    });
    expect((await responseTo(refused)).text).toMatch(/^A dev build is already running/);
    expect((await executions('dev')).length).toBe(before + 2);
    await slash('stop dev');
    await until(live, 'ABORTED');
  });
});

describe('Home tab', () => {
  /** The block_ids of a view, each once: Slack refuses a view whose block_ids repeat. */
  function blockIdsOf(view: Record<string, unknown>): string[] {
    const blocks = view.blocks as { block_id?: string }[];
    return blocks.flatMap((b) => (b.block_id ? [b.block_id] : []));
  }

  /** Opens the Home tab for `user` on a receiver; returns the view Slack accepted, after no refused publish. */
  async function openHome(url: string, user: string): Promise<Record<string, unknown>> {
    const res = await postSigned(
      url,
      eventBody({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: '1.1' }),
      JSON_TYPE,
    );
    expect(res.status).toBe(200);
    const call = await waitFor(() => fake.callsTo('views.publish').find((c) => c.args.user_id === user));
    expect(call.outcome).toBe('ok');
    const view = fake.views.find((v) => v.userId === user);
    if (!view) throw new Error('no view published');
    return view.view;
  }

  test('app_home_opened publishes the latest build of each pipeline, with the card buttons', async () => {
    const view = await openHome(receiver.url, ALLOWED);
    expect(view.type).toBe('home');
    const blocks = JSON.stringify(view.blocks);
    expect(blocks).toContain('prod-nightly-4');
    expect(blocks).toContain('dev build');
    expect(blocks).toContain(CARD_ACTIONS.refresh);
    // Two cards, each block_id once: each card's carry its pipeline's name.
    const ids = blockIdsOf(view);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['prod.build_header', 'dev.build_header', 'dev.build_actions']),
    );
  });

  test('a card button on the Home tab still works under the scoped block_ids: Refresh publishes it again', async () => {
    const view = await openHome(receiver.url, GROUPIE);
    const viewId = fake.views.find((v) => v.userId === GROUPIE)?.id;
    const blocks = view.blocks as { block_id?: string; elements?: Record<string, unknown>[] }[];
    const refresh = blocks
      .find((b) => b.block_id === 'dev.build_actions')
      ?.elements?.find((e) => e.action_id === CARD_ACTIONS.refresh);
    if (!refresh || !viewId) throw new Error('no Refresh on the Home tab');
    const publishes = () => fake.callsTo('views.publish').filter((c) => c.args.user_id === GROUPIE);
    const before = publishes().length;
    // A click on the Home tab, as Slack sends it: a view container, no channel, no response_url.
    const payload = {
      type: 'block_actions',
      user: { id: GROUPIE, username: 'groupie', team_id: TEST_TEAM_ID },
      api_app_id: TEST_APP_ID,
      container: { type: 'view', view_id: viewId },
      trigger_id: '1.home',
      team: { id: TEST_TEAM_ID, domain: 'sagebuild-local' },
      view: { id: viewId, type: 'home', blocks },
      actions: [{ ...refresh, block_id: 'dev.build_actions', action_ts: `${Date.now() / 1000}` }],
    };
    const res = await postSigned(receiver.url, blockActionBody(payload), FORM);
    expect(res.status).toBe(200);
    await waitFor(() => (publishes().length > before ? true : undefined), 10000);
    expect(publishes().map((c) => c.outcome)).toEqual(publishes().map(() => 'ok'));
  });

  test("the example config's two pipelines make one Home view that Slack accepts", async () => {
    const example = JSON.parse(readFileSync('sagebuild.config.example.json', 'utf8')) as {
      pipelines: { name: string; stateMachineArn: string }[];
    };
    expect(example.pipelines.map((p) => p.name)).toEqual(['prod', 'dev']);
    // Its pipelines as written, pointed at the local AWS's machines of the same names.
    for (const pipeline of example.pipelines) pipeline.stateMachineArn = arnOf(pipeline.name);
    const exampleConfig = parseConfig({ ...example, region: stack.local.region }, 'the example config');
    const exampleCore = new SageBuild(exampleConfig);
    const exampleReceiver = createHttpReceiver({ signingSecret: TEST_SIGNING_SECRET });
    const exampleBot = createSlackApp({
      core: exampleCore,
      config: exampleConfig,
      store: new MemoryStore(),
      receiver: exampleReceiver,
      botToken: TEST_BOT_TOKEN,
      webClientOptions: { slackApiUrl: fake.apiUrl },
    });
    await exampleBot.start();
    try {
      const view = await openHome(exampleReceiver.url, 'U0123ABCD');
      const ids = blockIdsOf(view);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.filter((id) => id.endsWith('.build_header'))).toEqual([
        'prod.build_header',
        'dev.build_header',
      ]);
    } finally {
      await exampleBot.stop();
      exampleCore.close();
    }
  });
});

/** The Lambda entry point on the shared core and store, its Web API calls going to `slackApiUrl`. */
function lambdaHandler(
  slackApiUrl: string = fake.apiUrl,
  log: Logger = captureLog().log,
): ReturnType<typeof createLambdaHandler> {
  return createLambdaHandler({
    core,
    config,
    store,
    botToken: TEST_BOT_TOKEN,
    signingSecret: TEST_SIGNING_SECRET,
    webClientOptions: { slackApiUrl },
    log,
  });
}

describe('the Lambda entry point', () => {
  test('a base64 JSON body with non-ASCII text passes verification (decoded as UTF-8) and is answered', async () => {
    const handler = lambdaHandler();
    expect(handler.length).toBe(2);
    const ts = '1800000000.000900';
    // Form bodies are percent-encoded ASCII; an Events API body is JSON and carries "¿" and "✓" as UTF-8.
    const body = eventBody(appMentionEvent('¿is my prod build done? ✓', ALLOWED, PROD_CHANNEL, ts));
    expect(Buffer.byteLength(body)).toBeGreaterThan(body.length);
    const event = functionUrlEvent(body, JSON_TYPE);

    // Bolt's own receiver decodes base64 as ASCII: the same request is mangled (it fails to parse, or its
    // signature to verify), never answered.
    const boltAlone = createLambdaReceiver({ signingSecret: TEST_SIGNING_SECRET }).bolt.toHandler();
    const alone = await boltAlone(event, {}).then(
      (response) => response.statusCode,
      () => 'threw',
    );
    expect(alone).not.toBe(200);

    const result = await handler(event, {});
    expect(result.statusCode).toBe(200);
    // The Lambda receiver answers once the listener is done: the answer is already there.
    const reply = fake.ephemerals.find((m) => m.channel === PROD_CHANNEL && m.threadTs === ts);
    expect(reply?.text).toMatch(/^Yes\. Your prod build finished/);

    const forged = await handler(functionUrlEvent(body, JSON_TYPE, 'wrong-secret'), {});
    expect(forged.statusCode).toBe(401);
  });
});

describe('the Lambda entry point: Slack’s 3 seconds', () => {
  test('a slash command’s answer comes back in the ack, not through the response_url', async () => {
    const handler = lambdaHandler();
    const body = slashCommandBody({
      command: '/sagebuild',
      text: 'status prod',
      user_id: ALLOWED,
      channel_id: PROD_CHANNEL,
      response_url: fake.responseUrl('LAMBDA-STATUS'),
    });
    const result = await handler(functionUrlEvent(body, FORM), {});
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '{}')).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/^Yes\. Your prod build finished/),
    });
    expect(fake.responses.filter((r) => r.id === 'LAMBDA-STATUS')).toEqual([]);
  });

  test('every core call of a request shares the AWS budget: a slow history leaves a partial answer, in the ack', async () => {
    // A fresh core: nothing of prod's history kept yet. Its own budget would wait the 2.5 s out; the request's
    // shared one (SLACK_AWS_BUDGET_MS) does not.
    const fresh = new SageBuild(config);
    const handler = createLambdaHandler({
      core: fresh,
      config,
      store,
      botToken: TEST_BOT_TOKEN,
      signingSecret: TEST_SIGNING_SECRET,
      webClientOptions: { slackApiUrl: fake.apiUrl },
      log: captureLog().log,
    });
    stack.local.faults.set({ latencyMs: 2500, operations: ['GetExecutionHistory'] });
    try {
      const body = slashCommandBody({
        command: '/sagebuild',
        text: 'status prod',
        user_id: ALLOWED,
        channel_id: PROD_CHANNEL,
        response_url: fake.responseUrl('LAMBDA-SLOW'),
      });
      const result = await handler(functionUrlEvent(body, FORM), {});
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body ?? '{}')).toMatchObject({
        text: expect.stringMatching(
          /^Yes\. Your prod build finished .* I couldn't get its endpoint's state from AWS in time\.$/,
        ),
      });
    } finally {
      stack.local.faults.set({});
      fresh.close();
    }
  });

  test('a Slack API and a response_url that never answer cost at most their deadlines', async () => {
    // A server that takes requests and never answers: the Web API's group lookup and the response_url.
    const hanging: ServerResponse[] = [];
    const server = createServer((_req, res) => void hanging.push(res));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const captured = captureLog();
    const handler = lambdaHandler(`${url}/api/`, captured.log);
    const [past] = (await executions('dev')).filter((e) => e.name === 'dev-ana-3');
    // GROUPIE may stop builds only through a group: the lookup hangs, so not a member; the refusal goes to a
    // response_url that hangs too.
    const body = blockActionBody(
      blockActionPayload({
        actionId: CARD_ACTIONS.stop,
        value: buttonValue({ pipeline: 'dev', executionArn: past?.executionArn ?? '' }),
        userId: GROUPIE,
        channelId: DEV_CHANNEL,
        messageTs: '1800000000.000950',
        responseUrl: `${url}/respond`,
      }),
    );
    // Slack's WebClient warns on the console when a call times out: keep that in the test.
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const started = Date.now();
      const result = await handler(functionUrlEvent(body, FORM), {});
      const tookMs = Date.now() - started;
      expect(result.statusCode).toBe(200);
      expect(tookMs).toBeLessThan(2500);
      const warnings = captured.lines().filter((line) => line.level === 'WARN');
      expect(warnings.map((line) => line.message)).toEqual(
        expect.arrayContaining([
          expect.stringContaining('usergroups.users.list'),
          expect.stringContaining('response_url did not answer'),
        ]),
      );
      expect(hanging.length).toBeGreaterThanOrEqual(2);
    } finally {
      warned.mockRestore();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });
});

describe('the way Slack expects', () => {
  test('every message and response with blocks also has top-level text', () => {
    const withBlocks = [
      ...fake.calls
        .filter((c) => ['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(c.method))
        .map((c) => c.args),
      ...fake.responses.map((r) => r.payload),
    ].filter((args) => Array.isArray(args.blocks) && args.blocks.length > 0);
    expect(withBlocks.length).toBeGreaterThan(0);
    for (const args of withBlocks) expect(typeof args.text === 'string' && args.text.length > 0).toBe(true);
  });

  test('the bot never asked Slack who it is (auth.test), and every call so far went through', () => {
    expect(fake.callsTo('auth.test')).toEqual([]);
    expect(fake.calls.filter((c) => c.outcome !== 'ok')).toEqual([]);
  });

  test('on a request path a 429 is not waited out: one call, no retry after Retry-After', async () => {
    const posts = fake.callsTo('chat.postEphemeral').length;
    fake.rateLimit({ method: 'chat.postEphemeral', count: 5, retryAfterSeconds: 30 });
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await sendEvent(appMentionEvent('is my build done', ALLOWED, PROD_CHANNEL, '1800000000.000800'));
      await waitFor(() => (errors.mock.calls.length > 0 ? true : undefined), 5000);
    } finally {
      errors.mockRestore();
    }
    const limited = fake.callsTo('chat.postEphemeral').slice(posts);
    expect(limited.map((c) => c.outcome)).toEqual(['ratelimited']);
    fake.reset();
  });
});
