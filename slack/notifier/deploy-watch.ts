// The deploy watch: for a while after a build's model goes live (deployWatch.minutes, 30 by default), each
// pipeline's endpoint is compared with the hour before the deploy (core.sinceDeploy); when it got clearly
// worse, the build card's thread hears it once: who started the build is mentioned, and a Rollback button
// (the same one `/sagebuild rollback` offers) puts the previous model back. Quiet when all is well, when
// there is too little traffic to tell, and once the watch is over.
//
// What calls it differs, not what it does: deployed, an EventBridge schedule sends the notifier's Lambda a
// "Scheduled Event" every checkEveryMinutes (notifier-lambda.ts); locally a timer on the local clock
// (startDeployWatchTimer). Either way "already warned" lives on the card's record in the notifier's store
// (DynamoDB when deployed), claimed with a versioned write before anything is posted, so each deploy gets one
// warning however many checks, containers or processes look at it.

import type { WebClient } from '@slack/web-api';
import type { StartedBy } from '../../core/builds/facts';
import { executionArnFor } from '../../core/builds/names';
import type { PipelineConfig, SageBuildConfig } from '../../core/config/schema';
import { EndpointNotFound } from '../../core/errors';
import { errorSentence } from '../../core/wording';
import { mention } from '../cards/mrkdwn';
import { slackPersonName, slackUserIdOf } from '../cards/people';
import { DEPLOY_WATCH_WORDS, type DeployChange } from '../listeners/deploy-watch-words';
import { rollbackButton } from '../listeners/rollback';
import type { CardRecord, SlackStore } from '../store/store';
import type { NotifierLog } from './notifier';
import { isPermanentSlackError, slackErrorText } from './slack-errors';

/** One side of the deploy, as core.sinceDeploy tells it. */
export interface DeployWindowNumbers {
  requests: number;
  errorRate?: number;
  latencyP99Ms?: number;
}

/** What the watch reads of core.sinceDeploy's answer. */
export interface DeployCheck {
  deployedAt: Date;
  /** The build whose model went live (its execution name), when a build of this pipeline made it. */
  build?: string;
  startedBy?: StartedBy;
  before: DeployWindowNumbers;
  after: DeployWindowNumbers;
  worse: boolean;
  why?: string;
}

export interface DeployWatchCore {
  readonly pipelines: readonly PipelineConfig[];
  sinceDeploy(pipeline: string, minutes?: number): Promise<DeployCheck>;
}

export interface DeployWatchDeps {
  core: DeployWatchCore;
  web: Pick<WebClient, 'chat'>;
  store: SlackStore;
  config: Pick<SageBuildConfig, 'deployWatch'>;
  /** The clock deploys are timed by: the local AWS's when it runs faster than life. */
  now?: () => Date;
  log?: NotifierLog;
}

/** What became of one pipeline in a check. */
export type WatchOutcome =
  'warned' | 'quiet' | 'already-warned' | 'not-watched' | 'no-card' | 'busy' | 'failed';

export interface DeployWatchReport {
  outcomes: Record<string, WatchOutcome>;
}

/** The hour before the deploy is what "after" is held against (core.sinceDeploy's window, at most 180). */
const COMPARE_MINUTES = 60;

export class DeployWatch {
  private readonly now: () => Date;
  private readonly log: NotifierLog;

  constructor(private readonly deps: DeployWatchDeps) {
    this.now = deps.now ?? (() => new Date());
    this.log = deps.log ?? console;
  }

  /** One check of every pipeline. Failures are logged and counted, never thrown: the next check retries. */
  async run(): Promise<DeployWatchReport> {
    const outcomes: Record<string, WatchOutcome> = {};
    if (this.deps.config.deployWatch.minutes <= 0) return { outcomes };
    await Promise.all(
      this.deps.core.pipelines.map(async (pipeline) => {
        outcomes[pipeline.name] = await this.check(pipeline).catch((error: unknown) => {
          // A pipeline that never deployed has nothing to watch: no news, not a failure.
          if (error instanceof EndpointNotFound) return 'not-watched' as const;
          this.log.warn(`Deploy watch: ${pipeline.name} not checked: ${errorSentence(error)}`);
          return 'failed' as const;
        });
      }),
    );
    return { outcomes };
  }

  private async check(pipeline: PipelineConfig): Promise<WatchOutcome> {
    const watch = this.deps.config.deployWatch;
    const fact = await this.deps.core.sinceDeploy(pipeline.name, Math.max(COMPARE_MINUTES, watch.minutes));
    const sinceDeployMs = this.now().getTime() - fact.deployedAt.getTime();
    // Only a build's deploy has a card to warn under; one older than the watch is left alone.
    if (!fact.build || sinceDeployMs < 0 || sinceDeployMs > watch.minutes * 60_000) return 'not-watched';
    if (!fact.worse) return 'quiet';
    const arn = executionArnFor(pipeline.stateMachineArn, fact.build);
    const record = await this.deps.store.getCard(arn);
    if (!record || record.cards.length === 0) return 'no-card';
    if (record.deployWarnedAt) return 'already-warned';
    // The notifier or a Refresh click is updating the card: the next check finds it free.
    if (record.busyUntil && Date.parse(record.busyUntil) > this.now().getTime()) return 'busy';
    const claimed: CardRecord = {
      ...record,
      version: record.version + 1,
      deployWarnedAt: this.now().toISOString(),
      updatedAt: this.now().toISOString(),
    };
    // Another check (another container) got there first: it warns, this one stays quiet.
    if (!(await this.deps.store.saveCard(claimed, record.version))) return 'already-warned';
    const posted = await this.warn(pipeline, fact, record);
    if (!posted) await this.giveBack(claimed);
    return posted ? 'warned' : 'failed';
  }

  /** The warning in each of the card's threads; true when at least one went, or none ever will. */
  private async warn(pipeline: PipelineConfig, fact: DeployCheck, record: CardRecord): Promise<boolean> {
    const build = fact.build ?? '';
    const starter = record.startedBySlackUser ?? slackUserIdOf(fact.startedBy);
    const who = starter ? mention(starter) : slackPersonName(fact.startedBy);
    const change: DeployChange = {
      pipeline: pipeline.name,
      build,
      deployedAt: fact.deployedAt,
      now: this.now(),
      before: fact.before,
      after: fact.after,
      ...(fact.why ? { why: fact.why } : {}),
      ...(who ? { who } : {}),
    };
    const text = DEPLOY_WATCH_WORDS.warning(change);
    const question = DEPLOY_WATCH_WORDS.question(pipeline.name, build);
    const blocks = [
      { type: 'section' as const, text: { type: 'mrkdwn' as const, text } },
      { type: 'actions' as const, elements: [rollbackButton({ pipeline: pipeline.name, build }, question)] },
    ];
    let sent = 0;
    let retryable = 0;
    for (const card of record.cards) {
      try {
        await this.deps.web.chat.postMessage({
          channel: card.channel,
          thread_ts: card.ts,
          reply_broadcast: true,
          text,
          blocks,
          unfurl_links: false,
        });
        sent += 1;
      } catch (error) {
        if (!isPermanentSlackError(error)) retryable += 1;
        this.log.warn(`Deploy watch: no warning for ${build} in ${card.channel}: ${slackErrorText(error)}`);
      }
    }
    return sent > 0 || retryable === 0;
  }

  /** Nothing was posted and a later check may manage: the claim goes, so that check warns. */
  private async giveBack(claimed: CardRecord): Promise<void> {
    const free: CardRecord = {
      ...claimed,
      version: claimed.version + 1,
      updatedAt: this.now().toISOString(),
    };
    delete free.deployWarnedAt;
    await this.deps.store.saveCard(free, claimed.version).catch(() => false);
  }
}
