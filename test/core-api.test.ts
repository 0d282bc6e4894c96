// Cost, paging, idempotency and typed errors: the core over the real SDK clients against the local AWS.

import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { parseConfig } from '../core/config/load';
import type { StartResult } from '../core/builds/facts';
import { SageBuild } from '../core/sagebuild';
import { details, status, whyFailed } from '../core/wording';
import {
  AccessDenied,
  AwsUnavailable,
  BuildAlreadyRunning,
  BuildAlreadyStarting,
  NoBuildsYet,
  NotAuthorized,
  NothingToStop,
  PipelineNotFound,
} from '../core/errors';
import { LONG_HISTORY_DEFINITION, turnsFor } from './support/long-history';
import {
  alexaStartsThenStops,
  newKey,
  startLocalStack,
  tester,
  waitFor,
  type LocalStack,
} from './support/local-stack';

let stack: LocalStack;
let sfn: SFNClient;
let longMachineArn: string;

beforeAll(async () => {
  stack = await startLocalStack();
  sfn = new SFNClient({});
  const created = await sfn.send(
    new CreateStateMachineCommand({
      name: 'long-history',
      definition: LONG_HISTORY_DEFINITION,
      roleArn: 'arn:aws:iam::123456789012:role/test',
    }),
  );
  longMachineArn = created.stateMachineArn as string;
});

afterAll(async () => {
  sfn.destroy();
  await stack.close();
});

afterEach(() => {
  stack.local.faults.set({});
});

function coreFor(pipelines: object[], extra: object = {}): SageBuild {
  return new SageBuild(parseConfig({ pipelines, ...extra }, 'test'));
}

async function startLong(name: string, events: number): Promise<string> {
  const input = JSON.stringify({ n: 0, limit: turnsFor(events) });
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: longMachineArn, name, input }),
  );
  await waitFor(async () => {
    const { events: newest } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }),
    );
    return newest?.[0]?.type === 'WaitStateEntered' ? true : undefined;
  });
  return executionArn as string;
}

async function callsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const before = stack.local.callCount;
  await work();
  return stack.local.callsSince(before);
}

describe('status cost', () => {
  test('a history of 10,000 events is answered with the same calls as a short one', async () => {
    const core = coreFor([{ name: 'long', stateMachineArn: longMachineArn }]);
    try {
      const short = await startLong('short-history', 10);
      // A cold start reads the machine's definition once, beside ListExecutions; every answer after that
      // reuses it.
      const coldCalls = await callsDuring(() => core.status('long'));
      expect(coldCalls.slice(0, 2).sort()).toEqual(['states:DescribeStateMachine', 'states:ListExecutions']);
      expect(coldCalls.slice(2)).toEqual(['states:GetExecutionHistory']);
      const shortCalls = await callsDuring(() => core.status('long'));
      expect(shortCalls).toEqual(['states:ListExecutions', 'states:GetExecutionHistory']);
      await sfn.send(new StopExecutionCommand({ executionArn: short }));

      const long = await startLong('long-history', 10_000);
      const { events } = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn: long, reverseOrder: true, maxResults: 1 }),
      );
      expect(events?.[0]?.id).toBeGreaterThanOrEqual(10_000);
      const longCalls = await callsDuring(() => core.status('long'));
      const status = await core.status('long');
      expect(status).toMatchObject({ status: 'RUNNING', currentStep: { name: 'Hold' } });
      expect(longCalls).toEqual(shortCalls);
      expect(longCalls.length).toBeLessThanOrEqual(3);
      await sfn.send(new StopExecutionCommand({ executionArn: long }));
    } finally {
      core.close();
    }
  });

  test('"is my build done" takes at most 3 AWS calls while training and once finished', async () => {
    const started = await stack.core.start({
      pipeline: 'prod',
      requester: tester,
      idempotencyKey: newKey(),
      overrides: { 'hyperparameters.sagebuild_training_minutes': '600' },
    });
    await waitFor(async () => ((await stack.core.status('prod')).training ? true : undefined));
    const training = await callsDuring(() => stack.core.status('prod'));
    expect(training).toEqual([
      'states:ListExecutions',
      'states:GetExecutionHistory',
      'sagemaker:DescribeTrainingJob',
    ]);
    await stack.core.stop({ pipeline: 'prod', requester: tester });
    await stack.local.stepFunctions.waitFor(started.executionArn);
    const finished = await callsDuring(() => stack.core.status('prod'));
    expect(finished.length).toBeLessThanOrEqual(3);
  });
});

describe('paging', () => {
  test('ListExecutions pages newest first with statusFilter, maxResults and nextToken', async () => {
    const names = ['page-a', 'page-b', 'page-c', 'page-d', 'page-e'];
    for (const name of names) await startLong(name, 10);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: longMachineArn,
          statusFilter: 'RUNNING',
          maxResults: 2,
          nextToken,
        }),
      );
      expect(page.executions?.length).toBeLessThanOrEqual(2);
      seen.push(...(page.executions ?? []).map((e) => e.name as string));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen).toEqual([...names].reverse());
    for (const name of names) {
      await sfn.send(
        new StopExecutionCommand({
          executionArn: `${longMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
        }),
      );
    }
    const aborted = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: longMachineArn, statusFilter: 'ABORTED' }),
    );
    expect(aborted.executions?.map((e) => e.name)).toEqual(expect.arrayContaining(names));
  });

  test('GetExecutionHistory pages forward and in reverse over the same events', async () => {
    const executionArn = await startLong('paged-history', 500);
    const read = async (reverseOrder: boolean): Promise<HistoryEvent[]> => {
      const all: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(
          new GetExecutionHistoryCommand({ executionArn, reverseOrder, maxResults: 70, nextToken }),
        );
        all.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return all;
    };
    const forward = await read(false);
    const backward = await read(true);
    expect(forward.length).toBeGreaterThanOrEqual(500);
    expect(forward.map((e) => e.id)).toEqual(forward.map((_, i) => i + 1));
    expect(backward.map((e) => e.id)).toEqual(forward.map((e) => e.id).reverse());
    expect(forward[0]).toMatchObject({ type: 'ExecutionStarted', previousEventId: 0 });
    expect(forward[0]?.timestamp).toBeInstanceOf(Date);
    await sfn.send(new StopExecutionCommand({ executionArn }));
  });
});

describe('idempotency', () => {
  test('the same start request twice starts one build', async () => {
    const key = newKey();
    const first = await stack.core.start({ pipeline: 'dev', requester: tester, idempotencyKey: key });
    const again = await stack.core.start({ pipeline: 'dev', requester: tester, idempotencyKey: key });
    expect(again).toMatchObject({ executionArn: first.executionArn, created: false });
    await expect(
      stack.core.start({ pipeline: 'dev', requester: tester, idempotencyKey: newKey() }),
    ).rejects.toBeInstanceOf(BuildAlreadyRunning);
    await stack.local.stepFunctions.waitFor(first.executionArn);
    const afterwards = await stack.core.start({ pipeline: 'dev', requester: tester, idempotencyKey: key });
    expect(afterwards).toMatchObject({ executionArn: first.executionArn, created: false });
    const runs = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: stack.pipelines[1]?.stateMachineArn }),
    );
    expect(runs.executions?.filter((e) => e.executionArn === first.executionArn)).toHaveLength(1);
  });

  test('two people starting at the same moment get one build between them', async () => {
    const long = { 'hyperparameters.sagebuild_training_minutes': '600' };
    const starts = await Promise.allSettled(
      [newKey(), newKey()].map((idempotencyKey) =>
        stack.core.start({ pipeline: 'dev', requester: tester, idempotencyKey, overrides: long }),
      ),
    );
    const won = starts.filter((s) => s.status === 'fulfilled');
    const lost = starts.filter((s) => s.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    // The start claim settles it before Step Functions is asked: the loser is told the winner's build, as
    // starting (not listed yet) or running.
    const winner = (won[0] as PromiseFulfilledResult<StartResult>).value;
    const reason = (lost[0] as PromiseRejectedResult).reason as Error;
    expect([BuildAlreadyRunning, BuildAlreadyStarting].some((type) => reason instanceof type)).toBe(true);
    expect(reason).toMatchObject({ pipeline: 'dev', buildName: winner.name });
    const running = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: stack.pipelines[1]?.stateMachineArn,
        statusFilter: 'RUNNING',
      }),
    );
    expect(running.executions).toHaveLength(1);
    // No second build was started at all (start-claims.test.ts covers two processes without a shared claim).
    const duplicate = stack.local.stepFunctions
      .executionsOf(stack.pipelines[1]?.stateMachineArn as string)
      .find((e) => e.error === 'DuplicateBuild');
    expect(duplicate).toBeUndefined();
    await stack.core.stop({ pipeline: 'dev', requester: tester });
    await stack.local.stepFunctions.waitFor(running.executions?.[0]?.executionArn as string);
  });

  test('StartExecution: same name and input returns the execution; other input is ExecutionAlreadyExists', async () => {
    const params = {
      stateMachineArn: longMachineArn,
      name: 'idem',
      input: JSON.stringify({ n: 0, limit: 1 }),
    };
    const first = await sfn.send(new StartExecutionCommand(params));
    const second = await sfn.send(new StartExecutionCommand(params));
    expect(second.executionArn).toBe(first.executionArn);
    await expect(
      sfn.send(new StartExecutionCommand({ ...params, input: '{"n":1,"limit":2}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
  });
});

test("whyFailed asks SageMaker for the reason when a pipeline's Fail state hides it", async () => {
  const definition = {
    StartAt: 'Train model',
    States: {
      'Train model': {
        Type: 'Task',
        Resource: 'arn:aws:states:::sagemaker:createTrainingJob.sync',
        TimeoutSeconds: 86400,
        Parameters: {
          'TrainingJobName.$': '$$.Execution.Name',
          RoleArn: 'arn:aws:iam::123456789012:role/x',
          AlgorithmSpecification: { TrainingImage: 'image:1', TrainingInputMode: 'File' },
          OutputDataConfig: { S3OutputPath: 's3://bucket/out/' },
          ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
          StoppingCondition: { MaxRuntimeInSeconds: 86400 },
          HyperParameters: { sagebuild_simulate: 'training-failure' },
        },
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Training failed' }],
        End: true,
      },
      'Training failed': { Type: 'Fail', Error: 'TrainingFailed', Cause: 'Training failed.' },
    },
  };
  const created = await sfn.send(
    new CreateStateMachineCommand({
      name: 'fixed-cause',
      definition: JSON.stringify(definition),
      roleArn: 'arn:aws:iam::123456789012:role/test',
    }),
  );
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, name: 'fixed-cause-1' }),
  );
  await stack.local.stepFunctions.waitFor(executionArn as string);
  const core = coreFor([{ name: 'fixed', stateMachineArn: created.stateMachineArn }]);
  try {
    const why = await core.whyFailed();
    expect(why).toMatchObject({ step: 'Train model', error: 'TrainingFailed' });
    expect(why.reason).toContain('ValueError');
  } finally {
    core.close();
  }
});

describe('typed errors', () => {
  test('an unknown pipeline names the known ones and suggests the closest', async () => {
    const error = await stack.core.status('prdo').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineNotFound);
    expect(error).toMatchObject({ known: ['prod', 'dev'], suggestion: 'prod' });
  });

  test('a pipeline with no builds', async () => {
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: 'empty',
        definition: LONG_HISTORY_DEFINITION,
        roleArn: 'arn:aws:iam::123456789012:role/test',
      }),
    );
    const core = coreFor([{ name: 'empty', stateMachineArn: created.stateMachineArn }]);
    try {
      await expect(core.status()).rejects.toBeInstanceOf(NoBuildsYet);
      await expect(core.stop({ requester: tester })).rejects.toBeInstanceOf(NotAuthorized);
    } finally {
      core.close();
    }
  });

  test('a throttled call becomes AwsUnavailable(throttled)', async () => {
    stack.local.faults.set({ throttleRate: 1 });
    const error = await stack.core.status('prod').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsUnavailable);
    expect(error).toMatchObject({ service: 'Step Functions', reason: 'throttled' });
  });

  test('a denied call becomes AccessDenied naming the IAM action, and changes nothing', async () => {
    const started = await stack.core.start({
      pipeline: 'dev',
      requester: tester,
      idempotencyKey: newKey(),
      overrides: { 'hyperparameters.sagebuild_training_minutes': '600' },
    });
    stack.local.faults.set({ deny: ['states:StopExecution'] });
    const error = await stack.core.stop({ pipeline: 'dev', requester: tester }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDenied);
    expect(error).toMatchObject({ action: 'states:StopExecution' });
    stack.local.faults.set({});
    expect((await stack.core.status('dev')).status).toBe('RUNNING');
    await stack.core.stop({ pipeline: 'dev', requester: tester });
    await stack.local.stepFunctions.waitFor(started.executionArn);
    await expect(stack.core.stop({ pipeline: 'dev', requester: tester })).rejects.toBeInstanceOf(
      NothingToStop,
    );
  });

  test('a slow AWS times out within the budget as AwsUnavailable(timeout)', async () => {
    stack.local.faults.set({ latencyMs: 10_000 });
    const started = Date.now();
    const error = await stack.core.status('prod').catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'timeout' });
    expect(error).toBeInstanceOf(AwsUnavailable);
    // Not a speed assertion: a hung call would take the full 10 s per attempt.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('one answer never outlasts its budget, however many calls and retries it has left', async () => {
    stack.local.faults.set({ latencyMs: 10_000 });
    const config = { ...stack.core.config, aws: { timeoutMs: 5000, maxAttempts: 3, budgetMs: 800 } };
    const core = new SageBuild(config);
    try {
      const started = Date.now();
      await expect(core.status('prod')).rejects.toMatchObject({ reason: 'timeout' });
      // Not a speed assertion: without the budget this would take 15 s (three 5 s attempts).
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      core.close();
    }
  });

  test('an unreachable AWS becomes AwsUnavailable(unreachable)', async () => {
    const endpoint = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
    const core = new SageBuild(stack.core.config);
    try {
      await expect(core.status('prod')).rejects.toMatchObject({ reason: 'unreachable' });
    } finally {
      core.close();
      process.env.AWS_ENDPOINT_URL = endpoint;
    }
  });
});

describe('a stop', () => {
  test('from Alexa: the cause, status, details and why name the person, never the id, and nothing failed', async () => {
    const started = await alexaStartsThenStops(stack);

    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(described.cause).toBe('Stopped by someone using Alexa via SageBuild');
    expect(described.error).toBe('StoppedBySageBuild');

    const fact = await stack.core.statusOf('dev', started.name);
    expect(fact.status).toBe('ABORTED');
    expect(fact.failure).toMatchObject({ status: 'ABORTED', stoppedBy: 'someone using Alexa' });
    const why = await stack.core.whyFailed('dev');
    const now = new Date();
    const said = [status(fact, now), details(fact, now), whyFailed(why, now)].join(' ');
    expect(said).not.toContain('amzn1.');
    expect(said).not.toContain('StoppedBySageBuild');
    expect(said.match(/stopped by someone using Alexa/g)).toHaveLength(3);
    expect(whyFailed(why, now)).toMatch(
      /^Your dev build was stopped by someone using Alexa .*; nothing failed\.$/,
    );
  });

  test('with a reason: the reason is the one given, said once', async () => {
    const started = await stack.core.start({
      pipeline: 'dev',
      requester: tester,
      idempotencyKey: newKey(),
      overrides: { 'hyperparameters.sagebuild_training_minutes': '600' },
    });
    await waitFor(async () => ((await stack.core.status('dev')).training ? true : undefined));
    await stack.core.stop({ pipeline: 'dev', requester: tester, reason: 'wrong data' });
    await stack.local.stepFunctions.waitFor(started.executionArn);
    const fact = await stack.core.statusOf('dev', started.name);
    expect(fact.failure).toMatchObject({ stoppedBy: 'Tess Ter', reason: 'wrong data' });
    const text = details(fact, new Date());
    expect(text).toContain('was stopped by Tess Ter ');
    expect(text).toContain('The reason given: wrong data.');
    expect(text.match(/Tess Ter/g)).toHaveLength(2); // stopped it, and started it
  });
});
