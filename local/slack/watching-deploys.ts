// The deploy watch of `npm start`: the deployed notifier's DeployWatch (the same check, Slack client and card
// store as the cards), on a local timer instead of EventBridge's schedule: a check per checkEveryMinutes of
// deployed time, as fast as the local clock makes those minutes (at least a second apart).

import type { SageBuildConfig } from '../../core/config/schema';
import type { SageBuild } from '../../core/sagebuild';
import { DeployWatch, type DeployWatchReport } from '../../slack/notifier/deploy-watch';
import type { NotifierLog } from '../../slack/notifier/notifier';
import { startRefreshTimer, type RefreshTimer } from '../../slack/notifier/refresh-timer';
import { notifierWebClient } from '../../slack/notifier/web-client';
import type { SlackStore } from '../../slack/store/store';

export interface WatchingDeploysOptions {
  core: SageBuild;
  config: SageBuildConfig;
  store: SlackStore;
  botToken: string;
  /** The fake Slack API's URL; the real Slack's when left out. */
  slackApiUrl?: string;
  /** Time between checks (scaledRefreshMs of checkEveryMinutes). */
  everyMs: number;
  log: NotifierLog;
  /** The clock deploys are timed by (the core's). */
  now?: () => Date;
  onCheck?: (report: DeployWatchReport) => void;
}

export function watchDeploys(options: WatchingDeploysOptions): RefreshTimer | undefined {
  const { core, config, store, log } = options;
  if (config.deployWatch.minutes <= 0) return undefined;
  let stopping = false;
  // A check cut short by the shutdown (the local AWS closing under it) is not worth a warning.
  const quiet: NotifierLog = {
    warn: (line) => (stopping ? undefined : log.warn(line)),
    error: (line) => (stopping ? undefined : log.error(line)),
  };
  const web = notifierWebClient(
    options.botToken,
    options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {},
  );
  const watch = new DeployWatch({
    core,
    config,
    web,
    store,
    log: quiet,
    ...(options.now ? { now: options.now } : {}),
  });
  const timer = startRefreshTimer<DeployWatchReport>({
    refresh: watch,
    everyMs: options.everyMs,
    log: quiet,
    name: 'Deploy watch: a check',
    ...(options.onCheck ? { onRound: options.onCheck } : {}),
  });
  return {
    stop() {
      stopping = true;
      return timer.stop();
    },
  };
}
