// `npm start -- --pipeline my-machine.asl.json`: a team's own exported machine as a local pipeline, with a
// default input made from what the machine reads. The derivation without network; then builds of the DS SDK
// TrainingPipeline shape on the local AWS, in process and through the real console.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SageBuild } from '../core/sagebuild';
import { errorSentence, started, status } from '../core/wording';
import { localConfig } from '../local/local-config';
import { referencePipelineNames, type LocalPipeline } from '../local/reference-pipelines';
import {
  addOwnPipeline,
  deriveInput,
  derivedInput,
  OwnPipelineError,
  pipelineNameFor,
  readOwnMachine,
} from '../local/own-pipeline';
import { startConsole, type RunningConsole } from './support/console';
import { cleanEnv } from './support/env';
import { newKey, startLocalStack, tester, type LocalStack } from './support/local-stack';
import { runProcess } from './support/run-process';
import {
  continuousDeployment,
  dsSdkTrainingPipeline,
  dsSdkWorkflow,
  MACHINE_FIXTURES,
  oddParallel,
} from './fixtures/machines';

const REPO = resolve(__dirname, '..');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const WHERE = { pipeline: 'my-machine', accountId: '123456789012', region: 'us-east-1' };
const ROLE = 'arn:aws:iam::123456789012:role/SageBuildSageMakerRole';
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/my-machine:latest';
const S3 = 's3://sagebuild-local-123456789012/my-machine';

const scratch = mkdtempSync(join(tmpdir(), 'sagebuild-own-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(scratch, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('the default input, from what the machine reads', () => {
  test('the DS SDK TrainingPipeline: every parameter under its state name, names per build', () => {
    expect(derivedInput(dsSdkTrainingPipeline.asl, WHERE)).toEqual({
      Training: {
        AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
        OutputDataConfig: { S3OutputPath: `${S3}/output` },
        StoppingCondition: { MaxRuntimeInSeconds: 3600 },
        ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 },
        RoleArn: ROLE,
        InputDataConfig: [
          {
            ChannelName: 'train',
            DataSource: {
              S3DataSource: {
                S3DataType: 'S3Prefix',
                S3Uri: `${S3}/data/train/`,
                S3DataDistributionType: 'FullyReplicated',
              },
            },
          },
        ],
        HyperParameters: {},
        TrainingJobName: '{build}',
      },
      'Create Model': {
        ExecutionRoleArn: ROLE,
        ModelName: '{build}',
        PrimaryContainer: {
          Image: IMAGE,
          ModelDataUrl: `${S3}/output/{build}/output/model.tar.gz`,
          Environment: {},
        },
      },
      'Configure Endpoint': {
        EndpointConfigName: '{build}',
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: '{build}',
            InitialInstanceCount: 1,
            InstanceType: 'ml.m5.large',
          },
        ],
      },
      // The template only ever creates endpoints, so each build can only deploy a new one.
      Deploy: { EndpointConfigName: '{build}', EndpointName: '{build}' },
    });
  });

  test('$. paths of the first states, pieces of an intrinsic, a kept endpoint name; results are not input', () => {
    const definition = {
      StartAt: 'TrainingJob',
      States: {
        TrainingJob: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sagemaker:createTrainingJob.sync',
          Parameters: {
            'TrainingJobName.$': "States.Format('{}-train', $.jobPrefix)",
            AlgorithmSpecification: { 'TrainingImage.$': '$.image', TrainingInputMode: 'File' },
            'RoleArn.$': '$.roleArn',
            ResourceConfig: { 'InstanceType.$': '$.instanceType', 'InstanceCount.$': '$.instanceCount' },
          },
          ResultPath: '$.training',
          Next: 'CreateModel',
        },
        CreateModel: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sagemaker:createModel',
          Parameters: {
            'ModelName.$': '$$.Execution.Name',
            PrimaryContainer: {
              'Image.$': '$.image',
              'ModelDataUrl.$': '$.training.ModelArtifacts.S3ModelArtifacts',
            },
            'ExecutionRoleArn.$': '$.roleArn',
          },
          ResultPath: null,
          Next: 'UpdateEndpoint',
        },
        UpdateEndpoint: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sagemaker:updateEndpoint',
          Parameters: { 'EndpointName.$': '$.endpointName', 'EndpointConfigName.$': '$$.Execution.Name' },
          End: true,
        },
      },
    };
    expect(derivedInput(definition, WHERE)).toEqual({
      jobPrefix: '{build}',
      image: IMAGE,
      roleArn: ROLE,
      instanceType: 'ml.m5.xlarge',
      instanceCount: 1,
      endpointName: 'my-machine',
    });
  });
});

describe('the four team machines, from their definition alone', () => {
  test('odd-parallel: what its first Pass state copies gets the value its training task uses it for', () => {
    // Before, only Task states were read: the input was {} and every build failed at step_1.
    const where = { ...WHERE, pipeline: 'odd-parallel' };
    expect(deriveInput(oddParallel.asl, where)).toEqual({
      input: {
        job: '{build}',
        endpoint: '{build}',
        role: ROLE,
        image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/odd-parallel:latest',
        data: 's3://sagebuild-local-123456789012/odd-parallel/data/train/',
        output: 's3://sagebuild-local-123456789012/odd-parallel/output',
        hyperparameters: {},
      },
      allowedInputKeys: ['hyperparameters.*'],
    });
  });

  test.each([
    [dsSdkWorkflow.file, ['HyperParameters.*']],
    [
      dsSdkTrainingPipeline.file,
      [
        'Configure Endpoint.ProductionVariants[0].InitialInstanceCount',
        'Configure Endpoint.ProductionVariants[0].InstanceType',
        'Training.HyperParameters.*',
        'Training.ResourceConfig.InstanceCount',
        'Training.ResourceConfig.InstanceType',
      ],
    ],
    [continuousDeployment.file, ['HyperParameters.*']],
  ])('%s: people may change its sizes and hyperparameters, nothing else: %j', (name, allowed) => {
    const fixture = MACHINE_FIXTURES.find((machine) => machine.file === name);
    expect(deriveInput(fixture?.asl ?? {}, WHERE).allowedInputKeys).toEqual(allowed);
  });
});

test('Choice, Wait and Map read the input too: each gets a value it can use', () => {
  const definition = {
    StartAt: 'Check',
    States: {
      Check: {
        Type: 'Choice',
        Choices: [
          {
            And: [
              { Variable: '$.deploy', BooleanEquals: true },
              { Variable: '$.stage', StringEquals: 'prod' },
              { Not: { Variable: '$.threshold', NumericLessThan: 0.5 } },
              { Variable: '$.note', IsPresent: true },
            ],
            Next: 'Pause',
          },
        ],
        Default: 'Pause',
      },
      Pause: { Type: 'Wait', SecondsPath: '$$.Execution.Input.pauseSeconds', Next: 'Each' },
      Each: {
        Type: 'Map',
        ItemsPath: '$.datasets',
        ItemProcessor: { StartAt: 'One', States: { One: { Type: 'Pass', End: true } } },
        ResultPath: null,
        Next: 'Copy',
      },
      Copy: { Type: 'Pass', Parameters: { 'region.$': '$.awsRegion' }, End: true },
    },
  };
  expect(derivedInput(definition, WHERE)).toEqual({
    deploy: true,
    stage: 'prod',
    threshold: 0.5,
    pauseSeconds: 10,
    datasets: [],
    // Nothing after the Pass uses it: a plain word.
    awsRegion: 'my-machine',
  });
});

test('a first state without Parameters sends the whole input: a whole request at the top', () => {
  const definition = {
    StartAt: 'Train',
    States: {
      Train: { Type: 'Task', Resource: 'arn:aws:states:::sagemaker:createTrainingJob.sync', End: true },
    },
  };
  const input = derivedInput(definition, WHERE);
  expect(Object.keys(input).sort()).toEqual([
    'AlgorithmSpecification',
    'HyperParameters',
    'InputDataConfig',
    'OutputDataConfig',
    'ResourceConfig',
    'RoleArn',
    'StoppingCondition',
    'TrainingJobName',
  ]);
  expect(input).toMatchObject({ TrainingJobName: '{build}', RoleArn: ROLE });
});

describe('the file', () => {
  test.each([
    ['My Machine.asl.json', [], 'my-machine'],
    ['churn_pipeline.json', [], 'churn-pipeline'],
    ['prod.asl.json', ['prod', 'dev'], 'prod-2'],
    ['prod.asl.json', ['prod', 'prod-2'], 'prod-3'],
    ['!!!.json', [], 'own'],
    ['a-very-long-state-machine-name.asl.json', [], 'a-very-long'],
    // Cut at the last hyphen within 16 characters, never mid-word.
    ['continuous-deployment.asl.json', [], 'continuous'],
    ['ds-sdk-training-pipeline.asl.json', [], 'ds-sdk-training'],
    ['abcdefghij-klmno.json', ['abcdefghij-klmno'], 'abcdefghij-2'],
    // One word longer than the limit has no boundary to keep.
    ['churnpredictionpipeline.json', [], 'churnpredictionp'],
  ])('%s, with %j taken, becomes the pipeline %s', (name, taken, expected) => {
    expect(pipelineNameFor(name, taken)).toBe(expected);
  });

  test('reads a definition, or the describe-state-machine output that holds one', () => {
    const definition = { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } };
    expect(readOwnMachine(file('plain.asl.json', definition), [])).toEqual({
      name: 'plain',
      file: 'plain.asl.json',
      definition,
    });
    const described = { stateMachineArn: 'arn:x', definition: JSON.stringify(definition) };
    expect(readOwnMachine(file('described.json', described), []).definition).toEqual(definition);
  });

  test.each([
    ['missing', () => join(scratch, 'nope.asl.json'), `There is no file ${join(scratch, 'nope.asl.json')}.`],
    ['not JSON', () => file('broken.asl.json', '{ "StartAt": '), /^broken\.asl\.json is not JSON: .+\.$/],
    [
      'not a definition',
      () => file('other.json', { hello: 'world' }),
      'other.json is not a state machine definition: it needs "StartAt" and "States" at the top.',
    ],
  ])('refuses a file that is %s in one line', (_what, path, message) => {
    expect(() => readOwnMachine(path(), [])).toThrow(OwnPipelineError);
    expect(() => readOwnMachine(path(), [])).toThrow(message);
  });
});

describe('on the local AWS', () => {
  let stack: LocalStack;
  let core: SageBuild;
  /** Each fixture as `npm start -- --pipeline <file>` adds it: named after its file, input from its definition. */
  const teams = new Map<string, LocalPipeline<object>>();
  beforeAll(async () => {
    stack = await startLocalStack();
    const own = addOwnPipeline(stack.local, {
      name: 'my-machine',
      file: 'my-machine.asl.json',
      definition: dsSdkTrainingPipeline.asl,
    });
    const taken = [...referencePipelineNames(), own.name];
    for (const fixture of MACHINE_FIXTURES) {
      const machine = readOwnMachine(join(__dirname, 'fixtures', 'machines', fixture.file), taken);
      taken.push(machine.name);
      teams.set(fixture.file, addOwnPipeline(stack.local, machine));
    }
    core = new SageBuild(localConfig([...stack.pipelines, own, ...teams.values()], stack.local.region));
  });

  test.each(MACHINE_FIXTURES.map((fixture) => fixture.file))(
    '%s: a first build from the input derived from its definition succeeds',
    async (file) => {
      const pipeline = teams.get(file)?.name ?? file;
      const result = await core.start({ pipeline, requester: tester, idempotencyKey: newKey() });
      const record = await stack.local.stepFunctions.waitFor(result.executionArn);
      expect({ pipeline, status: record.status, error: record.error, cause: record.cause }).toEqual({
        pipeline,
        status: 'SUCCEEDED',
        error: undefined,
        cause: undefined,
      });
    },
  );

  test('the pipelines are named after their files, cut at a hyphen', () => {
    expect([...teams.values()].map((pipeline) => pipeline.name)).toEqual([
      'ds-sdk-workflow',
      'ds-sdk-training',
      'continuous',
      'odd-parallel',
    ]);
  });

  test('a start may change what the derived input allows, and only that', async () => {
    const refused = await core
      .start({
        pipeline: 'odd-parallel',
        requester: tester,
        idempotencyKey: newKey(),
        overrides: { job: 'x' },
      })
      .catch((error: unknown) => errorSentence(error));
    expect(refused).toBe(
      `I can't use that input: "job" can't be changed for the odd-parallel pipeline. Allowed: hyperparameters.*.`,
    );
    const result = await core.start({
      pipeline: 'odd-parallel',
      requester: tester,
      idempotencyKey: newKey(),
      overrides: { 'hyperparameters.max_depth': '7' },
    });
    const record = await stack.local.stepFunctions.waitFor(result.executionArn);
    expect(record.status).toBe('SUCCEEDED');
    expect(JSON.parse(record.input)).toMatchObject({ job: result.name, hyperparameters: { max_depth: '7' } });
  });
  afterAll(async () => {
    core?.close();
    await stack?.close();
  });

  test('no builds yet, then two builds that succeed, each with its own SageMaker names', async () => {
    expect(await core.status('my-machine').catch((error: unknown) => errorSentence(error))).toBe(
      'The my-machine pipeline has no builds yet.',
    );
    for (const round of [1, 2]) {
      const result = await core.start({
        pipeline: 'my-machine',
        requester: tester,
        idempotencyKey: newKey(),
      });
      expect(started(result, new Date())).toBe(`Started a new my-machine build, ${result.name}.`);
      const record = await stack.local.stepFunctions.waitFor(result.executionArn);
      expect({ round, status: record.status }).toEqual({ round, status: 'SUCCEEDED' });
      const input = JSON.parse(record.input) as { Training: { TrainingJobName: string } };
      expect(input.Training.TrainingJobName).toBe(result.name);
    }
    // The build is done; its endpoint may still be being created, and then the yes is for the build alone.
    expect(status(await core.status('my-machine'), new Date())).toMatch(
      /^(Yes\. Your my-machine build finished just now, .+ is in service\.|Yes, your my-machine build finished just now, .+, but its endpoint .+ is still being created\.)$/,
    );
  });

  test('a definition the local AWS refuses is one friendly line', () => {
    const definition = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } };
    expect(() => addOwnPipeline(stack.local, { name: 'bad', file: 'bad.asl.json', definition })).toThrow(
      /^bad\.asl\.json is not a valid state machine: /,
    );
  });
});

describe('npm start -- --pipeline', () => {
  let npmStart: RunningConsole | undefined;
  afterAll(() => npmStart?.kill());

  test('the console starts with the team machine, answers about it, and runs a build of it', async () => {
    const path = file('my-machine.asl.json', dsSdkTrainingPipeline.definition);
    npmStart = await startConsole({
      tempPrefix: 'sagebuild-own-console-',
      timeScale: 3000,
      waitMs: 60000,
      args: ['--pipeline', path],
    });
    expect(npmStart.output()).toContain('my-machine (your my-machine.asl.json)');
    expect(npmStart.output()).toContain(
      'Try your own: status my-machine · start my-machine · details my-machine (it takes ' +
        'Configure Endpoint.ProductionVariants[0].InitialInstanceCount, ' +
        'Configure Endpoint.ProductionVariants[0].InstanceType, Training.HyperParameters.*, ' +
        'Training.ResourceConfig.InstanceCount, Training.ResourceConfig.InstanceType at start)',
    );
    const asked = npmStart.write('status my-machine');
    await npmStart.waitFor('The my-machine pipeline has no builds yet.', asked);
    const from = npmStart.write('start my-machine');
    const [, name] = await npmStart.waitFor(/Started a new my-machine build, (my-machine-[\w-]+)\./, from);
    await npmStart.waitFor(new RegExp(`✔ The my-machine build ${name} succeeded`), from);
    const after = npmStart.write('status my-machine');
    await npmStart.waitFor(/Yes(\. Your|, your) my-machine build finished just now/, after);
    expect(npmStart.output()).not.toContain('    at ');
  });

  test.each([
    [['--pipeline', 'nope.asl.json'], 'There is no file nope.asl.json.\n'],
    [['--pipeline'], '--pipeline needs a file: npm start -- --pipeline my-machine.asl.json\n'],
    [['--pipelines=x'], 'Unknown option "--pipelines=x". Try: npm start -- --pipeline my-machine.asl.json\n'],
  ])('%j: one line, exit 2', async (args, line) => {
    const run = await runProcess(TSX, [join(REPO, 'local', 'start.ts'), ...args], {
      cwd: scratch,
      env: cleanEnv({ LOCAL_AWS_PORT: '0' }),
    });
    expect(run).toEqual({ code: 2, stdout: '', stderr: line });
  });
});
