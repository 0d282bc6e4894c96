// Answers under a slow AWS: what is known is said, independent calls overlap, a finished build's history is
// read once, and a step's time is its own. The local AWS delays calls over the wire (its latency fault), so
// the real SDK clients wait as they would on a slow AWS. No assertion on wall time: overlap is counted at the
// local AWS, completeness read from the facts.

import { GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { SageBuildConfig } from '../core/config/schema';
import { answerBy } from '../core/aws/answer-deadline';
import { AccessDenied, AwsUnavailable } from '../core/errors';
import {
  FinishedHistoryCache,
  MAX_FINISHED_HISTORIES,
  MAX_FINISHED_HISTORY_CHARS,
} from '../core/builds/finished-histories';
import { SageBuild } from '../core/sagebuild';
import { details, status } from '../core/wording';
import { newKey, startLocalStack, tester, waitFor, type LocalStack } from './support/local-stack';

let stack: LocalStack;
/** A dev build kept training for the whole file. */
let training: { executionArn: string; startedAt: Date };

beforeAll(async () => {
  stack = await startLocalStack();
  training = await stack.core.start({
    pipeline: 'dev',
    requester: tester,
    idempotencyKey: newKey(),
    overrides: { 'hyperparameters.sagebuild_training_minutes': '6000' },
  });
  await waitFor(async () => ((await stack.core.status('dev')).training ? true : undefined));
});

afterAll(async () => {
  await stack.close();
});

afterEach(() => {
  stack.local.faults.set({});
});

/** A new core (cold caches) with its own AWS budget. */
function coreWith(aws: Partial<SageBuildConfig['aws']>): SageBuild {
  return new SageBuild({ ...stack.core.config, aws: { ...stack.core.config.aws, ...aws } });
}

async function callsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const before = stack.local.callCount;
  await work();
  return stack.local.callsSince(before);
}

async function wholeHistory(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

describe('a slow AWS', () => {
  test("past the budget, status gives the build's state and start time and says it couldn't get the step", async () => {
    // ListExecutions answers; the history takes far longer than the whole answer may.
    stack.local.faults.set({ latencyMs: 20_000, operations: ['GetExecutionHistory'] });
    const core = coreWith({ budgetMs: 1500, timeoutMs: 1500, maxAttempts: 1 });
    try {
      const fact = await core.status('dev');
      expect(fact).toMatchObject({
        status: 'RUNNING',
        executionArn: training.executionArn,
        startedAt: training.startedAt,
        // Who started it is in the history too: details would say it did not come.
        incomplete: ['step', 'started-by'],
      });
      expect(fact.currentStep).toBeUndefined();
      const now = new Date(training.startedAt.getTime() + 20 * 60_000);
      expect(status(fact, now)).toMatch(
        /^Not yet\. Your dev build is still running; it started 20 minutes ago\. .*I couldn't get its step from AWS in time\.$/,
      );
    } finally {
      core.close();
    }
  });

  test("a slow SageMaker leaves out the training job's progress, and says so", async () => {
    stack.local.faults.set({ latencyMs: 20_000, operations: ['DescribeTrainingJob'] });
    const core = coreWith({ budgetMs: 1500, timeoutMs: 1500, maxAttempts: 1 });
    try {
      const fact = await core.status('dev');
      expect(fact).toMatchObject({
        status: 'RUNNING',
        currentStep: { name: 'Train model', label: 'training the model' },
        incomplete: ['training'],
      });
      expect(fact.training).toBeUndefined();
      expect(details(fact, new Date())).toMatch(
        /I couldn't get the training job's progress from AWS in time\.$/,
      );
    } finally {
      core.close();
    }
  });

  test('with every call delayed, a cold status still gives state and start time within the budget', async () => {
    // ListExecutions, then the history, then DescribeTrainingJob: three 400 ms waits in a row can't fit 1 s.
    stack.local.faults.set({ latencyMs: 400 });
    const core = coreWith({ budgetMs: 1000, timeoutMs: 1000, maxAttempts: 1 });
    try {
      const fact = await core.status('dev');
      expect(fact).toMatchObject({ status: 'RUNNING', startedAt: training.startedAt });
      expect(fact.training).toBeUndefined();
      // What did not fit is named: the training job, or already the step (on a busy machine).
      expect([['training'], ['step']]).toContainEqual(fact.incomplete);
      expect(fact.currentStep === undefined).toBe(fact.incomplete?.includes('step'));
    } finally {
      core.close();
    }
  });

  test("details of a finished build leave out the training job's metrics when SageMaker is slow, and say so", async () => {
    const started = await stack.core.start({
      pipeline: 'prod',
      requester: tester,
      idempotencyKey: newKey(),
      overrides: { 'hyperparameters.sagebuild_training_minutes': '1' },
    });
    await stack.local.stepFunctions.waitFor(started.executionArn);
    stack.local.faults.set({ latencyMs: 20_000, operations: ['DescribeTrainingJob'] });
    const core = coreWith({ budgetMs: 1500, timeoutMs: 1500, maxAttempts: 1 });
    try {
      const fact = await core.details('prod');
      expect(fact).toMatchObject({ name: started.name, status: 'SUCCEEDED', incomplete: ['training'] });
      expect(details(fact, new Date())).toMatch(
        /I couldn't get the training job's progress from AWS in time\.$/,
      );
    } finally {
      core.close();
    }
  });

  test('a refusal is still an error, not a gap: a missing permission is not slowness', async () => {
    stack.local.faults.set({ deny: ['states:GetExecutionHistory'] });
    const core = coreWith({});
    try {
      await expect(core.status('dev')).rejects.toBeInstanceOf(AccessDenied);
    } finally {
      core.close();
    }
  });
});

describe("a front's deadline", () => {
  test('cuts every core call made for the request to the time left, so it answers with what it knows', async () => {
    // The history takes 1 s: within the core's own budget, not within what the front has left.
    stack.local.faults.set({ latencyMs: 1000, operations: ['GetExecutionHistory'] });
    const core = coreWith({ budgetMs: 6000, timeoutMs: 4000 });
    try {
      const unhurried = await core.status('dev');
      expect(unhurried.incomplete).toBeUndefined();
      expect(unhurried.currentStep).toMatchObject({ name: 'Train model' });
      const hurried = await answerBy(Date.now() + 400, () => core.status('dev'));
      expect(hurried).toMatchObject({ status: 'RUNNING', startedAt: training.startedAt });
      expect(hurried.incomplete).toContain('step');
      // Spent: a later call of the same request gets no time at all, and says AWS did not answer.
      await expect(answerBy(Date.now() - 1, () => core.status('dev'))).rejects.toBeInstanceOf(AwsUnavailable);
    } finally {
      core.close();
    }
  });
});

describe('calls at the same time', () => {
  test('a cold status asks for the machine beside ListExecutions', async () => {
    stack.local.faults.set({ latencyMs: 150 });
    const core = coreWith({});
    try {
      stack.local.faults.resetOverlap();
      const calls = await callsDuring(() => core.status('dev'));
      expect(calls.slice(0, 2).sort()).toEqual(['states:DescribeStateMachine', 'states:ListExecutions']);
      expect(stack.local.faults.peakOverlap).toBe(2);
      const fact = await core.status('dev');
      expect(fact.incomplete).toBeUndefined();
    } finally {
      core.close();
    }
  });

  test("a named build's status reads its history beside DescribeExecution", async () => {
    const core = coreWith({});
    try {
      await core.status('dev'); // the machine's definition, read once
      stack.local.faults.set({ latencyMs: 150 });
      stack.local.faults.resetOverlap();
      const calls = await callsDuring(() => core.statusOf('dev', training.executionArn));
      expect(calls.slice(0, 2).sort()).toEqual(['states:DescribeExecution', 'states:GetExecutionHistory']);
      expect(stack.local.faults.peakOverlap).toBeGreaterThanOrEqual(2);
    } finally {
      core.close();
    }
  });
});

describe("a finished build's history", () => {
  test('is read once: asking again costs no GetExecutionHistory call', async () => {
    const started = await stack.core.start({
      pipeline: 'prod',
      requester: tester,
      idempotencyKey: newKey(),
      overrides: { 'hyperparameters.sagebuild_training_minutes': '1' },
    });
    await stack.local.stepFunctions.waitFor(started.executionArn);
    const core = coreWith({});
    try {
      const first = await callsDuring(() => core.status('prod'));
      expect(first.filter((c) => c === 'states:GetExecutionHistory')).toHaveLength(1);
      const firstFact = await core.status('prod');
      const again = await callsDuring(() => core.status('prod'));
      expect(again).not.toContain('states:GetExecutionHistory');
      expect(await core.status('prod')).toEqual(firstFact);

      // A card reads a bigger page (and reads back to the start if need be) once; then only DescribeExecution,
      // which says the build has not run on since, and ListTags, which says whether someone rolled the endpoint
      // back since (the comparison with the live model is kept too).
      const card = await callsDuring(() => core.statusOf('prod', started.name));
      expect(card).toContain('states:GetExecutionHistory');
      const cardAgain = await callsDuring(() => core.statusOf('prod', started.name));
      expect(cardAgain).toEqual(['states:DescribeExecution', 'sagemaker:ListTags']);
    } finally {
      core.close();
    }
  });

  test('a running build is read each time', async () => {
    const core = coreWith({});
    try {
      await core.status('dev');
      const again = await callsDuring(() => core.status('dev'));
      expect(again).toContain('states:GetExecutionHistory');
    } finally {
      core.close();
    }
  });
});

describe('time in a step', () => {
  test("a build polling its endpoint has been waiting since the loop's first round, not its latest", async () => {
    // Slow enough that the endpoint's update (6 simulated minutes) outlasts the reading: 12 s, 1 s a round.
    const slow = await startLocalStack({ timeScale: 30 });
    const slowSfn = new SFNClient({});
    try {
      const started = await slow.core.start({
        pipeline: 'prod',
        requester: tester,
        idempotencyKey: newKey(),
        overrides: { 'hyperparameters.sagebuild_training_minutes': '1' },
      });
      const entries = async (name: string) =>
        (await wholeHistory(slowSfn, started.executionArn)).filter(
          (e) => e.type?.endsWith('StateEntered') && e.stateEnteredEventDetails?.name === name,
        );
      await waitFor(async () => ((await entries('Wait for endpoint')).length >= 3 ? true : undefined));

      const card = await slow.core.statusOf('prod', started.name);
      expect(card.status).toBe('RUNNING');
      const step = card.currentStep;
      const [first] = await entries(step?.name ?? '');
      expect(step).toMatchObject({ state: 'running', startedAt: first?.timestamp });
      expect(step?.startedAtLeast).toBeUndefined();

      // A spoken answer's smaller page begins inside the loop: a lower bound, and said as one.
      const spoken = await slow.core.status('prod');
      expect(spoken.currentStep?.startedAtLeast).toBe(true);
      expect(spoken.currentStep?.startedAt?.getTime()).toBeGreaterThanOrEqual(
        first?.timestamp?.getTime() ?? Infinity,
      );
    } finally {
      slowSfn.destroy();
      await slow.close();
      process.env.AWS_ENDPOINT_URL = stack.local.endpoint;
    }
  });
});

describe('FinishedHistoryCache', () => {
  const arn = (n: number) => `arn:aws:states:us-east-1:123456789012:execution:m:b-${n}`;
  const stoppedAt = new Date('2026-01-01T00:00:00Z');
  const events = (count: number): HistoryEvent[] =>
    Array.from({ length: count }, (_, i) => ({
      id: count - i,
      type: i === 0 ? 'ExecutionSucceeded' : 'PassStateEntered',
      timestamp: stoppedAt,
    }));
  const finishedBuild = (n: number, extra: object = {}) => ({
    executionArn: arn(n),
    status: 'SUCCEEDED' as const,
    stopDate: stoppedAt,
    ...extra,
  });

  test('keeps only finished builds, and only for the same stop: a redrive reads again', () => {
    const cache = new FinishedHistoryCache();
    cache.remember({ executionArn: arn(1), status: 'RUNNING' }, 25, events(25));
    expect(cache.size).toBe(0);
    // Read while it still ran (its newest event not the end), though DescribeExecution now says it finished.
    cache.remember(finishedBuild(1), 25, events(26).slice(1));
    expect(cache.size).toBe(0);
    cache.remember(finishedBuild(1), 25, events(25));
    expect(cache.recall(finishedBuild(1), 25)).toHaveLength(25);
    expect(cache.recall(finishedBuild(1), 10)?.map((e) => e.id)).toEqual(
      events(25)
        .slice(0, 10)
        .map((e) => e.id),
    );
    // A bigger page than was read is not known, unless what was read was the whole history.
    expect(cache.recall(finishedBuild(1), 200)).toBeUndefined();
    cache.remember(finishedBuild(2), 25, events(7));
    expect(cache.recall(finishedBuild(2), 200)).toHaveLength(7);
    // Redriven, it runs on and stops again: a new stop, a new redrive count.
    expect(cache.recall(finishedBuild(1, { status: 'RUNNING' }), 25)).toBeUndefined();
    expect(cache.recall(finishedBuild(1, { redriveCount: 1 }), 25)).toBeUndefined();
    expect(cache.recall(finishedBuild(1, { stopDate: new Date() }), 25)).toBeUndefined();
  });

  test('is bounded: the least recently read builds go first', () => {
    const cache = new FinishedHistoryCache();
    for (let n = 0; n < MAX_FINISHED_HISTORIES; n += 1) cache.remember(finishedBuild(n), 5, events(5));
    expect(cache.recall(finishedBuild(0), 5)).toBeDefined(); // read: now the most recent
    cache.remember(finishedBuild(MAX_FINISHED_HISTORIES), 5, events(5));
    expect(cache.size).toBe(MAX_FINISHED_HISTORIES);
    expect(cache.recall(finishedBuild(0), 5)).toBeDefined();
    expect(cache.recall(finishedBuild(1), 5)).toBeUndefined();
  });

  test('is bounded by size too: a page of huge events is not kept', () => {
    const cache = new FinishedHistoryCache();
    const huge: HistoryEvent[] = [
      {
        id: 1,
        timestamp: stoppedAt,
        type: 'ExecutionSucceeded',
        stateExitedEventDetails: { name: 'x', output: 'x'.repeat(MAX_FINISHED_HISTORY_CHARS / 2) },
      },
    ];
    cache.remember(finishedBuild(1), 25, huge);
    expect(cache.size).toBe(0);
  });
});
