// Endpoint health on every front, against the local AWS with prod's and dev's seeded past: the CLI's typed
// command, a signed `/sagebuild health prod` to the Bolt app, and "how is the prod endpoint doing" through
// the Alexa simulator to the real skill. Then prod gets a deploy that fails one request in ten, the local
// clock moves 40 minutes on, and every front leads with that number.

import { DeleteEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { runCommandOutcome, words } from '../commands/run';
import { SageBuild } from '../core/sagebuild';
import { modelFor } from '../interaction-models/build-model';
import { startFakeAlexaApi, type FakeAlexaApi } from '../local/alexa/fake-api';
import { AlexaSimulator } from '../local/alexa/simulator';
import { LOCAL_SKILL_ID } from '../local/local-config';
import { startFakeSlackApi, type FakeResponse, type FakeSlack } from '../local/slack/fake-slack-api';
import type { SlackBot } from '../slack/app';
import type { SlackHttpReceiver } from '../slack/receivers/http';
import { createSkill } from '../skill/skill';
import { deploy, movableClock, type MovableClock } from './support/health';
import { startLocalStack, tester, waitFor, type LocalStack } from './support/local-stack';
import { FORM, postSigned, slashCommandBody, TEST_BOT_USER_ID } from './support/slack';
import { startTestSlackApp } from './support/slack-app';
import { stackConfig } from './support/stack-config';

let stack: LocalStack;
let clock: MovableClock;
let core: SageBuild;
let fake: FakeSlack;
let receiver: SlackHttpReceiver;
let bot: SlackBot;
let api: FakeAlexaApi;
let alexa: AlexaSimulator;

beforeAll(async () => {
  clock = movableClock();
  stack = await startLocalStack({ past: true, clock });
  const config = stackConfig(stack.pipelines, {
    settings: {
      region: stack.local.region,
      defaultPipeline: 'prod',
      slack: { botUserId: TEST_BOT_USER_ID },
      alexa: { skillId: LOCAL_SKILL_ID },
    },
    access: { start: ['*'], stop: ['*'], channels: [] },
    source: 'the health fronts test',
  });
  core = new SageBuild(config, { now: () => new Date(clock.now()) });
  fake = await startFakeSlackApi();
  ({ bot, receiver } = await startTestSlackApp({
    core,
    config,
    slackApiUrl: fake.apiUrl,
    now: () => new Date(clock.now()),
  }));
  api = await startFakeAlexaApi();
  const skill = createSkill({ core, skillId: LOCAL_SKILL_ID, now: () => new Date(clock.now()) });
  alexa = new AlexaSimulator({
    model: modelFor(config),
    invoke: (event) => skill.invoke(event),
    skillId: LOCAL_SKILL_ID,
    userId: 'amzn1.ask.account.KITCHEN',
    apiEndpoint: api.url,
  });
});

afterAll(async () => {
  await bot?.stop();
  core?.close();
  await fake?.close();
  await api?.close();
  await stack?.close();
});

afterEach(() => expect(fake.lapses).toEqual([]));

async function cli(line: string) {
  const outcome = await runCommandOutcome(words(line), {
    core,
    requester: tester,
    now: () => new Date(clock.now()),
  });
  expect(outcome.text).not.toContain('    at ');
  return outcome;
}

let requests = 0;
async function slash(text: string): Promise<FakeResponse> {
  const id = `R${(requests += 1)}`;
  const body = slashCommandBody({
    command: '/sagebuild',
    text,
    user_id: 'U0HEALTH',
    user_name: 'u0health',
    channel_id: 'C0RANDOM',
    response_url: fake.responseUrl(id),
  });
  expect((await postSigned(receiver.url, body, FORM)).status).toBe(200);
  return waitFor(() => fake.responses.find((r) => r.id === id), 10000);
}

describe('a healthy endpoint', () => {
  test('the CLI names the live build and gives the last hour', async () => {
    const { text, ok } = await cli('health prod');
    expect(ok).toBe(true);
    const [first, last] = text.split('\n');
    expect(first).toMatch(
      /^The prod endpoint churn-prod is in service, serving prod-nightly-4 \(started by the nightly schedule\), live since (2 hours|an hour) ago\.$/,
    );
    expect(last).toMatch(
      /^Last hour: [\d,]+ requests, [\d.]+% failed \([\d,]+ client errors?, \d+ server errors?\)\. Model latency \d+ ms median, \d+ ms p99\. CPU [\d.]+%, memory [\d.]+%\.$/,
    );
  });

  test('Slack answers /sagebuild health prod with the same text, privately', async () => {
    const response = await slash('health prod');
    expect(response.responseType).toBe('ephemeral');
    expect(response.text).toBe((await cli('health prod')).text);
  });

  test('Alexa says it briefly, naming the build by who started it, never by its name', async () => {
    const turn = await alexa.say('ask sage build how is the prod endpoint doing');
    expect(turn.speech).toMatch(
      /^The prod endpoint is healthy: [\d,]+ requests in the last hour, [\d.]+ percent failed, and the model answers in about \d+ milliseconds\. It has served the nightly schedule's build for .+\.$/,
    );
    expect(turn.speech).not.toContain('prod-nightly-4');
  });
});

describe('a few minutes after a deploy that fails one request in ten', () => {
  beforeAll(async () => {
    await deploy(stack, 'prod', 'serving-errors');
    // Most of the last hour is still the old model's good traffic: health must judge the new one.
    clock.advance(4);
  });

  test('every front leads with the server errors since the deploy, against before it', async () => {
    const { text } = await cli('health production');
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^Something is wrong\. Since the deploy \d minutes? ago: \d+(\.\d)?% of requests failed with server errors, up from \d(\.\d)?% before it\.$/,
    );
    expect(lines[2]).toMatch(/^Since the deploy \d minutes? ago: [\d,]+ requests, \d+(\.\d)?% failed/);
    expect(text).not.toContain('Last hour');
    expect((await slash('health prod')).text).toBe(text);
    const turn = await alexa.say('ask sage build is the prod endpoint healthy');
    expect(turn.speech).toMatch(
      /^The prod endpoint needs attention: since the deploy \d minutes? ago, \d+(\.\d)? percent of requests failed with server errors, up from \d(\.\d)? percent before it\. It has served Tess Ter's build for \w+ minutes?\.$/,
    );
  });
});

describe('no endpoint', () => {
  beforeAll(async () => {
    const sagemaker = new SageMakerClient({});
    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: 'churn-dev' }));
    sagemaker.destroy();
    await waitFor(async () =>
      (await core.endpoint('dev').catch(() => undefined))?.exists === false ? true : undefined,
    );
  });

  test('is a friendly sentence on every front, and a refusal for the CLI', async () => {
    const sentence =
      "The dev pipeline has no endpoint yet, so there's no traffic to report. A successful build creates it.";
    expect(await cli('health dev')).toEqual({ text: sentence, ok: false });
    expect((await slash('health dev')).text).toBe(sentence);
    expect((await alexa.say('ask sage build how is the dev endpoint doing')).speech).toBe(sentence);
  });

  test('an unknown pipeline gets the usual suggestion', async () => {
    const { text, ok } = await cli('health prdo');
    expect(ok).toBe(false);
    expect(text).toContain('Did you mean prod?');
  });
});
