// The first start of a pipeline says, in one sentence, when the machine takes a SageMaker name that must be
// new each build from a fixed value; "{build}" in the input makes those names per build. End to end on the
// local AWS with the DS SDK TrainingPipeline shape, plus the sentence for each kind of finding.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { parseConfig } from '../core/config/load';
import { fixedNameFindings, type FixedNameFinding } from '../core/machine/fixed-names';
import { SageBuild } from '../core/sagebuild';
import { fixedNamesProblem, someoneStarted, started } from '../core/wording';
import { newKey, startLocalStack, tester, type LocalStack } from './support/local-stack';
import { dsSdkTrainingPipeline, trainingPipelineInput } from './fixtures/machines';

let stack: LocalStack;
let core: SageBuild;

beforeAll(async () => {
  stack = await startLocalStack();
  const sfn = new SFNClient({});
  const { stateMachineArn = '' } = await sfn
    .send(
      new CreateStateMachineCommand({
        name: 'churn-training-pipeline',
        roleArn: `arn:aws:iam::${stack.local.accountId}:role/StepFunctionsWorkflowExecutionRole`,
        definition: dsSdkTrainingPipeline.definition,
      }),
    )
    .finally(() => sfn.destroy());
  const access = { start: ['*'], stop: ['*'] };
  const config = parseConfig(
    {
      pipelines: [
        // As the SDK's execute() fills it in: the same names for every build.
        { name: 'fixed', stateMachineArn, defaultInput: trainingPipelineInput('churn-2024'), access },
        {
          name: 'churn',
          stateMachineArn,
          defaultInput: trainingPipelineInput('churn-{build}'),
          allowedInputKeys: [
            'Training.HyperParameters.*',
            "['Configure Endpoint'].ProductionVariants[0].InstanceType",
          ],
          access,
        },
      ],
    },
    'test',
  );
  core = new SageBuild(config);
});

afterAll(async () => {
  core?.close();
  await stack?.close();
});

/** Starts a build and waits for its end: the start's result, and the execution's status and input. */
async function build(pipeline: string, overrides: Record<string, string> = {}) {
  const result = await core.start({ pipeline, overrides, requester: tester, idempotencyKey: newKey() });
  const record = await stack.local.stepFunctions.waitFor(result.executionArn);
  const input = JSON.parse(record.input) as Record<string, Record<string, unknown>>;
  return { result, status: record.status, input };
}

const FIXED_SENTENCE =
  'Heads-up: every fixed build after the first will fail, because SageMaker needs new names each build but ' +
  'TrainingJobName in Training, ModelName in Create Model and EndpointConfigName in Configure Endpoint come ' +
  'from input values with no {build} (Training.TrainingJobName, Create Model.ModelName and Configure ' +
  'Endpoint.EndpointConfigName): put {build} in them, like "estimator-churn-2024-{build}".';

test('the first start of a machine with fixed names warns once; later starts say nothing more', async () => {
  const { result: first } = await build('fixed');
  // Exactly what the analysis finds (test/fixed-names.test.ts spells those findings out).
  const findings = fixedNameFindings(dsSdkTrainingPipeline.asl, trainingPipelineInput('churn-2024'));
  expect(findings.map((f) => f.field)).toEqual(['TrainingJobName', 'ModelName', 'EndpointConfigName']);
  expect(first.warnings).toEqual([{ kind: 'fixed-names', findings }]);
  expect(started(first, new Date())).toBe(`Started a new fixed build, ${first.name}. ${FIXED_SENTENCE}`);
  expect(someoneStarted('<@U0ANA>', first)).toBe(
    `<@U0ANA> started a new fixed build, ${first.name}. ${FIXED_SENTENCE}`,
  );
  const { result: second } = await build('fixed');
  expect(second.created).toBe(true);
  expect(second.warnings).toBeUndefined();
  expect(started(second, new Date())).toBe(`Started a new fixed build, ${second.name}.`);
});

test('a machine that cannot be described still starts, without a warning', async () => {
  const other = new SageBuild(core.config);
  try {
    stack.local.faults.set({ deny: ['states:DescribeStateMachine'] });
    const result = await other.start({ pipeline: 'fixed', requester: tester, idempotencyKey: newKey() });
    expect(result.created).toBe(true);
    expect(result.warnings).toBeUndefined();
    await stack.local.stepFunctions.waitFor(result.executionArn);
  } finally {
    stack.local.faults.set({});
    other.close();
  }
});

test('a start and the status after it share one read of the definition', async () => {
  const fresh = new SageBuild(core.config);
  try {
    const before = stack.local.callCount;
    const result = await fresh.start({ pipeline: 'churn', requester: tester, idempotencyKey: newKey() });
    await stack.local.stepFunctions.waitFor(result.executionArn);
    expect((await fresh.statusOf('churn', result.executionArn)).steps).toHaveLength(4);
    const reads = stack.local
      .callsSince(before)
      .filter((call) => call.startsWith('states:DescribeStateMachine'));
    expect(reads).toEqual(['states:DescribeStateMachine']);
  } finally {
    fresh.close();
  }
});

test('{build} in the input: no warning, and every build names its jobs after itself', async () => {
  const first = await build('churn', {
    'Training.HyperParameters.max_depth': '7',
    "Configure Endpoint.ProductionVariants[0]['InstanceType']": 'ml.m5.2xlarge',
  });
  const second = await build('churn');
  expect(first.result.warnings).toBeUndefined();
  expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  const name = first.result.name;
  expect(first.input.Training).toMatchObject({
    TrainingJobName: `estimator-churn-${name}`,
    HyperParameters: { max_depth: '7', num_round: '100' },
  });
  expect(first.input['Configure Endpoint']).toEqual({
    EndpointConfigName: `churn-${name}`,
    ProductionVariants: [
      {
        InitialInstanceCount: 1,
        InstanceType: 'ml.m5.2xlarge',
        ModelName: `churn-${name}`,
        VariantName: 'AllTraffic',
      },
    ],
  });
  expect(second.input.Training).toMatchObject({ TrainingJobName: `estimator-churn-${second.result.name}` });
});

test('a start refuses a path the pipeline does not allow, and starts nothing', async () => {
  const before = stack.local.stepFunctions.executionsOf(core.pipeline('churn').stateMachineArn).length;
  await expect(
    core.start({
      pipeline: 'churn',
      overrides: { 'Deploy.EndpointName': 'elsewhere' },
      requester: tester,
      idempotencyKey: newKey(),
    }),
  ).rejects.toThrow(`"Deploy.EndpointName" can't be changed for this pipeline.`);
  expect(stack.local.stepFunctions.executionsOf(core.pipeline('churn').stateMachineArn)).toHaveLength(before);
});

test("the README's DS SDK input names everything per build", () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Per-build input'));
  const input = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)?.[1] ?? '') as Record<string, unknown>;
  expect(fixedNameFindings(dsSdkTrainingPipeline.asl, input)).toEqual([]);
  expect(Object.keys(input)).toEqual(Object.keys(dsSdkTrainingPipeline.asl.States));
});

describe('the sentence', () => {
  const literal: FixedNameFinding = { state: 'Train', field: 'TrainingJobName', why: 'literal', value: 'x' };
  const context: FixedNameFinding = {
    state: 'Model',
    field: 'ModelName',
    why: 'context',
    path: '$$.StateMachine.Name',
  };
  const input = (n: number): FixedNameFinding => ({
    state: `Step ${n}`,
    field: 'ProcessingJobName',
    why: 'input',
    inputPath: `jobs.p${n}`,
  });

  test('names fixed in the machine', () => {
    expect(fixedNamesProblem('dev', [literal])).toBe(
      'every dev build after the first will fail, because SageMaker needs new names each build but ' +
        'TrainingJobName in Train is fixed in the state machine: name it from $$.Execution.Name there.',
    );
    expect(fixedNamesProblem('dev', [literal, context])).toContain(
      'TrainingJobName in Train and ModelName in Model are fixed in the state machine: name them from',
    );
  });

  test('both kinds, with more than three fields, and no value to build an example from', () => {
    expect(fixedNamesProblem('dev', [input(1), input(2), input(3), input(4), literal])).toBe(
      'every dev build after the first will fail, because SageMaker needs new names each build but ' +
        'ProcessingJobName in Step 1, ProcessingJobName in Step 2, ProcessingJobName in Step 3 and 1 more come ' +
        'from input values with no {build} (jobs.p1, jobs.p2, jobs.p3 and 1 more): put {build} in them, like ' +
        '"dev-{build}"; and TrainingJobName in Train is fixed in the state machine: name it from ' +
        '$$.Execution.Name there.',
    );
  });

  test('nothing to say without findings', () => {
    expect(fixedNamesProblem('dev', [])).toBe('');
  });
});
