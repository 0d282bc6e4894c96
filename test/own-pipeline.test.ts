// `npm start -- --pipeline my-machine.asl.json`: a team's own exported machine as a local pipeline, with a
// default input made from what the machine reads. The derivation without network; then builds of the DS SDK
// TrainingPipeline shape on the local AWS, in process and through the real console.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SageBuild } from '../core/sagebuild';
import { errorSentence, started, status } from '../core/wording';
import { localConfig } from '../local/local-config';
import {
  addOwnPipeline,
  derivedInput,
  OwnPipelineError,
  pipelineNameFor,
  readOwnMachine,
} from '../local/own-pipeline';
import { startConsole, type RunningConsole } from './support/console';
import { cleanEnv } from './support/env';
import { newKey, startLocalStack, tester, type LocalStack } from './support/local-stack';
import { runProcess } from './support/run-process';
import { dsSdkTrainingPipeline } from './fixtures/machines';

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
    ['a-very-long-state-machine-name.asl.json', [], 'a-very-long-stat'],
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
  beforeAll(async () => {
    stack = await startLocalStack();
    const own = addOwnPipeline(stack.local, {
      name: 'my-machine',
      file: 'my-machine.asl.json',
      definition: dsSdkTrainingPipeline.asl,
    });
    core = new SageBuild(localConfig([...stack.pipelines, own], stack.local.region));
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
    expect(npmStart.output()).toContain('Try your own: status my-machine · start my-machine');
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
