// The local Step Functions runs machines written by others (DS SDK, AWS blog posts, hand-made) and records
// their history as real Step Functions does. Expected shapes come from histories LocalStack recorded
// against real AWS (localstack/localstack, tests/aws/services/stepfunctions/v2/**/*.snapshot.json).

import {
  CreateStateMachineCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { checkedCounts } from '../local/conformance';
import { LocalAws } from '../local/local-aws';
import { exampleInput, referenceDefinition } from '../pipeline';
import { TEST_TIME_SCALE } from './support/local-stack';
import { trainingRequestFor } from './support/training-request';

const ROLE = 'arn:aws:iam::123456789012:role/StepFunctionsSageMaker';
const input = exampleInput('churn-team');

let local: LocalAws;
let sfn: SFNClient;
let machines = 0;

beforeAll(async () => {
  local = await LocalAws.start({ timeScale: TEST_TIME_SCALE });
  sfn = new SFNClient({ endpoint: local.endpoint, maxAttempts: 1 });
});

afterAll(async () => {
  sfn.destroy();
  await local.close();
});

type States = Record<string, Record<string, unknown>>;

function machine(states: States, startAt: string, extra: Record<string, unknown> = {}): Promise<string> {
  return machineFrom({ StartAt: startAt, States: states, ...extra });
}

async function start(stateMachineArn: string, executionInput: unknown, name?: string): Promise<string> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(executionInput) }),
  );
  return executionArn as string;
}

async function history(executionArn: string): Promise<HistoryEvent[]> {
  await local.stepFunctions.waitFor(executionArn);
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events ?? [];
}

async function run(states: States, startAt: string, executionInput: unknown = {}, extra = {}) {
  const executionArn = await start(await machine(states, startAt, extra), executionInput);
  const events = await history(executionArn);
  return { events, described: local.stepFunctions.describeExecution({ executionArn }) };
}

const types = (events: HistoryEvent[]): string[] => events.map((e) => e.type as string);
const byType = (events: HistoryEvent[], type: string) => events.filter((e) => e.type === type);
const parsed = (text: string | undefined): unknown => JSON.parse(text ?? 'null');

// Parameters a team's machine passes, written the way the DS SDK TrainingPipeline template reads them.
const TRAINING = {
  'TrainingJobName.$': "$$.Execution.Input['Training job name']",
  ...trainingRequestFor(input),
  StoppingCondition: { MaxRuntimeInSeconds: 86400 },
  HyperParameters: { num_round: '100' },
};

function trainState(next: Record<string, unknown> = { End: true }, extra: Record<string, unknown> = {}) {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::sagemaker:createTrainingJob.sync',
    Parameters: TRAINING,
    ...extra,
    ...next,
  };
}

/** The odd machine's shape: the training in a Parallel beside a logging branch. */
const TRAIN_AND_LOG = {
  'Train and log': {
    Type: 'Parallel',
    Branches: [
      { StartAt: 'Train Step', States: { 'Train Step': trainState() } },
      { StartAt: 'logging', States: { logging: { Type: 'Pass', End: true } } },
    ],
    End: true,
  },
};

describe('a .sync training task', () => {
  it('records TaskSubmitted with the create response between TaskStarted and TaskSucceeded', async () => {
    const { events, described } = await run({ Training: trainState() }, 'Training', {
      'Training job name': 'team-train-1',
    });

    expect(described.status).toBe('SUCCEEDED');
    // As services/test_ecs_task_service test_run_task_sync records a .sync task.
    expect(events.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'TaskStateEntered'],
      [3, 2, 'TaskScheduled'],
      [4, 3, 'TaskStarted'],
      [5, 4, 'TaskSubmitted'],
      [6, 5, 'TaskSucceeded'],
      [7, 6, 'TaskStateExited'],
      [8, 7, 'ExecutionSucceeded'],
    ]);
    const [scheduled] = byType(events, 'TaskScheduled');
    // A name read from an input key with spaces, as the DS SDK template writes it.
    expect(parsed(scheduled?.taskScheduledEventDetails?.parameters)).toMatchObject({
      TrainingJobName: 'team-train-1',
    });
    // No TimeoutSeconds, no timeoutInSeconds: real Step Functions sets no default.
    expect(scheduled?.taskScheduledEventDetails).not.toHaveProperty('timeoutInSeconds');
    const [submitted] = byType(events, 'TaskSubmitted');
    expect(submitted?.taskSubmittedEventDetails).toMatchObject({
      resourceType: 'sagemaker',
      resource: 'createTrainingJob.sync',
      outputDetails: { truncated: false },
    });
    expect(parsed(submitted?.taskSubmittedEventDetails?.output)).toEqual({
      TrainingJobArn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/team-train-1',
      SdkHttpMetadata: {
        AllHttpHeaders: {
          'Content-Type': ['application/x-amz-json-1.1'],
          'x-amzn-RequestId': [expect.any(String)],
        },
        HttpHeaders: { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': expect.any(String) },
        HttpStatusCode: 200,
      },
      SdkResponseMetadata: { RequestId: expect.any(String) },
    });
    const [succeeded] = byType(events, 'TaskSucceeded');
    expect(parsed(succeeded?.taskSucceededEventDetails?.output)).toMatchObject({
      TrainingJobName: 'team-train-1',
      TrainingJobStatus: 'Completed',
    });
  });

  it('honours TimeoutSeconds in scaled time: TaskTimedOut with States.Timeout, no cause', async () => {
    // 45 simulated minutes of training against a 10-minute limit (0.2 real seconds at the test scale).
    const { events, described } = await run(
      { Training: trainState({ End: true }, { TimeoutSeconds: 600 }) },
      'Training',
      { 'Training job name': 'team-train-timeout' },
    );

    expect(described).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(byType(events, 'TaskScheduled')[0]?.taskScheduledEventDetails?.timeoutInSeconds).toBe(600);
    // As timeouts/test_timeouts test_fixed_timeout_service_lambda records it.
    expect(types(events).slice(-2)).toEqual(['TaskTimedOut', 'ExecutionFailed']);
    expect(byType(events, 'TaskTimedOut')[0]?.taskTimedOutEventDetails).toEqual({
      resourceType: 'sagemaker',
      resource: 'createTrainingJob.sync',
      error: 'States.Timeout',
    });
    expect(events.at(-1)?.executionFailedEventDetails).toEqual({ error: 'States.Timeout' });
    // The timed-out job is stopped, as a stop would.
    const job = await local.sagemaker.call(
      'DescribeTrainingJob',
      { TrainingJobName: 'team-train-timeout' },
      { clock: { now: Date.now, fromReal: (ms) => ms }, timeScale: local.timeScale },
    );
    expect(['Stopping', 'Stopped']).toContain(job.TrainingJobStatus);
  });

  it('reads TimeoutSecondsPath from the state input', async () => {
    const { events, described } = await run(
      { Training: trainState({ End: true }, { TimeoutSecondsPath: '$.limits.training' }) },
      'Training',
      { 'Training job name': 'team-train-path', limits: { training: 300 } },
    );

    expect(described).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(byType(events, 'TaskScheduled')[0]?.taskScheduledEventDetails?.timeoutInSeconds).toBe(300);
    expect(byType(events, 'TaskTimedOut')).toHaveLength(1);
  });

  it('lets States.Timeout be caught by name, never by States.TaskFailed', async () => {
    const { events, described } = await run(
      {
        Training: trainState(
          { Next: 'Done' },
          {
            TimeoutSeconds: 300,
            Catch: [
              { ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'Task failed' },
              { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'Took too long' },
            ],
          },
        ),
        'Task failed': { Type: 'Fail', Error: 'Failed', Cause: 'the task failed' },
        'Took too long': { Type: 'Fail', Error: 'TooLong', Cause: 'training took too long' },
        Done: { Type: 'Succeed' },
      },
      'Training',
      { 'Training job name': 'team-train-caught' },
    );

    expect(described).toMatchObject({ status: 'FAILED', error: 'TooLong', cause: 'training took too long' });
    expect(types(events).slice(-4)).toEqual([
      'TaskTimedOut',
      'TaskStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
  });

  it("never applies the interpreter's 60-second default: every task timer is left to TimeoutSeconds", () => {
    const compiled = local.stepFunctions['compiled'].values().next().value as unknown as {
      interpreter: { definition: { States: Record<string, { TimeoutSeconds?: number }> } };
    };
    // 2^31-1 ms: the longest timer Node keeps, so the interpreter's own timer never fires.
    for (const state of Object.values(compiled.interpreter.definition.States)) {
      expect(state.TimeoutSeconds).toBe(2_147_483);
    }
  });
});

describe('a stop', () => {
  it.each([
    ['with an error and cause', { error: 'Stopped', cause: 'Stopped by Tess Ter' }],
    ['without', {}],
  ])(
    'records TaskStateAborted with no details, then ExecutionAborted (%s)',
    async (_case, reason: { error?: string; cause?: string }) => {
      const arn = await start(await machine({ Training: trainState() }, 'Training'), {
        'Training job name': `team-stop-${reason.error ? 1 : 2}`,
      });
      const running = await waitForEvent(arn, 'TaskSubmitted');
      expect(running).toBeDefined();
      await sfn.send(new StopExecutionCommand({ executionArn: arn, ...reason }));
      const events = await history(arn);

      expect(types(events).slice(-2)).toEqual(['TaskStateAborted', 'ExecutionAborted']);
      const aborted = events.at(-2) as unknown as Record<string, unknown>;
      expect(Object.keys(aborted).sort()).toEqual(['id', 'previousEventId', 'timestamp', 'type']);
      // As test_sfn_api test_stop_execution records it: details hold only what the stop gave.
      expect(events.at(-1)?.executionAbortedEventDetails).toEqual(reason);
    },
  );

  it('inside a Parallel aborts the running task, then the Parallel, then the execution', async () => {
    const arn = await start(await machine(TRAIN_AND_LOG, 'Train and log'), {
      'Training job name': 'team-stop-parallel',
    });
    await waitForEvent(arn, 'TaskSubmitted');
    await sfn.send(new StopExecutionCommand({ executionArn: arn }));
    const events = await history(arn);

    expect(types(events).slice(-3)).toEqual(['TaskStateAborted', 'ParallelStateAborted', 'ExecutionAborted']);
    expect(events.slice(-3, -1).every((e) => Object.keys(e).length === 4)).toBe(true);
    expect(types(events)).not.toContain('TaskSucceeded');
  });

  it('of a Wait records ExecutionAborted alone, as the recording shows', async () => {
    const arn = await start(
      await machine({ Pause: { Type: 'Wait', Seconds: 86_400, End: true } }, 'Pause'),
      {},
    );
    await waitForEvent(arn, 'WaitStateEntered');
    await sfn.send(new StopExecutionCommand({ executionArn: arn }));
    const events = await history(arn);

    expect(events.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'WaitStateEntered'],
      [3, 0, 'ExecutionAborted'],
    ]);
    expect(events[2]?.executionAbortedEventDetails).toEqual({});
  });
});

async function waitForEvent(executionArn: string, type: string): Promise<HistoryEvent> {
  for (;;) {
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const found = events?.find((e) => e.type === type);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('machines written by others', () => {
  const endpointName = 'team-endpoint';
  const deployStates = (change: 'createEndpoint' | 'updateEndpoint'): States => ({
    TrainingJob: trainState({ Next: 'CreateModel' }),
    CreateModel: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sagemaker:createModel',
      Parameters: {
        'ModelName.$': "$$.Execution.Input['Model name']",
        ExecutionRoleArn: input.roleArn,
        PrimaryContainer: {
          Image: input.trainingImage,
          'ModelDataUrl.$': '$.ModelArtifacts.S3ModelArtifacts',
        },
      },
      Next: 'CreateEndpointConfig',
    },
    CreateEndpointConfig: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sagemaker:createEndpointConfig',
      Parameters: {
        'EndpointConfigName.$': "$$.Execution.Input['Model name']",
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            'ModelName.$': "$$.Execution.Input['Model name']",
            InstanceType: 'ml.m5.large',
            InitialInstanceCount: 1,
          },
        ],
      },
      Next: 'DeployEndpoint',
    },
    DeployEndpoint: {
      Type: 'Task',
      Resource: `arn:aws:states:::sagemaker:${change}`,
      Parameters: { EndpointName: endpointName, 'EndpointConfigName.$': "$$.Execution.Input['Model name']" },
      Next: 'WaitForDeploy',
    },
    WaitForDeploy: { Type: 'Wait', Seconds: 60, Next: 'GetEndpointStatus' },
    GetEndpointStatus: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:sagemaker:describeEndpoint',
      Parameters: { EndpointName: endpointName },
      Next: 'IsDeployed',
    },
    IsDeployed: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.EndpointStatus', StringEquals: 'InService', Next: 'Deployed' },
        { Variable: '$.EndpointStatus', StringEquals: 'Failed', Next: 'DeployFailed' },
      ],
      Default: 'WaitForDeploy',
    },
    DeployFailed: { Type: 'Fail', Error: 'SageMakerEndpointFailed', Cause: 'SageMakerEndpointFailed' },
    Deployed: { Type: 'Succeed' },
  });

  it('creates then updates an endpoint through optimized tasks and a describeEndpoint Choice loop', async () => {
    const first = await run(deployStates('createEndpoint'), 'TrainingJob', {
      'Training job name': 'team-deploy-1',
      'Model name': 'team-model-1',
    });
    expect(first.described.status).toBe('SUCCEEDED');
    expect(byType(first.events, 'TaskScheduled').map((e) => e.taskScheduledEventDetails?.resource)).toEqual(
      expect.arrayContaining(['createModel', 'createEndpointConfig', 'createEndpoint', 'describeEndpoint']),
    );
    expect(byType(first.events, 'WaitStateEntered').length).toBeGreaterThan(1);

    const second = await run(deployStates('updateEndpoint'), 'TrainingJob', {
      'Training job name': 'team-deploy-2',
      'Model name': 'team-model-2',
    });
    expect(second.described.status).toBe('SUCCEEDED');
    const endpoint = await local.sagemaker.call(
      'DescribeEndpoint',
      { EndpointName: endpointName },
      { clock: { now: Date.now, fromReal: (ms) => ms }, timeScale: local.timeScale },
    );
    expect(endpoint).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'team-model-2' });
  });

  it('ends at a Fail state with its fixed error and cause, and records no exit for it', async () => {
    const { events, described } = await run(
      {
        step_1: { Type: 'Pass', Result: { ok: false }, Next: 'step_2' },
        step_2: { Type: 'Fail', Error: 'SageMakerTrainingJobFailed', Cause: 'SageMakerTrainingJobFailed' },
      },
      'step_1',
    );

    expect(described).toMatchObject({
      status: 'FAILED',
      error: 'SageMakerTrainingJobFailed',
      cause: 'SageMakerTrainingJobFailed',
    });
    expect(events.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'PassStateEntered'],
      [3, 2, 'PassStateExited'],
      [4, 3, 'FailStateEntered'],
      [5, 4, 'ExecutionFailed'],
    ]);
    expect(events[4]?.executionFailedEventDetails).toEqual({
      error: 'SageMakerTrainingJobFailed',
      cause: 'SageMakerTrainingJobFailed',
    });
  });

  it('runs a Parallel holding the training and a Pass, with the Parallel events AWS records', async () => {
    const { events, described } = await run(TRAIN_AND_LOG, 'Train and log', {
      'Training job name': 'team-parallel-1',
    });

    expect(described.status).toBe('SUCCEEDED');
    const outer = events.filter((e) => e.type?.startsWith('Parallel') || e.type?.startsWith('Execution'));
    expect(types(outer)).toEqual([
      'ExecutionStarted',
      'ParallelStateEntered',
      'ParallelStateStarted',
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'ExecutionSucceeded',
    ]);
    const [, entered, started, succeeded, exited] = outer;
    expect(started?.previousEventId).toBe(entered?.id);
    // Each branch starts from ParallelStateStarted and chains within itself.
    const firsts = events.filter(
      (e) =>
        e.type?.endsWith('StateEntered') &&
        ['Train Step', 'logging'].includes(e.stateEnteredEventDetails?.name ?? ''),
    );
    expect(firsts.map((e) => e.previousEventId)).toEqual([started?.id, started?.id]);
    const submitted = byType(events, 'TaskSubmitted')[0];
    expect(submitted?.previousEventId).toBe(byType(events, 'TaskStarted')[0]?.id);
    // As LocalStack (validated against AWS) chains them: the exit points where ParallelStateSucceeded does.
    expect(succeeded?.previousEventId).toBe((succeeded?.id as number) - 1);
    expect(exited?.previousEventId).toBe(succeeded?.previousEventId);
    expect(parsed(exited?.stateExitedEventDetails?.output)).toEqual([
      expect.objectContaining({ TrainingJobStatus: 'Completed' }),
      { 'Training job name': 'team-parallel-1' },
    ]);
  });

  it.each(['ItemProcessor', 'Iterator'])(
    'runs a Map with %s, its events carrying index and name',
    async (key) => {
      const { events, described } = await run(
        {
          'Grade metrics': {
            Type: 'Map',
            ItemsPath: '$.metrics',
            [key]: {
              StartAt: 'Grade',
              States: { Grade: { Type: 'Pass', End: true } },
            },
            End: true,
          },
        },
        'Grade metrics',
        { metrics: ['auc', 'rmse'] },
      );

      expect(described.status).toBe('SUCCEEDED');
      expect(byType(events, 'MapStateStarted')[0]?.mapStateStartedEventDetails).toEqual({ length: 2 });
      for (const type of ['MapIterationStarted', 'MapIterationSucceeded']) {
        const details = byType(events, type).map(
          (e) => e.mapIterationStartedEventDetails ?? e.mapIterationSucceededEventDetails,
        );
        expect([type, details]).toEqual([
          type,
          [
            { index: 0, name: 'Grade metrics' },
            { index: 1, name: 'Grade metrics' },
          ],
        ]);
      }
      expect(types(events).slice(-3)).toEqual(['MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded']);
    },
  );

  it('aborts the other iterations when one fails, as the recorded Map timeout shows', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const unregister = local.registerFunction('grade', async (payload) => {
      if ((payload as { item: number }).item === 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw Object.assign(new Error('item 0 is broken'), { name: 'GradeError' });
      }
      await held;
      return payload;
    });
    try {
      const { events, described } = await run(
        {
          Grades: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemSelector: { 'item.$': '$$.Map.Item.Value' },
            ItemProcessor: {
              StartAt: 'Grade item',
              States: {
                'Grade item': {
                  Type: 'Task',
                  Resource: 'arn:aws:states:::lambda:invoke',
                  Parameters: { FunctionName: 'grade', 'Payload.$': '$' },
                  End: true,
                },
              },
            },
            End: true,
          },
        },
        'Grades',
        { items: [0, 1, 2] },
      );

      expect(described).toMatchObject({ status: 'FAILED', error: 'GradeError' });
      const tail = types(events).slice(types(events).indexOf('TaskFailed'));
      expect(tail).toEqual([
        'TaskFailed',
        'MapIterationFailed',
        'TaskStateAborted',
        'MapIterationAborted',
        'TaskStateAborted',
        'MapIterationAborted',
        'MapStateFailed',
        'ExecutionFailed',
      ]);
      const failed = byType(events, 'TaskFailed')[0];
      expect(failed?.taskFailedEventDetails).toMatchObject({
        resourceType: 'lambda',
        resource: 'invoke',
        error: 'GradeError',
      });
      expect(parsed(failed?.taskFailedEventDetails?.cause)).toMatchObject({
        errorMessage: 'item 0 is broken',
        errorType: 'GradeError',
      });
      expect(byType(events, 'MapIterationFailed')[0]?.mapIterationFailedEventDetails).toEqual({
        index: 0,
        name: 'Grades',
      });
      expect(
        byType(events, 'MapIterationAborted')
          .map((e) => e.mapIterationAbortedEventDetails?.index)
          .sort(),
      ).toEqual([1, 2]);
      // Every abort and the Map's failure point back at the failed iteration's last event.
      for (const event of events.filter((e) =>
        /Aborted$|^MapStateFailed$|^MapIterationFailed$/.test(e.type ?? ''),
      )) {
        expect([event.type, event.previousEventId]).toEqual([event.type, failed?.id]);
      }
    } finally {
      release();
      unregister();
    }
  });

  it('serves a registered Lambda and fails a missing one as Step Functions reports it', async () => {
    const unregister = local.registerFunction('pick-version', (payload) => ({
      version: (payload as { n: number }).n + 1,
    }));
    try {
      const lambdaTask = (name: string) => ({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: name, Payload: { n: 1 } },
        OutputPath: '$.Payload',
        End: true,
      });
      const served = await run({ Pick: lambdaTask('pick-version') }, 'Pick');
      expect(served.described).toMatchObject({ status: 'SUCCEEDED', output: '{"version":2}' });

      const missing = await run({ Pick: lambdaTask('nope') }, 'Pick');
      expect(missing.described).toMatchObject({
        status: 'FAILED',
        error: 'Lambda.ResourceNotFoundException',
      });
      expect(byType(missing.events, 'TaskFailed')[0]?.taskFailedEventDetails).toEqual({
        resourceType: 'lambda',
        resource: 'invoke',
        error: 'Lambda.ResourceNotFoundException',
        cause: expect.stringMatching(
          /^Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:\$LATEST \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
        ),
      });
    } finally {
      unregister();
    }
  });

  it("honours the machine's own TimeoutSeconds in scaled time", async () => {
    const { events, described } = await run(
      { Pause: { Type: 'Wait', Seconds: 86_400, End: true } },
      'Pause',
      {},
      { TimeoutSeconds: 3600 },
    );

    expect(described.status).toBe('TIMED_OUT');
    expect(events.at(-1)).toMatchObject({ type: 'ExecutionTimedOut', executionTimedOutEventDetails: {} });
  });
});

describe('conformance with recorded real histories', () => {
  // The machines and histories of scenarios/test_base_scenarios test_map_state and test_parallel_state
  // (tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.snapshot.json in localstack/localstack).
  it('records a Map run one item at a time exactly as AWS recorded it (test_map_state)', async () => {
    const items = [1, 'Hello', {}, null, 3.3, 3, 4, 5];
    const before = checkedCounts()['stepfunctions: history events recorded'] ?? 0;
    const { events } = await run(
      {
        StartState: { Type: 'Pass', Result: items, ResultPath: '$.arr', Next: 'MapState' },
        MapState: {
          Type: 'Map',
          ResultPath: null,
          InputPath: '$.arr',
          MaxConcurrency: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'HandleItem',
            States: { HandleItem: { Type: 'Pass', End: true } },
          },
          Next: 'Final',
        },
        Final: { Type: 'Pass', End: true },
      },
      'StartState',
    );

    // The recording, event by event: [id, previousEventId, type, details].
    const arr = { arr: items };
    const expected: [number, number, string, Record<string, unknown>?][] = [
      [1, 0, 'ExecutionStarted', { input: {}, inputDetails: { truncated: false }, roleArn: ROLE }],
      [2, 0, 'PassStateEntered', { name: 'StartState', input: {}, inputDetails: { truncated: false } }],
      [3, 2, 'PassStateExited', { name: 'StartState', output: arr, outputDetails: { truncated: false } }],
      [4, 3, 'MapStateEntered', { name: 'MapState', input: arr, inputDetails: { truncated: false } }],
      [5, 4, 'MapStateStarted', { length: 8 }],
    ];
    let previous = 5;
    items.forEach((item, index) => {
      const id = expected.length + 1;
      expected.push(
        [id, previous, 'MapIterationStarted', { index, name: 'MapState' }],
        [
          id + 1,
          id,
          'PassStateEntered',
          { name: 'HandleItem', input: item, inputDetails: { truncated: false } },
        ],
        [
          id + 2,
          id + 1,
          'PassStateExited',
          { name: 'HandleItem', output: item, outputDetails: { truncated: false } },
        ],
        [id + 3, id + 2, 'MapIterationSucceeded', { index, name: 'MapState' }],
      );
      previous = id + 2;
    });
    expected.push(
      [38, 36, 'MapStateSucceeded'],
      [39, 37, 'MapStateExited', { name: 'MapState', output: arr, outputDetails: { truncated: false } }],
      [40, 39, 'PassStateEntered', { name: 'Final', input: arr, inputDetails: { truncated: false } }],
      [41, 40, 'PassStateExited', { name: 'Final', output: arr, outputDetails: { truncated: false } }],
      [42, 41, 'ExecutionSucceeded', { output: arr, outputDetails: { truncated: false } }],
    );
    expect(events.map(comparable)).toEqual(expected);
    expect((checkedCounts()['stepfunctions: history events recorded'] ?? 0) - before).toBe(42);
  });

  it('records a Parallel run as AWS recorded it, branch events in any order (test_parallel_state)', async () => {
    const pass = (next?: string) => (next ? { Type: 'Pass', Next: next } : { Type: 'Pass', End: true });
    const { events } = await run(
      {
        LoadInput: { Type: 'Pass', Result: [1, 2, 3, 4], Next: 'ParallelState' },
        ParallelState: {
          Type: 'Parallel',
          End: true,
          Branches: [
            { StartAt: 'Branch1', States: { Branch1: pass() } },
            { StartAt: 'Branch21', States: { Branch21: pass('Branch22'), Branch22: pass() } },
            {
              StartAt: 'Branch31',
              States: { Branch31: pass('Branch32'), Branch32: pass('Branch33'), Branch33: pass() },
            },
          ],
        },
      },
      'LoadInput',
    );

    const list = [1, 2, 3, 4];
    const outside = events.filter(
      (e) => !/^Branch/.test(e.stateEnteredEventDetails?.name ?? e.stateExitedEventDetails?.name ?? ''),
    );
    // The recording scrubs the branch events' ids (their order varies) and leaves out event 18.
    expect(outside.map(comparable)).toEqual([
      [1, 0, 'ExecutionStarted', { input: {}, inputDetails: { truncated: false }, roleArn: ROLE }],
      [2, 0, 'PassStateEntered', { name: 'LoadInput', input: {}, inputDetails: { truncated: false } }],
      [3, 2, 'PassStateExited', { name: 'LoadInput', output: list, outputDetails: { truncated: false } }],
      [
        4,
        3,
        'ParallelStateEntered',
        { name: 'ParallelState', input: list, inputDetails: { truncated: false } },
      ],
      [5, 4, 'ParallelStateStarted'],
      [18, 17, 'ParallelStateSucceeded'],
      [
        19,
        17,
        'ParallelStateExited',
        { name: 'ParallelState', output: [list, list, list], outputDetails: { truncated: false } },
      ],
      [20, 19, 'ExecutionSucceeded', { output: [list, list, list], outputDetails: { truncated: false } }],
    ]);
    const branchEvents = events.filter((e) => !outside.includes(e)).map((e) => comparable(e).slice(2));
    const recorded = ['Branch1', 'Branch21', 'Branch22', 'Branch31', 'Branch32', 'Branch33'].flatMap(
      (name) => [
        ['PassStateEntered', { name, input: list, inputDetails: { truncated: false } }],
        ['PassStateExited', { name, output: list, outputDetails: { truncated: false } }],
      ],
    );
    expect(branchEvents).toHaveLength(recorded.length);
    expect(branchEvents).toEqual(expect.arrayContaining(recorded));
  });
});

/** [id, previousEventId, type, details with JSON text parsed], the form the recordings are held in. */
function comparable(event: HistoryEvent): [number, number, string, Record<string, unknown>?] {
  const key = Object.keys(event).find((k) => k.endsWith('EventDetails'));
  const row: [number, number, string, Record<string, unknown>?] = [
    event.id as number,
    event.previousEventId as number,
    event.type as string,
  ];
  if (!key) return row;
  const details = { ...(event as unknown as Record<string, Record<string, unknown>>)[key] };
  for (const field of ['input', 'output']) {
    if (typeof details[field] === 'string') details[field] = JSON.parse(details[field] as string);
  }
  row.push(details);
  return row;
}

describe('the reference pipeline on the local AWS, when the endpoint ends up stuck or failed', () => {
  let pipeline: string;
  let builds = 0;
  const endpoint = 'stuck-endpoint';
  const buildInput = exampleInput(endpoint, {
    qualityGate: undefined,
    hyperparameters: { ...input.hyperparameters, sagebuild_training_minutes: '5' },
  });

  beforeAll(async () => {
    pipeline = await machineFrom(referenceDefinition);
    // The first build creates the endpoint; the builds below update it.
    const first = await start(pipeline, buildInput, 'stuck-1');
    expect((await local.stepFunctions.waitFor(first)).status).toBe('SUCCEEDED');
  });

  it.each([
    ['UpdateRollbackFailed', 'Rollback failed: the previous variant could not be restored.'],
    ['OutOfService', undefined],
    ['Deleting', undefined],
  ] as const)('fails the build with a clear cause when the endpoint turns %s', async (status, reason) => {
    builds += 1;
    // As soon as this build's update is accepted, SageMaker reports the status under test.
    const stopListening = local.onHistoryEvent((execution, event) => {
      if (
        execution.name === `stuck-update-${builds}` &&
        event.taskSucceededEventDetails?.resource === 'updateEndpoint'
      ) {
        local.sagemaker.forceEndpointStatus(endpoint, status, reason);
      }
    });
    try {
      const arn = await start(pipeline, buildInput, `stuck-update-${builds}`);
      const done = await local.stepFunctions.waitFor(arn);

      expect(done).toMatchObject({
        status: 'FAILED',
        error: 'EndpointFailed',
        cause: reason ? `Endpoint ${endpoint} is ${status}: ${reason}` : `Endpoint ${endpoint} is ${status}`,
      });
      // One status check was enough: the build did not go back to waiting.
      expect(done.events.filter((e) => e.type === 'WaitStateEntered')).toHaveLength(1);
    } finally {
      stopListening();
      // The forced status leaves this build's update pending: let it finish before the next case.
      const ctx = { clock: { now: Date.now, fromReal: (ms: number) => ms }, timeScale: local.timeScale };
      const pending = async () =>
        (await local.sagemaker.call('DescribeEndpoint', { EndpointName: endpoint }, ctx))
          .PendingDeploymentSummary;
      while (await pending()) await new Promise((resolve) => setTimeout(resolve, 10));
      local.sagemaker.forceEndpointStatus(endpoint, 'InService');
    }
  });
});

async function machineFrom(definition: unknown): Promise<string> {
  machines += 1;
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: `team-machine-${machines}`,
      roleArn: ROLE,
      definition: JSON.stringify(definition),
    }),
  );
  return stateMachineArn as string;
}

describe('a Task whose Resource is a Lambda function ARN', () => {
  it('records LambdaFunction events, as AWS does for this older form', async () => {
    const unregister = local.registerFunction('check-metrics', (payload) => ({ Return: payload }));
    try {
      const { events, described } = await run(
        {
          step1: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:123456789012:function:check-metrics',
            End: true,
          },
        },
        'step1',
        { auc: 0.91 },
      );

      expect(described.status).toBe('SUCCEEDED');
      // As services/test_lambda_task test_invoke_pipe records it.
      expect(events.map(comparable)).toEqual([
        [
          1,
          0,
          'ExecutionStarted',
          { input: { auc: 0.91 }, inputDetails: { truncated: false }, roleArn: ROLE },
        ],
        [
          2,
          0,
          'TaskStateEntered',
          { name: 'step1', input: { auc: 0.91 }, inputDetails: { truncated: false } },
        ],
        [
          3,
          2,
          'LambdaFunctionScheduled',
          {
            resource: 'arn:aws:lambda:us-east-1:123456789012:function:check-metrics',
            input: { auc: 0.91 },
            inputDetails: { truncated: false },
          },
        ],
        [4, 3, 'LambdaFunctionStarted'],
        [
          5,
          4,
          'LambdaFunctionSucceeded',
          { output: { Return: { auc: 0.91 } }, outputDetails: { truncated: false } },
        ],
        [
          6,
          5,
          'TaskStateExited',
          { name: 'step1', output: { Return: { auc: 0.91 } }, outputDetails: { truncated: false } },
        ],
        [
          7,
          6,
          'ExecutionSucceeded',
          { output: { Return: { auc: 0.91 } }, outputDetails: { truncated: false } },
        ],
      ]);
    } finally {
      unregister();
    }
  });
});
