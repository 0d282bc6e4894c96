// Input overrides from chat and the command line: any input path, allowed keys only, typed values, {build}
// replaced by the build's name, no prototype tricks.

import { parseCommand, words } from '../commands/parse';
import {
  applyOverrides,
  buildInput,
  isAllowedKey,
  mentionsBuild,
  withBuildName,
} from '../core/builds/overrides';
import {
  formatInputPath,
  isPathProblem,
  parseInputPath,
  pathMatches,
  splitAssignment,
  type InputPath,
} from '../core/config/input-path';
import { parseConfig } from '../core/config/load';
import { InputKeyNotAllowed, InvalidInput } from '../core/errors';
import { errorSentence } from '../core/wording';

const defaults = {
  trainingInstanceCount: 1,
  trainingInstanceType: 'ml.m5.xlarge',
  roleArn: 'arn:aws:iam::123456789012:role/x',
  hyperparameters: { max_depth: '5' },
};
const allowed = ['hyperparameters.*', 'trainingInstanceCount', 'trainingInstanceType'];

test('applies allowed overrides without touching the defaults', () => {
  const input = applyOverrides(
    defaults,
    { 'hyperparameters.max_depth': '7', trainingInstanceCount: '2' },
    allowed,
  );
  expect(input).toEqual({ ...defaults, trainingInstanceCount: 2, hyperparameters: { max_depth: '7' } });
  expect(defaults.hyperparameters.max_depth).toBe('5');
});

test('adds new keys under a wildcard', () => {
  const input = applyOverrides(defaults, { 'hyperparameters.eta': '0.3' }, allowed);
  expect(input.hyperparameters).toEqual({ max_depth: '5', eta: '0.3' });
  expect(isAllowedKey('hyperparameters', allowed)).toBe(false);
});

test.each([
  [{ roleArn: 'arn:aws:iam::999999999999:role/evil' }, /can't be changed/],
  [{ trainingInstanceCount: 'two' }, /must be a number/],
  [{ trainingInstanceCount: '1.5' }, /whole number/],
  [{ 'hyperparameters..x': '1' }, /not a valid input key/],
  [{ 'hyperparameters.x]y': '1' }, /not a valid input key: it has "x]y", which needs quotes/],
  [{ 'hyperparameters[0]': '1' }, /does not name a setting/],
])('refuses %j', (overrides, message) => {
  expect(() => applyOverrides(defaults, overrides, allowed)).toThrow(InvalidInput);
  expect(() => applyOverrides(defaults, overrides, allowed)).toThrow(message);
});

describe('a key the pipeline does not allow', () => {
  const refusal = (keys: readonly string[], pipeline?: string): string => {
    try {
      buildInput(defaults, { 'hyperparameters.max_depth': '7' }, keys, 'b', pipeline);
    } catch (error) {
      expect(error).toBeInstanceOf(InputKeyNotAllowed);
      return errorSentence(error);
    }
    throw new Error('the override was taken');
  };

  test('a pipeline with no allowed keys takes no settings, and says so', () => {
    expect(refusal([], 'ds-sdk')).toBe(
      'The ds-sdk pipeline takes no settings at start, so I can\'t use "hyperparameters.max_depth". Nothing was started.',
    );
    expect(refusal([])).toBe(
      'This pipeline takes no settings at start, so I can\'t use "hyperparameters.max_depth". Nothing was started.',
    );
  });

  test('a pipeline with some names the pipeline and what it allows', () => {
    expect(refusal(['trainingInstanceType'], 'prod')).toBe(
      'I can\'t use that input: "hyperparameters.max_depth" can\'t be changed for the prod pipeline. Allowed: trainingInstanceType.',
    );
  });

  test("a config that doesn't list allowedInputKeys allows nothing, not the reference pipeline's keys", () => {
    const stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:ds-sdk';
    const [pipeline] = parseConfig({ pipelines: [{ name: 'ds-sdk', stateMachineArn }] }, 'test').pipelines;
    expect(pipeline?.allowedInputKeys).toEqual([]);
    expect(refusal(pipeline?.allowedInputKeys ?? ['*'], pipeline?.name)).toMatch(
      /^The ds-sdk pipeline takes no settings at start/,
    );
  });
});

test.each([
  'hyperparameters.__proto__.polluted',
  'hyperparameters.constructor.prototype.polluted',
  '__proto__',
])('refuses %s and leaves Object.prototype alone', (key) => {
  const overrides = Object.fromEntries([[key, 'yes']]);
  expect(() => applyOverrides(defaults, overrides, [...allowed, '__proto__'])).toThrow(
    /not a valid input key/,
  );
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

// Input paths: one syntax for the words after "start" and for allowedInputKeys.

test.each([
  ['trainingInstanceType', ['trainingInstanceType']],
  ['hyperparameters.max_depth', ['hyperparameters', 'max_depth']],
  ['Create Model.ModelName', ['Create Model', 'ModelName']],
  ["['Create Model'].ModelName", ['Create Model', 'ModelName']],
  ['Training["learning.rate"]', ['Training', 'learning.rate']],
  [
    "Configure Endpoint.ProductionVariants[0]['InstanceType']",
    ['Configure Endpoint', 'ProductionVariants', 0, 'InstanceType'],
  ],
  ['a:b.c-d', ['a:b', 'c-d']],
  ["stars['*']", ['stars', '*']],
])('parses the path %s', (text, segments) => {
  expect(parseInputPath(text)).toEqual({ segments, wildcard: false });
});

test.each([
  ['', 'is empty'],
  ['a..b', 'has an empty key'],
  ['a.', 'has an empty key'],
  [' a', 'has spaces around "a"'],
  ["a['b", "has an unclosed ['"],
  ['a[x]', 'neither a list position'],
  ['a[12345]', 'neither a list position'],
  ['a]b', 'needs quotes'],
  ['*', 'a * that is not at the end'],
  ['a.*.b', 'a * that is not at the end'],
  ['a.__proto__', 'names "__proto__"'],
  ["a['constructor']", 'names "constructor"'],
  ['x'.repeat(201), 'longer than 200 characters'],
  [Array.from({ length: 13 }, () => 'k').join('.'), 'more than 12 parts'],
  [`a.${'k'.repeat(81)}`, 'a key longer than 80 characters'],
])('refuses the path %j: it %s', (text, why) => {
  const parsed = parseInputPath(text);
  expect(isPathProblem(parsed) && parsed.problem).toContain(why);
});

/** A path the test knows is valid. */
function path(text: string, options: { allowWildcard?: boolean } = {}): InputPath {
  const parsed = parseInputPath(text, options);
  if (isPathProblem(parsed)) throw new Error(`${text} ${parsed.problem}`);
  return parsed;
}

test('a pattern may end in .* and formats back the way a person types it', () => {
  expect(parseInputPath('hyperparameters.*', { allowWildcard: true })).toEqual({
    segments: ['hyperparameters'],
    wildcard: true,
  });
  expect(parseInputPath('hyperparameters.*')).toEqual({
    problem: 'has a * that is not at the end after a key (like hyperparameters.*)',
  });
  const parsed = path("['Create Model'].PrimaryContainer['a.b'].Env[2]");
  expect(formatInputPath(parsed)).toBe("Create Model.PrimaryContainer['a.b'].Env[2]");
  expect(parseInputPath(formatInputPath(parsed))).toEqual(parsed);
});

test('patterns match paths segment by segment, whatever quoting either uses', () => {
  const model = path("['Create Model'].ModelName");
  expect(pathMatches(model, path('Create Model.ModelName'))).toBe(true);
  expect(pathMatches(model, path('Create Model.*', { allowWildcard: true }))).toBe(true);
  expect(pathMatches(model, path('Create Model', { allowWildcard: true }))).toBe(false);
  expect(pathMatches(model, path('Create Model.ModelName.*', { allowWildcard: true }))).toBe(false);
  expect(pathMatches(path('a[0]'), path("a['0']"))).toBe(false);
  expect(pathMatches(path("a['*']"), path('a.*', { allowWildcard: true }))).toBe(true);
  expect(pathMatches(path('a.b'), path("a['*']"))).toBe(false);
});

test.each([
  ['a=b', { key: 'a', value: 'b' }],
  ['a==b', { key: 'a', value: '=b' }],
  ["['x=y'].z=1", { key: "['x=y'].z", value: '1' }],
  ['Create Model.ModelName=churn-{build}', { key: 'Create Model.ModelName', value: 'churn-{build}' }],
  ['=b', undefined],
  ['plain', undefined],
])('splits %j at the first = outside a quoted key', (word, expected) => {
  expect(splitAssignment(word)).toEqual(expected);
});

// The DS SDK TrainingPipeline template reads every parameter from the input, keyed by state name.
const template = {
  Training: { TrainingJobName: 'churn-{build}', HyperParameters: { max_depth: '5' } },
  'Create Model': {
    ModelName: 'churn-{build}',
    PrimaryContainer: { ModelDataUrl: 's3://ml-churn/models/churn-{build}/output/model.tar.gz' },
  },
  'Configure Endpoint': {
    EndpointConfigName: 'churn-{build}',
    ProductionVariants: [
      { ModelName: 'churn-{build}', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 },
    ],
  },
  Deploy: { EndpointName: 'churn', EndpointConfigName: 'churn-{build}' },
};
const templateAllowed = [
  "['Training'].HyperParameters.*",
  'Create Model.ModelName',
  'Configure Endpoint.ProductionVariants[0].InstanceType',
  'Configure Endpoint.ProductionVariants[0].InitialInstanceCount',
];

test('buildInput puts the build name wherever {build} is, in defaults and overrides alike', () => {
  const input = buildInput(
    template,
    {
      'Training.HyperParameters.eta': 'e-{build}',
      "['Create Model'].ModelName": 'special-{build}',
      'Configure Endpoint.ProductionVariants[0].InitialInstanceCount': '2',
    },
    templateAllowed,
    'churn-prod-3f2a1c9d0b1e',
  );
  expect(input).toEqual({
    Training: {
      TrainingJobName: 'churn-churn-prod-3f2a1c9d0b1e',
      HyperParameters: { max_depth: '5', eta: 'e-churn-prod-3f2a1c9d0b1e' },
    },
    'Create Model': {
      ModelName: 'special-churn-prod-3f2a1c9d0b1e',
      PrimaryContainer: {
        ModelDataUrl: 's3://ml-churn/models/churn-churn-prod-3f2a1c9d0b1e/output/model.tar.gz',
      },
    },
    'Configure Endpoint': {
      EndpointConfigName: 'churn-churn-prod-3f2a1c9d0b1e',
      ProductionVariants: [
        { ModelName: 'churn-churn-prod-3f2a1c9d0b1e', InstanceType: 'ml.m5.large', InitialInstanceCount: 2 },
      ],
    },
    Deploy: { EndpointName: 'churn', EndpointConfigName: 'churn-churn-prod-3f2a1c9d0b1e' },
  });
  expect(template['Create Model'].ModelName).toBe('churn-{build}');
  expect(template['Configure Endpoint'].ProductionVariants[0]?.InitialInstanceCount).toBe(1);
});

test('withBuildName keeps a "__proto__" key of the data as plain data', () => {
  const data = JSON.parse('{"__proto__": {"polluted": "{build}"}, "a": ["{build}", 1]}') as unknown;
  const copy = withBuildName(data, 'b-1') as Record<string, unknown>;
  expect(Object.hasOwn(copy, '__proto__')).toBe(true);
  expect(copy.a).toEqual(['b-1', 1]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(mentionsBuild(data)).toBe(true);
  expect(mentionsBuild({ a: ['x', 1, { b: 'y' }] })).toBe(false);
});

test.each([
  [{ 'Configure Endpoint.ProductionVariants[1].InstanceType': 'ml.m5.xlarge' }, /does not name a setting/],
  [{ 'Configure Endpoint.ProductionVariants[0]': 'x' }, /can't be changed/],
  [{ 'Deploy.EndpointName': 'other' }, /can't be changed for this pipeline/],
  [{ 'Create Model.ModelName.x': 'y' }, /can't be changed/],
  [{ 'Training.HyperParameters': 'x' }, /can't be changed/],
])('refuses %j on the template input', (overrides, message) => {
  const allowed = [...templateAllowed, 'Configure Endpoint.ProductionVariants[1].InstanceType'];
  expect(() => buildInput(template, overrides, allowed, 'b')).toThrow(message);
});

test('a setting that holds several settings is not replaced by a word', () => {
  expect(() =>
    buildInput(template, { 'Create Model.PrimaryContainer': 'x' }, ['Create Model.*'], 'b'),
  ).toThrow(
    '"Create Model.PrimaryContainer" holds several settings; name one of them, like Create Model.PrimaryContainer.<name>.',
  );
});

test('bounds the number of overrides and the length of a value', () => {
  const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`hyperparameters.k${i}`, '1']));
  expect(() => applyOverrides(defaults, many, allowed)).toThrow(
    "That's more than 20 settings for one build.",
  );
  expect(() => applyOverrides(defaults, { 'hyperparameters.k': 'x'.repeat(1025) }, allowed)).toThrow(
    'The value of "hyperparameters.k" is longer than 1024 characters.',
  );
});

test('an empty value is refused, never trained with', () => {
  for (const empty of ['', '  ']) {
    expect(() => applyOverrides(defaults, { 'hyperparameters.eta': empty }, allowed)).toThrow(
      '"hyperparameters.eta" needs a value.',
    );
  }
});

test('a booleans stays a boolean', () => {
  expect(applyOverrides({ flag: false }, { flag: 'true' }, ['flag'])).toEqual({ flag: true });
  expect(() => applyOverrides({ flag: false }, { flag: 'yes' }, ['flag'])).toThrow(
    '"flag" must be true or false.',
  );
});

// The fronts' words: a chat line keeps quoted keys together.

test.each([
  ['start churn "Create Model.ModelName=m-{build}"', ['start', 'churn', 'Create Model.ModelName=m-{build}']],
  ["start churn ['Create Model'].ModelName=m", ['start', 'churn', "['Create Model'].ModelName=m"]],
  ['start churn "Create Model".ModelName=m', ['start', 'churn', 'Create Model.ModelName=m']],
  ['start churn Training.HyperParameters["a b"]=1', ['start', 'churn', 'Training.HyperParameters["a b"]=1']],
  ['start dev note="two words"', ['start', 'dev', 'note=two words']],
  ["what's up", ["what's", 'up']],
  ['status "churn prod"', ['status', 'churn prod']],
  ['an "unclosed quote', ['an', '"unclosed', 'quote']],
  ['start churn \u201cCreate Model.ModelName=m\u201d', ['start', 'churn', 'Create Model.ModelName=m']],
  ['start churn [\u2018Create Model\u2019].ModelName=m', ['start', 'churn', "['Create Model'].ModelName=m"]],
])('words(%j)', (line, expected) => {
  expect(words(line)).toEqual(expected);
});

test('start parses keys with spaces, brackets and = inside quotes', () => {
  const parsed = parseCommand(words(`start churn "Create Model.ModelName=m-{build}" ['a=b'].c=d`), []);
  expect(parsed).toEqual({
    kind: 'start',
    pipeline: 'churn',
    overrides: { 'Create Model.ModelName': 'm-{build}', "['a=b'].c": 'd' },
  });
});
