// Teams' own state machines, unchanged: the DS SDK's Workflow and TrainingPipeline, a continuous-deployment
// machine after AWS's blog posts, and an odd hand-written one. Each runs end to end on the local AWS, and
// the core answers about it through the real SDK clients, in sentences a person would say.

import {
  CreateStateMachineCommand,
  SFNClient,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { readHistory } from '../core/builds/history';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { BuildContext } from '../core/builds/context';
import {
  DefinitionCache,
  definitionFor,
  MAX_CACHED_DEFINITIONS,
  parseDefinition,
} from '../core/machine/definition';
import { machineRoles, roleOfResource } from '../core/machine/roles';
import { parseConfig } from '../core/config/load';
import { NoBuildsYet } from '../core/errors';
import type { BuildStatusFact, StartResult } from '../core/builds/facts';
import { SageBuild } from '../core/sagebuild';
import { details, errorSentence, liveModel, status, whyFailed } from '../core/wording';
import { LocalAws } from '../local/local-aws';
import { healthCheckFailure } from '../local/sagemaker/scenario';
import { renderBuildCard } from '../slack/cards';
import {
  continuousDeployment,
  dsSdkTrainingPipeline,
  dsSdkWorkflow,
  MACHINE_FIXTURES,
  oddParallel,
  type MachineFixture,
} from './fixtures/machines';
import { newKey, TEST_TIME_SCALE, tester, waitFor } from './support/local-stack';

let local: LocalAws;
let sfn: SFNClient;
let core: SageBuild;
const machineArns = new Map<string, string>();

beforeAll(async () => {
  local = await LocalAws.start({ timeScale: TEST_TIME_SCALE });
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  sfn = new SFNClient({});
  for (const machine of MACHINE_FIXTURES) {
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: `team-${machine.name}`,
        definition: machine.definition,
        roleArn: 'arn:aws:iam::123456789012:role/TeamStepFunctionsRole',
      }),
    );
    machineArns.set(machine.name, created.stateMachineArn as string);
  }
  core = new SageBuild(
    parseConfig(
      {
        region: local.region,
        pipelines: MACHINE_FIXTURES.map((machine) => ({
          name: machine.name,
          stateMachineArn: machineArns.get(machine.name),
          defaultInput: machine.defaultInput,
          access: { start: ['*'], stop: ['*'] },
        })),
      },
      'test',
    ),
  );
});

afterAll(async () => {
  core.close();
  sfn.destroy();
  await local.close();
});

const now = () => new Date();

/** Starts a build the way the team's own tooling does: StartExecution with a name and input of its own. */
async function startBuild(
  machine: MachineFixture,
  build: string,
  hyperparameters: Record<string, string> = {},
  inputChange: (input: Record<string, unknown>) => Record<string, unknown> = (input) => input,
): Promise<string> {
  const started = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: machineArns.get(machine.name),
      name: build,
      input: JSON.stringify(inputChange(machine.input(build, hyperparameters))),
    }),
  );
  return started.executionArn as string;
}

function finish(executionArn: string) {
  return local.stepFunctions.waitFor(executionArn);
}

/** The card's step list as Slack shows it, one line per step. */
async function cardSteps(machine: MachineFixture, executionArn: string): Promise<string[]> {
  const fact = await core.statusOf(machine.name, executionArn);
  const card = renderBuildCard(fact, { consoleUrl: 'https://console.example', canStop: true, now: now() });
  const block = card.blocks.find((b) => b.block_id === 'build_steps');
  expect(card.blocks.length).toBeLessThanOrEqual(50);
  return block?.type === 'section' ? (block.text?.text ?? '').split('\n') : [];
}

const ICON = {
  done: ':white_check_mark:',
  running: ':hourglass_flowing_sand:',
  waiting: ':white_circle:',
  failed: ':x:',
  stopped: ':octagonal_sign:',
  skipped: ':heavy_minus_sign:',
};

type CardSteps = [keyof typeof ICON, string][];

/** "Train Step" etc. with an icon each; a running step also says how long it has run. */
function lines(steps: CardSteps): (string | RegExp)[] {
  return steps.map(([state, label]) =>
    state === 'running' ? new RegExp(`^${ICON.running} ${escape(label)} · .+$`) : `${ICON[state]} ${label}`,
  );
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function expectLines(actual: string[], expected: (string | RegExp)[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((line, i) => {
    if (typeof line === 'string') expect(actual[i]).toBe(line);
    else expect(actual[i]).toMatch(line);
  });
}

/** How each machine names things, and what its card lists. */
interface Expectations {
  machine: MachineFixture;
  /** The card's steps for a build that is training (running first training step). */
  trainingCard: CardSteps;
  /** The card's steps, all done, for a build that succeeded. */
  succeededSteps: string[];
}

/** A stop while training: the running step is stopped there, and the steps it never reached are skipped. */
function stoppedWhileTraining(trainingCard: CardSteps): CardSteps {
  const after = { running: 'stopped', waiting: 'skipped' } as const;
  return trainingCard.map(([state, label]) => [
    state === 'running' || state === 'waiting' ? after[state] : state,
    label,
  ]);
}

const EXPECTATIONS: Expectations[] = [
  {
    machine: dsSdkWorkflow,
    trainingCard: [
      ['running', 'Train Step'],
      ['waiting', 'Save model'],
      ['waiting', 'Create Endpoint Config'],
      ['waiting', 'Create Endpoint'],
    ],
    succeededSteps: ['Train Step', 'Save model', 'Create Endpoint Config', 'Create Endpoint'],
  },
  {
    machine: dsSdkTrainingPipeline,
    trainingCard: [
      ['running', 'Training'],
      ['waiting', 'Create Model'],
      ['waiting', 'Configure Endpoint'],
      ['waiting', 'Deploy'],
    ],
    succeededSteps: ['Training', 'Create Model', 'Configure Endpoint', 'Deploy'],
  },
  {
    machine: continuousDeployment,
    trainingCard: [
      ['running', 'TrainingJob'],
      ['waiting', 'CreateModel'],
      ['waiting', 'CreateEndpointConfig'],
      ['waiting', 'CheckEndpointExists'],
      ['waiting', 'CreateEndpoint / UpdateEndpoint'],
      ['waiting', 'WaitForDeploy'],
    ],
    // The endpoint exists by then: the choice went to UpdateEndpoint, and the card names the branch taken.
    succeededSteps: [
      'TrainingJob',
      'CreateModel',
      'CreateEndpointConfig',
      'CheckEndpointExists',
      'UpdateEndpoint',
      'WaitForDeploy',
    ],
  },
  {
    machine: oddParallel,
    trainingCard: [
      ['done', 'step_1'],
      ['running', 'step_2 (sm-train, logging)'],
      ['waiting', 'step_3'],
      ['waiting', 'step_4'],
      ['waiting', 'step_5'],
    ],
    succeededSteps: ['step_1', 'step_2 (sm-train, logging)', 'step_3', 'step_4', 'step_5'],
  },
];

/** Words that must never reach a sentence about these machines. */
const GARBLED = [
  /training the step/,
  /training the job/,
  /is deployed step/,
  /step 1 step/,
  /SageMakerTrainingJobFailed/,
  /working on the/,
];

function expectNatural(sentence: string): void {
  for (const bad of GARBLED) expect(sentence).not.toMatch(bad);
}

const HEALTH_CHECK = healthCheckFailure('AllTraffic').replace(/\.$/, '');
/** The odd machine names its only production variant "variant-1". */
const healthCheckOf = (machine: MachineFixture) =>
  healthCheckFailure(machine === oddParallel ? 'variant-1' : 'AllTraffic').replace(/\.$/, '');
const TRAINING_REASON_START = 'AlgorithmError: ExecuteUserScriptError: ExitCode 1';

describe.each(EXPECTATIONS)('the $machine.name machine ($machine.file)', (expected) => {
  const { machine } = expected;
  const pipeline = machine.name;

  test('no builds yet: status and "which model is live" say so', async () => {
    const error = await core.status(pipeline).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoBuildsYet);
    expect(errorSentence(error)).toBe(`The ${pipeline} pipeline has no builds yet.`);
    expect(liveModel(await core.endpoint(pipeline))).toBe(
      `The ${pipeline} pipeline's endpoint doesn't exist yet.`,
    );
  });

  test('a first build succeeds and says where it deployed', async () => {
    await finish(await startBuild(machine, 'b1'));
    const fact = await core.status(pipeline);
    expect(fact.status).toBe('SUCCEEDED');
    const said = status(fact, now());
    // The build is done; its endpoint may still be on its way, and then the yes says so.
    const endpoint = escape(machine.namesOf('b1').endpoint);
    expect(said).toMatch(
      new RegExp(
        `^(Yes\\. Your ${pipeline} build finished .+, after .+\\. The endpoint ${endpoint} is in service|` +
          `Yes, your ${pipeline} build finished .+, after .+, but its endpoint ${endpoint} is still being created)\\.$`,
      ),
    );
  });

  test('while training: the role, SageMaker phase, the ETA from past builds and the card', async () => {
    const executionArn = await startBuild(machine, 'b2', { sagebuild_training_minutes: '600' });
    const fact = await waitFor(async () => {
      const f = await core.status(pipeline);
      return f.training?.secondaryStatus === 'Training' ? f : undefined;
    });
    expect(fact.currentStep).toMatchObject({ label: 'training the model', state: 'running' });
    expect(fact.eta).toMatchObject({ basedOn: 1 });
    const said = status(fact, now());
    expect(said).toMatch(
      new RegExp(
        `^Not yet\\. Your ${pipeline} build has been training the model for .+\\. Based on the last build it should be done (in .+|any minute now)\\.$`,
      ),
    );
    expectNatural(said);
    const more = details(await core.details(pipeline), now());
    expect(more).toContain(
      `The training job ${machine.namesOf('b2').job} is training. SageMaker says: Training image download completed. Training in progress.`,
    );
    expectNatural(more);
    expectLines(await cardSteps(machine, executionArn), lines(expected.trainingCard));

    // A stop keeps the step it stopped in.
    await core.stop({ pipeline, requester: tester });
    await finish(executionArn);
    const stopped = await core.status(pipeline);
    expect(stopped.status).toBe('ABORTED');
    expect(status(stopped, now())).toMatch(
      new RegExp(`^Your ${pipeline} build was stopped .+, while training the model\\.$`),
    );
    expectLines(await cardSteps(machine, executionArn), lines(stoppedWhileTraining(expected.trainingCard)));
  });

  test("a training failure: SageMaker's reason in status, why and the card, never a fixed cause", async () => {
    const executionArn = await startBuild(machine, 'b3', { sagebuild_simulate: 'training-failure' });
    await finish(executionArn);
    const fact = await core.status(pipeline);
    expect(fact.status).toBe('FAILED');
    const said = status(fact, now());
    expect(said).toMatch(
      new RegExp(
        `^No\\. Your ${pipeline} build failed .+ while training the model\\. The reason: ${escape(TRAINING_REASON_START)}`,
      ),
    );
    expectNatural(said);
    const why = whyFailed(await core.whyFailed(pipeline), now());
    expect(why).toMatch(
      new RegExp(
        `^Your ${pipeline} build failed .+ while training the model\\. SageMaker said: ${escape(TRAINING_REASON_START)}`,
      ),
    );
    expectNatural(why);
    const card = renderBuildCard(await core.statusOf(pipeline, executionArn), {
      consoleUrl: 'https://console.example',
      canStop: true,
      now: now(),
    });
    const failure = card.blocks.find((b) => b.block_id === 'build_failure');
    expect(JSON.stringify(failure)).toContain(TRAINING_REASON_START);
    expect(JSON.stringify(card)).not.toContain('SageMakerTrainingJobFailed');
  });

  test("an endpoint failure is told with SageMaker's reason", async () => {
    if (machine === continuousDeployment) {
      // This machine waits for its endpoint: a new endpoint that fails its health check fails the build.
      const executionArn = await startBuild(
        machine,
        'b4',
        { sagebuild_simulate: 'endpoint-failure' },
        (input) => ({
          ...input,
          EndpointName: 'churn-canary',
        }),
      );
      await finish(executionArn);
      const fact = await core.status(pipeline);
      expect(fact.status).toBe('FAILED');
      const said = status(fact, now());
      expect(said).toMatch(
        new RegExp(
          `^No\\. Your cd build failed .+ while waiting for the endpoint\\. The reason: ${escape(HEALTH_CHECK)}\\.$`,
        ),
      );
      expect(said).not.toContain('did not reach InService');
      const why = whyFailed(await core.whyFailed(pipeline), now());
      expect(why).toMatch(
        new RegExp(
          `^Your cd build failed .+ while waiting for the endpoint\\. SageMaker said: ${escape(HEALTH_CHECK)}\\.$`,
        ),
      );
      return;
    }
    // DS SDK style machines create the endpoint and end: the endpoint fails afterwards, and is told.
    await finish(await startBuild(machine, 'b4', { sagebuild_simulate: 'endpoint-failure' }));
    const live = await waitFor(async () => {
      const fact = await core.endpoint(pipeline);
      return fact.endpoint?.status === 'Failed' ? fact : undefined;
    });
    expect(liveModel(live)).toBe(
      `The ${machine.namesOf('b4').endpoint} endpoint has failed. SageMaker said: ${healthCheckOf(machine)}.`,
    );
    const fact = await core.status(pipeline);
    expect(status(fact, now())).toMatch(
      new RegExp(
        `^Yes, your ${pipeline} build finished .+, after .+, but its endpoint ${escape(machine.namesOf('b4').endpoint)} has failed\\. SageMaker said: ${escape(healthCheckOf(machine))}\\.$`,
      ),
    );
  });

  test('a second and third build, started by the core, succeed: details with metrics, the live model and the card', async () => {
    // As people start builds: the core names each one, and "{build}" in the default input names its jobs.
    const builds: StartResult[] = [];
    for (const round of [2, 3]) {
      const result = await core.start({ pipeline, requester: tester, idempotencyKey: newKey() });
      expect({ round, warnings: result.warnings }).toEqual({ round, warnings: undefined });
      expect({ round, status: (await finish(result.executionArn)).status }).toEqual({
        round,
        status: 'SUCCEEDED',
      });
      builds.push(result);
    }
    const { name: build, executionArn } = builds[1] as StartResult;
    const names = machine.namesOf(build);
    const fact: BuildStatusFact = await core.details(pipeline);
    expect(fact).toMatchObject({ status: 'SUCCEEDED', name: build });
    const more = details(fact, now());
    expect(more).toContain(
      `The training job ${names.job} has completed. SageMaker says: Training job completed. The latest metrics: train:auc is 0.94, validation:auc is 0.91 and validation:rmse is 0.21.`,
    );
    expectNatural(more);
    const live = await waitFor(async () => {
      const model = await core.endpoint(pipeline);
      return model.endpoint?.status === 'InService' && model.endpoint.modelName === names.model
        ? model
        : undefined;
    });
    expect(liveModel(live)).toBe(
      `The ${names.endpoint} endpoint is in service, serving model ${names.model}.`,
    );
    expectLines(
      await cardSteps(machine, executionArn),
      lines(expected.succeededSteps.map((label) => ['done', label])),
    );
  });
});

describe('the continuous-deployment machine while it deploys', () => {
  test('says it is waiting for the endpoint, and what the endpoint is doing', async () => {
    const executionArn = await startBuild(continuousDeployment, 'b7');
    const fact = await waitFor(async () => {
      const f = await core.status('cd');
      return f.currentStep?.label === 'waiting for the endpoint' && f.endpoint ? f : undefined;
    }, 60_000);
    expect(fact.endpoint).toMatchObject({ endpointName: 'churn-live', status: 'Updating' });
    const said = status(fact, now());
    expect(said).toMatch(
      /^Not yet\. Your cd build (has been|started .+ and has been) waiting for the endpoint for .+\./,
    );
    expectNatural(said);
    const steps = await cardSteps(continuousDeployment, executionArn);
    expect(steps.slice(-2)).toEqual([
      `${ICON.done} UpdateEndpoint`,
      expect.stringMatching(/^:hourglass_flowing_sand: WaitForDeploy · /),
    ]);
    await finish(executionArn);
  });
});

describe('knowing a machine from its definition', () => {
  const parsed = (machine: MachineFixture) => {
    const definition = parseDefinition(machine.definition);
    if (!definition) throw new Error(`${machine.file} does not parse`);
    return definition;
  };

  test('each state gets its role from its Resource and shape, whatever it is called', () => {
    expect(Object.fromEntries(machineRoles(parsed(continuousDeployment)))).toEqual({
      TrainingJob: 'training',
      CreateModel: 'model',
      CreateEndpointConfig: 'endpoint-config',
      CheckEndpointExists: 'endpoint-check',
      CreateEndpoint: 'create-endpoint',
      UpdateEndpoint: 'update-endpoint',
      WaitForDeploy: 'endpoint-wait',
      GetEndpointStatus: 'endpoint-wait',
      IsDeployed: 'endpoint-wait',
      DeploymentFailed: 'fail',
      DeploymentSucceeded: 'succeed',
    });
    expect(Object.fromEntries(machineRoles(parsed(oddParallel)))).toMatchObject({
      step_1: 'pass',
      step_2: 'parallel',
      'sm-train': 'training',
      logging: 'pass',
      step_3: 'model',
    });
    expect(roleOfResource('arn:aws:states:::lambda:invoke.waitForTaskToken')).toBe('approval');
    expect(roleOfResource('arn:aws:lambda:us-east-1:123456789012:function:notify')).toBe('lambda');
    expect(roleOfResource('createHyperParameterTuningJob.sync', 'sagemaker')).toBe('tuning');
    expect(roleOfResource('arn:aws:states:::aws-sdk:sagemaker:createProcessingJob')).toBe('processing');
    expect(roleOfResource('arn:aws:states:::sagemaker:createTransformJob.sync')).toBe('transform');
  });

  test('a definition SageBuild cannot read is no definition, never an error', () => {
    expect(parseDefinition('not json')).toBeUndefined();
    expect(parseDefinition('{"StartAt": "A"}')).toBeUndefined();
    expect(parseDefinition(' '.repeat(1_048_577))).toBeUndefined();
  });

  test('a build that waits for approval in a Map is in the approval, not the Map', () => {
    const events: HistoryEvent[] = [
      { id: 1, previousEventId: 0, type: 'ExecutionStarted', timestamp: new Date(0) },
      entered(2, 'Map', 'Approve each'),
      { id: 3, previousEventId: 2, type: 'MapStateStarted', timestamp: new Date(0) },
      entered(4, 'Task', 'Ask'),
      scheduled(5, 4, 'lambda', 'invoke.waitForTaskToken', {}),
    ];
    const reading = readHistory(events.reverse());
    expect(reading.current).toMatchObject({ name: 'Ask', type: 'Task' });
    expect(reading.currentTask?.role).toBe('approval');
  });
});

/** A state's Entered or Exited event, following the event before it, one second apart. */
function stateEvent(phase: 'Entered' | 'Exited', id: number, type: string, name: string): HistoryEvent {
  const event: HistoryEvent = {
    id,
    previousEventId: id - 1,
    type: `${type}State${phase}` as HistoryEvent['type'],
    timestamp: new Date(id * 1000),
  };
  if (phase === 'Entered') event.stateEnteredEventDetails = { name, input: '{}' };
  else event.stateExitedEventDetails = { name, output: '{}' };
  return event;
}

const entered = (id: number, type: string, name: string) => stateEvent('Entered', id, type, name);
const exited = (id: number, type: string, name: string) => stateEvent('Exited', id, type, name);

function scheduled(
  id: number,
  previousEventId: number,
  resourceType: string,
  resource: string,
  parameters: object,
): HistoryEvent {
  return {
    id,
    previousEventId,
    type: 'TaskScheduled',
    timestamp: new Date(id * 1000),
    taskScheduledEventDetails: {
      resourceType,
      resource,
      region: 'us-east-1',
      parameters: JSON.stringify(parameters),
    },
  };
}

/** A stop in the odd machine's Parallel, as real Step Functions records it: aborted events have no details. */
function stoppedInParallel(): HistoryEvent[] {
  const events: HistoryEvent[] = [
    { id: 1, previousEventId: 0, type: 'ExecutionStarted', timestamp: new Date(1000) },
    entered(2, 'Pass', 'step_1'),
    exited(3, 'Pass', 'step_1'),
    entered(4, 'Parallel', 'step_2'),
    { id: 5, previousEventId: 4, type: 'ParallelStateStarted', timestamp: new Date(5000) },
    entered(6, 'Task', 'sm-train'),
    entered(7, 'Pass', 'logging'),
    scheduled(8, 6, 'sagemaker', 'createTrainingJob.sync', { TrainingJobName: 'odd-real' }),
    exited(9, 'Pass', 'logging'),
    { id: 10, previousEventId: 8, type: 'TaskStarted', timestamp: new Date(10_000) },
    { id: 11, previousEventId: 10, type: 'TaskSubmitted', timestamp: new Date(11_000) },
  ];
  return events;
}

describe('reading a history the way real Step Functions writes it', () => {
  test('inside a Parallel, the step is the training still running, not the branch that finished', () => {
    const reading = readHistory(stoppedInParallel().reverse());
    expect(reading.current).toMatchObject({ name: 'sm-train', type: 'Task' });
    expect(reading.currentTask).toMatchObject({
      role: 'training',
      parameters: { TrainingJobName: 'odd-real' },
    });
    expect(reading.trainingJobName).toBe('odd-real');
  });

  test('a stop keeps its step: TaskStateAborted and ParallelStateAborted carry no details', () => {
    const events = [
      ...stoppedInParallel(),
      { id: 12, previousEventId: 11, type: 'TaskStateAborted', timestamp: new Date(12_000) },
      { id: 13, previousEventId: 12, type: 'ParallelStateAborted', timestamp: new Date(13_000) },
      {
        id: 14,
        previousEventId: 13,
        type: 'ExecutionAborted',
        timestamp: new Date(14_000),
        executionAbortedEventDetails: { error: 'StoppedBySageBuild', cause: 'Stopped by Tess' },
      },
    ] as HistoryEvent[];
    const reading = readHistory(events.reverse());
    expect(reading.failure).toMatchObject({ step: 'sm-train', error: 'StoppedBySageBuild' });
  });

  test('an older local history that names the aborted state reads the same', () => {
    const events = [
      ...stoppedInParallel(),
      {
        id: 12,
        previousEventId: 11,
        type: 'TaskStateAborted',
        timestamp: new Date(12_000),
        stateExitedEventDetails: { name: 'sm-train' },
      },
      { id: 13, previousEventId: 12, type: 'ExecutionAborted', timestamp: new Date(13_000) },
    ] as HistoryEvent[];
    expect(readHistory(events.reverse()).failure?.step).toBe('sm-train');
  });
});

describe('a machine SageBuild may not read', () => {
  afterEach(() => local.faults.set({}));

  test('without states:DescribeStateMachine, status still speaks, from the task it runs', async () => {
    local.faults.set({ deny: ['states:DescribeStateMachine'] });
    const cold = new SageBuild(core.config);
    try {
      const executionArn = await startBuild(dsSdkWorkflow, 'b8', { sagebuild_training_minutes: '600' });
      const fact = await waitFor(async () => {
        const f = await cold.status('workflow');
        return f.currentStep?.name === 'Train Step' ? f : undefined;
      });
      expect(status(fact, now())).toMatch(/^Not yet\. Your workflow build has been training the model for /);
      expect((await cold.statusOf('workflow', executionArn)).steps).toBeUndefined();
      await cold.stop({ pipeline: 'workflow', requester: tester });
      await finish(executionArn);
    } finally {
      cold.close();
    }
  });
});

describe('the definition a build ran', () => {
  test("a history naming states the machine's current definition lacks is read with the build's own", async () => {
    // The workflow pipeline's config pointed at the template machine: as if the machine had been replaced.
    const definitions = new DefinitionCache();
    const clients = { sfn, sagemaker: new SageMakerClient({}) };
    const ctx: BuildContext = {
      pipeline: { ...core.pipeline('template') },
      ...clients,
      now,
      signal: AbortSignal.timeout(5000),
      definitions,
    };
    try {
      const workflowBuild = `${(machineArns.get('workflow') as string).replace(':stateMachine:', ':execution:')}:b1`;
      const before = local.callCount;
      const ran = await definitionFor(ctx, workflowBuild, ['Train Step', 'Save model']);
      expect(Object.keys(ran?.States ?? {})).toContain('Train Step');
      expect(local.callsSince(before)).toEqual([
        'states:DescribeStateMachine',
        'states:DescribeStateMachineForExecution',
      ]);
      const again = local.callCount;
      await definitionFor(ctx, workflowBuild, ['Train Step']);
      expect(local.callsSince(again)).toEqual([]);
    } finally {
      clients.sagemaker.destroy();
    }
  });

  test('the cache keeps a bounded number of definitions', async () => {
    const cache = new DefinitionCache();
    for (let i = 0; i < MAX_CACHED_DEFINITIONS + 20; i += 1) {
      await cache.get(`machine-${i}`, () => Promise.resolve(dsSdkWorkflow.definition));
    }
    expect(cache.size).toBe(MAX_CACHED_DEFINITIONS);
  });
});

describe('a machine that keeps working after it deploys', () => {
  /** The DS SDK workflow, with a Map of 30 reports after its endpoint step: over 100 events follow the deploy. */
  function withReportTail(): string {
    const asl = JSON.parse(dsSdkWorkflow.definition) as {
      States: Record<string, Record<string, unknown>>;
    };
    const deploy = asl.States['Create Endpoint'] as Record<string, unknown>;
    delete deploy.End;
    deploy.Next = 'List reports';
    asl.States['List reports'] = {
      Type: 'Pass',
      Result: Array.from({ length: 30 }, (_, i) => `report-${i + 1}`),
      ResultPath: '$.reports',
      Next: 'Write reports',
    };
    asl.States['Write reports'] = {
      Type: 'Map',
      ItemsPath: '$.reports',
      ResultPath: null,
      Iterator: { StartAt: 'Write report', States: { 'Write report': { Type: 'Pass', End: true } } },
      End: true,
    };
    return JSON.stringify(asl);
  }

  test('"which model is live" reads the history back to the endpoint step, not only its newest page', async () => {
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: 'team-tail',
        definition: withReportTail(),
        roleArn: 'arn:aws:iam::123456789012:role/TeamStepFunctionsRole',
      }),
    );
    const stateMachineArn = created.stateMachineArn as string;
    // The config names no endpoint (the workflow's input calls it EndpointName): only the history can tell.
    const tail = new SageBuild(
      parseConfig(
        {
          region: local.region,
          pipelines: [{ name: 'tail', stateMachineArn, defaultInput: dsSdkWorkflow.defaultInput }],
        },
        'test',
      ),
    );
    try {
      const started = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn,
          name: 'tail-1',
          input: JSON.stringify(dsSdkWorkflow.input('tail-1')),
        }),
      );
      expect((await finish(started.executionArn as string)).status).toBe('SUCCEEDED');
      const { events = [] } = await sfn.send(
        new GetExecutionHistoryCommand({
          executionArn: started.executionArn,
          reverseOrder: true,
          maxResults: 1000,
        }),
      );
      const deployedAt = events.findIndex(
        (e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resource === 'createEndpoint',
      );
      // The endpoint's task lies beyond the first page of 100 events, newest first.
      expect(deployedAt).toBeGreaterThan(100);

      const endpoint = dsSdkWorkflow.namesOf('tail-1').endpoint;
      expect((await tail.endpoint('tail')).endpoint?.endpointName).toBe(endpoint);
      const live = await waitFor(async () => {
        const fact = await tail.endpoint('tail');
        return fact.endpoint?.status === 'InService' ? fact : undefined;
      });
      expect(liveModel(live)).toBe(
        `The ${endpoint} endpoint is in service, serving model ${dsSdkWorkflow.namesOf('tail-1').model}.`,
      );
    } finally {
      tail.close();
    }
  });
});
