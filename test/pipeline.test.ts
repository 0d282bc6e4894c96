// Must load before the interpreter runs a Task: Node 20 lacks Promise.withResolvers.
import '../local/polyfills';
import {
  ExecutionError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { throttledTaskError } from '../local/sagemaker/task-integration';
import {
  exampleInput,
  PIPELINE_STATE_NAMES as S,
  referenceDefinition,
  type JsonObject,
  type PipelineInput,
} from '../pipeline';
import { trainingRequestFor } from './support/training-request';

// asl-validator ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validateAsl = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
  errorsText: (separator?: string) => string;
};

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type TaskHandler = LocalHandlers[string];
type TaskResult = ReturnType<TaskHandler>;
type TaskParams = Parameters<TaskHandler>[0];
type EventLogs = ReturnType<StateMachine['run']>['eventLogs'];

interface AslState {
  Type: string;
  Resource?: string;
  Next?: string;
  Error?: string;
  Cause?: string;
  CausePath?: string;
  Retry?: JsonObject[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  ItemProcessor?: { States: Record<string, AslState> };
}

// asl-validator (also run by the StateMachine constructor) adds QueryLanguage to every state in place,
// so validators only ever see copies. Not structuredClone: under jest it yields objects from another realm,
// which the interpreter's isPlainObj rejects, leaving nested "Key.$" fields unresolved.
function copyOf<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const definition = referenceDefinition as unknown as { StartAt: string; States: Record<string, AslState> };

/** Every state, including those inside the quality gate's Map. */
function allStates(states = definition.States): [string, AslState][] {
  return Object.entries(states).flatMap(([name, state]): [string, AslState][] => [
    [name, state],
    ...(state.ItemProcessor ? allStates(state.ItemProcessor.States) : []),
  ]);
}

const EXECUTION_NAME = 'prod-b1';
const ENDPOINT = 'churn-prod';
/** The config an existing endpoint serves before this build; a failed update rolls back to it. */
const PREVIOUS_CONFIG = 'prod-a9';
const CONFIG_ARN = `arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/${EXECUTION_NAME}`;
const HEALTH_CHECK_FAILURE =
  'The primary container for production variant AllTraffic did not pass the ping health check.';

const TASKS = [
  S.trainModel,
  S.saveModel,
  S.createEndpointConfig,
  S.checkEndpoint,
  S.createEndpoint,
  S.updateEndpoint,
  S.checkEndpointStatus,
] as const;
type TaskName = (typeof TASKS)[number];

const AFTER_TRAINING: TaskName[] = TASKS.filter((task) => task !== S.trainModel);

/** Errors thrown by local handlers surface as Error = name, Cause = message. */
function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

function metrics(...pairs: [string, number][]): JsonObject[] {
  return pairs.map(([MetricName, Value]) => ({ MetricName, Value, Timestamp: '2024-05-01T12:00:00Z' }));
}

function trainedWith(finalMetrics: JsonObject[] | undefined): TaskHandler {
  return (params) => {
    const { TrainingJobName, OutputDataConfig } = params as {
      TrainingJobName: string;
      OutputDataConfig: { S3OutputPath: string };
    };
    return {
      TrainingJobName,
      TrainingJobStatus: 'Completed',
      ModelArtifacts: {
        S3ModelArtifacts: `${OutputDataConfig.S3OutputPath}${TrainingJobName}/output/model.tar.gz`,
      },
      ...(finalMetrics ? { FinalMetricDataList: finalMetrics } : {}),
    };
  };
}

/** Successive describeEndpoint answers; the last one repeats. */
function endpointStates(...answers: JsonObject[]): TaskHandler {
  let calls = 0;
  return () => ({ EndpointName: ENDPOINT, ...answers[Math.min(calls++, answers.length - 1)] });
}

function throwsOnce(error: Error, then: TaskHandler): TaskHandler {
  let thrown = false;
  return (params) => {
    if (thrown) return then(params);
    thrown = true;
    throw error;
  };
}

function throws(error: Error): TaskHandler {
  return () => {
    throw error;
  };
}

const MODEL_DATA = `s3://sagebuild-demo-artifacts-123456789012/${ENDPOINT}/${EXECUTION_NAME}/output/model.tar.gz`;

/** A new endpoint whose model clears the default gate (validation:auc >= 0.8). */
const DEFAULT_HANDLERS: Record<TaskName, TaskHandler> = {
  [S.trainModel]: trainedWith(metrics(['train:auc', 0.95], ['validation:auc', 0.91])),
  [S.saveModel]: () => ({ ModelArn: `arn:aws:sagemaker:us-east-1:123456789012:model/${EXECUTION_NAME}` }),
  [S.createEndpointConfig]: () => ({ EndpointConfigArn: CONFIG_ARN }),
  [S.checkEndpoint]: throws(
    awsError('SageMaker.SageMakerException', `Could not find endpoint "${ENDPOINT}".`),
  ),
  [S.createEndpoint]: () => ({
    EndpointArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${ENDPOINT}`,
  }),
  [S.updateEndpoint]: () => ({
    EndpointArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${ENDPOINT}`,
  }),
  [S.checkEndpointStatus]: endpointStates(
    { EndpointStatus: 'Creating', EndpointConfigName: EXECUTION_NAME },
    { EndpointStatus: 'InService', EndpointConfigName: EXECUTION_NAME },
  ),
};

const UPDATING: JsonObject = {
  EndpointStatus: 'Updating',
  EndpointConfigName: PREVIOUS_CONFIG,
  PendingDeploymentSummary: { EndpointConfigName: EXECUTION_NAME, StartTime: 1714564800000 },
};

const EXISTING_ENDPOINT: Partial<Record<TaskName, TaskHandler>> = {
  [S.checkEndpoint]: () => ({
    EndpointName: ENDPOINT,
    EndpointStatus: 'InService',
    EndpointConfigName: PREVIOUS_CONFIG,
  }),
  // Like SageMaker: the old config keeps serving (and is described) until the update is done.
  [S.checkEndpointStatus]: endpointStates(UPDATING, {
    EndpointStatus: 'InService',
    EndpointConfigName: EXECUTION_NAME,
  }),
};

type FakeSageMaker = Record<TaskName, jest.Mock<TaskResult, [TaskParams]>>;

function fakeSageMaker(overrides: Partial<Record<TaskName, TaskHandler>>): FakeSageMaker {
  const entries = TASKS.map((task) => [task, jest.fn(overrides[task] ?? DEFAULT_HANDLERS[task])]);
  return Object.fromEntries(entries) as FakeSageMaker;
}

async function topLevelPath(events: EventLogs): Promise<string[]> {
  const entered: string[] = [];
  for await (const event of events) {
    // Map iterations' states carry an index.
    if (event.type === 'StateEntered' && event.index === undefined) entered.push(event.state.name);
  }
  return entered;
}

interface Failure {
  error: string;
  cause: string;
}

function describeFailure(error: unknown): Failure {
  if (!(error instanceof ExecutionError) || !(error.cause instanceof Error)) throw error;
  return { error: error.cause.name, cause: error.cause.message };
}

// Construction validates the definition (~250 ms), so it happens once.
const machine = new StateMachine(copyOf(definition) as unknown as StateMachineDefinition);

async function runBuild(input: PipelineInput, overrides: Partial<Record<TaskName, TaskHandler>> = {}) {
  const aws = fakeSageMaker(overrides);
  const execution = machine.run(input as unknown as JsonObject, {
    overrides: {
      taskResourceLocalHandlers: aws,
      waitTimeOverrides: { [S.waitForEndpoint]: 0 },
      retryIntervalOverrides: Object.fromEntries(TASKS.map((task) => [task, 0])),
    },
    context: {
      Execution: {
        Id: 'arn:aws:states:us-east-1:123456789012:execution:prod:b1',
        Name: EXECUTION_NAME,
        Input: input as unknown as JsonObject,
        StartTime: new Date().toISOString(),
      },
    },
  });
  const path = topLevelPath(execution.eventLogs);
  const outcome = await execution.result.then(
    (output) => ({ output: output as JsonObject, failure: undefined }),
    (error: unknown) => ({ output: undefined, failure: describeFailure(error) }),
  );
  return { ...outcome, aws, path: await path };
}

function expectNotCalled(aws: FakeSageMaker, tasks: TaskName[]): void {
  for (const task of tasks) expect([task, aws[task].mock.calls.length]).toEqual([task, 0]);
}

describe('reference definition', () => {
  it('is valid Amazon States Language', () => {
    const result = validateAsl(copyOf(referenceDefinition));
    if (!result.isValid) console.error(result.errorsText());
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('has the main states the core reads aloud, starting with training', () => {
    expect(definition.StartAt).toBe(S.trainModel);
    for (const name of Object.values(S)) expect(Object.keys(definition.States)).toContain(name);
  });

  it('calls the SageMaker integrations named in the issue', () => {
    const resources = Object.fromEntries(TASKS.map((task) => [task, definition.States[task]?.Resource]));
    expect(resources).toEqual({
      [S.trainModel]: 'arn:aws:states:::sagemaker:createTrainingJob.sync',
      [S.saveModel]: 'arn:aws:states:::sagemaker:createModel',
      [S.createEndpointConfig]: 'arn:aws:states:::sagemaker:createEndpointConfig',
      [S.checkEndpoint]: 'arn:aws:states:::aws-sdk:sagemaker:describeEndpoint',
      [S.createEndpoint]: 'arn:aws:states:::sagemaker:createEndpoint',
      [S.updateEndpoint]: 'arn:aws:states:::sagemaker:updateEndpoint',
      [S.checkEndpointStatus]: 'arn:aws:states:::aws-sdk:sagemaker:describeEndpoint',
    });
  });

  it('retries the error names Step Functions really raises for throttling, and catches the rest', () => {
    const tasks = allStates().filter(([, state]) => state.Type === 'Task');
    expect(tasks.map(([name]) => name).sort()).toEqual([...TASKS].sort());
    for (const [name, task] of tasks) {
      // Optimized integrations surface throttling as AmazonSageMakerException (AWS samples also retry
      // ResourceLimitExceeded); aws-sdk tasks as SageMakerException. ThrottlingException never reaches a Task.
      const optimized = task.Resource?.startsWith('arn:aws:states:::sagemaker:');
      const errors = optimized
        ? ['SageMaker.AmazonSageMakerException', 'SageMaker.ResourceLimitExceededException']
        : ['SageMaker.SageMakerException'];
      expect([name, task.Retry?.map((retrier) => retrier.ErrorEquals)]).toEqual([name, [errors]]);
      expect(JSON.stringify(task.Retry)).not.toContain('ThrottlingException');
      const lastCatch = task.Catch?.at(-1);
      expect([name, lastCatch?.ErrorEquals]).toEqual([name, ['States.ALL']]);
      expect([name, definition.States[lastCatch?.Next ?? '']?.Type]).toEqual([name, 'Fail']);
    }
  });

  it('gives every Fail state an Error and a Cause', () => {
    for (const [name, state] of allStates().filter(([, s]) => s.Type === 'Fail')) {
      expect([name, state.Error]).toEqual([name, expect.stringMatching(/^[A-Z][A-Za-z]+$/)]);
      expect([name, state.Cause ?? state.CausePath]).toEqual([name, expect.any(String)]);
    }
  });

  it('names states so they read aloud: plain words, no camelCase or underscores', () => {
    for (const [name] of allStates()) expect(name).toMatch(/^[A-Z][a-z0-9]*( [a-z0-9]+)*$/);
  });

  it('sticks to JSONPath: the local interpreter ignores JSONata and Assign', () => {
    const text = JSON.stringify(referenceDefinition);
    expect(text).not.toMatch(/"QueryLanguage"|"Assign"|"Arguments"|"Output"|\{%/);
  });
});

describe('running the build locally', () => {
  it('creates a missing endpoint, naming the job, model and config after the execution', async () => {
    const input = exampleInput(ENDPOINT);
    const { output, failure, aws, path } = await runBuild(input);

    expect(failure).toBeUndefined();
    expect(path).toEqual([
      S.trainModel,
      S.checkQualityGate,
      'Grade metrics',
      'Is quality gate met',
      'Choose inference image',
      S.saveModel,
      S.createEndpointConfig,
      S.checkEndpoint,
      'Is endpoint missing',
      S.createEndpoint,
      S.waitForEndpoint,
      S.checkEndpointStatus,
      S.isEndpointInService,
      'Count endpoint check',
      S.waitForEndpoint,
      S.checkEndpointStatus,
      S.isEndpointInService,
      S.buildSucceeded,
    ]);
    expect(aws[S.trainModel]).toHaveBeenCalledWith({
      TrainingJobName: EXECUTION_NAME,
      ...trainingRequestFor(input),
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      HyperParameters: input.hyperparameters,
    });
    expect(aws[S.saveModel]).toHaveBeenCalledWith({
      ModelName: EXECUTION_NAME,
      ExecutionRoleArn: input.roleArn,
      PrimaryContainer: { Image: input.inferenceImage, ModelDataUrl: MODEL_DATA },
    });
    expect(aws[S.createEndpointConfig]).toHaveBeenCalledWith({
      EndpointConfigName: EXECUTION_NAME,
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: EXECUTION_NAME,
          InstanceType: 'ml.m5.large',
          InitialInstanceCount: 1,
          InitialVariantWeight: 1,
        },
      ],
    });
    expect(aws[S.checkEndpoint]).toHaveBeenCalledWith({ EndpointName: ENDPOINT });
    expect(aws[S.createEndpoint]).toHaveBeenCalledWith({
      EndpointName: ENDPOINT,
      EndpointConfigName: EXECUTION_NAME,
    });
    expect(aws[S.checkEndpointStatus]).toHaveBeenCalledTimes(2);
    expectNotCalled(aws, [S.updateEndpoint]);
    expect(output?.endpointConfig).toEqual({
      EndpointConfigArn: CONFIG_ARN,
      EndpointConfigName: EXECUTION_NAME,
    });
    expect(output?.endpoint).toEqual({
      EndpointName: ENDPOINT,
      EndpointStatus: 'InService',
      EndpointConfigName: EXECUTION_NAME,
    });
  });

  it('updates an existing endpoint in place, keeping its name', async () => {
    const { failure, aws, path } = await runBuild(exampleInput(ENDPOINT), EXISTING_ENDPOINT);

    expect(failure).toBeUndefined();
    expect(path).toContain(S.updateEndpoint);
    expect(path.at(-1)).toBe(S.buildSucceeded);
    expect(aws[S.updateEndpoint]).toHaveBeenCalledWith({
      EndpointName: ENDPOINT,
      EndpointConfigName: EXECUTION_NAME,
    });
    expectNotCalled(aws, [S.createEndpoint]);
  });

  it('falls back to the training image when no inference image is given', async () => {
    const input = exampleInput(ENDPOINT);
    delete input.inferenceImage;
    const { failure, aws } = await runBuild(input);

    expect(failure).toBeUndefined();
    expect(aws[S.saveModel]).toHaveBeenCalledWith(
      expect.objectContaining({ PrimaryContainer: { Image: input.trainingImage, ModelDataUrl: MODEL_DATA } }),
    );
  });

  describe('quality gate', () => {
    const rmseGate = {
      metricName: 'validation:rmse',
      threshold: 0.25,
      comparison: 'LessThanOrEqual',
    } as const;

    it.each([
      ['validation:auc at the threshold', exampleInput(ENDPOINT), metrics(['validation:auc', 0.8])],
      [
        'validation:rmse below a LessThanOrEqual threshold',
        exampleInput(ENDPOINT, { qualityGate: rmseGate }),
        metrics(['validation:rmse', 0.21], ['train:rmse', 0.4]),
      ],
      ['no gate, no metrics', exampleInput(ENDPOINT, { qualityGate: undefined }), undefined],
    ])('lets the build through: %s', async (_case, input, finalMetrics) => {
      const { failure, aws } = await runBuild(input, { [S.trainModel]: trainedWith(finalMetrics) });

      expect(failure).toBeUndefined();
      expect(aws[S.createEndpoint]).toHaveBeenCalled();
    });

    it.each([
      [
        'validation:auc below the threshold',
        exampleInput(ENDPOINT),
        metrics(['train:auc', 0.97], ['validation:auc', 0.71]),
        'validation:auc was 0.71, below the threshold 0.8',
      ],
      [
        'validation:rmse above a LessThanOrEqual threshold',
        exampleInput(ENDPOINT, { qualityGate: rmseGate }),
        metrics(['validation:rmse', 0.31]),
        'validation:rmse was 0.31, above the threshold 0.25',
      ],
      [
        'a comparison the gate does not know (untyped input)',
        exampleInput(ENDPOINT, { qualityGate: { ...rmseGate, comparison: 'Equals' as 'LessThanOrEqual' } }),
        metrics(['validation:rmse', 0.2]),
        'Unknown comparison Equals for validation:rmse, expected GreaterThanOrEqual or LessThanOrEqual',
      ],
      [
        'gate metric not among those reported',
        exampleInput(ENDPOINT),
        metrics(['train:auc', 0.97]),
        `validation:auc was not reported by training job ${EXECUTION_NAME}`,
      ],
      [
        'no metrics reported at all',
        exampleInput(ENDPOINT),
        undefined,
        `validation:auc was not reported by training job ${EXECUTION_NAME}`,
      ],
    ])('stops the build before anything is deployed: %s', async (_case, input, finalMetrics, cause) => {
      const { failure, aws } = await runBuild(input, { [S.trainModel]: trainedWith(finalMetrics) });

      expect(failure).toEqual({ error: 'QualityGateFailed', cause });
      expectNotCalled(aws, AFTER_TRAINING);
    });
  });

  it('reports a failed training job with its cause intact', async () => {
    const cause = JSON.stringify({
      TrainingJobStatus: 'Failed',
      FailureReason: 'AlgorithmError: num_round must be a positive integer',
    });
    const { failure, aws } = await runBuild(exampleInput(ENDPOINT), {
      [S.trainModel]: throws(awsError('States.TaskFailed', cause)),
    });

    expect(failure).toEqual({ error: 'TrainingFailed', cause });
    expectNotCalled(aws, AFTER_TRAINING);
  });

  it.each([
    [
      'Failed, with a reason',
      {
        EndpointStatus: 'Failed',
        EndpointConfigName: EXECUTION_NAME,
        FailureReason: 'The primary container did not pass the ping health check.',
      },
      `Endpoint ${ENDPOINT} is Failed: The primary container did not pass the ping health check.`,
    ],
    [
      'RollingBack, without a reason',
      { EndpointStatus: 'RollingBack', EndpointConfigName: EXECUTION_NAME },
      `Endpoint ${ENDPOINT} is RollingBack`,
    ],
    [
      'UpdateRollbackFailed, with a reason',
      {
        EndpointStatus: 'UpdateRollbackFailed',
        EndpointConfigName: PREVIOUS_CONFIG,
        FailureReason: 'Rollback failed: the previous production variant could not be restored.',
      },
      `Endpoint ${ENDPOINT} is UpdateRollbackFailed: Rollback failed: the previous production variant could not be restored.`,
    ],
    [
      'OutOfService',
      { EndpointStatus: 'OutOfService', EndpointConfigName: EXECUTION_NAME },
      `Endpoint ${ENDPOINT} is OutOfService`,
    ],
    [
      'Deleting',
      { EndpointStatus: 'Deleting', EndpointConfigName: EXECUTION_NAME },
      `Endpoint ${ENDPOINT} is Deleting`,
    ],
  ])('fails the build when the endpoint ends up %s', async (_case, finalState, cause) => {
    const { failure } = await runBuild(exampleInput(ENDPOINT), {
      [S.checkEndpointStatus]: endpointStates(
        { EndpointStatus: 'Creating', EndpointConfigName: EXECUTION_NAME },
        finalState,
      ),
    });

    expect(failure).toEqual({ error: 'EndpointFailed', cause });
  });

  it('ends the build after an hour of checks when the endpoint never settles', async () => {
    const { failure, aws, path } = await runBuild(exampleInput(ENDPOINT), {
      [S.checkEndpointStatus]: endpointStates({
        EndpointStatus: 'Updating',
        EndpointConfigName: PREVIOUS_CONFIG,
      }),
    });

    expect(failure).toEqual({
      error: 'EndpointFailed',
      cause: `Endpoint ${ENDPOINT} was still Updating after an hour of checks`,
    });
    // 120 waits of 30 seconds after the first check: SageMaker's own endpoint waiter allows as long.
    expect(aws[S.checkEndpointStatus]).toHaveBeenCalledTimes(121);
    expect(path.filter((state) => state === S.waitForEndpoint)).toHaveLength(121);
    expect(path.slice(-2)).toEqual(['Explain endpoint timeout', 'Endpoint failed']);
  });

  it('keeps waiting through SystemUpdating and still succeeds', async () => {
    const { failure, aws } = await runBuild(exampleInput(ENDPOINT), {
      [S.checkEndpointStatus]: endpointStates(
        { EndpointStatus: 'Creating', EndpointConfigName: EXECUTION_NAME },
        { EndpointStatus: 'SystemUpdating', EndpointConfigName: EXECUTION_NAME },
        { EndpointStatus: 'InService', EndpointConfigName: EXECUTION_NAME },
      ),
    });

    expect(failure).toBeUndefined();
    expect(aws[S.checkEndpointStatus]).toHaveBeenCalledTimes(3);
  });

  describe('a failed update, which SageMaker rolls back to the previous config', () => {
    it('fails when a poll catches it RollingBack', async () => {
      const { failure, path } = await runBuild(exampleInput(ENDPOINT), {
        ...EXISTING_ENDPOINT,
        [S.checkEndpointStatus]: endpointStates(UPDATING, {
          EndpointStatus: 'RollingBack',
          EndpointConfigName: PREVIOUS_CONFIG,
          FailureReason: HEALTH_CHECK_FAILURE,
        }),
      });

      expect(failure).toEqual({
        error: 'EndpointFailed',
        cause: `Endpoint ${ENDPOINT} is RollingBack: ${HEALTH_CHECK_FAILURE}`,
      });
      expect(path).not.toContain(S.buildSucceeded);
    });

    it('fails when the polls miss RollingBack and see the old config InService again', async () => {
      const { failure, aws, path } = await runBuild(exampleInput(ENDPOINT), {
        ...EXISTING_ENDPOINT,
        [S.checkEndpointStatus]: endpointStates(UPDATING, {
          EndpointStatus: 'InService',
          EndpointConfigName: PREVIOUS_CONFIG,
          FailureReason: HEALTH_CHECK_FAILURE,
        }),
      });

      expect(failure).toEqual({
        error: 'EndpointFailed',
        cause: `Endpoint ${ENDPOINT} rolled back to its previous model: ${HEALTH_CHECK_FAILURE}`,
      });
      expect(aws[S.checkEndpointStatus]).toHaveBeenCalledTimes(2);
      expect(path.slice(-4)).toEqual([
        S.checkEndpointStatus,
        S.isEndpointInService,
        'Explain endpoint rollback',
        'Endpoint failed',
      ]);
    });

    it('fails when the endpoint is InService on another config without a reason', async () => {
      const { failure, path } = await runBuild(exampleInput(ENDPOINT), {
        ...EXISTING_ENDPOINT,
        [S.checkEndpointStatus]: endpointStates(UPDATING, {
          EndpointStatus: 'InService',
          EndpointConfigName: PREVIOUS_CONFIG,
        }),
      });

      expect(failure).toEqual({
        error: 'EndpointFailed',
        cause: `Endpoint ${ENDPOINT} is InService but not on endpoint config ${EXECUTION_NAME} from this build`,
      });
      expect(path).toContain('Explain other endpoint config');
    });

    it("does not fail on a FailureReason left over once this build's config is InService", async () => {
      const { failure, path } = await runBuild(exampleInput(ENDPOINT), {
        ...EXISTING_ENDPOINT,
        [S.checkEndpointStatus]: endpointStates(UPDATING, {
          EndpointStatus: 'InService',
          EndpointConfigName: EXECUTION_NAME,
          FailureReason: HEALTH_CHECK_FAILURE,
        }),
      });

      expect(failure).toBeUndefined();
      expect(path.at(-1)).toBe(S.buildSucceeded);
    });
  });

  it.each(TASKS)('retries %s when SageMaker throttles it, and the build succeeds', async (task) => {
    // The very error the local AWS's fault injector raises for this task's integration.
    const throttled = throttledTaskError(definition.States[task]?.Resource ?? '') as Error;
    const base = task === S.updateEndpoint ? EXISTING_ENDPOINT : {};
    const then = base[task] ?? DEFAULT_HANDLERS[task];
    const { failure, aws, path } = await runBuild(exampleInput(ENDPOINT), {
      ...base,
      [task]: throwsOnce(throttled, then),
    });

    expect(failure).toBeUndefined();
    expect(path.at(-1)).toBe(S.buildSucceeded);
    expect(aws[task].mock.calls.length).toBeGreaterThanOrEqual(2);
  });

  it('still fails a first deploy quickly when the missing-endpoint check is retried', async () => {
    const { failure, aws } = await runBuild(exampleInput(ENDPOINT));

    expect(failure).toBeUndefined();
    // The short retrier runs out (1 + 3 retries), then the catch sends the build to Create endpoint.
    expect(aws[S.checkEndpoint]).toHaveBeenCalledTimes(4);
    expect(aws[S.createEndpoint]).toHaveBeenCalledTimes(1);
  });

  it.each([
    [
      'access denied',
      'SageMaker.AccessDeniedException',
      'User is not authorized to perform: sagemaker:DescribeEndpoint',
    ],
    ['another SageMaker error', 'SageMaker.SageMakerException', 'Internal service error'],
  ])('fails without touching the endpoint when the check hits %s', async (_case, name, cause) => {
    const { failure, aws } = await runBuild(exampleInput(ENDPOINT), {
      [S.checkEndpoint]: throws(awsError(name, cause)),
    });

    expect(failure).toEqual({ error: 'EndpointCheckFailed', cause });
    expectNotCalled(aws, [S.createEndpoint, S.updateEndpoint, S.checkEndpointStatus]);
  });

  it.each([
    [S.saveModel, 'SaveModelFailed', {}],
    [S.createEndpointConfig, 'EndpointConfigFailed', {}],
    [S.createEndpoint, 'EndpointCreationFailed', {}],
    [S.updateEndpoint, 'EndpointUpdateFailed', EXISTING_ENDPOINT],
    [S.checkEndpointStatus, 'EndpointStatusCheckFailed', {}],
  ])('names the failure when %s fails', async (task, error, overrides) => {
    const cause = `${task} was rejected: ValidationException`;
    const { failure } = await runBuild(exampleInput(ENDPOINT), {
      ...overrides,
      [task]: throws(awsError('SageMaker.ValidationException', cause)),
    });

    expect(failure).toEqual({ error, cause });
  });
});

describe('exampleInput', () => {
  it('is a complete XGBoost build that overrides can adjust', () => {
    const input = exampleInput('fraud', { endpointInstanceCount: 2 });

    expect(input).toMatchObject({
      endpointName: 'fraud',
      roleArn: 'arn:aws:iam::123456789012:role/SageBuildSageMakerRole',
      trainingInstanceType: 'ml.m5.xlarge',
      endpointInstanceType: 'ml.m5.large',
      endpointInstanceCount: 2,
      qualityGate: { metricName: 'validation:auc', threshold: 0.8, comparison: 'GreaterThanOrEqual' },
    });
    expect(input.trainingImage).toMatch(/^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/.*xgboost/);
    expect(Object.values(input.hyperparameters).every((value) => typeof value === 'string')).toBe(true);
  });
});
