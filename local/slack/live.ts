// `npm start` with SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_APP_TOKEN set: the bot joins the real
// workspace over Socket Mode (no public URL needed), and the notifier posts the local builds' cards there.
// The console's /sagebuild lines then point at the real Slack instead of playing one.

import { slackSettings } from '../../slack/settings';
import { LogLevel, WebClient } from '@slack/web-api';
import type { SageBuildConfig } from '../../core/config/schema';
import type { SageBuild } from '../../core/sagebuild';
import { DEFAULT_COMMAND } from '../../slack/app';
import { BuildNotifier } from '../../slack/notifier/notifier';
import { RollbackAnnouncer } from '../../slack/notifier/rollback-announcer';
import { notifierWebClient } from '../../slack/notifier/web-client';
import { loadSlackSecrets } from '../../slack/secrets';
import { startSocketModeBot } from '../../slack/socket';
import { MemoryStore } from '../../slack/store/memory-store';
import type { EventBus } from '../events';
import type { SlackConsole } from './console-line';
import { notifyOnEvents } from './local-bot';
import { moveCards } from './moving-cards';
import { watchDeploys } from './watching-deploys';

export { wantsSocketMode } from '../../slack/socket';

export interface LiveSlackOptions {
  core: SageBuild;
  config: SageBuildConfig;
  events: Pick<EventBus, 'subscribe' | 'subscribeAll'>;
  print: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** When set, running builds' cards move between status changes, a progress round this often. */
  refreshEveryMs?: number;
  /** When set, the deploy watch checks this often. */
  deployWatchEveryMs?: number;
}

export async function startLiveSlack(options: LiveSlackOptions): Promise<SlackConsole> {
  const { core, print } = options;
  const secrets = await loadSlackSecrets(options.config, options.env);
  // The local config names a pretend bot user; the real one comes from Slack, once, before any request.
  const identity = await new WebClient(secrets.botToken, {
    retryConfig: { retries: 1 },
    timeout: 5000,
    logLevel: LogLevel.ERROR,
  }).auth.test();
  const commandName = options.config.slack?.commandName ?? DEFAULT_COMMAND;
  const config: SageBuildConfig = {
    ...options.config,
    slack: {
      commandName,
      storeTable: slackSettings(options.config).storeTable,
      ...options.config.slack,
      ...(identity.user_id ? { botUserId: identity.user_id } : {}),
    },
  };
  const store = new MemoryStore();
  const bot = await startSocketModeBot({
    core,
    config,
    store,
    secrets,
    ...(identity.bot_id ? { botId: identity.bot_id } : {}),
  });
  const web = notifierWebClient(secrets.botToken);
  const notifier = new BuildNotifier({ core, config, store, web });
  const log = { warn: print, error: print };
  const rollbacks = new RollbackAnnouncer({ core, config, store, web, log });
  const unsubscribe = notifyOnEvents(options.events, notifier, log, rollbacks);
  const moving =
    options.refreshEveryMs === undefined
      ? undefined
      : moveCards({
          core,
          store,
          botToken: secrets.botToken,
          everyMs: options.refreshEveryMs,
          log: { warn: print, error: print },
        });
  const watching =
    options.deployWatchEveryMs === undefined
      ? undefined
      : watchDeploys({
          core,
          config,
          store,
          botToken: secrets.botToken,
          everyMs: options.deployWatchEveryMs,
          log: { warn: print, error: print },
        });
  const elsewhere = `Slack is live: type ${commandName} or mention the bot in your workspace (team ${identity.team ?? '?'}).`;
  return {
    handlers: [
      {
        usage: `${commandName} <command>`,
        matches: (line) => line.startsWith(commandName) || /^@sagebuild\b/i.test(line),
        run: async () => elsewhere,
      },
    ],
    help: [[`${commandName} <command>`, 'In your Slack workspace (Socket Mode is on)']],
    banner: `${elsewhere} Cards go to each pipeline's channels and to channels that ran ${commandName} subscribe <pipeline>.`,
    async close() {
      unsubscribe();
      await moving?.stop();
      await watching?.stop();
      await bot.stop();
    },
  };
}
