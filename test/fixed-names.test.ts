// Which SageMaker names a machine takes from a value that is the same for every build: pure analysis of the
// definition and the default input, no network.

import { fixedNameFindings } from '../core/machine/fixed-names';
import { parseReference } from '../core/machine/input-flow';
import { dsSdkTrainingPipeline, trainingPipelineInput } from './fixtures/machines';

const TRAIN = 'arn:aws:states:::sagemaker:createTrainingJob.sync';
const MODEL = 'arn:aws:states:::sagemaker:createModel';

function task(resource: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { Type: 'Task', Resource: resource, Parameters: parameters, ...extra };
}

function machine(states: Record<string, unknown>, startAt = Object.keys(states)[0]) {
  return { StartAt: startAt, States: states };
}

test('the DS SDK TrainingPipeline with the SDK-style fixed input: every name that must be new is found', () => {
  const findings = fixedNameFindings(dsSdkTrainingPipeline.asl, trainingPipelineInput('churn-2024'));
  expect(findings).toEqual([
    {
      state: 'Training',
      field: 'TrainingJobName',
      why: 'input',
      inputPath: 'Training.TrainingJobName',
      value: 'estimator-churn-2024',
    },
    {
      state: 'Create Model',
      field: 'ModelName',
      why: 'input',
      inputPath: 'Create Model.ModelName',
      value: 'churn-2024',
    },
    {
      state: 'Configure Endpoint',
      field: 'EndpointConfigName',
      why: 'input',
      inputPath: 'Configure Endpoint.EndpointConfigName',
      value: 'churn-2024',
    },
  ]);
});

test('the same machine with {build} in its input names: nothing to say', () => {
  expect(fixedNameFindings(dsSdkTrainingPipeline.asl, trainingPipelineInput('churn-{build}'))).toEqual([]);
});

test('a missing default value is as fixed as a fixed one', () => {
  const input = trainingPipelineInput('churn-{build}');
  delete (input['Create Model'] as Record<string, unknown>).ModelName;
  expect(fixedNameFindings(dsSdkTrainingPipeline.asl, input)).toEqual([
    { state: 'Create Model', field: 'ModelName', why: 'input', inputPath: 'Create Model.ModelName' },
  ]);
});

test.each([
  ['a literal', { TrainingJobName: 'churn-training' }, { why: 'literal', value: 'churn-training' }],
  [
    'the machine name',
    { 'TrainingJobName.$': '$$.StateMachine.Name' },
    { why: 'context', path: '$$.StateMachine.Name' },
  ],
  ['the execution name', { 'TrainingJobName.$': '$$.Execution.Name' }, undefined],
  [
    'States.Format with the execution name',
    { 'TrainingJobName.$': "States.Format('churn-{}', $$.Execution.Name)" },
    undefined,
  ],
  ['States.UUID', { 'TrainingJobName.$': 'States.UUID()' }, undefined],
  [
    'States.Format with a fixed input value',
    { 'TrainingJobName.$': "States.Format('x-{}', $$.Execution.Input['job'])" },
    { why: 'input', inputPath: 'job', value: 'fixed' },
  ],
  [
    'States.Format with a {build} value',
    { 'TrainingJobName.$': "States.Format('{}-x', $.perBuild)" },
    undefined,
  ],
  [
    'a $. path in the first state',
    { 'TrainingJobName.$': '$.job' },
    { why: 'input', inputPath: 'job', value: 'fixed' },
  ],
  ['a $. path with {build}', { 'TrainingJobName.$': '$.perBuild' }, undefined],
  ['the map index', { 'TrainingJobName.$': '$$.Map.Item.Index' }, undefined],
])('training named from %s', (_what, parameters, why) => {
  const definition = machine({ Train: task(TRAIN, parameters, { End: true }) });
  const findings = fixedNameFindings(definition, { job: 'fixed', perBuild: 'p-{build}' });
  expect(findings).toEqual(why ? [{ state: 'Train', field: 'TrainingJobName', ...why }] : []);
});

test('$. paths follow the input only while every state before keeps it', () => {
  const definition = machine({
    Prepare: task('arn:aws:states:::lambda:invoke', {}, { ResultPath: '$.prepared', Next: 'Check' }),
    Check: {
      Type: 'Choice',
      Choices: [{ Variable: '$.go', BooleanEquals: true, Next: 'Train' }],
      Default: 'Done',
    },
    Train: task(TRAIN, { 'TrainingJobName.$': '$.job' }, { Next: 'Model' }),
    // Train's result replaced the input ($ is the default ResultPath): Model's $.model is not the input's.
    Model: task(MODEL, { 'ModelName.$': '$.model' }, { End: true }),
    Done: { Type: 'Succeed' },
  });
  expect(fixedNameFindings(definition, { job: 'j', model: 'm' })).toEqual([
    { state: 'Train', field: 'TrainingJobName', why: 'input', inputPath: 'job', value: 'j' },
  ]);
});

test('InputPath narrows $, and a task without Parameters sends its input as the request', () => {
  const definition = machine({
    Train: { Type: 'Task', Resource: TRAIN, InputPath: '$.Training', ResultPath: null, Next: 'Model' },
    Model: task(MODEL, { 'ModelName.$': '$.Model.name' }, { End: true }),
  });
  expect(
    fixedNameFindings(definition, { Training: { TrainingJobName: 't' }, Model: { name: 'm-{build}' } }),
  ).toEqual([
    {
      state: 'Train',
      field: 'TrainingJobName',
      why: 'input',
      inputPath: 'Training.TrainingJobName',
      value: 't',
    },
  ]);
});

test('walks Parallel branches and Map iterations', () => {
  const definition = machine({
    Both: {
      Type: 'Parallel',
      Branches: [
        machine({ 'Train A': task(TRAIN, { 'TrainingJobName.$': '$.a' }, { End: true }) }),
        machine({ Log: { Type: 'Pass', End: true } }),
      ],
      Next: 'Each',
    },
    Each: {
      Type: 'Map',
      ItemProcessor: machine({
        // An item's $ is not the execution input: unknown, so nothing is said of it.
        'Train item': task(TRAIN, { 'TrainingJobName.$': '$.name' }, { Next: 'Model item' }),
        'Model item': task(MODEL, { 'ModelName.$': "$$.Execution.Input['model']" }, { End: true }),
      }),
      End: true,
    },
  });
  expect(fixedNameFindings(definition, { a: 'fixed-a', name: 'n', model: 'fixed-m' })).toEqual([
    { state: 'Train A', field: 'TrainingJobName', why: 'input', inputPath: 'a', value: 'fixed-a' },
    { state: 'Model item', field: 'ModelName', why: 'input', inputPath: 'model', value: 'fixed-m' },
  ]);
});

test('other job kinds, the SDK integration and JSONata states', () => {
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'Process',
    States: {
      Process: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:sagemaker:createProcessingJob',
        Arguments: { ProcessingJobName: 'prep' },
        Next: 'Transform',
      },
      Transform: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sagemaker:createTransformJob.sync',
        Arguments: { TransformJobName: '{% $states.context.Execution.Input.transformName %}' },
        Next: 'Tune',
      },
      Tune: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync',
        Arguments: { HyperParameterTuningJobName: "{% 'tune-' & $states.context.Execution.Name %}" },
        Next: 'Endpoint',
      },
      // Endpoints keep their name from build to build: not reported.
      Endpoint: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sagemaker:createEndpoint',
        Arguments: { EndpointName: 'churn' },
        End: true,
      },
    },
  };
  expect(fixedNameFindings(definition, { transformName: 'tr' })).toEqual([
    { state: 'Process', field: 'ProcessingJobName', why: 'literal', value: 'prep' },
    { state: 'Transform', field: 'TransformJobName', why: 'input', inputPath: 'transformName', value: 'tr' },
  ]);
});

test('anything that is not a definition gives no findings rather than an error', () => {
  expect(fixedNameFindings(null, {})).toEqual([]);
  expect(fixedNameFindings({ States: 3 }, {})).toEqual([]);
  expect(fixedNameFindings(machine({ T: task(TRAIN, 'x' as never) }), {})).toEqual([]);
});

test.each([
  [
    "$$.Execution.Input['Create Model'].ModelName",
    { root: '$$', segments: ['Execution', 'Input', 'Create Model', 'ModelName'] },
  ],
  ['$.a[0]["b.c"]', { root: '$', segments: ['a', 0, 'b.c'] }],
  ['$', { root: '$', segments: [] }],
  ['$.a[*]', undefined],
  ['$..a', undefined],
  ['a.b', undefined],
])('parseReference(%j)', (text, expected) => {
  expect(parseReference(text)).toEqual(expected);
});
