// Tells channels about builds: one card per build and channel, posted when the build starts and updated in
// place as it ends, with a reply in the card's thread (broadcast, with a mention, on failure).
//
// Events are best-effort: repeated, late, out of order, and handled concurrently; and a handler may die
// (a Lambda timeout) at any point. So:
// - an event id is leased for a short while, and marked done only once its work is finished: a repeat while
//   it is handled waits for it; a retry after the handler died takes the lease over when it runs out;
// - a card never moves back (running after final, or an older event of the same rank);
// - one handler at a time makes a build's Slack calls: it takes the record's busy lease first (a versioned
//   write, which also takes on the event's status); others wait, then see what is left to do;
// - the record says how far each card got (which status each message shows, whether its thread got the
//   reply, which channels still lack a post), saved after every call Slack took: a retry finishes only what
//   is missing, and never posts or replies twice;
// - a call that failed and may work later (Slack's 5xx, a timeout) makes the handler throw once the rest is
//   done and saved, so the event's retry completes it.

import type { WebClient } from '@slack/web-api';
import type { BuildStatusFact } from '../../core/builds/facts';
import type { PipelineConfig, SageBuildConfig } from '../../core/config/schema';
import { annotate } from '../../core/log/request';
import type { SageBuild } from '../../core/sagebuild';
import { errorSentence } from '../../core/wording';
import { buildNotice, isFinished, renderBuildCard } from '../cards/build-card';
import { consoleUrlFor } from '../cards/console-url';
import { mention } from '../cards/mrkdwn';
import type { CardMessage, CardRecord, SlackStore } from '../store/store';
import {
  advances,
  eventProblem,
  factFromEvent,
  isCardStatus,
  slackUserOf,
  statusTime,
  type CardStatus,
  type StatusChangeEvent,
} from './event';
import { isPermanentSlackError, slackErrorText } from './slack-errors';
import { closeApprovalCards } from './approval-cards';
import { stopKey } from './stop-claim';

export { refreshCardMessage, type RefreshCardRequest, type RefreshOutcome } from './refresh';

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
  /**
   * How long a handler may go without saving progress on a card before another may take its Slack calls
   * over (default 60 s; renewed at each save). Others wait about this long for a busy card, then give up.
   */
  cardLeaseMs?: number;
  /** How long an event stays with the handler that took it before a retry may take it over (default 2 min). */
  eventLeaseMs?: number;
}

/** What became of an event: for logs, tests and the bench. */
export type NotifyOutcome =
  | 'posted'
  | 'updated'
  | 'stale'
  | 'duplicate'
  | 'unknown-machine'
  | 'unknown-status'
  | 'no-channels'
  | 'unusable-event';

const DEFAULT_CARD_LEASE_MS = 60_000;
const DEFAULT_EVENT_LEASE_MS = 120_000;
/** Waits between looks at a card or event someone else holds: short at first, their work takes ~100 ms. */
const WAIT_MS = { first: 20, max: 500 };

interface Work {
  pipeline: PipelineConfig;
  event: StatusChangeEvent;
  status: CardStatus;
  at: number;
  fact?: BuildStatusFact;
  /** A stop whose line Slack (a Stop button, `/sagebuild stop`) already posted. */
  stopToldInSlack?: boolean;
}

/** A Slack call's result: its value, or whether the failure is for good (else a retry may fix it). */
type CallResult<R> = { ok: true; value: R } | { ok: false; permanent: boolean };

export class BuildNotifier {
  private readonly now: () => Date;
  private readonly log: NotifierLog;
  private readonly cardLeaseMs: number;
  private readonly eventLeaseMs: number;

  constructor(private readonly deps: NotifierDeps) {
    this.now = deps.now ?? (() => new Date());
    this.log = deps.log ?? console;
    this.cardLeaseMs = deps.cardLeaseMs ?? DEFAULT_CARD_LEASE_MS;
    this.eventLeaseMs = deps.eventLeaseMs ?? DEFAULT_EVENT_LEASE_MS;
  }

  async handle(event: StatusChangeEvent): Promise<NotifyOutcome> {
    const problem = eventProblem(event);
    if (problem) {
      // Nothing from the event itself in the line: it is not one we can trust.
      this.log.warn(`Slack notifier: an event was not posted because ${problem}.`);
      return 'unusable-event';
    }
    const pipeline = this.deps.config.pipelines.find(
      (p) => p.stateMachineArn === event.detail.stateMachineArn,
    );
    if (!pipeline) return 'unknown-machine';
    annotate({ pipeline: pipeline.name });
    const status = event.detail.status;
    if (!isCardStatus(status)) return 'unknown-status';
    if ((await this.claim(event.id)) === 'done') return 'duplicate';
    let outcome: NotifyOutcome;
    try {
      outcome = await this.apply({ pipeline, event, status, at: statusTime(event) });
    } catch (error) {
      // Give the lease back, so the retry of this event (Lambda's, EventBridge's) need not wait it out.
      await this.deps.store.releaseEvent(event.id).catch(() => undefined);
      throw error;
    }
    await this.deps.store.finishEvent(event.id).catch((error: unknown) => {
      // The work is done and recorded on the card: a repeat once the lease ran out finds nothing to do.
      this.log.warn(`Slack notifier: event ${event.id} not marked done: ${errorSentence(error)}`);
    });
    if (outcome !== 'stale' && isFinished(status))
      await this.closeApprovals(pipeline, event.detail.executionArn);
    return outcome;
  }

  /**
   * A build that ended may leave an approval card open (its gate timed out, or it was stopped while waiting):
   * the card then says how the gate closed. Builds without an approval card cost nothing more.
   */
  private async closeApprovals(pipeline: PipelineConfig, executionArn: string): Promise<void> {
    try {
      if ((await this.deps.store.approvalCards(executionArn)).length === 0) return;
      const result = await this.deps.core.approvalOutcome({ pipeline: pipeline.name, build: executionArn });
      if (!result) return;
      await closeApprovalCards(
        { store: this.deps.store, web: this.deps.web, now: this.now, warn: (line) => this.log.warn(line) },
        result,
      );
    } catch (error) {
      // The build card is done; an approval card left as it was only says less.
      this.log.warn(`Slack notifier: approval card of ${executionArn} not closed: ${errorSentence(error)}`);
    }
  }

  /** Leases the event; waits while another handler holds it. Throws when that takes too long. */
  private async claim(eventId: string): Promise<'claimed' | 'done'> {
    const deadline = Date.now() + this.waitMs();
    for (let attempt = 0; ; attempt += 1) {
      const claim = await this.deps.store.leaseEvent(eventId, this.eventLeaseMs);
      if (claim !== 'in-progress') return claim;
      if (Date.now() > deadline) {
        throw new Error(
          `Event ${eventId} is still being handled elsewhere; giving it back for a later retry.`,
        );
      }
      await sleep(backoff(attempt));
    }
  }

  private async apply(work: Work): Promise<NotifyOutcome> {
    const arn = work.event.detail.executionArn;
    const deadline = Date.now() + this.waitMs();
    for (let attempt = 0; ; attempt += 1) {
      const record = await this.deps.store.getCard(arn);
      const plan = record ? planFor(record, work.status, work.at) : 'post';
      if (plan === 'stale') return 'stale';
      const busy = record?.busyUntil !== undefined && Date.parse(record.busyUntil) > this.time();
      if (!busy) {
        work.fact ??= await this.factFor(work);
        if (work.status === 'ABORTED' && plan !== 'finish')
          work.stopToldInSlack ??= await this.toldInSlack(arn);
        const outcome = record
          ? await this.resume(work, record, work.fact)
          : await this.post(work, work.fact);
        if (outcome) return outcome;
      }
      if (Date.now() > deadline) throw new Error(`The card of ${arn} stayed busy; giving the event back.`);
      await sleep(backoff(attempt));
    }
  }

  /**
   * Whether Slack already told this stop (its listener claimed it); otherwise the notifier claims it, so a
   * Slack stop answering later does not announce it again.
   */
  private async toldInSlack(executionArn: string): Promise<boolean> {
    // A store that does not answer: better the line twice than not at all.
    return !(await this.deps.store.claimEvent(stopKey(executionArn)).catch(() => true));
  }

  /** A build's first card: reserves the record, then posts; undefined when another handler got there first. */
  private async post(work: Work, fact: BuildStatusFact): Promise<NotifyOutcome | undefined> {
    const channels = await this.channelsFor(work.pipeline);
    if (channels.length === 0) return 'no-channels';
    const held: CardRecord = {
      ...this.recordOf(work, fact, undefined),
      version: 1,
      unposted: channels,
      busyUntil: this.leaseEnd(),
    };
    if (!(await this.deps.store.saveCard(held, 0))) return undefined;
    await this.carryOut(work, held, fact);
    return 'posted';
  }

  /**
   * Takes the record on to this event's status (or keeps it, to finish what a failed handler left) and does
   * what its cards still lack; undefined when another handler changed the record first.
   */
  private async resume(
    work: Work,
    record: CardRecord,
    fact: BuildStatusFact,
  ): Promise<NotifyOutcome | undefined> {
    const held: CardRecord = {
      ...this.recordOf(work, fact, record),
      version: record.version + 1,
      busyUntil: this.leaseEnd(),
    };
    if (!(await this.deps.store.saveCard(held, record.version))) return undefined;
    const { posted } = await this.carryOut(work, held, fact);
    return posted ? 'posted' : 'updated';
  }

  /**
   * Brings every card of the held record to its status: posts to the channels still without one, updates
   * the messages showing an older status, and replies in the threads still without the final notice. Saves
   * the record after each call Slack took; throws at the end when a call failed that a retry may fix.
   */
  private async carryOut(work: Work, held: CardRecord, fact: BuildStatusFact): Promise<{ posted: boolean }> {
    const progress = new Progress(
      this.deps.store,
      held,
      () => this.leaseEnd(),
      () => this.stamp(),
    );
    const card = this.render(work.pipeline, fact);
    const final = isFinished(held.status);
    const reply = final && !held.stopToldInSlack ? this.replyOf(fact, held.startedBySlackUser) : undefined;
    const shown = { shows: held.status, showsAt: held.statusAt };
    const sameMessage = (a: CardMessage) => (b: CardMessage) => a.channel === b.channel && a.ts === b.ts;
    let posted = false;
    let retryable = 0;

    const call = async <R>(request: () => Promise<R>, failure: string): Promise<CallResult<R>> => {
      progress.check();
      try {
        return { ok: true, value: await request() };
      } catch (error) {
        const permanent = isPermanentSlackError(error);
        if (!permanent) retryable += 1;
        this.log.warn(`Slack notifier: ${failure}: ${slackErrorText(error)}`);
        return { ok: false, permanent };
      }
    };

    const bring = async (channel: string, existing: CardMessage | undefined): Promise<void> => {
      let message = existing;
      if (!message) {
        const sent = await call(
          () =>
            this.deps.web.chat.postMessage({ channel, ...card, unfurl_links: false, unfurl_media: false }),
          `no card for ${fact.name} in ${channel}`,
        );
        if (!sent.ok && !sent.permanent) return;
        const ts = sent.ok ? sent.value.ts : undefined;
        const made: CardMessage | undefined = ts ? { channel, ts, ...shown } : undefined;
        await progress.change((record) => {
          record.unposted = without(record.unposted, channel);
          if (made) record.cards.push(made);
        });
        if (!made) return;
        posted = true;
        message = made;
      } else if (message.shows !== shown.shows || message.showsAt !== shown.showsAt) {
        const { ts } = message;
        const updated = await call(
          () => this.deps.web.chat.update({ channel, ts, ...card }),
          `card of ${fact.name} in ${channel} not updated`,
        );
        if (!updated.ok && !updated.permanent) return;
        const was = message;
        // A message Slack will never update (deleted, channel gone) leaves the record.
        await progress.change((record) => {
          record.cards = updated.ok
            ? record.cards.map((c) => (sameMessage(was)(c) ? { ...c, ...shown } : c))
            : record.cards.filter((c) => !sameMessage(was)(c));
        });
        if (!updated.ok) return;
      }
      if (!final || message.replied !== undefined) return;
      const { ts } = message;
      if (reply) {
        const replied = await call(
          () => this.deps.web.chat.postMessage({ channel, thread_ts: ts, ...reply }),
          `no reply to ${fact.name} in ${channel}`,
        );
        if (!replied.ok && !replied.permanent) return;
      }
      // Marked after a failure for good too: a retry would fail the same way. A stop Slack told needs none.
      const target = message;
      await progress.change((record) => {
        record.cards = record.cards.map((c) => (sameMessage(target)(c) ? { ...c, replied: held.status } : c));
      });
    };

    const results = await Promise.allSettled([
      ...(held.unposted ?? []).map((channel) => bring(channel, undefined)),
      ...held.cards.map((message) => bring(message.channel, message)),
    ]);
    const broken = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    await progress.release().catch((error: unknown) => {
      if (!broken) throw error;
    });
    if (broken) throw broken.reason;
    if (retryable > 0) {
      throw new Error(
        `${retryable} Slack call${retryable === 1 ? '' : 's'} for the card of ${fact.name} failed and may work ` +
          'on a retry: the event goes back for them.',
      );
    }
    return { posted };
  }

  /** The core's notice for a card's thread; on failure broadcast to the channel, mentioning the starter. */
  private replyOf(
    fact: BuildStatusFact,
    starter: string | undefined,
  ): { text: string; reply_broadcast: boolean } {
    const failed = fact.status === 'FAILED' || fact.status === 'TIMED_OUT';
    const notice = buildNotice(fact, true);
    return { text: failed && starter ? `${mention(starter)} ${notice}` : notice, reply_broadcast: failed };
  }

  /**
   * The facts for this event's build, from the core when it tells the same status (it may have moved on
   * since the event: then the event's own facts are the ones to show).
   */
  private async factFor(work: Work): Promise<BuildStatusFact> {
    const fromEvent = factFromEvent(work.pipeline.name, work.event, this.now());
    try {
      const fact = await this.deps.core.statusOf(work.pipeline.name, fromEvent.executionArn);
      if (fact.executionArn === fromEvent.executionArn && fact.status === fromEvent.status) return fact;
    } catch (error) {
      this.log.warn(
        `Slack notifier: ${fromEvent.name} status unavailable, card from the event: ${errorSentence(error)}`,
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
    return renderBuildCard(fact, {
      consoleUrl: consoleUrlFor(fact.executionArn),
      canStop: fact.status === 'RUNNING',
      now: this.now(),
    });
  }

  /** The record's fields for this event, keeping what an earlier write knew and did. */
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
    if (previous?.unposted?.length) record.unposted = previous.unposted;
    const starter = slackUserOf(fact) ?? previous?.startedBySlackUser;
    if (starter) record.startedBySlackUser = starter;
    if (previous?.deployWarnedAt) record.deployWarnedAt = previous.deployWarnedAt;
    if (work.status === 'ABORTED' && (work.stopToldInSlack || previous?.stopToldInSlack))
      record.stopToldInSlack = true;
    return record;
  }

  /** How long to wait for an event or a card another handler holds before giving the event back. */
  private waitMs(): number {
    return this.cardLeaseMs + 5000;
  }

  private leaseEnd(): string {
    return new Date(this.time() + this.cardLeaseMs).toISOString();
  }

  private time(): number {
    return this.now().getTime();
  }

  private stamp(): string {
    return this.now().toISOString();
  }
}

/**
 * The held record, saved after each step with a versioned write that also renews the busy lease. Saves run
 * one at a time, in order. A lost save (another handler took the card over after the lease ran out) stops
 * all further Slack calls of this handler.
 */
class Progress {
  private queue: Promise<void> = Promise.resolve();
  private lost = false;

  constructor(
    private readonly store: SlackStore,
    private record: CardRecord,
    private readonly leaseEnd: () => string,
    private readonly stamp: () => string,
  ) {}

  /** Throws once the card is no longer this handler's. */
  check(): void {
    if (this.lost) throw this.lostError();
  }

  change(edit: (draft: CardRecord) => void): Promise<void> {
    return this.save((draft) => {
      edit(draft);
      draft.busyUntil = this.leaseEnd();
    });
  }

  /** The last save: the card is free again. */
  release(): Promise<void> {
    return this.save((draft) => {
      delete draft.busyUntil;
    });
  }

  private save(edit: (draft: CardRecord) => void): Promise<void> {
    const saved = this.queue.then(async () => {
      this.check();
      const draft = structuredClone(this.record);
      edit(draft);
      if (draft.unposted?.length === 0) delete draft.unposted;
      draft.version = this.record.version + 1;
      draft.updatedAt = this.stamp();
      if (!(await this.store.saveCard(draft, this.record.version))) {
        this.lost = true;
        throw this.lostError();
      }
      this.record = draft;
    });
    this.queue = saved.catch(() => undefined);
    return saved;
  }

  private lostError(): Error {
    return new Error(
      `The card of ${this.record.executionArn} was taken over after its lease ran out; giving the event back.`,
    );
  }
}

/**
 * What an event means for a build's record: 'take' it on (the event is newer than what the record holds),
 * 'finish' what an earlier handler of this very status left undone, or nothing ('stale').
 */
function planFor(record: CardRecord, status: CardStatus, at: number): 'take' | 'finish' | 'stale' {
  if (advances(record, status, at)) return 'take';
  const same = record.status === status && Date.parse(record.statusAt) === at;
  return same && !complete(record) ? 'finish' : 'stale';
}

/** Whether every card shows the record's status, with its reply when final, and no channel lacks a post. */
function complete(record: CardRecord): boolean {
  if (record.unposted?.length) return false;
  return record.cards.every(
    (card) =>
      card.shows === record.status &&
      card.showsAt === record.statusAt &&
      (!isFinished(record.status) || card.replied !== undefined),
  );
}

function without(list: string[] | undefined, item: string): string[] {
  return (list ?? []).filter((x) => x !== item);
}

function backoff(attempt: number): number {
  return Math.min(WAIT_MS.max, WAIT_MS.first * 2 ** attempt);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
