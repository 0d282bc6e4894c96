// The cards of `npm start` move as builds run: the deployed notifier's progress refresh (the same
// ProgressRefresh, through its own rate-limit-shy Slack client and the bot's card store), on a local timer
// instead of EventBridge's every-minute schedule. Used for the pretend workspace and the real one alike.

import type { SageBuild } from '../../core/sagebuild';
import type { NotifierLog } from '../../slack/notifier/notifier';
import {
  progressWebClient,
  ProgressRefresh,
  type ProgressReport,
} from '../../slack/notifier/progress-refresh';
import { startRefreshTimer, type RefreshTimer } from '../../slack/notifier/refresh-timer';
import type { SlackStore } from '../../slack/store/store';

export interface MovingCardsOptions {
  core: SageBuild;
  /** The store the notifier posts cards into: the refresh finds them there. */
  store: SlackStore;
  botToken: string;
  /** The fake Slack API's URL; the real Slack's when left out. */
  slackApiUrl?: string;
  /** Time between rounds (see scaledRefreshMs). */
  everyMs: number;
  log: NotifierLog;
  onRound?: (report: ProgressReport) => void;
}

export function moveCards(options: MovingCardsOptions): RefreshTimer {
  const { core, store, log } = options;
  let stopping = false;
  // A round cut short by the shutdown (the local AWS closing under it) is not worth a warning.
  const quiet: NotifierLog = {
    warn: (line) => (stopping ? undefined : log.warn(line)),
    error: (line) => (stopping ? undefined : log.error(line)),
  };
  const web = progressWebClient(
    options.botToken,
    options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {},
  );
  const timer = startRefreshTimer({
    refresh: new ProgressRefresh({ core, web, store, log: quiet }),
    everyMs: options.everyMs,
    log: quiet,
    ...(options.onRound ? { onRound: options.onRound } : {}),
  });
  return {
    stop() {
      stopping = true;
      return timer.stop();
    },
  };
}
