// The notifier's Lambda entry point: an async two-argument handler for its EventBridge rules, told apart by
// the event's shape: "Step Functions Execution Status Change" events go to the BuildNotifier, "SageMaker
// Endpoint State Change" events to the RollbackAnnouncer, "SageBuild Approval Requested" events (approval
// gates) to the ApprovalNotifier, which posts the approval card, the every-minute "Scheduled Event" to the
// progress refresh of running builds' cards, and the deploy watch rule's "Scheduled Event" (its rule named
// in the event's resources) to the deploy watch. Anything else is logged
// and ignored: a throw would only make Lambda retry it. Set up once per container, at the first event: the
// config named by SAGEBUILD_CONFIG, the bot token (SLACK_BOT_TOKEN, or the Secrets Manager secret named by
// slack.tokensSecretId), and the store's DynamoDB table. A failed set-up is retried at the next event.
// A status change that throws goes back to Lambda, which retries it; a scheduled round never throws (the
// next minute is its retry). Each event ends with one JSON log line: its status, build, pipeline and
// starter, and what became of it; for a round, how many cards it refreshed, left unchanged or skipped, and
// how many failed.

import { slackSettings } from './settings';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseObject, startedByOf } from '../core/builds/history';
import { loadConfig } from '../core/config/load';
import type { SageBuildConfig } from '../core/config/schema';
import type { Logger } from '../core/log/logger';
import { annotate, loggedLambda, noteError, requestLog } from '../core/log/request';
import { SageBuild } from '../core/sagebuild';
import { DeployWatch } from './notifier/deploy-watch';
import { BuildNotifier } from './notifier/notifier';
import { ApprovalNotifier, isApprovalRequest, type ApprovalRequestEvent } from './notifier/approval-requests';
import type { StatusChangeEvent } from './notifier/event';
import { isEndpointStateChange } from './notifier/endpoint-event';
import { RollbackAnnouncer } from './notifier/rollback-announcer';
import { progressWebClient, ProgressRefresh } from './notifier/progress-refresh';
import { notifierWebClient } from './notifier/web-client';
import { loadSlackSecrets } from './secrets';
import { DynamoDbStore } from './store/dynamodb-store';

/** What the notifier's Lambda works with, made once per container. */
export interface NotifierParts {
  notifier: BuildNotifier;
  progress: ProgressRefresh;
  /** SageMaker's endpoint events: rollbacks announced in the channels (without it, they are ignored). */
  rollbacks?: RollbackAnnouncer;
  /** Approval gates' requests: the approval card. */
  approvals: ApprovalNotifier;
  /** Left out where no deploy watch runs (a test of the other two): its events are then only counted. */
  deployWatch?: DeployWatch;
}

export async function notifierFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<NotifierParts> {
  const config = loadConfig(env);
  const token = env.SLACK_BOT_TOKEN || (await loadSlackSecrets(config, env)).botToken;
  const slackApi = env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {};
  const web = notifierWebClient(token, slackApi);
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
  const core = new SageBuild(config);
  return {
    notifier: new BuildNotifier({ core, web, store, config, log }),
    progress: new ProgressRefresh({ core, web: progressWebClient(token, slackApi), store, log }),
    rollbacks: new RollbackAnnouncer({ core, web, store, config, log }),
    approvals: new ApprovalNotifier({ core, web, store, config, log }),
    deployWatch: new DeployWatch({ core, web, store, config, log }),
  };
}

function regionOf(config: SageBuildConfig, env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_REGION ?? config.region;
}

/** EventBridge's scheduled event, as far as the handler reads it: `resources` holds the rule's ARN. */
export interface ScheduledEvent {
  source: 'aws.events';
  'detail-type': 'Scheduled Event';
  time: string;
  resources?: unknown;
}

export type NotifierHandler = (event: unknown, context: unknown) => Promise<void>;

export interface NotifierHandlerOptions {
  log?: Logger;
  /** Default: notifierFromEnv. */
  setUp?: () => Promise<NotifierParts>;
  /** The deploy watch rule's name (default: SAGEBUILD_DEPLOY_WATCH_RULE, set by the stack). */
  deployWatchRule?: string;
}

const STATUS_CHANGE = 'Step Functions Execution Status Change';
/** A round's time: within the Lambda's 30 s, and 5 s short of what the Lambda has left after its set-up. */
const ROUND_MS = 20_000;
const ROUND_MARGIN_MS = 5000;
/** A scheduled event this late (Lambda's retry of a round that timed out) is left to a newer round. */
const LATE_ROUND_MS = 2 * 60_000;

export function createNotifierHandler(options: NotifierHandlerOptions = {}): NotifierHandler {
  const { log, setUp = () => notifierFromEnv() } = options;
  const watchRule = options.deployWatchRule ?? process.env.SAGEBUILD_DEPLOY_WATCH_RULE;
  let ready: Promise<NotifierParts> | undefined;
  const parts = () =>
    (ready ??= setUp().catch((error: unknown) => {
      ready = undefined;
      throw error;
    }));
  return loggedLambda(
    'notifier',
    async (event: unknown, context: unknown) => {
      if (isStatusChange(event)) {
        annotate(eventFields(event));
        annotate({ result: await (await parts()).notifier.handle(event) });
      } else if (isEndpointStateChange(event)) {
        annotate({ action: event.detail.EndpointStatus, endpoint: event.detail.EndpointName });
        const { rollbacks } = await parts();
        annotate({ result: rollbacks ? await rollbacks.handle(event) : 'ignored' });
      } else if (isApprovalRequest(event)) {
        // Never the detail itself: it holds the gate's task token.
        annotate(approvalFields(event));
        annotate({ result: await (await parts()).approvals.handle(event) });
      } else if (isScheduled(event) && watchRule && fromRule(event, watchRule)) {
        annotate({ action: 'deploy-watch' });
        await watchDeploys(event, parts);
      } else if (isScheduled(event)) {
        annotate({ action: 'progress' });
        await refreshProgress(event, context, parts);
      } else {
        annotate({ action: 'ignored' });
        // Where it came from, never its content.
        const { source, 'detail-type': detailType } = fieldsOf(event);
        requestLog().warn('notifier: not an event it handles', { source, detailType });
      }
    },
    log,
  );
}

/** One progress round; failures are logged (the line's outcome says failed), never thrown. */
async function refreshProgress(
  event: ScheduledEvent,
  context: unknown,
  parts: () => Promise<NotifierParts>,
): Promise<void> {
  if (Date.now() - Date.parse(event.time) > LATE_ROUND_MS) {
    annotate({ result: 'late' });
    return;
  }
  try {
    const { progress } = await parts();
    const lambda = context as { getRemainingTimeInMillis?: () => number } | null | undefined;
    const left = lambda?.getRemainingTimeInMillis?.() ?? Infinity;
    const budget = Math.min(ROUND_MS, left - ROUND_MARGIN_MS);
    const { failedPipelines, ...counts } = await progress.run(budget);
    annotate({ result: 'refreshed', ...counts });
    if (failedPipelines.length > 0) annotate({ failedPipelines: failedPipelines.join(',') });
  } catch (error) {
    noteError(error, 'failed');
  }
}

/** One deploy watch check; like a progress round, logged and never thrown (the next check is its retry). */
async function watchDeploys(event: ScheduledEvent, parts: () => Promise<NotifierParts>): Promise<void> {
  if (Date.now() - Date.parse(event.time) > LATE_ROUND_MS) {
    annotate({ result: 'late' });
    return;
  }
  try {
    const { outcomes } = (await (await parts()).deployWatch?.run()) ?? { outcomes: {} };
    const warned = Object.keys(outcomes).filter((p) => outcomes[p] === 'warned');
    const failed = Object.keys(outcomes).filter((p) => outcomes[p] === 'failed');
    annotate({ result: warned.length > 0 ? 'warned' : 'checked' });
    if (warned.length > 0) annotate({ warnedPipelines: warned.join(',') });
    if (failed.length > 0) annotate({ failedPipelines: failed.join(',') });
  } catch (error) {
    noteError(error, 'failed');
  }
}

/** Whether a scheduled event comes from the rule named `rule` ("arn:aws:events:…:rule/<name>"). */
function fromRule(event: ScheduledEvent, rule: string): boolean {
  const resources = Array.isArray(event.resources) ? event.resources : [];
  return resources.some((arn) => typeof arn === 'string' && arn.endsWith(`:rule/${rule}`));
}

function isStatusChange(event: unknown): event is StatusChangeEvent {
  const { source, 'detail-type': type, detail } = fieldsOf(event);
  return (
    source === 'aws.states' && type === STATUS_CHANGE && typeof fieldsOf(detail).executionArn === 'string'
  );
}

function isScheduled(event: unknown): event is ScheduledEvent {
  const { source, 'detail-type': type, time } = fieldsOf(event);
  return source === 'aws.events' && type === 'Scheduled Event' && typeof time === 'string';
}

/** An event's top-level fields, whatever came in. */
function fieldsOf(event: unknown): Partial<Record<string, unknown>> {
  return typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
}

/** An approval request's log fields: what it is and which build asks (bounded), never its token. */
function approvalFields({ detail }: ApprovalRequestEvent) {
  return {
    action: 'approval-requested',
    ...(typeof detail.name === 'string' ? { build: detail.name.slice(0, 80) } : {}),
  };
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
