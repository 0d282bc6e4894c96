// Announces rollbacks in the pipeline's channels, whichever front did them (CLI, console, Alexa, Slack): it
// hears SageMaker's own "Endpoint State Change" events, and when an endpoint of a configured pipeline settles
// after a rollback (the record on the endpoint's tags, read through the core), it posts who rolled it back
// and to what, or that the rollback failed. Then the cards of the builds involved are refreshed, so their
// line about the live model says so too.
//
// Once per rollback and channel, whatever the events do (repeated, late, handled at once by two containers):
// each post is leased in the store under the rollback's key and the channel, and marked done once Slack took
// it. A post that may work later (Slack's 5xx, a timeout) gives its lease back and the event is thrown back
// for a retry, which posts only where it is still missing.

import type { WebClient } from '@slack/web-api';
import type { RollbackNewsFact, StartedBy } from '../../core/builds/facts';
import type { SageBuildConfig } from '../../core/config/schema';
import { InvalidInput } from '../../core/errors';
import { annotate } from '../../core/log/request';
import type { SageBuild } from '../../core/sagebuild';
import { personName, rollbackSettled } from '../../core/wording';
import { slackUserIdOf } from '../cards/people';
import { escapeMrkdwn, mention } from '../cards/mrkdwn';
import { cardFor } from '../listeners/card';
import type { SlackStore } from '../store/store';
import { eventProblem } from './event';
import { isSettled, type EndpointStateEvent } from './endpoint-event';
import type { NotifierLog } from './notifier';
import { refreshCardMessage } from './refresh';
import { isPermanentSlackError, slackErrorText } from './slack-errors';

export interface RollbackAnnouncerDeps {
  core: SageBuild;
  web: WebClient;
  store: SlackStore;
  config: SageBuildConfig;
  now?: () => Date;
  log?: NotifierLog;
  /** How long a post is held before another handler may make it (default 60 s). */
  leaseMs?: number;
}

/** What became of an endpoint event: for logs and tests. */
export type AnnounceOutcome =
  'announced' | 'duplicate' | 'not-settled' | 'no-rollback' | 'no-channels' | 'unusable-event';

const DEFAULT_LEASE_MS = 60_000;

export class RollbackAnnouncer {
  private readonly now: () => Date;
  private readonly log: NotifierLog;
  private readonly leaseMs: number;

  constructor(private readonly deps: RollbackAnnouncerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.log = deps.log ?? console;
    this.leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  }

  async handle(event: EndpointStateEvent): Promise<AnnounceOutcome> {
    const problem = eventProblem(event);
    if (problem) {
      this.log.warn(`Slack notifier: an endpoint event was not used because ${problem}.`);
      return 'unusable-event';
    }
    if (!isSettled(event)) return 'not-settled';
    let news: RollbackNewsFact | undefined;
    try {
      news = await this.deps.core.rollbackNews(event.detail.EndpointName);
    } catch (error) {
      // A name no endpoint can have (too long): nothing to look up. AWS's failures go back for a retry.
      if (error instanceof InvalidInput) return 'unusable-event';
      throw error;
    }
    if (!news) return 'no-rollback';
    annotate({ pipeline: news.pipeline, action: `rollback-${news.outcome}` });
    const channels = await this.channelsFor(news.pipeline);
    if (channels.length === 0) return 'no-channels';
    const text = this.textOf(news);
    const posted = await Promise.all(channels.map((channel) => this.post(news, channel, text)));
    const retryable = posted.filter((p) => p === 'retry').length;
    if (posted.includes('posted')) await this.refreshCards(news);
    if (retryable > 0) {
      throw new Error(
        `The ${news.pipeline} rollback was not announced in ${retryable} channel${retryable === 1 ? '' : 's'}: ` +
          'the event goes back for a retry.',
      );
    }
    return posted.includes('posted') ? 'announced' : 'duplicate';
  }

  /** One channel's post, at most once per rollback. */
  private async post(
    news: RollbackNewsFact,
    channel: string,
    text: string,
  ): Promise<'posted' | 'done' | 'retry'> {
    const key = `rollback:${news.key}:${channel}`;
    const claim = await this.deps.store.leaseEvent(key, this.leaseMs);
    // 'in-progress': another handler is posting it right now; its own failure brings its own retry.
    if (claim !== 'claimed') return 'done';
    try {
      await this.deps.web.chat.postMessage({ channel, text, unfurl_links: false, unfurl_media: false });
    } catch (error) {
      this.log.warn(
        `Slack notifier: rollback of ${news.pipeline} not announced in ${channel}: ${slackErrorText(error)}`,
      );
      if (!isPermanentSlackError(error)) {
        await this.deps.store.releaseEvent(key).catch(() => undefined);
        return 'retry';
      }
    }
    await this.deps.store.finishEvent(key).catch((error: unknown) => {
      this.log.warn(
        `Slack notifier: rollback announcement in ${channel} not marked done: ${slackErrorText(error)}`,
      );
    });
    return 'posted';
  }

  /**
   * The announcement as Slack mrkdwn: a Slack user as a mention (Slack shows their name), anyone else by the
   * core's name for them ("Ana Lima", "Someone using Alexa"); the rest escaped.
   */
  private textOf(news: RollbackNewsFact): string {
    const slot = '\u0000';
    return escapeMrkdwn(rollbackSettled(slot, news, this.now())).replace(slot, whoOf(news.record.by));
  }

  /** The cards of the builds the rollback went to and from: their line about the live model changes. */
  private async refreshCards(news: RollbackNewsFact): Promise<void> {
    const builds = [news.record.build, news.record.fromBuild].filter((b): b is string => !!b);
    await Promise.all(
      builds.map(async (build) => {
        try {
          const fact = await this.deps.core.statusOf(news.pipeline, build);
          const record = await this.deps.store.getCard(fact.executionArn);
          for (const { channel, ts } of record?.cards ?? []) {
            await refreshCardMessage({
              store: this.deps.store,
              web: this.deps.web,
              fact,
              channel,
              ts,
              render: (f) => cardFor(f, this.now()),
              now: this.now,
            });
          }
        } catch (error) {
          // The announcement is made: a card that can't be refreshed now is refreshed by its next update.
          this.log.warn(
            `Slack notifier: card of ${build} not refreshed after the rollback: ${slackErrorText(error)}`,
          );
        }
      }),
    );
  }

  /** Config channels first, then those that subscribed; each once. */
  private async channelsFor(pipeline: string): Promise<string[]> {
    const configured = this.deps.config.pipelines.find((p) => p.name === pipeline)?.slack.channels ?? [];
    const subscribed = await this.deps.store.subscriptions(pipeline);
    return [...new Set([...configured, ...subscribed])];
  }
}

/** A Slack user as a mention; anyone else by name, capitalised to start the sentence. Never a raw ID. */
function whoOf(by: StartedBy): string {
  const user = slackUserIdOf(by);
  if (user) return mention(user);
  const name = personName(by) ?? 'someone';
  return escapeMrkdwn(name.charAt(0).toUpperCase() + name.slice(1));
}
