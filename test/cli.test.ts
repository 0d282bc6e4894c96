// The CLI front against the local AWS with its seeded past: runCommand answers as a person would read them, and
// the real `sagebuild` binary configures itself from SAGEBUILD_CONFIG (or says how to).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { helpText, runCommand, words } from '../commands/run';
import { parseConfig } from '../core/config/load';
import { startLocalStack, tester, waitFor, type LocalStack } from './support/local-stack';
import { cleanEnv } from './support/env';
import { runProcess, type ProcessRun } from './support/run-process';

const REPO = resolve(__dirname, '..');
/** Keeps a started build in training for 12 s at the test time scale, so it is still running when we look. */
const LONG_TRAINING = 'hyperparameters.sagebuild_training_minutes=600';

let stack: LocalStack;
let sfn: SFNClient;
let scratch: string;

beforeAll(async () => {
  stack = await startLocalStack({ past: true });
  sfn = new SFNClient({});
  scratch = mkdtempSync(join(tmpdir(), 'sagebuild-cli-'));
});

afterAll(async () => {
  sfn?.destroy();
  await stack?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Every answer is a sentence for a person: no stack frames, no raw "Error: ..." messages. */
function expectFriendly(answer: string): void {
  expect(answer).not.toContain('    at ');
  expect(answer).not.toMatch(/\bError:/);
}

async function ask(line: string): Promise<string> {
  const answer = await runCommand(words(line), { core: stack.core, requester: tester });
  expectFriendly(answer);
  return answer;
}

function pipelineArn(name: string): string {
  const pipeline = stack.pipelines.find((p) => p.name === name);
  if (!pipeline) throw new Error(`no pipeline ${name}`);
  return pipeline.stateMachineArn;
}

async function executions(pipeline: string) {
  const { executions: found = [] } = await sfn.send(
    new ListExecutionsCommand({ stateMachineArn: pipelineArn(pipeline), maxResults: 1000 }),
  );
  return found;
}

async function executionArnOf(pipeline: string, name: string): Promise<string> {
  const found = (await executions(pipeline)).find((e) => e.name === name);
  if (!found?.executionArn) throw new Error(`no execution ${name} in ${pipeline}`);
  return found.executionArn;
}

async function statusOf(executionArn: string): Promise<string | undefined> {
  return (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
}

function startedName(answer: string): string {
  const match = /^Started a new dev build, (dev-[\w-]+)\.$/.exec(answer);
  if (!match?.[1]) throw new Error(`not a "started" answer: ${answer}`);
  return match[1];
}

describe('answers about the seeded past', () => {
  test('status prod: the latest build finished, and the endpoint is named', async () => {
    const answer = await ask('status prod');
    expect(answer).toMatch(/^Yes\. /);
    expect(answer).toContain('finished 2 hours ago');
    expect(answer).toContain('churn-prod');
  });

  test('why prod: the training step and SageMaker’s own reason', async () => {
    const answer = await ask('why prod');
    expect(answer).toContain('7 hours ago');
    expect(answer).toContain('failed 7 hours ago while training the model.');
    expect(answer).toContain('SageMaker said');
    expect(answer).toContain('ValueError');
  });

  test('why dev: the quality gate and the metric that missed it', async () => {
    const answer = await ask('why dev');
    expect(answer).toContain('3 hours ago');
    expect(answer).toContain('quality gate');
    expect(answer).toContain('0.71');
    expect(answer).toContain('0.8');
  });

  test('list prod: six builds, one failed', async () => {
    const answer = await ask('list prod');
    expect(answer).toMatch(/The last 6 prod builds: 5 succeeded, 1 failed\./);
  });

  test('endpoint prod: in service, serving prod-nightly-4', async () => {
    const answer = await ask('endpoint prod');
    expect(answer).toContain('churn-prod');
    expect(answer).toContain('in service');
    expect(answer).toContain('prod-nightly-4');
  });

  test('status prdo: did you mean prod?', async () => {
    const answer = await ask('status prdo');
    expect(answer).toContain("I don't know a pipeline called prdo.");
    expect(answer).toContain('Did you mean prod?');
  });

  test('an unknown command gets the help text; help is the help text', async () => {
    const unknown = await ask('frobnicate prod');
    expect(unknown).toBe(`I don't know the command "frobnicate".\n${helpText(stack.core)}`);
    const help = await ask('help');
    expect(help).toBe(helpText(stack.core));
    for (const command of ['status', 'details', 'eta', 'start', 'stop', 'list', 'why', 'endpoint', 'help']) {
      expect(help).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(help).toContain('Pipelines: prod (production, live), dev (development, staging, test)');
  });
});

describe('starting and stopping builds', () => {
  test('start with an override, refuse a second start, then stop the pipeline’s build', async () => {
    const answer = await ask(`start dev hyperparameters.max_depth=7 ${LONG_TRAINING}`);
    const name = startedName(answer);
    const arn = await executionArnOf('dev', name);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(described.status).toBe('RUNNING');
    const input = JSON.parse(described.input ?? '{}');
    expect(input.hyperparameters.max_depth).toBe('7');
    expect(input.hyperparameters.eta).toBe('0.2'); // the rest of the default input is kept
    expect(input.startedBy).toMatchObject({ id: tester.id, displayName: tester.displayName });

    const before = (await executions('dev')).length;
    const again = await ask('start dev');
    expect(again).toContain(`A dev build is already running: ${name}`);
    expect(again).toContain("I didn't start another one.");
    expect((await executions('dev')).length).toBe(before);

    expect(await ask('stop dev')).toBe(`Stopped the dev build ${name}.`);
    await waitFor(async () => ((await statusOf(arn)) === 'ABORTED' ? true : undefined), 10000);
    expect(await ask('stop dev')).toBe("No dev build is running, so there's nothing to stop.");
  });

  test('stop <build name> stops that build', async () => {
    const name = startedName(await ask(`start dev ${LONG_TRAINING}`));
    const arn = await executionArnOf('dev', name);
    expect(await ask(`stop ${name}`)).toBe(`Stopped the dev build ${name}.`);
    await waitFor(async () => ((await statusOf(arn)) === 'ABORTED' ? true : undefined), 10000);
  });

  test('refused starts say why and start nothing', async () => {
    const before = (await executions('dev')).length;

    const roleArn = await ask('start dev roleArn=x');
    expect(roleArn).toContain('"roleArn" can\'t be changed');
    expect(roleArn).toContain(
      'Allowed: hyperparameters.*, trainingInstanceType, trainingInstanceCount, endpointInstanceType, endpointInstanceCount',
    );

    // Without "=" it is a setting missing its value: said so, with the pipeline's default as the example.
    const noEquals = await ask('start dev hyperparameters.max_depth');
    expect(noEquals).toBe(
      'hyperparameters.max_depth needs a value, like hyperparameters.max_depth=5. Nothing was started.',
    );

    // With "=" and nothing after it, just the same.
    for (const empty of ['start dev hyperparameters.max_depth=', 'start dev trainingInstanceCount= ']) {
      expect(await ask(empty)).toMatch(/^\S+ needs a value, like \S+=\S+\. Nothing was started\.$/);
    }
    expect(await ask('start dev hyperparameters.max_depth=')).toBe(
      'hyperparameters.max_depth needs a value, like hyperparameters.max_depth=5. Nothing was started.',
    );

    const notANumber = await ask('start dev trainingInstanceCount=abc');
    expect(notANumber).toContain('"trainingInstanceCount" must be a number');

    expect((await executions('dev')).length).toBe(before);
    const running = (await executions('dev')).filter((e) => e.status === 'RUNNING');
    expect(running).toEqual([]);
  });
});

/** Runs the real `sagebuild` binary; kills it if it hangs, so the test fails instead of waiting forever. */
function sagebuild(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<ProcessRun> {
  return runProcess(process.execPath, [join(REPO, 'bin', 'sagebuild.js'), ...args], options);
}

/** The test process's environment without anything that would point the CLI at a config or an endpoint. */
function writeConfig(name: string, config: unknown): string {
  const path = join(scratch, name);
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

describe('the sagebuild binary', () => {
  test('the parsed config, written as JSON, parses again to the same config', () => {
    const roundTrip = JSON.parse(JSON.stringify(stack.core.config));
    expect(parseConfig(roundTrip, 'round trip')).toEqual(stack.core.config);
  });

  test('status prod through SAGEBUILD_CONFIG and AWS_ENDPOINT_URL', async () => {
    const run = await sagebuild(['status', 'prod'], {
      cwd: REPO,
      env: cleanEnv({
        SAGEBUILD_CONFIG: writeConfig('config.json', stack.core.config),
        AWS_ENDPOINT_URL: stack.local.endpoint,
        AWS_ACCESS_KEY_ID: 'dummy',
        AWS_SECRET_ACCESS_KEY: 'dummy',
      }),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Yes\. Your prod build finished 2 hours ago\b.*churn-prod is in service\.\n$/,
    );
  });

  test('a refused request answers with the reason and exits 1; help needs no config', async () => {
    const env = cleanEnv({
      SAGEBUILD_CONFIG: writeConfig('config-refused.json', stack.core.config),
      AWS_ENDPOINT_URL: stack.local.endpoint,
      AWS_ACCESS_KEY_ID: 'dummy',
      AWS_SECRET_ACCESS_KEY: 'dummy',
    });
    const refused = await sagebuild(['status', 'prdo'], { cwd: REPO, env });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('Did you mean prod?');
    const help = await sagebuild(['help'], { cwd: mkdtempSync(join(scratch, 'help-')), env: cleanEnv() });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('status [pipeline]');
  });

  test('without SAGEBUILD_CONFIG or a running npm start: exit 2 and how to fix it', async () => {
    const empty = mkdtempSync(join(scratch, 'no-session-'));
    const run = await sagebuild(['status', 'prod'], { cwd: empty, env: cleanEnv() });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('SAGEBUILD_CONFIG is not set');
    expect(run.stderr).toContain('Set SAGEBUILD_CONFIG to your config file, or run `npm start`');
    expect(run.stderr).not.toContain('    at ');
  });

  test('a config with a bad stateMachineArn: exit 2, naming the field', async () => {
    const config = JSON.parse(JSON.stringify(stack.core.config));
    config.pipelines[0].stateMachineArn = 'not-an-arn';
    const run = await sagebuild(['status', 'prod'], {
      cwd: REPO,
      env: cleanEnv({ SAGEBUILD_CONFIG: writeConfig('bad-config.json', config) }),
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('pipelines[0].stateMachineArn');
    expect(run.stderr).toContain('must be a Step Functions state machine ARN');
    expect(run.stderr).not.toContain('    at ');
  });
});
