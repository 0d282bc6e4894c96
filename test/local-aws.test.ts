// The local AWS on the wire: what the unmodified SDK clients and raw HTTP see.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import type { ExecutionStatusChangeEvent } from '../local/events';
import { LocalAws } from '../local/local-aws';
import { loadReferencePipelines } from '../local/reference-pipelines';
import * as executor from '../local/stepfunctions/executor';
import { HistoryRecorder } from '../local/stepfunctions/history';
import { startLocalStack, TEST_TIME_SCALE, waitFor, type LocalStack } from './support/local-stack';
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
      const event = JSON.parse(body) as ExecutionStatusChangeEvent;
      // SageMaker's endpoint events come to the same URL; this file checks Step Functions' own.
      if (event.source === 'aws.states') received.push(event);
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

afterEach(() => {
  stack.local.faults.set({});
  jest.restoreAllMocks();
});

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
  // The two POSTs race each other over HTTP: the same events must arrive, in whichever order.
  expect(new Set(received.map((e) => e.id))).toEqual(new Set(inProcess.map((e) => e.id)));
  expect(received).toHaveLength(2);
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
  // EventBridge carries startDate and stopDate as epoch milliseconds (seconds would be about 1.7e9).
  expect(running?.detail.startDate).toBeGreaterThan(1e12);
  expect(succeeded?.detail).toMatchObject({ status: 'SUCCEEDED', error: null });
  expect(succeeded?.detail.stopDate).toBeGreaterThan(1e12);
  expect(succeeded?.detail.stopDate).toBeGreaterThanOrEqual(succeeded?.detail.startDate ?? Infinity);

  // Redrive fields agree between the events and DescribeExecution.
  expect(running?.detail).toMatchObject({
    redriveStatus: 'NOT_REDRIVABLE',
    redriveStatusReason: 'Execution is RUNNING and cannot be redriven',
  });
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  expect(described).toMatchObject({
    status: 'SUCCEEDED',
    redriveStatus: succeeded?.detail.redriveStatus,
    redriveStatusReason: succeeded?.detail.redriveStatusReason,
  });
  expect(described.redriveStatusReason).toBe('Redrive is not supported by the local AWS');
});

/** Ids run 1..n, each previousEventId points back, and task events sit inside their Task state. */
function expectWellFormed(events: HistoryEvent[]): void {
  expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  expect(events[0]?.previousEventId).toBe(0);
  for (const event of events) {
    expect(event.previousEventId).toBeGreaterThanOrEqual(0);
    expect(event.previousEventId).toBeLessThan(event.id as number);
  }
  let taskEvents = 0;
  for (const [i, event] of events.entries()) {
    if (!/^Task(Scheduled|Started|Submitted|Succeeded|Failed|TimedOut)$/.test(event.type ?? '')) continue;
    taskEvents += 1;
    const entered = events
      .slice(0, i)
      .reverse()
      .find((e) => e.type?.endsWith('StateEntered'));
    const exited = events.slice(i + 1).find((e) => e.type?.endsWith('StateExited'));
    // Labelled with the event, so a failure says which one.
    expect([event.id, event.type, entered?.type]).toEqual([event.id, event.type, 'TaskStateEntered']);
    expect([event.id, exited?.type, exited?.stateExitedEventDetails?.name]).toEqual([
      event.id,
      'TaskStateExited',
      entered?.stateEnteredEventDetails?.name,
    ]);
  }
  expect(taskEvents).toBeGreaterThan(0);
}

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
  expectWellFormed(events ?? []);
});

test('DescribeStateMachineForExecution gives the definition an execution ran', async () => {
  const machineArn = stack.pipelines[1]?.stateMachineArn ?? '';
  const executionArn = `${machineArn.replace(':stateMachine:', ':execution:')}:events-1`;
  const ran = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
  expect(ran.stateMachineArn).toBe(machineArn);
  expect(JSON.parse(ran.definition ?? '{}').StartAt).toBe('Train model');
  expect(ran.updateDate).toBeInstanceOf(Date);
  const missing = await sfn
    .send(new DescribeStateMachineForExecutionCommand({ executionArn: `${executionArn}-nope` }))
    .catch((e: unknown) => e);
  expect(missing).toMatchObject({ name: 'ExecutionDoesNotExist' });
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
  // Each integration names throttling as Step Functions does: no invented ThrottlingException.
  const failures = events?.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails);
  // Besides throttles, only "Check endpoint" fails: the endpoint is new, so describeEndpoint can't find it.
  const [throttled, notFound] = [true, false].map((rate) =>
    failures?.filter((f) => f?.cause?.startsWith('Rate exceeded') === rate),
  );
  for (const failed of notFound ?? []) {
    expect(failed).toMatchObject({
      error: 'SageMaker.SageMakerException',
      resource: 'describeEndpoint',
      cause: expect.stringMatching(
        /^Could not find endpoint "arn:aws:sagemaker:[^"]+\/throttled-endpoint"\./,
      ),
    });
  }
  expect(throttled?.length).toBeGreaterThan(3);
  for (const failed of throttled ?? []) {
    expect(failed).toEqual({
      resourceType: failed?.resourceType,
      resource: failed?.resource,
      ...(failed?.resourceType === 'sagemaker'
        ? {
            error: 'SageMaker.AmazonSageMakerException',
            cause: expect.stringMatching(
              /^Rate exceeded \(Service: AmazonSageMaker; Status Code: 400; Error Code: ThrottlingException;/,
            ),
          }
        : {
            error: 'SageMaker.SageMakerException',
            cause: expect.stringMatching(/^Rate exceeded \(Service: SageMaker, Status Code: 400,/),
          }),
    });
  }
  // Both kinds were throttled, and retried: optimized creates and aws-sdk describes.
  expect(new Set(throttled?.map((f) => f?.resourceType))).toEqual(
    new Set(['sagemaker', 'aws-sdk:sagemaker']),
  );
  expectWellFormed(events ?? []);
});

describe('AWS answers to odd requests', () => {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  test('a garbled or foreign nextToken is a 400 InvalidToken, never a 500', async () => {
    const stateMachineArn = stack.pipelines[0]?.stateMachineArn;
    const executionArn = `${stack.pipelines[1]?.stateMachineArn.replace(':stateMachine:', ':execution:')}:events-1`;
    const { nextToken: machinesToken } = await sfn.send(new ListStateMachinesCommand({ maxResults: 1 }));
    expect(machinesToken).toEqual(expect.any(String));
    const tokens = ['garbage!!', encode({ hello: 'world' }), encode([1, 2]), encode(7), machinesToken];
    for (const nextToken of tokens) {
      for (const [operation, input] of [
        ['ListExecutions', { stateMachineArn }],
        ['GetExecutionHistory', { executionArn }],
      ] as const) {
        const { status, json } = await raw(
          `AWSStepFunctions.${operation}`,
          JSON.stringify({ ...input, nextToken }),
        );
        expect([operation, nextToken, status, json.__type]).toEqual([
          operation,
          nextToken,
          400,
          'InvalidToken',
        ]);
      }
    }
    const { status, json } = await raw(
      'AWSStepFunctions.ListStateMachines',
      JSON.stringify({ nextToken: encode({ position: 'x' }) }),
    );
    expect([status, json.__type]).toEqual([400, 'InvalidToken']);
    // SageMaker answers a bad NextToken with a ValidationException.
    const sagemaker = await raw(
      'SageMaker.ListEndpoints',
      JSON.stringify({ NextToken: encode({ offset: -1 }) }),
    );
    expect([sagemaker.status, sagemaker.json.__type]).toEqual([400, 'ValidationException']);
  });

  test('ListExecutions accepts every AWS statusFilter, PENDING_REDRIVE included, and refuses others', async () => {
    const stateMachineArn = stack.pipelines[1]?.stateMachineArn;
    const pending = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn, statusFilter: 'PENDING_REDRIVE' }),
    );
    expect(pending.executions).toEqual([]);
    const { status, json } = await raw(
      'AWSStepFunctions.ListExecutions',
      JSON.stringify({ stateMachineArn, statusFilter: 'SLEEPING' }),
    );
    expect([status, json.__type]).toEqual([400, 'ValidationException']);
  });
});

describe('in process: listeners, bookkeeping and leaks never decide a build', () => {
  // One quick SageMaker task: enough for task history, over in milliseconds.
  const QUICK = JSON.stringify({
    StartAt: 'List endpoints',
    States: {
      'List endpoints': {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:sagemaker:listEndpoints',
        Parameters: {},
        End: true,
      },
    },
  });
  let local: LocalAws;
  let machine: string;
  let runs = 0;
  let logged: string[];

  beforeEach(() => {
    local = new LocalAws({ timeScale: TEST_TIME_SCALE });
    machine = local.stepFunctions.createStateMachine({
      name: 'quick',
      definition: QUICK,
      roleArn: 'arn:aws:iam::123456789012:role/quick',
    }).stateMachineArn;
    logged = [];
    jest.spyOn(console, 'error').mockImplementation((line: unknown) => void logged.push(String(line)));
  });

  afterEach(() => local.close());

  async function runQuick() {
    runs += 1;
    const { executionArn } = local.stepFunctions.startExecution({
      stateMachineArn: machine,
      name: `quick-${runs}`,
    });
    return local.stepFunctions.waitFor(executionArn);
  }

  test('history listeners and event subscribers that throw or reject are logged in one line each', async () => {
    local.onHistoryEvent(() => {
      throw new Error('history listener broke\n    at somewhere');
    });
    local.onHistoryEvent(async () => Promise.reject(new Error('async listener broke')));
    local.events.subscribe(() => {
      throw new Error('subscriber broke');
    });
    const done = await runQuick();
    expect(done.status).toBe('SUCCEEDED');
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged).toContain('local AWS: a history listener failed: history listener broke');
    expect(logged).toContain('local AWS: a history listener failed: async listener broke');
    expect(logged).toContain('local AWS: an event subscriber failed: subscriber broke');
    for (const line of logged) expect(line).not.toContain('\n');
  });

  test('a failure to record task history is logged, and the task still succeeds', async () => {
    jest.spyOn(HistoryRecorder.prototype, 'taskScheduled').mockImplementationOnce(() => {
      throw new Error('books closed');
    });
    jest.spyOn(HistoryRecorder.prototype, 'taskSucceeded').mockImplementationOnce(() => {
      throw new Error('books closed again');
    });
    const done = await runQuick();
    expect(done.status).toBe('SUCCEEDED');
    expect(logged).toEqual([
      expect.stringMatching(/^local AWS: recording history of quick-\d+ failed: books closed$/),
      expect.stringMatching(/^local AWS: recording history of quick-\d+ failed: books closed again$/),
    ]);
  });

  test('an unexpected error while following a run fails it with States.Runtime, never RUNNING forever', async () => {
    const record = HistoryRecorder.prototype.record;
    jest.spyOn(HistoryRecorder.prototype, 'record').mockImplementation(function (
      this: HistoryRecorder,
      event,
    ) {
      if (event.type === 'StateExited') throw new Error('the recorder fell over');
      record.call(this, event);
    });
    const done = await runQuick();
    expect(done).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: expect.stringContaining('the recorder fell over'),
      stopDate: expect.any(Number),
    });
    expect(done.events.at(-1)).toMatchObject({
      type: 'ExecutionFailed',
      executionFailedEventDetails: { error: 'States.Runtime' },
    });
    expect(local.stepFunctions.describeExecution({ executionArn: done.arn })).toMatchObject({
      status: 'FAILED',
    });
  });

  test('an execution that cannot start leaves no RUNNING record behind', async () => {
    jest.spyOn(executor, 'runExecution').mockImplementationOnce(() => {
      throw new Error('cannot run');
    });
    const heard: string[] = [];
    local.events.subscribe((event) => heard.push(event.detail.status));
    const start = () => local.stepFunctions.startExecution({ stateMachineArn: machine, name: 'ghost' });
    expect(start).toThrow('cannot run');
    expect(local.stepFunctions.executionsOf(machine)).toEqual([]);
    expect(heard).toEqual([]);
    // The name is still free.
    const { executionArn } = start();
    expect((await local.stepFunctions.waitFor(executionArn)).status).toBe('SUCCEEDED');
    expect(heard).toEqual(['RUNNING', 'SUCCEEDED']);
  });

  test('seeded past builds are quiet: no subscriber, history listener or target hears of them', async () => {
    const heard: string[] = [];
    local.events.subscribe((event) => heard.push(`${event.detail.name} ${event.detail.status}`));
    local.onHistoryEvent((execution) => heard.push(execution.name));
    const [prod] = await loadReferencePipelines(local);
    const past = local.stepFunctions.executionsOf(prod?.stateMachineArn as string);
    expect(past.map((e) => e.name)).toContain('prod-nightly-1');
    expect(past.every((e) => e.status !== 'RUNNING')).toBe(true);
    expect(heard).toEqual([]);
    await runQuick();
    expect(heard).toContain(`quick-${runs} SUCCEEDED`);
  });

  test('only the most recent calls are kept; callCount and callsSince read across the ring', async () => {
    const small = await LocalAws.start({ keepCalls: 3 });
    try {
      const call = (operation: string) =>
        fetch(small.endpoint, {
          method: 'POST',
          headers: { 'x-amz-target': `AWSStepFunctions.${operation}` },
          body: '{}',
        });
      await call('ListStateMachines');
      const before = small.callCount;
      for (const operation of [
        'ListStateMachines',
        'DescribeStateMachine',
        'ListExecutions',
        'ListStateMachines',
      ])
        await call(operation);
      expect(small.callCount).toBe(5);
      expect(small.callsSince(before + 1)).toEqual([
        'states:DescribeStateMachine',
        'states:ListExecutions',
        'states:ListStateMachines',
      ]);
      expect(small.recentCalls).toEqual(small.callsSince(2));
      expect(small.callsSince(5)).toEqual([]);
      expect(() => small.callsSince(before)).toThrow('only the last 3 calls are kept');
    } finally {
      await small.close();
    }
  });
});
