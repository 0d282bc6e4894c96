// The local AWS on the wire: what the unmodified SDK clients and raw HTTP see.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { ExecutionStatusChangeEvent } from '../local/events';
import { startLocalStack, waitFor, type LocalStack } from './support/local-stack';
import { exampleInput } from '../pipeline';

let stack: LocalStack;
let sfn: SFNClient;
let received: ExecutionStatusChangeEvent[] = [];
let target: Server;

beforeAll(async () => {
  target = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push(JSON.parse(body) as ExecutionStatusChangeEvent);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/events`;
  // Fault chance alternates low/high: with a 0.5 rate every other task call is throttled, never twice in a row.
  let draws = 0;
  stack = await startLocalStack({ eventTargetUrl: url, random: () => (draws++ % 2 === 0 ? 0.1 : 0.9) });
  sfn = new SFNClient({ maxAttempts: 1 });
});

afterAll(async () => {
  sfn.destroy();
  await stack.close();
  await new Promise((resolve) => target.close(resolve));
});

afterEach(() => stack.local.faults.set({}));

async function raw(target: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(stack.local.endpoint, {
    method: 'POST',
    headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

test('unknown operations and malformed JSON get AWS errors, and the server keeps serving', async () => {
  expect(await raw('AWSStepFunctions.DeleteEverything', '{}')).toEqual({
    status: 400,
    json: { __type: 'UnknownOperationException', message: expect.any(String) },
  });
  expect(await raw('Route53.ListHostedZones', '{}')).toMatchObject({
    json: { __type: 'UnknownOperationException' },
  });
  expect(await raw('AWSStepFunctions.ListStateMachines', '{"oops":')).toMatchObject({
    status: 400,
    json: { __type: 'SerializationException' },
  });
  expect(await raw('AWSStepFunctions.ListStateMachines', '[1,2]')).toMatchObject({
    json: { __type: 'SerializationException' },
  });
  const listed = await sfn.send(new ListStateMachinesCommand({}));
  expect(listed.stateMachines?.map((m) => m.name)).toEqual(['sagebuild-prod', 'sagebuild-dev']);
});

test('typed SDK errors: missing state machine, invalid definition', async () => {
  const missing = 'arn:aws:states:us-east-1:123456789012:stateMachine:nope';
  await expect(
    sfn.send(new DescribeStateMachineCommand({ stateMachineArn: missing })),
  ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  const invalid = await sfn
    .send(
      new CreateStateMachineCommand({
        name: 'bad',
        definition: '{"StartAt":"X","States":{}}',
        roleArn: 'arn:aws:iam::1:role/x',
      }),
    )
    .catch((e: unknown) => e);
  expect(invalid).toBeInstanceOf(SFNServiceException);
  expect(invalid).toMatchObject({ name: 'InvalidDefinition' });
  const described = await sfn.send(
    new DescribeStateMachineCommand({ stateMachineArn: stack.pipelines[0]?.stateMachineArn }),
  );
  expect(JSON.parse(described.definition ?? '{}').StartAt).toBe('Train model');
  expect(described.creationDate).toBeInstanceOf(Date);
});

test('a build emits EventBridge status-change events in AWS shape, to subscribers and the URL', async () => {
  const inProcess: ExecutionStatusChangeEvent[] = [];
  const unsubscribe = stack.local.events.subscribe((event) => inProcess.push(event));
  received = [];
  const input = JSON.stringify({ ...exampleInput('events-endpoint'), startedBy: { displayName: 'Events' } });
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stack.pipelines[1]?.stateMachineArn,
      name: 'events-1',
      input,
    }),
  );
  await waitFor(() => (received.length >= 2 ? true : undefined));
  unsubscribe();
  expect(inProcess.map((e) => e.detail.status)).toEqual(['RUNNING', 'SUCCEEDED']);
  expect(received.map((e) => e.id)).toEqual(inProcess.map((e) => e.id));
  const [running, succeeded] = inProcess;
  expect(running).toMatchObject({
    version: '0',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: '123456789012',
    region: 'us-east-1',
    resources: [executionArn],
    detail: { executionArn, status: 'RUNNING', stopDate: null, input, output: null, name: 'events-1' },
  });
  expect(running?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(typeof running?.detail.startDate).toBe('number');
  expect(succeeded?.detail).toMatchObject({ status: 'SUCCEEDED', error: null });
  expect(succeeded?.detail.stopDate).toBeGreaterThanOrEqual(succeeded?.detail.startDate ?? Infinity);
});

test('history uses AWS event types and details, with epoch-second timestamps on the wire', async () => {
  const arn = `${stack.pipelines[1]?.stateMachineArn.replace(':stateMachine:', ':execution:')}:events-1`;
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000 }));
  const types = new Set(events?.map((e) => e.type));
  for (const type of [
    'ExecutionStarted',
    'TaskStateEntered',
    'TaskScheduled',
    'TaskStarted',
    'TaskSucceeded',
    'TaskStateExited',
    'ChoiceStateEntered',
    'ChoiceStateExited',
    'WaitStateEntered',
    'WaitStateExited',
    'MapStateEntered',
    'MapIterationStarted',
    'SucceedStateEntered',
    'ExecutionSucceeded',
  ]) {
    expect(types).toContain(type);
  }
  const scheduled = events?.find((e) => e.type === 'TaskScheduled');
  expect(scheduled?.taskScheduledEventDetails).toMatchObject({
    resourceType: 'sagemaker',
    resource: 'createTrainingJob.sync',
    region: 'us-east-1',
  });
  expect(JSON.parse(scheduled?.taskScheduledEventDetails?.parameters ?? '{}').TrainingJobName).toBe(
    'events-1',
  );
  const first = events?.[0]?.timestamp as Date;
  expect(Math.abs(first.getTime() - Date.now())).toBeLessThan(60_000);
});

test('injected 5xx errors and throttling reach the SDK as retryable failures', async () => {
  stack.local.faults.set({ errorRate: 1 });
  await expect(sfn.send(new ListStateMachinesCommand({}))).rejects.toMatchObject({
    name: 'InternalFailure',
    $metadata: { httpStatusCode: 500 },
  });
  stack.local.faults.set({ throttleRate: 1, operations: ['ListStateMachines'] });
  await expect(sfn.send(new ListStateMachinesCommand({}))).rejects.toMatchObject({
    name: 'ThrottlingException',
  });
  // Faults limited to one operation leave the others alone.
  await expect(
    sfn.send(new DescribeStateMachineCommand({ stateMachineArn: stack.pipelines[0]?.stateMachineArn })),
  ).resolves.toBeDefined();
  const faults = await fetch(`${stack.local.endpoint}/_local/faults`, {
    method: 'POST',
    body: JSON.stringify({ latencyMs: 5 }),
  });
  expect(await faults.json()).toMatchObject({ latencyMs: 5, throttleRate: 0 });
});

test('throttled pipeline tasks are retried by the pipeline, and the build still succeeds', async () => {
  stack.local.faults.set({ taskThrottleRate: 0.5 });
  const input = JSON.stringify(exampleInput('throttled-endpoint'));
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stack.pipelines[0]?.stateMachineArn,
      name: 'throttled-1',
      input,
    }),
  );
  const done = await waitFor(async () => {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return d.status === 'RUNNING' ? undefined : d;
  });
  expect(done.status).toBe('SUCCEEDED');
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  const throttled = events?.filter(
    (e) => e.taskFailedEventDetails?.error === 'SageMaker.ThrottlingException',
  );
  expect(throttled?.length).toBeGreaterThan(3);
});
