// The Lambda bundles as `npm run build` makes them, run as Lambda runs them: each index.js alone in a folder
// with no node_modules above it, required by plain `node` (not tsx, not jest) with a Lambda's environment, and
// its handler answering real requests against the local AWS, a DynamoDB (dynalite) and the fake Slack and
// Alexa APIs. A module the bundle lacks, or one left out that the handler does reach, fails here.

import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ResponseEnvelope } from 'ask-sdk-model';
import { alexaEnvelope, finishedBuild, lambdaEnv, runHandler, statusCommand } from '../bench/support/lambda';
import type { ExecutionStatusChangeEvent } from '../local/events';
import { startFakeAlexaApi, type FakeAlexaApi } from '../local/alexa/fake-api';
import { spokenText } from '../local/alexa/speech';
import { startFakeSlackApi, type FakeSlack } from '../local/slack/fake-slack-api';
import { slackSettings } from '../slack/settings';
import { startDynalite, type LocalDynamoDb } from '../slack/store/dynalite';
import { createTable, DynamoDbStore } from '../slack/store/dynamodb-store';
import { buildLambdas, type BuiltLambda } from '../tools/build';
import { startLocalStack, type LocalStack } from './support/local-stack';
import { FORM, functionUrlEvent, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from './support/slack';

type Name = BuiltLambda['name'];

let stack: LocalStack;
let slack: FakeSlack;
let alexa: FakeAlexaApi;
let dynamodb: LocalDynamoDb;
let buildDir: string;
let built: Map<Name, BuiltLambda>;
let devBuild: ExecutionStatusChangeEvent;
const dirs: string[] = [];

beforeAll(async () => {
  buildDir = mkdtempSync(join(tmpdir(), 'sagebuild-bundles-'));
  const [lambdas, started] = await Promise.all([buildLambdas(buildDir), startLocalStack({ past: true })]);
  built = new Map(lambdas.map((lambda) => [lambda.name, lambda]));
  stack = started;
  [slack, alexa, dynamodb] = await Promise.all([
    startFakeSlackApi({ token: TEST_BOT_TOKEN }),
    startFakeAlexaApi(),
    startDynalite(stack.local.region),
  ]);
  await createTable(dynamodb.client, slackSettings(stack.core.config).storeTable);
  devBuild = await finishedBuild(stack.core, stack.local, 'dev');
});

afterAll(async () => {
  for (const dir of [buildDir, ...dirs]) if (dir) rmSync(dir, { recursive: true, force: true });
  await Promise.all([slack?.close(), alexa?.close(), dynamodb?.close()]);
  await stack?.close();
});

/** The Lambda's folder: its index.js alone, and the config it reads from SAGEBUILD_CONFIG. */
function deployed(name: Name): { bundle: string; env: NodeJS.ProcessEnv; cwd: string } {
  const lambda = built.get(name);
  if (!lambda) throw new Error(`${name} was not built`);
  const dir = mkdtempSync(join(tmpdir(), `sagebuild-lambda-${name}-`));
  dirs.push(dir);
  const bundle = join(dir, 'index.js');
  copyFileSync(lambda.outfile, bundle);
  const configPath = join(dir, 'sagebuild.config.json');
  writeFileSync(configPath, JSON.stringify(stack.core.config));
  const env = lambdaEnv(configPath, stack.local, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
  });
  return { bundle, env, cwd: dir };
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
  expect(built.get('skill')?.bytes).toBeLessThan(400_000);
  expect(built.get('notifier')?.bytes).toBeLessThan(400_000);
  expect(built.get('slack-bot')?.bytes).toBeLessThan(1_200_000);
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
