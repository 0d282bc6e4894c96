// The core against the local AWS, through the real SDK clients: builds run the reference pipeline for real.

import {
  DescribeEndpointCommand,
  DescribeTrainingJobCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { SFNClient, DescribeExecutionCommand, GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { BuildNotFound } from '../core/errors';
import { newKey, startLocalStack, tester, waitFor, type LocalStack } from './support/local-stack';

let stack: LocalStack;
let sagemaker: SageMakerClient;
let sfn: SFNClient;

beforeAll(async () => {
  stack = await startLocalStack();
  sagemaker = new SageMakerClient({});
  sfn = new SFNClient({});
});

afterAll(async () => {
  sagemaker.destroy();
  sfn.destroy();
  await stack.close();
});

async function finished(executionArn: string) {
  return waitFor(async () => {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return described.status === 'RUNNING' ? undefined : described;
  });
}

async function statesVisited(executionArn: string): Promise<string[]> {
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return (events ?? []).flatMap((e) =>
    e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : [],
  );
}

test('two builds in a row: the first creates the endpoint, the second updates it under the same name', async () => {
  const first = await stack.core.start({ pipeline: 'dev', requester: tester, idempotencyKey: newKey() });
  expect(first.created).toBe(true);
  expect((await finished(first.executionArn)).status).toBe('SUCCEEDED');
  const afterFirst = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }));
  expect(afterFirst.EndpointStatus).toBe('InService');
  expect(afterFirst.EndpointConfigName).toBe(first.name);
  expect(await statesVisited(first.executionArn)).toEqual(expect.arrayContaining(['Create endpoint']));
  expect(await statesVisited(first.executionArn)).not.toContain('Update endpoint');

  const second = await stack.core.start({ pipeline: 'dev', requester: tester, idempotencyKey: newKey() });
  expect((await finished(second.executionArn)).status).toBe('SUCCEEDED');
  const visited = await statesVisited(second.executionArn);
  expect(visited).toContain('Update endpoint');
  expect(visited).not.toContain('Create endpoint');
  const afterSecond = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }));
  expect(afterSecond.EndpointArn).toBe(afterFirst.EndpointArn);
  expect(afterSecond.EndpointConfigName).toBe(second.name);

  const live = await stack.core.endpoint('dev');
  expect(live).toMatchObject({ exists: true, endpoint: { endpointName: 'churn-dev', status: 'InService' } });
  expect(live.endpoint?.modelName).toBe(second.name);

  const status = await stack.core.status('dev');
  expect(status).toMatchObject({ status: 'SUCCEEDED', name: second.name, startedBy: { id: tester.id } });
  expect(status.endpoint).toMatchObject({ endpointName: 'churn-dev', status: 'InService' });
  const details = await stack.core.details('dev');
  expect(details.training).toMatchObject({ jobName: second.name, status: 'Completed' });
  expect(details.training?.metrics).toContainEqual({ name: 'validation:auc', value: expect.any(Number) });
});

test('status of a running build: training step, SageMaker progress, ETA from past builds', async () => {
  // A long training (600 simulated minutes) keeps the build in training while we look.
  const started = await stack.core.start({
    pipeline: 'dev',
    requester: tester,
    idempotencyKey: newKey(),
    overrides: { 'hyperparameters.sagebuild_training_minutes': '600' },
  });
  const status = await waitFor(async () => {
    const s = await stack.core.status('dev');
    return s.training?.secondaryStatus === 'Training' ? s : undefined;
  });
  expect(status).toMatchObject({
    status: 'RUNNING',
    name: started.name,
    startedBy: { displayName: 'Tess Ter' },
  });
  expect(status.currentStep).toMatchObject({ name: 'Train model', state: 'running' });
  expect(status.training?.jobName).toBe(started.name);
  expect(status.eta?.basedOn).toBeGreaterThanOrEqual(1);
  expect(status.elapsedMs).toBeGreaterThanOrEqual(0);

  const stopped = await stack.core.stop({ pipeline: 'dev', requester: tester, reason: 'test over' });
  expect(stopped.name).toBe(started.name);
  const done = await finished(started.executionArn);
  expect(done).toMatchObject({ status: 'ABORTED', error: 'StoppedBySageBuild' });
  expect(done.cause).toContain('Tess Ter');
  // Step Functions stops the training job with the execution.
  const job = await waitFor(async () => {
    const j = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: started.name }));
    return j.TrainingJobStatus === 'Stopped' ? j : undefined;
  });
  expect(job.SecondaryStatus).toBe('Stopped');
  const after = await stack.core.status('dev');
  expect(after).toMatchObject({ status: 'ABORTED', currentStep: { name: 'Train model', state: 'failed' } });
});

test("a training failure: whyFailed names the step and SageMaker's reason", async () => {
  const started = await stack.core.start({
    pipeline: 'prod',
    requester: tester,
    idempotencyKey: newKey(),
    overrides: { 'hyperparameters.sagebuild_simulate': 'training-failure' },
  });
  expect((await finished(started.executionArn)).status).toBe('FAILED');
  const why = await stack.core.whyFailed('prod');
  expect(why).toMatchObject({ name: started.name, step: 'Train model', error: 'TrainingFailed' });
  const job = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: started.name }));
  expect(job.FailureReason).toBeTruthy();
  expect(why.reason).toBe(job.FailureReason?.replace(/\s+/g, ' ').trim());
  const status = await stack.core.status('prod');
  expect(status).toMatchObject({ status: 'FAILED', failure: { step: 'Train model' } });
  const card = await stack.core.statusOf('prod', started.executionArn);
  expect(card.steps?.map((step) => `${step.state} ${step.label}`)).toEqual([
    'failed Train model',
    'skipped Grade metrics',
    'skipped Save model',
    'skipped Create endpoint config',
    'skipped Check endpoint',
    'skipped Create endpoint / Update endpoint',
    'skipped Wait for endpoint',
  ]);
});

test('a quality-gate failure leaves the endpoint on the old model', async () => {
  const good = await stack.core.start({ pipeline: 'prod', requester: tester, idempotencyKey: newKey() });
  expect((await finished(good.executionArn)).status).toBe('SUCCEEDED');
  const bad = await stack.core.start({
    pipeline: 'prod',
    requester: tester,
    idempotencyKey: newKey(),
    overrides: { 'hyperparameters.sagebuild_metric': '0.42' },
  });
  const failed = await finished(bad.executionArn);
  expect(failed).toMatchObject({ status: 'FAILED', error: 'QualityGateFailed' });
  const why = await stack.core.whyFailed('prod');
  expect(why.reason).toContain('0.42');
  expect(why.step).toBe('Grade metrics');
  const live = await stack.core.endpoint('prod');
  expect(live.endpoint).toMatchObject({
    status: 'InService',
    endpointConfigName: good.name,
    modelName: good.name,
  });
  expect(await statesVisited(bad.executionArn)).not.toContain('Save model');
});

test('an endpoint that fails its update rolls back: the build fails and the old model keeps serving', async () => {
  const before = await stack.core.endpoint('prod');
  const bad = await stack.core.start({
    pipeline: 'prod',
    requester: tester,
    idempotencyKey: newKey(),
    overrides: { 'hyperparameters.sagebuild_simulate': 'endpoint-failure' },
  });
  expect(await finished(bad.executionArn)).toMatchObject({ status: 'FAILED', error: 'EndpointFailed' });
  const why = await stack.core.whyFailed('prod');
  expect(why).toMatchObject({ name: bad.name, step: 'Check endpoint status', status: 'FAILED' });
  expect(why.reason).toContain('health check');
  const after = await waitFor(async () => {
    const live = await stack.core.endpoint('prod');
    return live.endpoint?.status === 'InService' ? live : undefined;
  });
  expect(after.endpoint?.modelName).toBe(before.endpoint?.modelName);
});

test('statusOf answers for a named build, not just the latest', async () => {
  const older = await stack.core.start({ pipeline: 'dev', requester: tester, idempotencyKey: newKey() });
  await finished(older.executionArn);
  const newer = await stack.core.start({
    pipeline: 'dev',
    requester: tester,
    idempotencyKey: newKey(),
    overrides: { 'hyperparameters.sagebuild_training_minutes': '600' },
  });
  const status = await stack.core.statusOf('dev', older.name);
  expect(status).toMatchObject({ name: older.name, status: 'SUCCEEDED', startedBy: { id: tester.id } });
  // The card's steps come from the reference definition like any machine's, marked from the history:
  // the endpoint existed, so it was updated, not created.
  expect(status.steps).toEqual([
    { label: 'Train model', state: 'done' },
    { label: 'Grade metrics', state: 'done' },
    { label: 'Save model', state: 'done' },
    { label: 'Create endpoint config', state: 'done' },
    { label: 'Check endpoint', state: 'done' },
    { label: 'Update endpoint', state: 'done' },
    { label: 'Wait for endpoint', state: 'done' },
  ]);
  const byArn = await stack.core.statusOf('dev', newer.executionArn);
  expect(byArn).toMatchObject({ name: newer.name, status: 'RUNNING' });
  await expect(stack.core.statusOf('dev', 'dev-nope')).rejects.toBeInstanceOf(BuildNotFound);
  await expect(
    stack.core.statusOf('dev', older.executionArn.replace(':dev', ':prod')),
  ).rejects.toBeInstanceOf(BuildNotFound);
  await stack.core.stop({ pipeline: 'dev', requester: tester });
  await finished(newer.executionArn);
});
