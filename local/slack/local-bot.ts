// The real Slack bot, run locally: the Bolt app on its HTTP receiver (127.0.0.1, a free port, signature
// verification on), talking to the fake Slack Web API, and the build notifier fed by the local AWS's
// EventBridge events in-process. The console and the bench drive it with signed requests, as Slack would.

import type { SageBuildConfig } from '../../core/config/schema';
import type { SageBuild } from '../../core/sagebuild';
import { createSlackApp, type SlackBot } from '../../slack/app';
import type { StatusChangeEvent } from '../../slack/notifier/event';
import { BuildNotifier, type NotifierLog, type NotifyOutcome } from '../../slack/notifier/notifier';
import { isEndpointStateChange } from '../../slack/notifier/endpoint-event';
import { RollbackAnnouncer } from '../../slack/notifier/rollback-announcer';
import { notifierWebClient } from '../../slack/notifier/web-client';
import { ApprovalNotifier, isApprovalRequest } from '../../slack/notifier/approval-requests';
import { createHttpReceiver } from '../../slack/receivers/http';
import type { ProgressReport } from '../../slack/notifier/progress-refresh';
import { MemoryStore } from '../../slack/store/memory-store';
import type { EventBus } from '../events';
import { startFakeSlackApi, type FakeSlack, type FakeUser } from './fake-slack-api';
import { moveCards } from './moving-cards';
import { watchDeploys } from './watching-deploys';
import { LOCAL_BOT } from './workspace';

/** Local-only credentials: the fake Slack API accepts this token, the receiver checks this secret. */
export const LOCAL_BOT_TOKEN = 'xoxb-sagebuild-local-bot-token';
export const LOCAL_SIGNING_SECRET = 'sagebuild-local-signing-secret';

export interface LocalBotOptions {
  core: SageBuild;
  config: SageBuildConfig;
  /**
   * The local AWS's event bus: the notifier hears every build's status changes, endpoint events (rollback
   * announcements) and approval gates' requests (the approval card) from it.
   */
  events?: Pick<EventBus, 'subscribe' | 'subscribeAll'>;
  /** The fake workspace's people (user ID → name), for users.info. */
  users?: Record<string, FakeUser>;
  /** Where the notifier's warnings go (default: stderr). */
  log?: NotifierLog;
  /**
   * When set, running builds' cards move between status changes: the deployed progress refresh, a round this
   * often (see scaledRefreshMs). Off by default, so a test sees only what it does itself.
   */
  refreshEveryMs?: number;
  /** Each progress round's report, once it ended. */
  onRefreshRound?: (report: ProgressReport) => void;
  /** When set (and deployWatch.minutes is not 0), the deploy watch checks this often (see scaledRefreshMs). */
  deployWatchEveryMs?: number;
}

export interface LocalBot {
  slack: FakeSlack;
  bot: SlackBot;
  notifier: BuildNotifier;
  /** Announces rollbacks when the local SageMaker's endpoints settle. */
  rollbacks: RollbackAnnouncer;
  /** Posts the approval card when a gate asks (fed by the bus). */
  approvals: ApprovalNotifier;
  store: MemoryStore;
  /** Where signed requests go: the HTTP receiver's events URL. */
  url: string;
  signingSecret: string;
  /** Hands an event to the notifier and waits for what became of it. */
  notify(event: StatusChangeEvent): Promise<NotifyOutcome>;
  close(): Promise<void>;
}

export async function startLocalBot(options: LocalBotOptions): Promise<LocalBot> {
  const { core, config } = options;
  const log = options.log ?? console;
  const slack = await startFakeSlackApi({
    token: LOCAL_BOT_TOKEN,
    users: options.users ?? {},
    channels: channelNames(config),
  });
  const store = new MemoryStore();
  const receiver = createHttpReceiver({ signingSecret: LOCAL_SIGNING_SECRET });
  const bot = createSlackApp({
    core,
    config,
    store,
    receiver,
    botToken: LOCAL_BOT_TOKEN,
    botId: LOCAL_BOT.botId,
    webClientOptions: { slackApiUrl: slack.apiUrl },
  });
  await bot.start();
  const web = notifierWebClient(LOCAL_BOT_TOKEN, { slackApiUrl: slack.apiUrl });
  const notifier = new BuildNotifier({ core, config, store, log, web });
  const rollbacks = new RollbackAnnouncer({ core, config, store, log, web });
  const approvals = new ApprovalNotifier({ core, config, store, log, web });
  const notify = (event: StatusChangeEvent) => notifier.handle(event);
  const unsubscribe = options.events && notifyOnEvents(options.events, notifier, log, rollbacks);
  const unsubscribeApprovals = options.events && notifyOfApprovals(options.events, approvals, log);
  const moving =
    options.refreshEveryMs === undefined
      ? undefined
      : moveCards({
          core,
          store,
          botToken: LOCAL_BOT_TOKEN,
          slackApiUrl: slack.apiUrl,
          everyMs: options.refreshEveryMs,
          log,
          ...(options.onRefreshRound ? { onRound: options.onRefreshRound } : {}),
        });
  const watching =
    options.deployWatchEveryMs === undefined
      ? undefined
      : watchDeploys({
          core,
          config,
          store,
          botToken: LOCAL_BOT_TOKEN,
          slackApiUrl: slack.apiUrl,
          everyMs: options.deployWatchEveryMs,
          log,
        });
  return {
    slack,
    bot,
    notifier,
    rollbacks,
    approvals,
    store,
    url: receiver.url,
    signingSecret: LOCAL_SIGNING_SECRET,
    notify,
    async close() {
      unsubscribe?.();
      unsubscribeApprovals?.();
      await moving?.stop();
      await watching?.stop();
      await bot.stop();
      await slack.close();
    },
  };
}

/**
 * Feeds the local AWS's status-change events to the notifier, and (with `rollbacks`) SageMaker's endpoint
 * events to the rollback announcer, in-process, as the stack's EventBridge rules would.
 */
export function notifyOnEvents(
  events: Pick<EventBus, 'subscribe' | 'subscribeAll'>,
  notifier: BuildNotifier,
  log: NotifierLog,
  rollbacks?: RollbackAnnouncer,
): () => void {
  // The bus calls listeners synchronously and a build must never wait on Slack: fire, and report failures.
  const report = (error: unknown) => log.error(`Slack notifier: ${(error as Error).message}`);
  const unsubscribe = events.subscribe((event) => {
    notifier.handle(event).catch(report);
  });
  const unsubscribeEndpoints = rollbacks
    ? events.subscribeAll((event) => {
        if (isEndpointStateChange(event)) rollbacks.handle(event).catch(report);
      })
    : undefined;
  return () => {
    unsubscribe();
    unsubscribeEndpoints?.();
  };
}

/** Feeds approval gates' requests on the local bus to the approval notifier, as the stack's rule does. */
export function notifyOfApprovals(
  events: Partial<Pick<EventBus, 'subscribeAll'>>,
  approvals: ApprovalNotifier,
  log: NotifierLog,
): (() => void) | undefined {
  return events.subscribeAll?.((event) => {
    if (!isApprovalRequest(event)) return;
    approvals
      .handle(event)
      .catch((error: unknown) => log.error(`Slack notifier: ${(error as Error).message}`));
  });
}

/** "#dev-builds" for C0DEVBUILDS: each configured channel named after the first pipeline it serves. */
export function channelNames(config: SageBuildConfig): Record<string, string> {
  const names: Record<string, string> = {};
  for (const pipeline of config.pipelines) {
    for (const channel of pipeline.slack.channels) names[channel] ??= `${pipeline.name}-builds`;
  }
  return names;
}
