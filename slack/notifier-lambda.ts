// The notifier's Lambda entry point: an async two-argument handler for the EventBridge rule on
// "Step Functions Execution Status Change". Set up once per container, at the first event: the config
// named by SAGEBUILD_CONFIG, the bot token (SLACK_BOT_TOKEN, or the Secrets Manager secret named by
// slack.tokensSecretId), and the store's DynamoDB table. A failed set-up is retried at the next event.
// A thrown error hands the event back to Lambda, which retries it. Each event ends with one JSON log line:
// its status, build, pipeline and starter, and what became of it.

import { slackSettings } from './settings';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseObject, startedByOf } from '../core/builds/history';
import { loadConfig } from '../core/config/load';
import type { SageBuildConfig } from '../core/config/schema';
import type { Logger } from '../core/log/logger';
import { annotate, loggedLambda, requestLog } from '../core/log/request';
import { SageBuild } from '../core/sagebuild';
import { BuildNotifier } from './notifier/notifier';
import type { StatusChangeEvent } from './notifier/event';
import { notifierWebClient } from './notifier/web-client';
import { loadSlackSecrets } from './secrets';
import { DynamoDbStore } from './store/dynamodb-store';

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
  // Made once per container, it logs with whichever event is being handled.
  const log = {
    warn: (line: string) => requestLog().warn(line),
    error: (line: string) => requestLog().error(line),
  };
  return new BuildNotifier({ core: new SageBuild(config), web, store, config, log });
}

function regionOf(config: SageBuildConfig, env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_REGION ?? config.region;
}

export type NotifierHandler = (event: StatusChangeEvent, context: unknown) => Promise<void>;

export interface NotifierHandlerOptions {
  log?: Logger;
  /** Default: notifierFromEnv. */
  setUp?: () => Promise<BuildNotifier>;
}

export function createNotifierHandler(options: NotifierHandlerOptions = {}): NotifierHandler {
  const { log, setUp = () => notifierFromEnv() } = options;
  let ready: Promise<BuildNotifier> | undefined;
  return loggedLambda(
    'notifier',
    async (event: StatusChangeEvent) => {
      annotate(eventFields(event));
      ready ??= setUp().catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
      annotate({ result: await (await ready).handle(event) });
    },
    log,
  );
}

/** The event's status, its build and who started it (the notifier adds the pipeline). */
function eventFields({ detail }: StatusChangeEvent) {
  return {
    action: detail.status,
    build: detail.name,
    user: startedByOf(parseObject(detail.input ?? undefined))?.id,
  };
}

export const handler = createNotifierHandler();
