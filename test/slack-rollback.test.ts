// Rollback from Slack, spoken to the way Slack does: signed slash commands and button clicks to the Bolt app
// on its HTTP receiver, its WebClient and response_urls on the fake Slack API, and the local AWS with prod's
// seeded past (prod-nightly-4 live, prod-nightly-3 the successful build before it).

import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SageBuildConfig } from '../core/config/schema';
import { SageBuild } from '../core/sagebuild';
import { startFakeSlackApi, type FakeResponse, type FakeSlack } from '../local/slack/fake-slack-api';
import { createSlackApp, type SlackBot } from '../slack/app';
import { ROLLBACK_ACTION } from '../slack/listeners/rollback';
import { createHttpReceiver, type SlackHttpReceiver } from '../slack/receivers/http';
import { MemoryStore } from '../slack/store/memory-store';
import { startLocalStack, waitFor, type LocalStack } from './support/local-stack';
import { stackConfig } from './support/stack-config';
import {
  appMentionEvent,
  blockActionBody,
  eventBody,
  JSON_TYPE,
  blockActionPayload,
  FORM,
  postSigned,
  slashCommandBody,
  TEST_BOT_TOKEN,
  TEST_BOT_USER_ID,
  TEST_SIGNING_SECRET,
} from './support/slack';

const ROLLER = 'U0ROLLER';
const NOBODY = 'U0NOBODY';
const PROD_CHANNEL = 'C0PRODBUILDS';
const OTHER_CHANNEL = 'C0RANDOM';
const ENDPOINT = 'churn-prod';

let stack: LocalStack;
let fake: FakeSlack;
let core: SageBuild;
let config: SageBuildConfig;
let receiver: SlackHttpReceiver;
let bot: SlackBot;
let sagemaker: SageMakerClient;

beforeAll(async () => {
  stack = await startLocalStack({ past: true });
  fake = await startFakeSlackApi();
  sagemaker = new SageMakerClient({});
  config = stackConfig(stack.pipelines, {
    settings: { region: stack.local.region, defaultPipeline: 'prod', slack: { botUserId: TEST_BOT_USER_ID } },
    slackChannels: true,
    access: { start: ['*'], stop: ['*'], rollback: [`slack:${ROLLER}`], channels: [] },
    source: 'the Slack rollback test',
  });
  core = new SageBuild(config);
  receiver = createHttpReceiver({ signingSecret: TEST_SIGNING_SECRET });
  bot = createSlackApp({
    core,
    config,
    store: new MemoryStore(),
    receiver,
    botToken: TEST_BOT_TOKEN,
    webClientOptions: { slackApiUrl: fake.apiUrl },
  });
  await bot.start();
});

afterAll(async () => {
  await bot?.stop();
  core?.close();
  sagemaker?.destroy();
  await fake?.close();
  await stack?.close();
});

afterEach(() => expect(fake.lapses).toEqual([]));

let requests = 0;

async function slash(text: string, user: string, channel = OTHER_CHANNEL): Promise<FakeResponse> {
  const id = `R${(requests += 1)}`;
  const body = slashCommandBody({
    command: '/sagebuild',
    text,
    user_id: user,
    user_name: user.toLowerCase(),
    channel_id: channel,
    response_url: fake.responseUrl(id),
  });
  const res = await postSigned(receiver.url, body, FORM);
  expect(res.status).toBe(200);
  return waitFor(() => fake.responses.find((r) => r.id === id), 10000);
}

/** Clicks Rollback on a message in `channel`; Slack sends the action only once the person confirmed. */
async function clickRollback(value: string, user: string, channel: string, messageTs: string) {
  const id = `A${(requests += 1)}`;
  const responseUrl = fake.responseUrl(id, { channel, messageTs });
  const payload = blockActionPayload({
    actionId: ROLLBACK_ACTION,
    value,
    userId: user,
    channelId: channel,
    messageTs,
    responseUrl,
  });
  const res = await postSigned(receiver.url, blockActionBody(payload), FORM);
  expect(res.status).toBe(200);
  return id;
}

async function servingConfig(): Promise<{ status?: string; config?: string }> {
  const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: ENDPOINT }));
  return { status: endpoint.EndpointStatus, config: endpoint.EndpointConfigName };
}

interface ButtonBlock {
  type: string;
  elements?: {
    action_id?: string;
    value?: string;
    style?: string;
    confirm?: Record<string, { text: string }>;
  }[];
}

describe('rollback from Slack', () => {
  let buttonValue = '';

  test('/sagebuild rollback prod asks the core’s question, with a Rollback button behind a confirm dialog', async () => {
    const before = await servingConfig();
    expect(before).toEqual({ status: 'InService', config: 'prod-nightly-4' });
    const reply = await slash('rollback prod', ROLLER);
    expect(reply.responseType).toBe('ephemeral');
    expect(reply.text).toMatch(
      /^Roll back prod to the model from the nightly schedule's build of (today|yesterday) \d\d:\d\d \(prod-nightly-3\)\? It replaces the model from prod-nightly-4\. Only the button rolls back\.$/,
    );
    const actions = (reply.blocks as ButtonBlock[]).find((b) => b.type === 'actions');
    const button = actions?.elements?.[0];
    expect(button?.action_id).toBe('rollback_build');
    expect(button?.style).toBe('danger');
    expect(JSON.parse(button?.value ?? '')).toEqual({
      pipeline: 'prod',
      build: 'prod-nightly-4',
      to: 'prod-nightly-3',
    });
    expect(button?.confirm?.title?.text).toBe('Roll back the endpoint?');
    expect(button?.confirm?.text?.text).toMatch(
      /^Roll back prod to the model from the nightly schedule's build/,
    );
    buttonValue = button?.value ?? '';
    // Asking changed nothing.
    expect(await servingConfig()).toEqual(before);
  });

  test('a mention saying “roll back prod” gets the same question and button, in its thread', async () => {
    const ts = '1800000000.000900';
    const res = await postSigned(
      receiver.url,
      eventBody(appMentionEvent('roll back prod', ROLLER, PROD_CHANNEL, ts), { event_id: 'Ev0ROLLBACK1' }),
      JSON_TYPE,
    );
    expect(res.status).toBe(200);
    const prompt = await waitFor(() => fake.messages(PROD_CHANNEL).find((m) => m.threadTs === ts), 10000);
    expect(prompt.text).toMatch(
      /^Roll back prod to the model from the nightly schedule's build of .* \(prod-nightly-3\)\? It replaces the model from prod-nightly-4\. Only the button rolls back\.$/,
    );
    const actions = (prompt.blocks as ButtonBlock[] | undefined)?.find((b) => b.type === 'actions');
    expect(actions?.elements?.[0]?.action_id).toBe('rollback_build');
    expect(await servingConfig()).toEqual({ status: 'InService', config: 'prod-nightly-4' });
  });

  test('someone outside the pipeline’s rollback access is refused, by command and by click', async () => {
    const reply = await slash('rollback prod', NOBODY);
    expect(reply.text).toBe("Sorry, you're not allowed to roll back the prod endpoint. Nothing was changed.");
    const posted = fake.postAs(OTHER_CHANNEL, TEST_BOT_USER_ID, 'Roll back prod?');
    const id = await clickRollback(buttonValue, NOBODY, OTHER_CHANNEL, posted.ts);
    const answer = await waitFor(() => fake.responses.find((r) => r.id === id), 10000);
    expect(answer.text).toBe(
      "Sorry, you're not allowed to roll back the prod endpoint. Nothing was changed.",
    );
    expect(await servingConfig()).toEqual({ status: 'InService', config: 'prod-nightly-4' });
  });

  test('a confirmed click rolls back, announced in the thread and in the pipeline’s channel', async () => {
    const posted = fake.postAs(OTHER_CHANNEL, TEST_BOT_USER_ID, 'Roll back prod?');
    await clickRollback(buttonValue, ROLLER, OTHER_CHANNEL, posted.ts);
    const announced = new RegExp(
      `^<@${ROLLER}> rolled prod back to the model from the nightly schedule's build of (today|yesterday) \\d\\d:\\d\\d \\(prod-nightly-3\\), replacing the model from prod-nightly-4\\. The endpoint is updating`,
    );
    const inThread = await waitFor(
      () => fake.replies(OTHER_CHANNEL, posted.ts).find((m) => announced.test(m.text)),
      10000,
    );
    expect(inThread).toBeDefined();
    const inProdChannel = await waitFor(
      () => fake.messages(PROD_CHANNEL).find((m) => announced.test(m.text)),
      10000,
    );
    expect(inProdChannel).toBeDefined();
    await waitFor(async () => ((await servingConfig()).config === 'prod-nightly-3' ? true : undefined));
    expect(await servingConfig()).toEqual({ status: 'InService', config: 'prod-nightly-3' });
    // Status answers say who rolled back, whichever front asks.
    const status = await slash('status prod', NOBODY);
    expect(status.text).toMatch(
      /prod serves the model from build prod-nightly-3 since u0roller rolled it back (just now|a minute ago)\.$/,
    );
  });

  test('the same button clicked again (a double click, or later) rolls back once', async () => {
    const posted = fake.postAs(OTHER_CHANNEL, TEST_BOT_USER_ID, 'Roll back prod?');
    const id = await clickRollback(buttonValue, ROLLER, OTHER_CHANNEL, posted.ts);
    const answer = await waitFor(() => fake.responses.find((r) => r.id === id), 10000);
    expect(answer.text).toBe('That was already done.');
    expect(await servingConfig()).toEqual({ status: 'InService', config: 'prod-nightly-3' });
  });
});

describe('typed on purpose', () => {
  test('/sagebuild rollback prod --yes rolls back at once, announced in the channel', async () => {
    // Now live: prod-nightly-3, which replaced prod-retrain-ana's model when it deployed.
    const reply = await slash('rollback prod --yes', ROLLER, PROD_CHANNEL);
    expect(reply.responseType).toBe('in_channel');
    expect(reply.text).toMatch(
      new RegExp(
        `^<@${ROLLER}> rolled prod back to the model from Ana Lima's build of .* \\(prod-retrain-ana\\), replacing the model from prod-nightly-3\\.`,
      ),
    );
    await waitFor(async () => ((await servingConfig()).config === 'prod-retrain-ana' ? true : undefined));
  });
});
