// One build per intent, across processes: starts claim their pipeline (core/claims) before asking Step
// Functions, so a second start while the first is still on its way (StartExecution slow, ListExecutions not yet
// showing it) is told which build is starting instead of starting another. The claims' contract runs against
// both adapters (memory, and DynamoDB on dynalite); the fronts' sentences are asserted with several SageBuild
// instances sharing one dynalite table, as Lambda containers share the deployed one.

import { ListExecutionsCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { runCommandOutcome } from '../commands/run';
import { createClaimsTable } from '../core/claims/claims-table';
import { DynamoDbClaims } from '../core/claims/dynamodb-claims';
import { MemoryClaims } from '../core/claims/memory-claims';
import { executionName } from '../core/builds/names';
import { inRequest, outcomeOf } from '../core/log/request';
import { START_CLAIM_TTL_MS, type StartClaims } from '../core/claims/start-claims';
import type { SageBuildConfig } from '../core/config/schema';
import {
  AwsUnavailable,
  BuildAlreadyRunning,
  BuildAlreadyStarting,
  StartOutcomeUnknown,
} from '../core/errors';
import { SageBuild } from '../core/sagebuild';
import { errorSentence } from '../core/wording';
import { modelFor } from '../interaction-models/build-model';
import { startFakeAlexaApi, type FakeAlexaApi } from '../local/alexa/fake-api';
import { AlexaSimulator } from '../local/alexa/simulator';
import { LOCAL_SKILL_ID } from '../local/local-config';
import { startFakeSlackApi, type FakeSlack } from '../local/slack/fake-slack-api';
import { createSkill } from '../skill/skill';
import { createLambdaHandler, forSlackRequests } from '../slack/lambda';
import { MemoryStore } from '../slack/store/memory-store';
import { startDynalite, type LocalDynamoDb } from '../slack/store/dynalite';
import { newKey, startLocalStack, tester, waitFor, type LocalStack } from './support/local-stack';
import { captureLog } from './support/log';
import {
  FORM,
  functionUrlEvent,
  slashCommandBody,
  TEST_BOT_TOKEN,
  TEST_SIGNING_SECRET,
} from './support/slack';

const TABLE = 'sagebuild-start-claims';
const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:claims';
/** Keeps a build in training for 600 simulated minutes: about 12 s at the test time scale. */
const LONG = { 'hyperparameters.sagebuild_training_minutes': '600' };

let dynamo: LocalDynamoDb;

beforeAll(async () => {
  dynamo = await startDynalite();
  await createClaimsTable(dynamo.client, TABLE);
  // The SDK's standard per-service endpoint variable: claims made from the config (aws.startClaimsTable) reach
  // dynalite, while Step Functions and SageMaker reach the local AWS through AWS_ENDPOINT_URL.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  await dynamo?.close();
});

// --- the claims' contract, both adapters ---

interface Clock {
  now: () => Date;
  advance(ms: number): void;
}

function clock(): Clock {
  let at = Date.parse('2026-12-04T12:00:00Z');
  return { now: () => new Date(at), advance: (ms) => (at += ms) };
}

const adapters: [string, (now: () => Date) => StartClaims][] = [
  ['memory', (now) => new MemoryClaims(now)],
  ['DynamoDB', (now) => new DynamoDbClaims(dynamo.client, TABLE, now)],
];

describe.each(adapters)('%s start claims', (_name, make) => {
  let key = 0;
  /** A fresh key per test: the DynamoDB adapter's table is shared by the whole file. */
  const nextKey = () => `${SM}-${_name}-${(key += 1)}`;

  test('a free claim is taken; another holder is refused and told who holds it since when', async () => {
    const time = clock();
    const claims = make(time.now);
    const k = nextKey();
    expect(await claims.claim(k, 'dev-aaa', START_CLAIM_TTL_MS)).toEqual({ taken: true });
    time.advance(7000);
    expect(await claims.claim(k, 'dev-bbb', START_CLAIM_TTL_MS)).toEqual({
      taken: false,
      heldBy: { holder: 'dev-aaa', claimedAt: new Date(time.now().getTime() - 7000) },
    });
  });

  test('the same holder takes it again: a retry of the same request', async () => {
    const claims = make(clock().now);
    const k = nextKey();
    await claims.claim(k, 'dev-aaa', START_CLAIM_TTL_MS);
    expect(await claims.claim(k, 'dev-aaa', START_CLAIM_TTL_MS)).toEqual({ taken: true });
  });

  test('a claim that ran out is free, though DynamoDB has not deleted it', async () => {
    const time = clock();
    const claims = make(time.now);
    const k = nextKey();
    await claims.claim(k, 'dev-aaa', 1000);
    time.advance(999);
    expect(await claims.claim(k, 'dev-bbb', 1000)).toMatchObject({ taken: false });
    time.advance(1);
    expect(await claims.claim(k, 'dev-bbb', 1000)).toEqual({ taken: true });
  });

  test('replacing takes the claim from the named holder only', async () => {
    const claims = make(clock().now);
    const k = nextKey();
    await claims.claim(k, 'dev-aaa', START_CLAIM_TTL_MS);
    expect(await claims.claim(k, 'dev-ccc', START_CLAIM_TTL_MS, { replacing: 'dev-zzz' })).toMatchObject({
      taken: false,
      heldBy: { holder: 'dev-aaa' },
    });
    expect(await claims.claim(k, 'dev-bbb', START_CLAIM_TTL_MS, { replacing: 'dev-aaa' })).toEqual({
      taken: true,
    });
    expect(await claims.claim(k, 'dev-ccc', START_CLAIM_TTL_MS)).toMatchObject({
      heldBy: { holder: 'dev-bbb' },
    });
  });

  test("release frees the holder's own claim, never another's", async () => {
    const claims = make(clock().now);
    const k = nextKey();
    await claims.claim(k, 'dev-aaa', START_CLAIM_TTL_MS);
    await claims.release(k, 'dev-bbb');
    expect(await claims.claim(k, 'dev-bbb', START_CLAIM_TTL_MS)).toMatchObject({ taken: false });
    await claims.release(k, 'dev-aaa');
    expect(await claims.claim(k, 'dev-bbb', START_CLAIM_TTL_MS)).toEqual({ taken: true });
  });

  test('ten starts at once: exactly one takes the claim', async () => {
    const claims = make(clock().now);
    const k = nextKey();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => claims.claim(k, `dev-${i}`, START_CLAIM_TTL_MS)),
    );
    expect(outcomes.filter((o) => o.taken)).toHaveLength(1);
    const holders = new Set(outcomes.flatMap((o) => (o.taken ? [] : [o.heldBy.holder])));
    expect(holders.size).toBe(1);
  });

  test('lengths are bounded before anything is stored', async () => {
    const claims = make(clock().now);
    await expect(claims.claim(nextKey(), 'x'.repeat(81), 1000)).rejects.toThrow(RangeError);
    await expect(claims.claim('k'.repeat(301), 'dev-aaa', 1000)).rejects.toThrow(RangeError);
    await expect(claims.claim('', 'dev-aaa', 1000)).rejects.toThrow(RangeError);
  });
});

test('in the request log, a start without an answer is a failure; a claim held by another start, a refusal', () => {
  expect(outcomeOf(new StartOutcomeUnknown('dev', 'dev-0123456789ab', ''))).toBe('failed');
  expect(outcomeOf(new BuildAlreadyStarting('dev', 'dev-0123456789ab', new Date()))).toBe('refused');
});

// --- starts across SageBuild instances (Lambda containers) ---

describe('starts across processes', () => {
  let stack: LocalStack;
  let sfn: SFNClient;
  let shared: SageBuildConfig;
  let alexaApi: FakeAlexaApi;
  let slack: FakeSlack;
  const cores: SageBuild[] = [];

  /** Another process (a Lambda container) with the deployed config: claims in the shared table. */
  function instance(config: SageBuildConfig = shared): SageBuild {
    const core = new SageBuild(config);
    cores.push(core);
    return core;
  }

  async function executionNames(pipeline: 'prod' | 'dev'): Promise<string[]> {
    const arn = stack.pipelines.find((p) => p.name === pipeline)?.stateMachineArn;
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1000 }));
    return (page.executions ?? []).map((e) => e.name ?? '');
  }

  /** Stops every running build of the pipeline (a newer aborted duplicate can hide an older running one). */
  async function stopRunning(pipeline: 'prod' | 'dev'): Promise<void> {
    const stateMachineArn = stack.pipelines.find((p) => p.name === pipeline)?.stateMachineArn;
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }));
    for (const { executionArn = '' } of page.executions ?? []) {
      await sfn.send(new StopExecutionCommand({ executionArn }));
      await stack.local.stepFunctions.waitFor(executionArn);
    }
  }

  beforeAll(async () => {
    stack = await startLocalStack();
    sfn = new SFNClient({});
    shared = { ...stack.core.config, aws: { ...stack.core.config.aws, startClaimsTable: TABLE } };
    alexaApi = await startFakeAlexaApi();
    slack = await startFakeSlackApi();
  });

  afterAll(async () => {
    cores.forEach((core) => core.close());
    sfn?.destroy();
    await slack?.close();
    await alexaApi?.close();
    await stack?.close();
  });

  afterEach(async () => {
    stack.local.faults.set({});
    await stopRunning('dev');
    await stopRunning('prod');
  });

  test('a second process is told which build runs; once it is over, the next start takes the claim', async () => {
    const [a, b] = [instance(), instance()];
    const first = await a.start({
      pipeline: 'dev',
      requester: tester,
      idempotencyKey: newKey(),
      overrides: LONG,
    });
    const refused = await b
      .start({ pipeline: 'dev', requester: tester, idempotencyKey: newKey() })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BuildAlreadyRunning);
    expect(refused).toMatchObject({
      pipeline: 'dev',
      buildName: first.name,
      executionArn: first.executionArn,
    });

    await a.stop({ pipeline: 'dev', requester: tester });
    await stack.local.stepFunctions.waitFor(first.executionArn);
    // Well inside the first claim's minute: a build that is over holds nobody up.
    const next = await b.start({
      pipeline: 'dev',
      requester: tester,
      idempotencyKey: newKey(),
      overrides: LONG,
    });
    expect(next).toMatchObject({ created: true });
    expect(next.name).not.toBe(first.name);
  });

  test('a start refused by Step Functions gives its claim back', async () => {
    const [a, b] = [instance(), instance()];
    stack.local.faults.set({ deny: ['states:StartExecution'] });
    await expect(
      a.start({ pipeline: 'dev', requester: tester, idempotencyKey: newKey() }),
    ).rejects.toMatchObject({
      code: 'AccessDenied',
    });
    stack.local.faults.set({});
    const started = await b.start({
      pipeline: 'dev',
      requester: tester,
      idempotencyKey: newKey(),
      overrides: LONG,
    });
    expect(started).toMatchObject({ created: true });
  });

  test('without a shared claim (two processes on memory claims), the later of two builds stops itself', async () => {
    const [a, b] = [instance(stack.core.config), instance(stack.core.config)];
    const starts = await Promise.allSettled(
      [a, b].map((core) =>
        core.start({ pipeline: 'dev', requester: tester, idempotencyKey: newKey(), overrides: LONG }),
      ),
    );
    const won = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const lost = starts.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(BuildAlreadyRunning);
    expect(lost[0]).toMatchObject({ buildName: won[0]?.name });
  });

  test('StartExecution slow (10 s), the same intent again after 7 s from another process: one build, and every front says so', async () => {
    const before = { dev: await executionNames('dev'), prod: await executionNames('prod') };
    stack.local.faults.set({ latencyMs: 10_000, operations: ['StartExecution'] });
    const skillCore = instance();
    const slackConfig = forSlackRequests(shared);
    const slackCore = instance(slackConfig);
    const cliCore = instance();

    const skill = createSkill({ core: skillCore, skillId: LOCAL_SKILL_ID });
    const alexa = () =>
      new AlexaSimulator({
        model: modelFor(shared),
        invoke: (event) => skill.invoke(event),
        skillId: LOCAL_SKILL_ID,
        userId: 'amzn1.ask.account.KITCHEN',
        apiEndpoint: alexaApi.url,
      });
    const alexaStart = async (pipeline: string): Promise<string> => {
      const talk = alexa();
      expect((await talk.say(`ask sage build to start a new ${pipeline} build`)).speech).toBe(
        `Start a new ${pipeline} build?`,
      );
      return (await talk.say('yes')).speech;
    };
    const bot = createLambdaHandler({
      core: slackCore,
      config: slackConfig,
      store: new MemoryStore(),
      botToken: TEST_BOT_TOKEN,
      signingSecret: TEST_SIGNING_SECRET,
      webClientOptions: { slackApiUrl: slack.apiUrl },
      log: captureLog().log,
    });
    let requests = 0;
    const slackStart = async (pipeline: string): Promise<{ response_type: string; text: string }> => {
      requests += 1;
      const body = slashCommandBody({
        command: '/sagebuild',
        text: `start ${pipeline}`,
        user_id: 'U0ANA',
        channel_id: 'C0BUILDS',
        response_url: slack.responseUrl(`CLAIMS-${requests}`),
      });
      const result = await bot(functionUrlEvent(body, FORM), {});
      expect(result.statusCode).toBe(200);
      return JSON.parse(result.body ?? '{}') as { response_type: string; text: string };
    };
    const sevenSeconds = () => new Promise((resolve) => setTimeout(resolve, 7000));

    // dev: Alexa asks first, Slack 7 s later. prod: Slack first, then Alexa and the CLI. Both at once.
    const [dev, prod] = await Promise.all([
      (async () => {
        const first = alexaStart('dev');
        await sevenSeconds();
        return { first: await first, second: await slackStart('dev') };
      })(),
      (async () => {
        const first = slackStart('prod');
        await sevenSeconds();
        const [alexaSaid, cli] = await Promise.all([
          alexaStart('prod'),
          runCommandOutcome(['start', 'prod'], { core: cliCore, requester: tester }),
        ]);
        return { first: await first, second: alexaSaid, cli };
      })(),
    ]);

    // The first start of each: no answer in time, so "can't tell yet" and how to check; the text names the
    // build, the voice never reads its hex name.
    const prodBuild = /start the prod build (prod-[0-9a-f]{12}),/.exec(prod.first.text)?.[1] ?? '';
    const unknown = (pipeline: string, name: string) =>
      errorSentence(new StartOutcomeUnknown(pipeline, name, ''));
    expect(dev.first).toBe(
      "I asked AWS to start a dev build, but its answer didn't come in time, so I can't tell yet " +
        'whether it started. Ask me in a minute whether the dev build is running.',
    );
    expect(dev.first).not.toMatch(/try again/);
    expect(prod.first).toEqual({ response_type: 'ephemeral', text: unknown('prod', prodBuild) });

    // The second: that build is starting (named in text); nothing else started.
    const starting = (pipeline: string, name: string) =>
      `A ${pipeline} build is already starting: ${name}, requested just now. I didn't start another one. ` +
      `Ask me in a minute whether the ${pipeline} build is running.`;
    const devBuild = /already starting: (dev-[0-9a-f]{12}),/.exec(dev.second.text)?.[1] ?? '';
    expect(dev.second).toEqual({ response_type: 'ephemeral', text: starting('dev', devBuild) });
    expect(prod.second).toBe(
      "A prod build is already starting. I didn't start another one. Ask me in a minute whether the prod build is running.",
    );
    expect(prod.cli).toEqual({ text: starting('prod', prodBuild), ok: false });

    // The slow starts land: exactly one new build per pipeline, the one each answer named.
    const landed = async (pipeline: 'prod' | 'dev', previous: string[]) =>
      waitFor(async () => {
        const added = (await executionNames(pipeline)).filter((n) => !previous.includes(n));
        return added.length > 0 ? added : undefined;
      });
    expect(await landed('dev', before.dev)).toEqual([devBuild]);
    expect(await landed('prod', before.prod)).toEqual([prodBuild]);
    // Alexa's SDK retry of the same StartExecution (same name, same input) arrives later still: no second build.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await executionNames('dev')).filter((n) => !before.dev.includes(n))).toEqual([devBuild]);
    expect((await executionNames('prod')).filter((n) => !before.prod.includes(n))).toEqual([prodBuild]);
    // And the check the answers suggest finds that build (at the test's time scale it may have finished already).
    stack.local.faults.set({});
    expect(await cliCore.status('dev')).toMatchObject({ name: devBuild });
  });

  test('a start that ran out of time before asking Step Functions gives its claim back', async () => {
    const slow = instance({ ...shared, aws: { ...shared.aws, timeoutMs: 400, budgetMs: 600 } });
    stack.local.faults.set({ latencyMs: 10_000, operations: ['ListExecutions'] });
    const error = await slow
      .start({ pipeline: 'dev', requester: tester, idempotencyKey: newKey() })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AwsUnavailable', reason: 'timeout' });
    // Nothing was started, so Alexa's "slow to answer, try again" is true, and trying again works.
    expect(errorSentence(error)).toBe(
      'AWS Step Functions is slow to answer right now. Please try again in a minute.',
    );
    stack.local.faults.set({});
    const again = await instance().start({
      pipeline: 'dev',
      requester: tester,
      idempotencyKey: newKey(),
      overrides: LONG,
    });
    expect(again).toMatchObject({ created: true });
  });

  test('a claims table that cannot be used does not stop starts: ListExecutions guards alone, and a warning says so', async () => {
    const broken = new DynamoDbClaims(new DynamoDBClient({ endpoint: dynamo.endpoint }), 'no-such-table');
    const core = new SageBuild(shared, { claims: broken });
    cores.push(core);
    const captured = captureLog();
    const started = await inRequest(captured.log, { front: 'test' }, () =>
      core.start({ pipeline: 'dev', requester: tester, idempotencyKey: newKey(), overrides: LONG }),
    );
    expect(started).toMatchObject({ pipeline: 'dev', created: true });
    const warning = captured.lines().find((line) => line.level === 'WARN');
    expect(warning).toMatchObject({
      message: 'start claim unavailable: starting with ListExecutions as the only guard',
      error: { name: 'ResourceNotFoundException' },
    });
    const again = inRequest(captured.log, { front: 'test' }, () =>
      core.start({ pipeline: 'dev', requester: tester, idempotencyKey: newKey() }),
    );
    await expect(again).rejects.toBeInstanceOf(BuildAlreadyRunning);
  });

  test("the skill's own deadline on a start says the same, without reading the build's name", async () => {
    const config = { ...shared, aws: { ...shared.aws, timeoutMs: 400, budgetMs: 500 } };
    const core = instance(config);
    // A start that never answers: the skill stops waiting at its deadline, before the core's budget ends it.
    const never = jest.spyOn(core, 'start').mockReturnValue(new Promise(() => undefined));
    try {
      const skill = createSkill({ core, skillId: LOCAL_SKILL_ID, deadlineMs: 600, progressiveAfterMs: 5000 });
      const alexa = new AlexaSimulator({
        model: modelFor(config),
        invoke: (event) => skill.invoke(event),
        skillId: LOCAL_SKILL_ID,
        userId: 'amzn1.ask.account.KITCHEN',
        apiEndpoint: alexaApi.url,
      });
      await alexa.say('ask sage build to start a new dev build');
      const yes = await alexa.say('yes');
      // Spoken without the build's hex name; the build is the one the request id names, as the text says.
      expect(executionName('dev', yes.request.request.requestId)).toMatch(/^dev-[0-9a-f]{12}$/);
      expect(yes.speech).toBe(
        "I asked AWS to start a dev build, but its answer didn't come in time, so I can't tell yet " +
          'whether it started. Ask me in a minute whether the dev build is running.',
      );
      expect(yes.ended).toBe(true);
    } finally {
      never.mockRestore();
    }
  });

  test('a throttled start gives its claim back; a claim whose build is not visible yet refuses as starting', async () => {
    const [a, b] = [instance(), instance()];
    stack.local.faults.set({ throttleRate: 1, operations: ['StartExecution'] });
    const throttled = await a
      .start({ pipeline: 'prod', requester: tester, idempotencyKey: newKey() })
      .catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(AwsUnavailable);
    expect(errorSentence(throttled)).toBe(
      'AWS Step Functions is too busy right now. Please try again in a minute.',
    );
    stack.local.faults.set({});
    const started = await b.start({
      pipeline: 'prod',
      requester: tester,
      idempotencyKey: newKey(),
      overrides: LONG,
    });
    expect(started.created).toBe(true);
    await expect(
      a.start({ pipeline: 'prod', requester: tester, idempotencyKey: newKey() }),
    ).rejects.toBeInstanceOf(BuildAlreadyRunning);
    // A claim held by a build not to be seen yet: "already starting", with no call to StartExecution.
    await stopRunning('prod');
    const claims = new DynamoDbClaims(new DynamoDBClient({ endpoint: dynamo.endpoint }), TABLE);
    const arn = stack.pipelines.find((p) => p.name === 'prod')?.stateMachineArn ?? '';
    await claims.claim(arn, 'prod-0123456789ab', START_CLAIM_TTL_MS, { replacing: started.name });
    claims.close();
    const refused = await a
      .start({ pipeline: 'prod', requester: tester, idempotencyKey: newKey() })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BuildAlreadyStarting);
    expect(refused).toMatchObject({ pipeline: 'prod', buildName: 'prod-0123456789ab' });
  });
});
