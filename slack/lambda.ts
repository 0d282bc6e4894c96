// The Slack bot as a Lambda function behind a function URL: `handler` is a two-argument async handler (Node 24
// runtimes reject callback handlers). Config, tokens (environment or Secrets Manager) and clients are made once
// per container; in Lambda that starts at module load, so the secret is read while the runtime initialises.
//
// AwsLambdaReceiver answers Slack only after the listeners finish, so everything on a request's path is bounded
// to fit Slack's 3 seconds, cold start included: the core's AWS budget (tighter than the Alexa skill's), the
// Secrets Manager read (about a second), Slack calls (one try, a short timeout), group lookups and
// response_url posts (slack/listeners/deadline.ts). A slash command's answer goes in the ack itself.
//
// Each request runs in its own log context (Lambda's request ID); the app's middleware adds the action and the
// user, the listeners the pipeline, and the request ends with one JSON line with the HTTP status Slack got.

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { answerBy } from '../core/aws/answer-deadline';
import type { WebClientOptions } from '@slack/web-api';
import { loadConfig } from '../core/config/load';
import type { SageBuildConfig } from '../core/config/schema';
import type { Logger } from '../core/log/logger';
import { annotate, loggedLambda, noteError } from '../core/log/request';
import { SageBuild } from '../core/sagebuild';
import { createSlackApp, REQUEST_PATH_CLIENT, type SlackAppOptions } from './app';
import { createLambdaReceiver, type AwsEvent, type AwsResponse } from './receivers/lambda';
import { loadSlackSecrets } from './secrets';
import { slackSettings } from './settings';
import { DynamoDbStore } from './store/dynamodb-store';

/** All of one Slack request's AWS calls; with Bolt's own work and a cold start, well inside 3 s. */
export const SLACK_AWS_BUDGET_MS = 1800;

/** Slack Web API calls inside the 3 seconds: no retry, and a timeout that leaves room for the rest. */
export const LAMBDA_PATH_CLIENT: WebClientOptions = {
  ...REQUEST_PATH_CLIENT,
  retryConfig: { retries: 0 },
  timeout: 1200,
};

type LambdaHandler = (event: AwsEvent, context: unknown) => Promise<AwsResponse>;

/** The config with the core's AWS budget cut to what a Slack request can wait. */
export function forSlackRequests(config: SageBuildConfig): SageBuildConfig {
  const budgetMs = Math.min(config.aws.budgetMs, SLACK_AWS_BUDGET_MS);
  return { ...config, aws: { ...config.aws, budgetMs, timeoutMs: Math.min(config.aws.timeoutMs, budgetMs) } };
}

type BotParts = Omit<SlackAppOptions, 'receiver'> & { signingSecret: string };

/** The handler for given parts, logging to `log`; the deployed one below makes its parts from the environment. */
export function createLambdaHandler(options: BotParts & { log?: Logger }): LambdaHandler {
  const { log, ...parts } = options;
  return logged(botHandler(parts), log);
}

/** Each request in its own log context, its line saying the HTTP status Slack got. */
function logged(handle: LambdaHandler, log?: Logger): LambdaHandler {
  return loggedLambda(
    'slack-bot',
    async (event: AwsEvent, context) => {
      const response = await handle(event, context);
      annotate({ status: response.statusCode });
      const refusal = REFUSALS[response.statusCode];
      if (refusal) noteError(refusal(), 'refused');
      return response;
    },
    log,
  );
}

/**
 * What the receiver's gate (slack/receivers/verify.ts) refused, by the status it answered. It says nothing
 * else about it, and neither does the log: no header, no body text.
 */
const REFUSALS: Record<number, () => Error> = {
  400: () => refusal('UnreadableBody', 'The request was signed but its body is not one Slack sends.'),
  401: () => refusal('InvalidSignature', 'The request signature or timestamp did not verify.'),
  413: () => refusal('BodyTooLarge', 'The request body is larger than any Slack sends.'),
};

function refusal(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

function botHandler(options: BotParts): LambdaHandler {
  const { signingSecret, ...rest } = options;
  const receiver = createLambdaReceiver({ signingSecret });
  createSlackApp({
    ...rest,
    receiver,
    webClientOptions: { ...LAMBDA_PATH_CLIENT, ...options.webClientOptions },
    answerInAck: true,
  });
  // Every core call of one request shares SLACK_AWS_BUDGET_MS (a stop button reads, stops and reads again).
  return (event, context) =>
    answerBy(Date.now() + SLACK_AWS_BUDGET_MS, () => receiver.handler(event, context));
}

async function boot(env: NodeJS.ProcessEnv): Promise<LambdaHandler> {
  const config = forSlackRequests(loadConfig(env));
  const secrets = await loadSlackSecrets(config, env);
  const dynamodb = new DynamoDBClient({
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 500, requestTimeout: 1000, throwOnRequestTimeout: true },
  });
  return botHandler({
    core: new SageBuild(config),
    config,
    store: new DynamoDbStore(dynamodb, slackSettings(config).storeTable),
    botToken: secrets.botToken,
    signingSecret: secrets.signingSecret,
    // As the notifier does: SLACK_API_URL points the bundle at a local fake Slack API (tests, bench:cold).
    ...(env.SLACK_API_URL ? { webClientOptions: { slackApiUrl: env.SLACK_API_URL } } : {}),
  });
}

let booting: Promise<LambdaHandler> | undefined;

function booted(): Promise<LambdaHandler> {
  booting ??= boot(process.env);
  // A failed boot (a missing secret) fails this request and is tried again on the next, not cached for ever.
  booting.catch(() => (booting = undefined));
  return booting;
}

if (process.env.AWS_LAMBDA_FUNCTION_NAME) booted().catch(() => undefined);

// A boot that fails (a missing secret) is this request's failure, in its line.
export const handler = logged(async (event, context) => (await booted())(event, context));
