// A running build's card between its status changes. Step Functions tells the notifier only when a build
// starts and ends, so without this the card would show the same step, elapsed time and ETA for the 45+
// minutes in between. An EventBridge schedule runs it every minute: each running build with a card gets its
// current facts from the core, and every posted copy of its card is updated through refreshCardMessage, the
// Refresh button's writer (never back from what the notifier showed, never in the middle of its update).
//
// It runs every minute whatever happens, so it is bounded and never insists: a few pipelines at a time, a
// time budget, a 429 from Slack ends the round's Slack calls, a failure is logged and left to the next
// round. And a card is updated only when what it would show changed.

import { ErrorCode, LogLevel, WebClient } from '@slack/web-api';
import type { BuildStatusFact } from '../../core/builds/facts';
import type { PipelineConfig } from '../../core/config/schema';
import type { SageBuild } from '../../core/sagebuild';
import { isFinished, type BuildCard } from '../cards/build-card';
import { cardFor } from '../listeners/card';
import { DeadlinePassed, within } from '../listeners/deadline';
import type { CardMessage, SlackStore } from '../store/store';
import type { NotifierLog } from './notifier';
import { closeApprovalCards } from './approval-cards';
import { refreshCardMessage } from './refresh';
import { isPermanentSlackError, slackErrorText } from './slack-errors';

export interface ProgressRefreshDeps {
  core: SageBuild;
  /** A client that rejects rate-limited calls rather than waiting them out (progressWebClient). */
  web: Pick<WebClient, 'chat'>;
  store: SlackStore;
  now?: () => Date;
  log?: NotifierLog;
  /** How long a round may take, at most (default 20 s: well within the notifier's 30 s timeout). */
  budgetMs?: number;
  /** Pipelines looked at together (default 4). */
  concurrency?: number;
}

/** What a round did, counted in card messages (one per build and channel). */
export interface ProgressReport {
  /** Updated to the build's progress. */
  refreshed: number;
  /** Left as they were: they would show the same. */
  unchanged: number;
  /** Left for the next round: the notifier is updating them, Slack rate-limited us, or time ran out. */
  skipped: number;
  /** Not updated because something failed (each logged); a card the store could not read counts as one. */
  failed: number;
  /** Pipelines whose builds could not be listed (each logged): the others were refreshed all the same. */
  failedPipelines: string[];
}

const DEFAULT_BUDGET_MS = 20_000;
/** Nothing new is started this close to the budget's end: what runs gets the time to finish. */
const WRAP_UP_MS = 5_000;
const DEFAULT_CONCURRENCY = 4;
/** Newest builds listed per pipeline: the core starts one at a time, so running builds are among them. */
const LIST_LIMIT = 10;
/** A build unseen this long is forgotten (it ended): the memory stays as small as what is running. */
const FORGET_MS = 10 * 60_000;

/** What this refresher last showed on a build's card, and what Slack will never take. */
interface Shown {
  /** The card as rendered, shown on every message, and the record's version once that was done. */
  card?: { json: string; version: number };
  /** Messages Slack refused for good (deleted, channel gone): not tried again. */
  gone: Set<string>;
  seenAt: number;
  /** Its approval cards say how the gate closed (or it has none): nothing more to do for them. */
  approvalsClosed?: boolean;
}

/** One round: its counts, when it stops starting work, and whether Slack asked it to stop. */
interface Round {
  report: ProgressReport;
  wrapUpAt: number;
  rateLimited: boolean;
}

export class ProgressRefresh {
  private readonly now: () => Date;
  private readonly log: NotifierLog;
  /**
   * By build. Kept in the container rather than the store: a cold container updates each card once more
   * than needed, and the record's version tells when someone else (the notifier, a Refresh click, another
   * container) changed the card since.
   */
  private readonly shown = new Map<string, Shown>();

  constructor(private readonly deps: ProgressRefreshDeps) {
    this.now = deps.now ?? (() => new Date());
    this.log = deps.log ?? console;
  }

  /** One round over every configured pipeline. Failures are counted and logged, not thrown. */
  async run(budgetMs = this.deps.budgetMs ?? DEFAULT_BUDGET_MS): Promise<ProgressReport> {
    const round: Round = {
      report: { refreshed: 0, unchanged: 0, skipped: 0, failed: 0, failedPipelines: [] },
      wrapUpAt: Date.now() + budgetMs - WRAP_UP_MS,
      rateLimited: false,
    };
    const pipelines = this.deps.core.pipelines;
    const work = eachLimited(pipelines, this.deps.concurrency ?? DEFAULT_CONCURRENCY, (pipeline) =>
      this.refreshPipeline(round, pipeline),
    );
    try {
      await within(budgetMs, 'the progress refresh', work);
    } catch (error) {
      // The calls still out finish on their own; their cards count in the next round.
      if (!(error instanceof DeadlinePassed)) throw error;
      this.log.warn(`Slack progress: ${error.message}; the rest waits for the next round.`);
    }
    this.forget();
    return { ...round.report, failedPipelines: [...round.report.failedPipelines] };
  }

  private async refreshPipeline(round: Round, pipeline: PipelineConfig): Promise<void> {
    if (Date.now() > round.wrapUpAt) return;
    let running: string[];
    try {
      const { builds } = await this.deps.core.list(pipeline.name, LIST_LIMIT);
      running = builds.filter((b) => b.status === 'RUNNING').map((b) => b.executionArn);
    } catch (error) {
      round.report.failedPipelines.push(pipeline.name);
      this.log.warn(`Slack progress: ${pipeline.name} builds not listed: ${errorText(error)}`);
      return;
    }
    for (const executionArn of running) {
      await this.refreshBuild(round, pipeline, executionArn).catch((error: unknown) => {
        // The store did not answer (the rest is counted where it fails): the build's card counts as one.
        round.report.failed += 1;
        this.log.warn(`Slack progress: card of ${executionArn} not refreshed: ${errorText(error)}`);
      });
    }
  }

  private async refreshBuild(round: Round, pipeline: PipelineConfig, executionArn: string): Promise<void> {
    const record = await this.deps.store.getCard(executionArn);
    // No card (a channel-less pipeline, a build from before the store), or one the notifier made final.
    if (!record || isFinished(record.status)) return;
    const shown = this.remember(executionArn);
    const messages = record.cards.filter((m) => !shown.gone.has(keyOf(m)));
    if (messages.length === 0) return;
    if (round.rateLimited || Date.now() > round.wrapUpAt) {
      round.report.skipped += messages.length;
      return;
    }
    let fact: BuildStatusFact;
    try {
      fact = await this.deps.core.statusOf(pipeline.name, executionArn);
    } catch (error) {
      round.report.failed += messages.length;
      this.log.warn(`Slack progress: ${executionArn} status unavailable: ${errorText(error)}`);
      return;
    }
    // It ended since the list: the notifier's final event updates the card, and replies in its thread.
    if (!fact.awaitingApproval) await this.closeApprovals(pipeline, executionArn, shown);
    if (fact.status !== 'RUNNING') return;
    const card = cardFor(fact, this.now());
    const json = JSON.stringify(card);
    if (shown.card?.json === json && shown.card.version === record.version) {
      round.report.unchanged += messages.length;
      return;
    }
    delete shown.card;
    let all = true;
    // One message at a time: each update holds the record's busy lease, which would turn the next one away.
    for (const message of messages) all = (await this.update(round, fact, card, message, shown)) && all;
    if (!all) return;
    // The version right after our updates: a later one means someone else has changed the card since.
    const after = await this.deps.store.getCard(executionArn).catch(() => undefined);
    if (after) shown.card = { json, version: after.version };
  }

  /**
   * A decision made anywhere (the CLI, the console, Alexa, a typed command) reaches Step Functions alone, and
   * the build runs on to deploy with no status-change event: the first round after the gate closed says so
   * on the approval cards, taking their buttons away, rather than the build's end minutes later.
   */
  private async closeApprovals(pipeline: PipelineConfig, executionArn: string, shown: Shown): Promise<void> {
    if (shown.approvalsClosed) return;
    try {
      // Before its gate a build has no approval card yet: asked again next round.
      if ((await this.deps.store.approvalCards(executionArn)).length === 0) return;
      const result = await this.deps.core.approvalOutcome({ pipeline: pipeline.name, build: executionArn });
      if (!result) return;
      const warn = (line: string) => this.log.warn(`Slack progress: ${line}`);
      await closeApprovalCards({ store: this.deps.store, web: this.deps.web, now: this.now, warn }, result);
      shown.approvalsClosed = true;
    } catch (error) {
      this.log.warn(`Slack progress: approval card of ${executionArn} not closed: ${errorText(error)}`);
    }
  }

  /** Updates one message; whether it now shows `card`. */
  private async update(
    round: Round,
    fact: BuildStatusFact,
    card: BuildCard,
    message: CardMessage,
    shown: Shown,
  ): Promise<boolean> {
    const { report } = round;
    if (round.rateLimited || Date.now() > round.wrapUpAt) {
      report.skipped += 1;
      return false;
    }
    const { channel, ts } = message;
    try {
      const outcome = await refreshCardMessage({
        store: this.deps.store,
        web: this.deps.web,
        fact,
        channel,
        ts,
        render: () => card,
        now: this.now,
      });
      if (outcome === 'updated') report.refreshed += 1;
      else report.skipped += 1; // 'busy': the notifier's own update; 'stale': the build ended meanwhile
      return outcome === 'updated';
    } catch (error) {
      if (isRateLimited(error)) {
        round.rateLimited = true;
        report.skipped += 1;
        return false;
      }
      if (isPermanentSlackError(error)) shown.gone.add(keyOf(message));
      report.failed += 1;
      this.log.warn(
        `Slack progress: card of ${fact.name} in ${channel} not updated: ${slackErrorText(error)}`,
      );
      return false;
    }
  }

  private remember(executionArn: string): Shown {
    const shown = this.shown.get(executionArn) ?? { gone: new Set<string>(), seenAt: 0 };
    shown.seenAt = Date.now();
    this.shown.set(executionArn, shown);
    return shown;
  }

  private forget(): void {
    for (const [executionArn, shown] of this.shown) {
      if (Date.now() - shown.seenAt > FORGET_MS) this.shown.delete(executionArn);
    }
  }
}

/**
 * The progress refresh's Slack client. Unlike the notifier's, it does not wait out a 429 (Retry-After) nor
 * retry for long: the next round is a minute away, and the notifier's own calls need Slack's limits more.
 */
export function progressWebClient(
  token: string,
  options: { slackApiUrl?: string; logLevel?: LogLevel } = {},
): WebClient {
  return new WebClient(token, {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 1, minTimeout: 200, maxTimeout: 1000 },
    timeout: 5000,
    // The client logs each rate limit; the round's log line counts what it skipped.
    logLevel: options.logLevel ?? LogLevel.ERROR,
  });
}

/** The error as it was thrown: for whoever reads the logs, not the sentence a person in Slack would get. */
function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function isRateLimited(error: unknown): boolean {
  const coded = error as { code?: string; data?: { error?: string } };
  return coded?.code === ErrorCode.RateLimitedError || coded?.data?.error === 'ratelimited';
}

function keyOf(message: CardMessage): string {
  return `${message.channel}:${message.ts}`;
}

/** `work` on every item, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
