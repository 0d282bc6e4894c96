import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertAllowed, isAllowed } from '../core/config/authorize';
import { loadConfig, parseConfig } from '../core/config/load';
import { editDistance, pipelineNames, resolvePipeline } from '../core/config/pipelines';
import type { PipelineConfig, SageBuildConfig } from '../core/config/schema';
import { ConfigError, NotAuthorized, PipelineAmbiguous, PipelineNotFound } from '../core/errors';

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:sagebuild-prod';

function pipeline(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'prod', stateMachineArn: ARN, ...overrides };
}

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { pipelines: [pipeline()], ...overrides };
}

/** The ConfigError thrown by parseConfig, for asserting its message and field. */
function configError(value: unknown): ConfigError {
  try {
    parseConfig(value, 'test.json');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const twoPipelines = (): SageBuildConfig =>
  parseConfig(
    {
      pipelines: [
        pipeline({ aliases: ['production', 'live'] }),
        pipeline({ name: 'dev', stateMachineArn: ARN.replace('prod', 'dev'), aliases: ['development'] }),
      ],
    },
    'test',
  );

describe('parseConfig', () => {
  it('fills in defaults', () => {
    const parsed = parseConfig(config(), 'test');
    expect(parsed.aws).toEqual({ timeoutMs: 4000, maxAttempts: 2, budgetMs: 6000 });
    const [p] = parsed.pipelines;
    expect(p).toEqual({
      name: 'prod',
      aliases: [],
      stateMachineArn: ARN,
      region: 'us-east-1',
      defaultInput: {},
      allowedInputKeys: [],
      slack: { channels: [] },
      access: { start: [], stop: [], subscribe: [], rollback: [], channels: [] },
    });
  });

  it('takes the pipeline region from the ARN, including other partitions', () => {
    const arn = 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:sb';
    expect(
      parseConfig(config({ pipelines: [pipeline({ stateMachineArn: arn })] }), 't').pipelines[0]?.region,
    ).toBe('cn-north-1');
  });

  it('keeps unknown top-level sections for later features', () => {
    const parsed = parseConfig(config({ teams: { notes: 'x' } }), 'test') as Record<string, unknown>;
    expect(parsed.teams).toEqual({ notes: 'x' });
  });

  it('accepts a full example', () => {
    const parsed = parseConfig(
      {
        region: 'us-east-1',
        aws: { timeoutMs: 1000, maxAttempts: 3 },
        defaultPipeline: 'prod',
        pipelines: [
          pipeline({
            aliases: ['production', 'live'],
            region: 'us-east-1',
            defaultInput: { trainingInstanceType: 'ml.m5.xlarge', hyperparameters: { eta: '0.2' } },
            allowedInputKeys: ['trainingInstanceType', 'hyperparameters.*'],
            slack: { channels: ['C0123ABCD'] },
            access: {
              start: ['slack:U0123', 'slack-group:S0123', 'alexa:amzn1.ask.account.XYZ', 'cli:*', '*'],
              stop: ['alexa-person:amzn1.ask.person.ABC'],
              channels: ['slack:C0123'],
            },
          }),
        ],
      },
      'test',
    );
    expect(parsed.defaultPipeline).toBe('prod');
    expect(parsed.pipelines[0]?.access.channels).toEqual(['slack:C0123']);
  });

  it.each([
    [
      'a bad ARN',
      config({
        pipelines: [pipeline({ stateMachineArn: 'arn:aws:lambda:us-east-1:123456789012:function:x' })],
      }),
      'pipelines[0].stateMachineArn',
      'must be a Step Functions state machine ARN',
    ],
    [
      'a partition that does not fit the region',
      config({ pipelines: [pipeline({ stateMachineArn: ARN.replace('arn:aws:', 'arn:aws-cn:') })] }),
      'pipelines[0].stateMachineArn',
      'partition aws-cn does not match region us-east-1',
    ],
    [
      'a bad pipeline name',
      config({ pipelines: [pipeline({ name: 'Prod Pipeline' })] }),
      'pipelines[0].name',
      'lowercase',
    ],
    [
      'a missing ARN',
      config({ pipelines: [{ name: 'prod' }] }),
      'pipelines[0].stateMachineArn',
      'is required',
    ],
    ['no pipelines', { pipelines: [] }, 'pipelines', 'must list at least one pipeline'],
    ['a timeout out of bounds', config({ aws: { timeoutMs: 50 } }), 'aws.timeoutMs', 'must be at least 200'],
    ['too many attempts', config({ aws: { maxAttempts: 9 } }), 'aws.maxAttempts', 'must be at most 5'],
    [
      'a fractional attempt count',
      config({ aws: { maxAttempts: 1.5 } }),
      'aws.maxAttempts',
      'must be a whole number',
    ],
    [
      'a mistyped nested key',
      config({ pipelines: [pipeline({ acess: {} })] }),
      'pipelines[0].acess',
      'not a known field',
    ],
    [
      'a region unlike the ARN',
      config({ pipelines: [pipeline({ region: 'eu-west-1' })] }),
      'pipelines[0].region',
      'us-east-1',
    ],
    ['a malformed region', config({ region: 'US East' }), 'region', 'must be an AWS region'],
    [
      'an unknown time zone',
      config({ timeZone: 'Mars/Olympus' }),
      'timeZone',
      'time zone like Europe/Berlin',
    ],
    ['a time zone past any real one', config({ timeZone: 'A'.repeat(10_000) }), 'timeZone', 'time zone like'],
    [
      'an unknown default pipeline',
      config({ defaultPipeline: 'staging' }),
      'defaultPipeline',
      'pipeline names (prod)',
    ],
    [
      'a channel name instead of an id',
      config({ pipelines: [pipeline({ slack: { channels: ['#ml-builds'] } })] }),
      'pipelines[0].slack.channels[0]',
      'Slack channel id',
    ],
    [
      'a malformed access entry',
      config({ pipelines: [pipeline({ access: { start: ['U0123'] } })] }),
      'pipelines[0].access.start[0]',
      'prefix:id',
    ],
    [
      'a bare * in allowedInputKeys',
      config({ pipelines: [pipeline({ allowedInputKeys: ['*'] })] }),
      'pipelines[0].allowedInputKeys[0]',
      'dotted key',
    ],
    [
      'defaultInput that is not an object',
      config({ pipelines: [pipeline({ defaultInput: [] })] }),
      'pipelines[0].defaultInput',
      'must be an object',
    ],
  ])('rejects %s, naming the field', (_what, value, field, phrase) => {
    const error = configError(value);
    expect(error.field).toBe(field);
    expect(error.message).toContain(`Invalid SageBuild config (test.json): ${field}: `);
    expect(error.message).toContain(phrase);
  });

  it('gives the exact message for a bad ARN', () => {
    const error = configError(config({ pipelines: [pipeline({ stateMachineArn: 'nope' })] }));
    expect(error.message).toBe(
      'Invalid SageBuild config (test.json): pipelines[0].stateMachineArn: must be a Step Functions state machine ARN',
    );
  });

  it('rejects a config that is not an object', () => {
    expect(configError([]).message).toBe('Invalid SageBuild config (test.json): must be an object');
  });

  it('rejects names and aliases used twice, ignoring case', () => {
    const error = configError({
      pipelines: [
        pipeline({ aliases: ['Live'] }),
        pipeline({ name: 'dev', stateMachineArn: ARN, aliases: ['live'] }),
        pipeline({ name: 'staging', stateMachineArn: ARN, aliases: ['PROD'] }),
      ],
    });
    expect(error.field).toBe('pipelines[1].aliases[0]');
    expect(error.message).toContain('pipelines[1].aliases[0]: "live" is already used by pipeline prod');
    expect(error.message).toContain('pipelines[2].aliases[0]: "PROD" is already used by pipeline prod');
  });

  it('watches deploys for 30 minutes, every 5, unless told otherwise; a wait longer than the watch is refused', () => {
    expect(parseConfig(config(), 't').deployWatch).toEqual({ minutes: 30, checkEveryMinutes: 5 });
    expect(parseConfig(config({ deployWatch: { minutes: 0 } }), 't').deployWatch.minutes).toBe(0);
    const error = configError(config({ deployWatch: { minutes: 10, checkEveryMinutes: 15 } }));
    expect(error.message).toContain('deployWatch.checkEveryMinutes: must be at most minutes (10)');
    expect(configError(config({ deployWatch: { minutes: -1 } })).field).toBe('deployWatch.minutes');
    expect(configError(config({ deployWatch: { every: 5 } })).field).toBe('deployWatch.every');
  });

  it("takes a team's IANA time zone, UTC when unset", () => {
    expect(parseConfig(config(), 't').timeZone).toBeUndefined();
    expect(parseConfig(config({ timeZone: 'America/Los_Angeles' }), 't').timeZone).toBe(
      'America/Los_Angeles',
    );
    expect(parseConfig(config({ timeZone: 'UTC' }), 't').timeZone).toBe('UTC');
  });

  it('lists several problems and summarises beyond five', () => {
    const error = configError({ pipelines: Array.from({ length: 7 }, () => ({ name: 'x' })) });
    expect(error.message).toContain(
      'pipelines[0].stateMachineArn: is required; pipelines[1].stateMachineArn',
    );
    expect(error.message).toMatch(/; and 2 more problems$/);
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sagebuild-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  function loadError(env: NodeJS.ProcessEnv): ConfigError {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('expected a ConfigError');
  }

  it('loads and validates the file named by SAGEBUILD_CONFIG', () => {
    const path = write('ok.json', JSON.stringify(config()));
    expect(loadConfig({ SAGEBUILD_CONFIG: path }).pipelines[0]?.name).toBe('prod');
  });

  it('explains a missing SAGEBUILD_CONFIG', () => {
    const message = loadError({}).message;
    expect(message).toContain('SAGEBUILD_CONFIG is not set');
    expect(message).toContain('Deployed Lambdas never fall back to a local config');
    expect(loadError({ SAGEBUILD_CONFIG: '  ' }).message).toContain('SAGEBUILD_CONFIG is not set');
  });

  it('reports a missing file', () => {
    const path = join(dir, 'missing.json');
    expect(loadError({ SAGEBUILD_CONFIG: path }).message).toBe(
      `Cannot read SageBuild config (${path}): the file does not exist. Check SAGEBUILD_CONFIG.`,
    );
  });

  it('reports a directory', () => {
    expect(loadError({ SAGEBUILD_CONFIG: dir }).message).toContain('it is a directory, not a file');
  });

  it('says where the JSON is broken', () => {
    const path = write('bad.json', '{\n  "pipelines": [\n    { "name": "prod", }\n  ]\n}');
    const message = loadError({ SAGEBUILD_CONFIG: path }).message;
    expect(message).toContain(`Invalid SageBuild config (${path}): not valid JSON, at line 3, column 23`);
  });

  it('reports an empty file', () => {
    const path = write('empty.json', '\n');
    expect(loadError({ SAGEBUILD_CONFIG: path }).message).toBe(
      `Invalid SageBuild config (${path}): the file is empty.`,
    );
  });

  it('names the file and the field when validation fails', () => {
    const path = write(
      'arn.json',
      JSON.stringify(config({ pipelines: [pipeline({ stateMachineArn: 'x' })] })),
    );
    const error = loadError({ SAGEBUILD_CONFIG: path });
    expect(error.message).toBe(
      `Invalid SageBuild config (${path}): pipelines[0].stateMachineArn: must be a Step Functions state machine ARN`,
    );
    expect(error.field).toBe('pipelines[0].stateMachineArn');
  });
});

describe('resolvePipeline', () => {
  const cfg = twoPipelines();

  it.each([
    ['prod', 'prod'],
    ['PROD', 'prod'],
    ['  prod  ', 'prod'],
    ['production', 'prod'],
    ['Live', 'prod'],
    ['prod pipeline', 'prod'],
    ['the prod build', 'prod'],
    ['dev', 'dev'],
    ['development pipeline', 'dev'],
  ])('resolves %j to %s', (requested, name) => {
    expect(resolvePipeline(cfg, requested).name).toBe(name);
  });

  it('treats hyphens, underscores and spaces alike, as speech does', () => {
    const c = parseConfig(
      config({ pipelines: [pipeline({ name: 'churn-prod' }), pipeline({ name: 'dev' })] }),
      't',
    );
    expect(resolvePipeline(c, 'churn prod').name).toBe('churn-prod');
    expect(resolvePipeline(c, 'Churn_Prod').name).toBe('churn-prod');
  });

  it('uses the only pipeline when none is named', () => {
    const c = parseConfig(config(), 't');
    expect(resolvePipeline(c).name).toBe('prod');
    expect(resolvePipeline(c, '').name).toBe('prod');
    expect(resolvePipeline(c, 'the pipeline').name).toBe('prod');
  });

  it('uses defaultPipeline when several exist', () => {
    const c = parseConfig({ ...config(), defaultPipeline: 'dev', pipelines: twoPipelines().pipelines }, 't');
    expect(resolvePipeline(c).name).toBe('dev');
  });

  it('asks which pipeline when several exist and none is the default', () => {
    expect(() => resolvePipeline(cfg)).toThrow(PipelineAmbiguous);
    try {
      resolvePipeline(cfg);
    } catch (error) {
      expect((error as PipelineAmbiguous).known).toEqual(['prod', 'dev']);
    }
  });

  it('suggests the closest pipeline for a typo', () => {
    expect.assertions(3);
    try {
      resolvePipeline(cfg, 'prdo');
    } catch (error) {
      expect(error).toBeInstanceOf(PipelineNotFound);
      expect((error as PipelineNotFound).suggestion).toBe('prod');
      expect((error as PipelineNotFound).known).toEqual(['prod', 'dev']);
    }
  });

  it('suggests the pipeline behind a close alias', () => {
    expect.assertions(1);
    try {
      resolvePipeline(cfg, 'producton');
    } catch (error) {
      expect((error as PipelineNotFound).suggestion).toBe('prod');
    }
  });

  it('suggests nothing when nothing is near', () => {
    expect.assertions(2);
    try {
      resolvePipeline(cfg, ' stagin ');
    } catch (error) {
      expect((error as PipelineNotFound).requested).toBe('stagin');
      expect((error as PipelineNotFound).suggestion).toBeUndefined();
    }
  });

  it('lists pipeline names', () => {
    expect(pipelineNames(cfg)).toEqual(['prod', 'dev']);
  });

  it('measures edit distance with transpositions', () => {
    expect(editDistance('prdo', 'prod')).toBe(1);
    expect(editDistance('', 'dev')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('authorization', () => {
  const withAccess = (access: Record<string, unknown>): PipelineConfig => {
    const p = parseConfig(config({ pipelines: [pipeline({ access })] }), 't').pipelines[0];
    if (!p) throw new Error('no pipeline');
    return p;
  };

  it('allows nobody by default', () => {
    expect(isAllowed(withAccess({}), 'start', { id: 'slack:U0123' })).toBe(false);
  });

  it('matches exact ids per action', () => {
    const p = withAccess({ start: ['slack:U0123'], stop: ['slack:U0456'] });
    expect(isAllowed(p, 'start', { id: 'slack:U0123' })).toBe(true);
    expect(isAllowed(p, 'stop', { id: 'slack:U0123' })).toBe(false);
    expect(isAllowed(p, 'stop', { id: 'slack:U0456' })).toBe(true);
  });

  it('matches "*" and "prefix:*"', () => {
    expect(isAllowed(withAccess({ start: ['*'] }), 'start', { id: 'alexa:amzn1.ask.account.X' })).toBe(true);
    const cli = withAccess({ start: ['cli:*'] });
    expect(isAllowed(cli, 'start', { id: 'cli:ana' })).toBe(true);
    expect(isAllowed(cli, 'start', { id: 'slack:cli' })).toBe(false);
    // "slack:*" must not let in ids of a longer prefix such as "slack-group:".
    expect(isAllowed(withAccess({ start: ['slack:*'] }), 'start', { id: 'slack-group:S1' })).toBe(false);
  });

  it('matches groups', () => {
    const p = withAccess({ stop: ['slack-group:S0123'] });
    expect(isAllowed(p, 'stop', { id: 'slack:U9', groups: ['slack-group:S0123'] })).toBe(true);
    expect(isAllowed(p, 'stop', { id: 'slack:U9', groups: ['slack-group:S999'] })).toBe(false);
  });

  it('limits start and stop to listed channels when there are any', () => {
    const p = withAccess({ start: ['*'], channels: ['slack:C0123'] });
    expect(isAllowed(p, 'start', { id: 'slack:U1', place: 'slack:C0123' })).toBe(true);
    expect(isAllowed(p, 'start', { id: 'slack:U1', place: 'slack:C999' })).toBe(false);
    expect(isAllowed(p, 'start', { id: 'slack:U1' })).toBe(false);
  });

  it('lets "alexa" be a place, so a channel-limited pipeline can also be used by voice', () => {
    const p = withAccess({ start: ['*'], channels: ['slack:C0123', 'alexa'] });
    expect(p.access.channels).toEqual(['slack:C0123', 'alexa']);
    // The skill's requester: its place is "alexa".
    expect(isAllowed(p, 'start', { id: 'alexa:amzn1.ask.account.X', place: 'alexa' })).toBe(true);
    expect(isAllowed(p, 'start', { id: 'slack:U1', place: 'slack:C999' })).toBe(false);
    expect(
      isAllowed(withAccess({ start: ['*'], channels: ['slack:C0123'] }), 'start', {
        id: 'a',
        place: 'alexa',
      }),
    ).toBe(false);
    expect(
      configError(config({ pipelines: [pipeline({ access: { channels: ['alexa '] } })] })).message,
    ).toContain('must be "alexa", "*", "prefix:*" or "prefix:id"');
  });

  it('subscribing takes its own rule, by default whoever may stop', () => {
    const byDefault = withAccess({ start: ['*'], stop: ['slack:U0456', 'slack-group:S0123'] });
    expect(byDefault.access.subscribe).toEqual(['slack:U0456', 'slack-group:S0123']);
    expect(isAllowed(byDefault, 'subscribe', { id: 'slack:U0456' })).toBe(true);
    expect(isAllowed(byDefault, 'subscribe', { id: 'slack:U9', groups: ['slack-group:S0123'] })).toBe(true);
    expect(isAllowed(byDefault, 'subscribe', { id: 'slack:U0123' })).toBe(false);
    const own = withAccess({ stop: ['slack:U0456'], subscribe: ['slack:U0789'] });
    expect(isAllowed(own, 'subscribe', { id: 'slack:U0789' })).toBe(true);
    expect(isAllowed(own, 'subscribe', { id: 'slack:U0456' })).toBe(false);
    expect(isAllowed(withAccess({}), 'subscribe', { id: 'slack:U0456' })).toBe(false);
    // Limited to its channels like start and stop.
    const limited = withAccess({ subscribe: ['*'], channels: ['slack:C0123'] });
    expect(isAllowed(limited, 'subscribe', { id: 'slack:U1', place: 'slack:C999' })).toBe(false);
    expect(() => assertAllowed(limited, 'subscribe', { id: 'slack:U1', place: 'slack:C999' })).toThrow(
      NotAuthorized,
    );
  });

  it('throws NotAuthorized naming action, pipeline and requester', () => {
    const p = withAccess({ start: ['*'] });
    expect(() => assertAllowed(p, 'start', { id: 'cli:ana' })).not.toThrow();
    expect.assertions(3);
    try {
      assertAllowed(p, 'stop', { id: 'cli:ana' });
    } catch (error) {
      expect(error).toBeInstanceOf(NotAuthorized);
      const e = error as NotAuthorized;
      expect([e.action, e.pipeline, e.requester]).toEqual(['stop', 'prod', 'cli:ana']);
    }
  });
});
