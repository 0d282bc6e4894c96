// Tells channels about builds: one card per build and channel, posted when the build starts and updated in
// place as it ends, with a reply in the card's thread (broadcast, with a mention, on failure).
//
// Events are best-effort: repeated, late, out of order, and handled concurrently. So:
// - an event id is handled once (the store's claim);
// - a card never moves back (running after final, or an older event of the same rank);
// - one handler at a time posts a build's card: it reserves the record first (a conditional write with a
//   lease); others wait for the post and then update that card instead of posting another;
// - each status change is claimed on the record (a versioned write) before Slack is touched, so two
//   handlers never both update and reply.

import type { WebClient } from '@slack/web-api';
import type { BuildStatusFact } from '../../core/builds/facts';
import type { PipelineConfig, SageBuildConfig } from '../../core/config/schema';
import type { SageBuild } from '../../core/sagebuild';
import { errorSentence } from '../../core/wording';
import { buildNotice, isFinished, renderBuildCard } from '../cards/build-card';
import { consoleUrlFor } from '../cards/console-url';
import { escapeMrkdwn, mention } from '../cards/mrkdwn';
import type { StepList } from '../cards/steps';
import type { CardMessage, CardRecord, SlackStore } from '../store/store';
import {
  advances,
  factFromEvent,
  isCardStatus,
  slackUserOf,
  statusTime,
  type CardStatus,
  type StatusChangeEvent,
} from './event';
import { isPermanentSlackError, slackErrorText } from './slack-errors';

export interface NotifierLog {
  warn(message: string): void;
  error(message: string): void;
}

export interface NotifierDeps {
  core: SageBuild;
  web: WebClient;
  store: SlackStore;
  config: SageBuildConfig;
  now?: () => Date;
  log?: NotifierLog;
  /** A pipeline's main steps for its cards (default: the reference pipeline's). */
  steps?: (pipeline: PipelineConfig) => StepList | undefined;
  /** How long a handler may take to post a card before another may take over (default 60 s). */
  postingLeaseMs?: number;
}

/** What became of an event: for logs, tests and the bench. */
export type NotifyOutcome =
  'posted' | 'updated' | 'stale' | 'duplicate' | 'unknown-machine' | 'unknown-status' | 'no-channels';

const DEFAULT_LEASE_MS = 60_000;
/** Waits between looks at a card someone else is posting: short at first, the post takes ~100 ms. */
const WAIT_MS = { first: 20, max: 500 };

interface Work {
  pipeline: PipelineConfig;
  event: StatusChangeEvent;
  status: CardStatus;
  at: number;
  fact?: BuildStatusFact;
}

export class BuildNotifier {
  private readonly now: () => Date;
  private readonly log: NotifierLog;
  private readonly leaseMs: number;

  constructor(private readonly deps: NotifierDeps) {
    this.now = deps.now ?? (() => new Date());
    this.log = deps.log ?? console;
    this.leaseMs = deps.postingLeaseMs ?? DEFAULT_LEASE_MS;
  }

  async handle(event: StatusChangeEvent): Promise<NotifyOutcome> {
    const pipeline = this.deps.config.pipelines.find(
      (p) => p.stateMachineArn === event.detail.stateMachineArn,
    );
    if (!pipeline) return 'unknown-machine';
    const status = event.detail.status;
    if (!isCardStatus(status)) return 'unknown-status';
    if (!(await this.deps.store.claimEvent(event.id))) return 'duplicate';
    try {
      return await this.apply({ pipeline, event, status, at: statusTime(event) });
    } catch (error) {
      // Give the claim back, so the retry of this event (Lambda's, EventBridge's) is not taken for a repeat.
      await this.deps.store.releaseEvent(event.id).catch(() => undefined);
      throw error;
    }
  }

  private async apply(work: Work): Promise<NotifyOutcome> {
    const arn = work.event.detail.executionArn;
    const deadline = Date.now() + this.leaseMs + 5000;
    for (let attempt = 0; ; attempt += 1) {
      const record = await this.deps.store.getCard(arn);
      if (record && !moves(record, work.status, work.at)) return 'stale';
      const leased = record?.postingUntil !== undefined && Date.parse(record.postingUntil) > this.time();
      if (!leased) {
        work.fact ??= await this.factFor(work);
        const outcome =
          record && record.cards.length > 0
            ? await this.update(work, record, work.fact)
            : await this.post(work, record, work.fact);
        if (outcome) return outcome;
      }
      if (Date.now() > deadline) throw new Error(`The card of ${arn} stayed busy; giving the event back.`);
      await sleep(Math.min(WAIT_MS.max, WAIT_MS.first * 2 ** attempt));
    }
  }

  /** Posts the card to every subscribed channel; undefined when another handler reserved it first. */
  private async post(
    work: Work,
    record: CardRecord | undefined,
    fact: BuildStatusFact,
  ): Promise<NotifyOutcome | undefined> {
    const channels = await this.channelsFor(work.pipeline);
    if (channels.length === 0) return 'no-channels';
    const reserved: CardRecord = {
      ...this.recordOf(work, fact, record),
      version: (record?.version ?? 0) + 1,
      cards: [],
      postingUntil: new Date(this.time() + this.leaseMs).toISOString(),
    };
    if (!(await this.deps.store.saveCard(reserved, record?.version ?? 0))) return undefined;

    const card = this.render(work.pipeline, fact);
    const sent = await this.eachCall(
      channels,
      (channel) =>
        this.deps.web.chat.postMessage({ channel, ...card, unfurl_links: false, unfurl_media: false }),
      (channel) => `no card for ${fact.name} in ${channel}`,
    );
    const cards = sent.done.flatMap(({ item, value }) => (value.ts ? [{ channel: item, ts: value.ts }] : []));
    const posted: CardRecord = { ...reserved, version: reserved.version + 1, cards, updatedAt: this.stamp() };
    delete posted.postingUntil;
    if (!(await this.deps.store.saveCard(posted, reserved.version))) {
      this.log.error(`Slack notifier: posting ${fact.name}'s card outlasted its lease; it may show twice.`);
    }
    if (cards.length === 0 && sent.retryable) throw new Error(`No channel took the card of ${fact.name}.`);
    if (isFinished(work.status)) await this.reply(cards, fact, posted.startedBySlackUser);
    return 'posted';
  }

  /** Updates the card in place; undefined when another handler changed the record first. */
  private async update(
    work: Work,
    record: CardRecord,
    fact: BuildStatusFact,
  ): Promise<NotifyOutcome | undefined> {
    const next: CardRecord = { ...this.recordOf(work, fact, record), version: record.version + 1 };
    if (!(await this.deps.store.saveCard(next, record.version))) return undefined;

    const card = this.render(work.pipeline, fact);
    const sent = await this.eachCall(
      record.cards,
      ({ channel, ts }) => this.deps.web.chat.update({ channel, ts, ...card }),
      ({ channel }) => `card of ${fact.name} in ${channel} not updated`,
    );
    if (sent.done.length === 0 && sent.retryable) {
      // Nothing changed in Slack: put the record back, so the event's retry finds the change still to do.
      await this.deps.store.saveCard(
        { ...record, version: next.version + 1, updatedAt: this.stamp() },
        next.version,
      );
      throw new Error(`No card of ${fact.name} could be updated.`);
    }
    if (isFinished(work.status) && !isFinished(record.status)) {
      await this.reply(
        sent.done.map(({ item }) => item),
        fact,
        next.startedBySlackUser,
      );
    }
    return 'updated';
  }

  /** The core's notice in each card's thread; on failure broadcast to the channel, mentioning the starter. */
  private async reply(
    cards: CardMessage[],
    fact: BuildStatusFact,
    starter: string | undefined,
  ): Promise<void> {
    const failed = fact.status === 'FAILED' || fact.status === 'TIMED_OUT';
    const notice = escapeMrkdwn(buildNotice(fact, true));
    const text = failed && starter ? `${mention(starter)} ${notice}` : notice;
    await this.eachCall(
      cards,
      ({ channel, ts }) =>
        this.deps.web.chat.postMessage({ channel, thread_ts: ts, text, reply_broadcast: failed }),
      ({ channel }) => `no reply to ${fact.name} in ${channel}`,
    );
  }

  /**
   * One Slack call per item, side by side. A failure is logged and leaves the other items alone; `retryable`
   * says whether any failure could go away on a retry.
   */
  private async eachCall<T, R>(
    items: T[],
    call: (item: T) => Promise<R>,
    failure: (item: T) => string,
  ): Promise<{ done: { item: T; value: R }[]; retryable: boolean }> {
    const results = await Promise.allSettled(items.map(call));
    const done: { item: T; value: R }[] = [];
    let retryable = false;
    results.forEach((result, i) => {
      const item = items[i] as T;
      if (result.status === 'fulfilled') {
        done.push({ item, value: result.value });
        return;
      }
      retryable ||= !isPermanentSlackError(result.reason);
      this.log.warn(`Slack notifier: ${failure(item)}: ${slackErrorText(result.reason)}`);
    });
    return { done, retryable };
  }

  /**
   * The facts for this event's build. The core answers for a pipeline's latest build, which may be another
   * one (or this one, further on): its facts are used only when they are about this build in this status.
   */
  private async factFor(work: Work): Promise<BuildStatusFact> {
    const fromEvent = factFromEvent(work.pipeline.name, work.event, this.now());
    try {
      const latest = await this.deps.core.status(work.pipeline.name);
      if (latest.executionArn === fromEvent.executionArn && latest.status === fromEvent.status) return latest;
    } catch (error) {
      this.log.warn(
        `Slack notifier: ${work.pipeline.name} status unavailable, card from the event: ${errorSentence(error)}`,
      );
    }
    return fromEvent;
  }

  /** Config channels first, then those that subscribed; each once. */
  private async channelsFor(pipeline: PipelineConfig): Promise<string[]> {
    const subscribed = await this.deps.store.subscriptions(pipeline.name);
    return [...new Set([...pipeline.slack.channels, ...subscribed])];
  }

  private render(pipeline: PipelineConfig, fact: BuildStatusFact) {
    const steps = this.deps.steps?.(pipeline);
    return renderBuildCard(fact, {
      ...(steps ? { steps } : {}),
      consoleUrl: consoleUrlFor(fact.executionArn),
      canStop: fact.status === 'RUNNING',
      now: this.now(),
    });
  }

  /** The record's fields for this event, keeping what an earlier write knew. */
  private recordOf(work: Work, fact: BuildStatusFact, previous: CardRecord | undefined): CardRecord {
    const record: CardRecord = {
      executionArn: fact.executionArn,
      pipeline: work.pipeline.name,
      status: work.status,
      statusAt: new Date(work.at).toISOString(),
      version: previous?.version ?? 0,
      cards: previous?.cards ?? [],
      updatedAt: this.stamp(),
    };
    const starter = slackUserOf(fact) ?? previous?.startedBySlackUser;
    if (starter) record.startedBySlackUser = starter;
    return record;
  }

  private time(): number {
    return this.now().getTime();
  }

  private stamp(): string {
    return this.now().toISOString();
  }
}

/**
 * Whether the event changes what the record shows. A record without cards shows nothing yet (its post
 * failed and the event came back): the same status at the same time is then still to do.
 */
function moves(record: CardRecord, status: CardStatus, at: number): boolean {
  if (record.cards.length > 0 || record.postingUntil !== undefined) return advances(record, status, at);
  return !advances(
    { status, statusAt: new Date(at).toISOString() },
    record.status,
    Date.parse(record.statusAt),
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
