// Rollbacks announced in the pipeline's Slack channels, whichever front rolled back: the local SageMaker emits
// "SageMaker Endpoint State Change" events on the local bus as SageMaker does, the notifier's rollback
// announcer hears them and posts to the fake Slack Web API. Against prod's and dev's seeded past (prod-nightly-4
// live with prod-nightly-3 before it; dev-ana-2 live with dev-ana-1 before it).

import { ApprovalNotifier } from '../slack/notifier/approval-requests';
import type { WebClient } from '@slack/web-api';
import type { Requester } from '../core/builds/facts';
import { SageBuild } from '../core/sagebuild';
import { modelFor } from '../interaction-models/build-model';
import { startFakeAlexaApi, type FakeAlexaApi } from '../local/alexa/fake-api';
import { AlexaSimulator } from '../local/alexa/simulator';
import { LOCAL_SKILL_ID } from '../local/local-config';
import type { EndpointStateChangeEvent } from '../local/sagemaker/endpoint-events';
import { startFakeSlackApi, type FakeSlack } from '../local/slack/fake-slack-api';
import { createSkill } from '../skill/skill';
import { isEndpointStateChange } from '../slack/notifier/endpoint-event';
import { BuildNotifier } from '../slack/notifier/notifier';
import { ProgressRefresh } from '../slack/notifier/progress-refresh';
import { RollbackAnnouncer, type AnnounceOutcome } from '../slack/notifier/rollback-announcer';
import { notifierWebClient } from '../slack/notifier/web-client';
import { createNotifierHandler } from '../slack/notifier-lambda';
import { MemoryStore } from '../slack/store/memory-store';
import { captureLog } from './support/log';
import { newKey, startLocalStack, waitFor, type LocalStack } from './support/local-stack';
import { TEST_BOT_TOKEN } from './support/slack';
import { stackConfig } from './support/stack-config';

const PROD_CHANNEL = 'C0PRODBUILDS';
const DEV_CHANNEL = 'C0DEVBUILDS';
const ANA_ON_THE_CLI: Requester = { id: 'cli:ana', displayName: 'Ana Lima' };

let stack: LocalStack;
let fake: FakeSlack;
let alexaApi: FakeAlexaApi;
let core: SageBuild;
let web: WebClient;
let store: MemoryStore;
let announcer: RollbackAnnouncer;
const warnings: string[] = [];
/** Every endpoint event the local SageMaker emitted, in order. */
const heard: EndpointStateChangeEvent[] = [];
/** What the live announcer made of each event it was handed, in order. */
const outcomes: { event: EndpointStateChangeEvent; outcome: AnnounceOutcome }[] = [];
let handling: Promise<unknown>[] = [];
/** Endpoints whose events the test hands over itself instead of the live subscription. */
const heldBack = new Set<string>();

beforeAll(async () => {
  stack = await startLocalStack({ past: true });
  fake = await startFakeSlackApi();
  alexaApi = await startFakeAlexaApi();
  const config = stackConfig(stack.pipelines, {
    settings: { region: stack.local.region, alexa: { skillId: LOCAL_SKILL_ID } },
    slackChannels: true,
    access: { start: ['*'], stop: ['*'], rollback: ['*'] },
    source: 'the rollback announcement test',
  });
  core = new SageBuild(config);
  web = notifierWebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.apiUrl });
  store = new MemoryStore();
  const log = { warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) };
  announcer = new RollbackAnnouncer({ core, web, store, config, log });
  const cards = new BuildNotifier({ core, web, store, config, log });
  // As the stack's rules deliver them: status changes to the card notifier, endpoint events to the announcer.
  stack.local.events.subscribe((event) => void handling.push(cards.handle(event)));
  stack.local.events.subscribeAll((event) => {
    if (!isEndpointStateChange(event)) return;
    const endpointEvent = event as EndpointStateChangeEvent;
    heard.push(endpointEvent);
    if (heldBack.has(endpointEvent.detail.EndpointName)) return;
    handling.push(
      announcer.handle(endpointEvent).then((outcome) => outcomes.push({ event: endpointEvent, outcome })),
    );
  });
});

afterAll(async () => {
  await settle();
  core?.close();
  await alexaApi?.close();
  await fake?.close();
  await stack?.close();
});

afterEach(() => {
  expect(fake.lapses).toEqual([]);
  expect(warnings).toEqual([]);
});

/** Waits for everything handed to the notifier so far. */
async function settle(): Promise<void> {
  while (handling.length > 0) {
    const now = handling;
    handling = [];
    await Promise.all(now);
  }
}

function rollbackPosts(channel: string, pipeline: string): string[] {
  return fake
    .messages(channel)
    .map((m) => m.text)
    .filter((text) => text.includes(`roll ${pipeline} back`) || text.includes(`rolled ${pipeline} back`));
}

/** The endpoint's events from the `since`th heard on, as "STATUS config". */
function statusesOf(endpoint: string, since = 0): string[] {
  return heard
    .slice(since)
    .filter((e) => e.detail.EndpointName === endpoint)
    .map((e) => `${e.detail.EndpointStatus} ${e.detail.EndpointConfigName}`);
}

async function settledInService(endpoint: string, since: number): Promise<EndpointStateChangeEvent> {
  const event = await waitFor(() =>
    heard
      .slice(since)
      .find((e) => e.detail.EndpointName === endpoint && e.detail.EndpointStatus === 'IN_SERVICE'),
  );
  await settle();
  return event;
}

const WHEN = String.raw`(today|yesterday|on \d+ \w+) \d\d:\d\d`;

describe('a rollback from the CLI', () => {
  let inService: EndpointStateChangeEvent;

  test('is announced in the pipeline’s channel once the endpoint serves the model, naming who did it', async () => {
    const since = heard.length;
    await core.rollback({ pipeline: 'prod', requester: ANA_ON_THE_CLI });
    inService = await settledInService('churn-prod', since);
    expect(statusesOf('churn-prod', since)).toEqual(['UPDATING prod-nightly-4', 'IN_SERVICE prod-nightly-3']);
    // SageMaker's own shape: PascalCase detail, upper snake case status, epoch ms, the tags as a map.
    expect(inService).toMatchObject({
      version: '0',
      'detail-type': 'SageMaker Endpoint State Change',
      source: 'aws.sagemaker',
      account: stack.local.accountId,
      region: stack.local.region,
      resources: [inService.detail.EndpointArn],
      detail: {
        EndpointName: 'churn-prod',
        EndpointArn: `arn:aws:sagemaker:${stack.local.region}:${stack.local.accountId}:endpoint/churn-prod`,
        EndpointConfigName: 'prod-nightly-3',
        ProductionVariants: [{ DesiredWeight: 1, DesiredInstanceCount: 1 }],
        EndpointStatus: 'IN_SERVICE',
        CreationTime: expect.any(Number),
        LastModifiedTime: expect.any(Number),
        Tags: expect.objectContaining({ 'sagebuild:rollback:build': 'prod-nightly-3' }),
      },
    });
    expect(outcomes.map((o) => o.outcome)).toEqual(['not-settled', 'announced']);
    const posts = rollbackPosts(PROD_CHANNEL, 'prod');
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatch(
      new RegExp(
        `^Ana Lima rolled prod back to the model from the nightly schedule's build of ${WHEN} \\(prod-nightly-3\\), replacing the model from prod-nightly-4\\. The endpoint churn-prod serves it now\\.$`,
      ),
    );
    // Only the pipeline's own channels hear of it.
    expect(rollbackPosts(DEV_CHANNEL, 'prod')).toEqual([]);
  });

  test('an event delivered twice, or sent twice by SageMaker under another id, posts nothing more', async () => {
    expect(await announcer.handle(inService)).toBe('duplicate');
    expect(await announcer.handle({ ...inService, id: 'a-second-event-for-the-same-change' })).toBe(
      'duplicate',
    );
    expect(rollbackPosts(PROD_CHANNEL, 'prod')).toHaveLength(1);
  });

  test('an endpoint name longer than SageMaker allows is refused before any AWS call', async () => {
    const calls = stack.local.callCount;
    const long = { ...inService, detail: { ...inService.detail, EndpointName: 'x'.repeat(1_000_000) } };
    expect(await announcer.handle(long)).toBe('unusable-event');
    expect(stack.local.callsSince(calls)).toEqual([]);
  });

  test('the notifier’s Lambda handler takes endpoint events to the announcer', async () => {
    const captured = captureLog();
    const parts = {
      notifier: new BuildNotifier({ core, web, store, config: core.config }),
      progress: new ProgressRefresh({ core, web, store }),
      rollbacks: announcer,
      approvals: new ApprovalNotifier({ core, web, store, config: core.config }),
    };
    const handler = createNotifierHandler({ log: captured.log, setUp: async () => parts });
    await handler(JSON.parse(JSON.stringify(inService)), { awsRequestId: 'endpoint-1' });
    expect(captured.lines()).toEqual([
      expect.objectContaining({
        front: 'notifier',
        outcome: 'answered',
        pipeline: 'prod',
        action: 'rollback-done',
        endpoint: 'churn-prod',
        result: 'duplicate',
      }),
    ]);
    expect(rollbackPosts(PROD_CHANNEL, 'prod')).toHaveLength(1);
  });
});

describe('a rollback by voice', () => {
  test('is announced with "someone using Alexa", never an Alexa user ID', async () => {
    const skill = createSkill({ core, skillId: LOCAL_SKILL_ID });
    const alexa = new AlexaSimulator({
      model: modelFor(core.config),
      invoke: (event) => skill.invoke(event),
      skillId: LOCAL_SKILL_ID,
      userId: 'amzn1.ask.account.KITCHEN',
      apiEndpoint: alexaApi.url,
    });
    const since = heard.length;
    expect((await alexa.say('ask sage build to roll back dev')).speech).toMatch(/^Roll back dev/);
    expect((await alexa.say('yes')).speech).toMatch(/^Rolling dev back/);
    await settledInService('churn-dev', since);
    const posts = rollbackPosts(DEV_CHANNEL, 'dev');
    expect(posts).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Someone using Alexa rolled dev back to the model from Ana Lima's build of ${WHEN} \\(dev-ana-1\\), replacing the model from dev-ana-2\\. The endpoint churn-dev serves it now\\.$`,
        ),
      ),
    ]);
    expect(posts[0]).not.toContain('amzn1');
  });
});

describe('a normal deploy', () => {
  let deployed: string;

  test('is not announced as a rollback', async () => {
    const since = heard.length;
    const started = await core.start({
      pipeline: 'dev',
      requester: { id: 'slack:U0ANALIMA', displayName: 'Ana Lima' },
      idempotencyKey: newKey(),
    });
    deployed = started.name;
    await stack.local.stepFunctions.waitFor(started.executionArn);
    await settledInService('churn-dev', since);
    const endpointOutcomes = outcomes.filter((o) => heard.indexOf(o.event) >= since).map((o) => o.outcome);
    expect(endpointOutcomes).toEqual(['not-settled', 'no-rollback']);
    expect(rollbackPosts(DEV_CHANNEL, 'dev')).toHaveLength(1);
    // Its card was posted, without a line about a rollback.
    const card = fake.messages(DEV_CHANNEL).find((m) => m.text.includes(deployed));
    expect(JSON.stringify(card?.blocks)).not.toContain(':rewind:');
  });

  test('rolled back from Slack later: the mention, and the build’s card says what serves now', async () => {
    const since = heard.length;
    await core.rollback({ pipeline: 'dev', requester: { id: 'slack:U0BOBROLLS', displayName: 'bob' } });
    await settledInService('churn-dev', since);
    const posts = rollbackPosts(DEV_CHANNEL, 'dev');
    expect(posts).toHaveLength(2);
    expect(posts[1]).toMatch(
      new RegExp(
        `^<@U0BOBROLLS> rolled dev back to the model from .*, replacing the model from ${deployed}\\.`,
      ),
    );
    const card = fake.messages(DEV_CHANNEL).find((m) => m.text.includes(deployed));
    expect(JSON.stringify(card?.blocks)).toMatch(
      /:rewind: dev serves the model from build dev-ana-1 since bob/,
    );
  });
});

describe('a deploy that fails after a rollback', () => {
  test('is not announced as the rollback again', async () => {
    const since = heard.length;
    const started = await core.start({
      pipeline: 'dev',
      requester: ANA_ON_THE_CLI,
      idempotencyKey: newKey(),
      overrides: { 'hyperparameters.sagebuild_simulate': 'endpoint-failure' },
    });
    await stack.local.stepFunctions.waitFor(started.executionArn);
    await settledInService('churn-dev', since);
    expect(statusesOf('churn-dev', since)).toEqual([
      'UPDATING dev-ana-1',
      'ROLLING_BACK dev-ana-1',
      'IN_SERVICE dev-ana-1',
    ]);
    const endpointOutcomes = outcomes.filter((o) => heard.indexOf(o.event) >= since).map((o) => o.outcome);
    expect(endpointOutcomes).toEqual(['not-settled', 'not-settled', 'duplicate']);
    expect(rollbackPosts(DEV_CHANNEL, 'dev')).toHaveLength(2);
  });
});

describe('a rollback that fails', () => {
  test('is announced as failed, once, whatever events come after', async () => {
    heldBack.add('churn-prod');
    const since = heard.length;
    await core.rollback({ pipeline: 'prod', requester: ANA_ON_THE_CLI, to: 'prod-nightly-4' });
    const inService = await waitFor(() =>
      heard.slice(since).find((e) => e.detail.EndpointStatus === 'IN_SERVICE'),
    );
    // Before anyone heard it served, SageMaker gave up on the endpoint.
    stack.local.sagemaker.forceEndpointStatus(
      'churn-prod',
      'Failed',
      'The primary container failed to start.',
    );
    const failed = heard.slice(since).find((e) => e.detail.EndpointStatus === 'FAILED');
    expect(failed).toBeDefined();
    expect(await announcer.handle(failed as EndpointStateChangeEvent)).toBe('announced');
    expect(await announcer.handle(inService)).toBe('duplicate');
    const posts = rollbackPosts(PROD_CHANNEL, 'prod');
    expect(posts).toHaveLength(2);
    expect(posts[1]).toMatch(
      new RegExp(
        `^Ana Lima tried to roll prod back to the model from the nightly schedule's build of ${WHEN} \\(prod-nightly-4\\), but the rollback failed\\. SageMaker said: The primary container failed to start\\. The endpoint churn-prod is failed\\.$`,
      ),
    );
  });
});
