// The Lambda bundles as `npm run build` makes them, run as Lambda runs them: each index.js alone in a folder
// with no node_modules above it, required by plain `node` (not tsx, not jest) with a Lambda's environment, and
// its handler answering real requests against the local AWS, a DynamoDB (dynalite) and the fake Slack and
// Alexa APIs. A module the bundle lacks, or one left out that the handler does reach, fails here. The Slack
// Lambdas also run as deployed: tokens from Secrets Manager (a local stand-in), AWS_LAMBDA_FUNCTION_NAME set,
// so the bot boots at module load and each request writes its JSON line at INFO.

import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ResponseEnvelope } from 'ask-sdk-model';
import {
  alexaEnvelope,
  finishedBuild,
  lambdaEnv,
  runHandler,
  statusCommand,
  type HandlerRun,
} from '../bench/support/lambda';
import type { LogFields } from '../core/log/logger';
import type { ExecutionStatusChangeEvent } from '../local/events';
import { startFakeAlexaApi, type FakeAlexaApi } from '../local/alexa/fake-api';
import { spokenText } from '../local/alexa/speech';
import { startFakeSlackApi, type FakeSlack } from '../local/slack/fake-slack-api';
import { buttonValue, CARD_ACTIONS } from '../slack/cards/actions';
import { slackSettings } from '../slack/settings';
import { startDynalite, type LocalDynamoDb } from '../slack/store/dynalite';
import { createTable, DynamoDbStore } from '../slack/store/dynamodb-store';
import { buildLambdas, type BuiltLambda } from '../tools/build';
import { startLocalStack, type LocalStack } from './support/local-stack';
import { startFakeSecretsManager, type FakeSecretsManager } from './support/secrets-manager';
import {
  blockActionBody,
  blockActionPayload,
  FORM,
  functionUrlEvent,
  TEST_BOT_TOKEN,
  TEST_SIGNING_SECRET,
} from './support/slack';

type Name = BuiltLambda['name'];

/** The deployed Lambdas' secret (slack.tokensSecretId), as infra/ makes it. */
const SECRET_ID = 'sagebuild/slack';
/** What no log line may carry: the test token's tail is distinctive enough to catch a partial leak. */
const SECRET_VALUES = [TEST_BOT_TOKEN, TEST_SIGNING_SECRET, TEST_BOT_TOKEN.slice(-16)];

let stack: LocalStack;
let slack: FakeSlack;
let alexa: FakeAlexaApi;
let dynamodb: LocalDynamoDb;
let secretsManager: FakeSecretsManager;
let buildDir: string;
let built: Map<Name, BuiltLambda>;
let devBuild: ExecutionStatusChangeEvent;
const dirs: string[] = [];

beforeAll(async () => {
  buildDir = mkdtempSync(join(tmpdir(), 'sagebuild-bundles-'));
  const [lambdas, started] = await Promise.all([buildLambdas(buildDir), startLocalStack({ past: true })]);
  built = new Map(lambdas.map((lambda) => [lambda.name, lambda]));
  stack = started;
  [slack, alexa, dynamodb, secretsManager] = await Promise.all([
    startFakeSlackApi({ token: TEST_BOT_TOKEN }),
    startFakeAlexaApi(),
    startDynalite(stack.local.region),
    startFakeSecretsManager({
      [SECRET_ID]: { SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET },
    }),
  ]);
  await createTable(dynamodb.client, slackSettings(stack.core.config).storeTable);
  devBuild = await finishedBuild(stack.core, stack.local, 'dev');
});

afterAll(async () => {
  for (const dir of [buildDir, ...dirs]) if (dir) rmSync(dir, { recursive: true, force: true });
  await Promise.all([slack?.close(), alexa?.close(), dynamodb?.close(), secretsManager?.close()]);
  await stack?.close();
});

/**
 * The Lambda's folder: its index.js alone, and the config it reads from SAGEBUILD_CONFIG. 'env': the Slack
 * tokens in the environment, and not in Lambda (as `npm start` and the bench run it). 'secret': as deployed,
 * the tokens only in the Secrets Manager secret the config names, AWS_LAMBDA_FUNCTION_NAME set, and Slack
 * Web API calls going to the fake Slack.
 */
function deployed(
  name: Name,
  tokens: 'env' | 'secret' = 'env',
): { bundle: string; env: NodeJS.ProcessEnv; cwd: string } {
  const lambda = built.get(name);
  if (!lambda) throw new Error(`${name} was not built`);
  const dir = mkdtempSync(join(tmpdir(), `sagebuild-lambda-${name}-`));
  dirs.push(dir);
  const bundle = join(dir, 'index.js');
  copyFileSync(lambda.outfile, bundle);
  const configPath = join(dir, 'sagebuild.config.json');
  const { config } = stack.core;
  writeFileSync(
    configPath,
    JSON.stringify(
      tokens === 'secret' ? { ...config, slack: { ...config.slack, tokensSecretId: SECRET_ID } } : config,
    ),
  );
  const env = lambdaEnv(configPath, stack.local, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    ...(tokens === 'secret'
      ? {
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
          AWS_LAMBDA_FUNCTION_NAME: `sagebuild-${name}`,
          AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
          SLACK_API_URL: slack.apiUrl,
        }
      : { SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET }),
  });
  return { bundle, env, cwd: dir };
}

/**
 * What a deployed run printed: stdout is JSON lines only (Lambda's JSON log format passes them through), and
 * no secret is on stdout or stderr. Returns the lines, parsed.
 */
function logLines(run: Pick<HandlerRun<unknown>, 'stdout' | 'stderr'>): LogFields[] {
  for (const value of SECRET_VALUES) {
    expect(run.stdout).not.toContain(value);
    expect(run.stderr).not.toContain(value);
  }
  const lines = run.stdout.split('\n').filter((line) => line !== '');
  const parsed = lines.map((line): LogFields | string => {
    try {
      const value: unknown = JSON.parse(line);
      return value && typeof value === 'object' && !Array.isArray(value) ? (value as LogFields) : line;
    } catch {
      return line;
    }
  });
  expect(parsed.filter((line) => typeof line === 'string')).toEqual([]);
  return parsed.filter((line): line is LogFields => typeof line !== 'string');
}

/** The one line each request ends with. */
function requestLine(lines: LogFields[]): LogFields | undefined {
  const found = lines.filter((line) => typeof line.message === 'string' && /^request /.test(line.message));
  expect(found).toHaveLength(1);
  return found[0];
}

/** Every node_modules folder Node would look in from `dir`: there must be none. */
function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'node_modules'))) found.push(join(at, 'node_modules'));
    if (dirname(at) === at) return found;
  }
}

test('the bundles stay within their size budgets', () => {
  // The skill aims for 400 KB; it now carries a DynamoDB client for the start claims (about 32 KB), the
  // machine reader (about 11 KB), rollback with model comparison (about 19 KB), the approval gates' decisions
  // (about 7 KB), and room for endpoint health (a CloudWatch client, about 40 KB) and build references.
  // bench:cold measures what that costs at cold start.
  expect(built.get('skill')?.bytes).toBeLessThan(540_000);
  // The notifier also reads the team's machine definition for the card's steps, the cards' comparison with the
  // live model and rollback line (about 17 KB), answers under a slow AWS (about 5 KB), the approval gates
  // (about 8 KB), and room for the approval card and the deploy watch's CloudWatch client.
  expect(built.get('notifier')?.bytes).toBeLessThan(520 * 1024);
  expect(built.get('slack-bot')?.bytes).toBeLessThan(1_300_000);
});

test('the skill answers "is my build done" with the build state', async () => {
  const { bundle, env, cwd } = deployed('skill');
  expect(nodeModulesAbove(cwd)).toEqual([]);
  const envelope = alexaEnvelope(stack.core.config, alexa.url, 'is my build done');
  expect(envelope.context.System.application.applicationId).toBe(stack.core.config.alexa?.skillId);
  const run = await runHandler<ResponseEnvelope>(bundle, envelope, { cwd, env });
  const said = spokenText(run.response.response.outputSpeech);
  // The newest prod build (the default pipeline) is the nightly that succeeded two hours ago.
  expect(said).toMatch(
    /^Yes\. Your prod build finished 2 hours ago, after .+\. The endpoint churn-prod is in service/,
  );
});

test('the Slack bot verifies a signed /sagebuild status and answers in the ack', async () => {
  const { bundle, env, cwd } = deployed('slack-bot');
  expect(nodeModulesAbove(cwd)).toEqual([]);
  const event = functionUrlEvent(statusCommand(slack, 'bundle-status', 'prod'), FORM);
  const run = await runHandler<{ statusCode: number; body?: string }>(bundle, event, { cwd, env });
  expect(run.response.statusCode).toBe(200);
  const ack = JSON.parse(run.response.body ?? '{}') as { text?: string; response_type?: string };
  expect(ack.response_type).toBe('ephemeral');
  expect(ack.text).toMatch(/^Yes\. Your prod build finished 2 hours ago, after .+\. The endpoint churn-prod/);

  const forged = functionUrlEvent(statusCommand(slack, 'bundle-forged', 'prod'), FORM, 'not-the-secret');
  const refused = await runHandler<{ statusCode: number }>(bundle, forged, { cwd, env });
  expect(refused.response.statusCode).toBe(401);
});

test('the notifier posts the build card to Slack and keeps it in DynamoDB', async () => {
  const { bundle, cwd, env } = deployed('notifier');
  expect(nodeModulesAbove(cwd)).toEqual([]);
  slack.reset();
  const { executionArn, name } = devBuild.detail;
  await runHandler(bundle, devBuild, { cwd, env: { ...env, SLACK_API_URL: slack.apiUrl } });

  const card = slack
    .callsTo('chat.postMessage')
    .find((call) => call.outcome === 'ok' && !call.args.thread_ts && call.args.channel === 'C0DEVBUILDS');
  expect(card?.token).toBe(TEST_BOT_TOKEN);
  expect(String(card?.args.text)).toContain(name);
  expect(JSON.stringify(card?.args.blocks)).toContain('succeeded');
  // Reached through AWS_ENDPOINT_URL_DYNAMODB, not the local AWS of AWS_ENDPOINT_URL.
  const stored = await new DynamoDbStore(
    dynamodb.client,
    slackSettings(stack.core.config).storeTable,
  ).getCard(executionArn);
  expect(stored).toMatchObject({ status: 'SUCCEEDED', cards: [{ channel: 'C0DEVBUILDS' }] });
});

describe('as deployed: tokens from Secrets Manager, AWS_LAMBDA_FUNCTION_NAME set', () => {
  test('the Slack bot answers a signed slash command and logs its request line, never a token', async () => {
    const { bundle, env, cwd } = deployed('slack-bot', 'secret');
    expect(Object.keys(env).filter((key) => key.startsWith('SLACK_'))).toEqual(['SLACK_API_URL']);
    const asked = secretsManager.asked.length;
    const event = functionUrlEvent(statusCommand(slack, 'bundle-deployed-status', 'prod'), FORM);
    const run = await runHandler<{ statusCode: number; body?: string }>(bundle, event, {
      cwd,
      env,
      requestId: 'req-deployed-status',
    });
    expect(run.response.statusCode).toBe(200);
    expect(JSON.parse(run.response.body ?? '{}')).toMatchObject({ response_type: 'ephemeral' });
    // Read once, by this cold start.
    expect(secretsManager.asked.slice(asked)).toEqual([
      { target: 'secretsmanager.GetSecretValue', secretId: SECRET_ID },
    ]);
    expect(requestLine(logLines(run))).toMatchObject({
      level: 'INFO',
      front: 'slack-bot',
      requestId: 'req-deployed-status',
      action: 'status',
      pipeline: 'prod',
      user: 'slack:U0BENCH',
      status: 200,
      outcome: 'answered',
    });
  });

  test("the Slack bot's Refresh button updates the card through the Web API", async () => {
    const { bundle, env, cwd } = deployed('slack-bot', 'secret');
    const channel = 'C0DEVBUILDS';
    const { executionArn, name } = devBuild.detail;
    // A message of the bot's that the button is on, its text out of date.
    const posted = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel, text: 'a dev build card, as it was' }),
    });
    const { ts } = (await posted.json()) as { ts: string };
    const updates = slack.callsTo('chat.update').length;
    const click = blockActionPayload({
      actionId: CARD_ACTIONS.refresh,
      value: buttonValue({ pipeline: 'dev', executionArn }),
      userId: 'U0BENCH',
      channelId: channel,
      messageTs: ts,
      responseUrl: slack.responseUrl('bundle-refresh', { channel, messageTs: ts }),
    });
    const event = functionUrlEvent(blockActionBody(click), FORM);
    const run = await runHandler<{ statusCode: number }>(bundle, event, {
      cwd,
      env,
      requestId: 'req-deployed-refresh',
    });
    expect(run.response.statusCode).toBe(200);
    // The listener's chat.update was made before the handler answered, with the token from the secret.
    const update = slack.callsTo('chat.update').slice(updates);
    expect(update).toEqual([
      expect.objectContaining({
        token: TEST_BOT_TOKEN,
        outcome: 'ok',
        args: expect.objectContaining({ channel, ts }),
      }),
    ]);
    expect(slack.message(channel, ts)?.text).toContain(name);
    expect(requestLine(logLines(run))).toMatchObject({
      front: 'slack-bot',
      requestId: 'req-deployed-refresh',
      action: CARD_ACTIONS.refresh,
      user: 'slack:U0BENCH',
      pipeline: 'dev',
      status: 200,
      outcome: 'answered',
    });
  });

  test('the notifier handles a status change and logs its request line, never a token', async () => {
    const { bundle, env, cwd } = deployed('notifier', 'secret');
    const asked = secretsManager.asked.length;
    const run = await runHandler(bundle, devBuild, { cwd, env, requestId: 'req-deployed-notifier' });
    expect(secretsManager.asked.slice(asked)).toEqual([
      { target: 'secretsmanager.GetSecretValue', secretId: SECRET_ID },
    ]);
    // Posted, or updated when the card is in DynamoDB already: the line says which.
    expect(requestLine(logLines(run))).toMatchObject({
      level: 'INFO',
      front: 'notifier',
      requestId: 'req-deployed-notifier',
      action: 'SUCCEEDED',
      build: devBuild.detail.name,
      pipeline: 'dev',
      result: expect.any(String),
      outcome: 'answered',
    });
  });
});
