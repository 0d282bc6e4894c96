// The notifier's Lambda entry point: an async two-argument handler for the EventBridge rule on
// "Step Functions Execution Status Change". Set up once per container, at the first event: the config
// named by SAGEBUILD_CONFIG, the bot token (SLACK_BOT_TOKEN, or the Secrets Manager secret named by
// slack.tokensSecretId), and the store's DynamoDB table. A failed set-up is retried at the next event.
// A thrown error hands the event back to Lambda, which retries it.

import { slackSettings } from './settings';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '../core/config/load';
import type { SageBuildConfig } from '../core/config/schema';
import { SageBuild } from '../core/sagebuild';
import { BuildNotifier } from './notifier/notifier';
import type { StatusChangeEvent } from './notifier/event';
import { notifierWebClient } from './notifier/web-client';
import { loadSlackSecrets } from './secrets';
import { DynamoDbStore } from './store/dynamodb-store';

/** The table name when the config has no slack section (the schema's default). */

export async function notifierFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<BuildNotifier> {
  const config = loadConfig(env);
  const token = env.SLACK_BOT_TOKEN || (await loadSlackSecrets(config, env)).botToken;
  const web = notifierWebClient(token, env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {});
  const dynamodb = new DynamoDBClient({
    ...(regionOf(config, env) ? { region: regionOf(config, env) } : {}),
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true },
  });
  const store = new DynamoDbStore(dynamodb, slackSettings(config).storeTable);
  return new BuildNotifier({ core: new SageBuild(config), web, store, config });
}

function regionOf(config: SageBuildConfig, env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_REGION ?? config.region;
}

let ready: Promise<BuildNotifier> | undefined;

export const handler = async (event: StatusChangeEvent, _context: unknown): Promise<void> => {
  ready ??= notifierFromEnv().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  const outcome = await (await ready).handle(event);
  console.log(`Slack notifier: ${event.detail.name} ${event.detail.status}: ${outcome}`);
};
