// The approval card's post: an approval gate's "SageBuild Approval Requested" event (pipeline/approval-gate.ts,
// or a team's own `.waitForTaskToken` state sending the same event) reaches the notifier through the stack's
// EventBridge rule, and each of the pipeline's channels gets the card. The facts come from the core (which
// reads the waiting build's history), never from the event: the event only says which build asks. Its
// TaskToken is never read, logged or shown; deciding reads the token from the history.
//
// Events may come twice or be retried: the event id is leased like a status change's, and a channel that
// already has this build's card gets no second one.

import type { WebClient } from '@slack/web-api';
import type { ApprovalFact } from '../../core/approvals/facts';
import type { ModelComparisonFact } from '../../core/builds/facts';
import type { PipelineConfig, SageBuildConfig } from '../../core/config/schema';
import { annotate } from '../../core/log/request';
import type { SageBuild } from '../../core/sagebuild';
import { errorSentence } from '../../core/wording';
import { renderApprovalCard } from '../cards/approval-card';
import type { SlackStore } from '../store/store';
import { eventProblem } from './event';
import type { NotifierLog } from './notifier';
import { isPermanentSlackError, slackErrorText } from './slack-errors';

export const APPROVAL_REQUEST = {
  source: 'sagebuild.approvals',
  detailType: 'SageBuild Approval Requested',
} as const;

/** The event as EventBridge hands it to the notifier; only what the notifier reads. */
export interface ApprovalRequestEvent {
  id: string;
  source: typeof APPROVAL_REQUEST.source;
  'detail-type': typeof APPROVAL_REQUEST.detailType;
  time?: string;
  detail: { executionArn: string; stateMachineArn?: unknown; name?: unknown };
}

export type ApprovalNotifyOutcome =
  'posted' | 'duplicate' | 'unknown-machine' | 'not-waiting' | 'no-channels' | 'unusable-event';

export interface ApprovalNotifierDeps {
  core: SageBuild;
  web: WebClient;
  store: SlackStore;
  config: SageBuildConfig;
  now?: () => Date;
  log?: NotifierLog;
  /** Looks at the build's history again after this long when the gate is not in it yet (default 250 ms). */
  retryMs?: number;
}

/** An execution ARN is at most a few hundred characters; anything longer is not one and is never looked up. */
const MAX_ARN = 1024;
const EVENT_LEASE_MS = 120_000;
/** Reads of the history for the waiting gate: the event may arrive before the history shows the task. */
const LOOKS = 3;

export function isApprovalRequest(event: unknown): event is ApprovalRequestEvent {
  if (typeof event !== 'object' || event === null) return false;
  const { source, 'detail-type': type, detail } = event as Record<string, unknown>;
  return (
    source === APPROVAL_REQUEST.source &&
    type === APPROVAL_REQUEST.detailType &&
    typeof (detail as { executionArn?: unknown } | null)?.executionArn === 'string'
  );
}

export class ApprovalNotifier {
  private readonly now: () => Date;
  private readonly log: NotifierLog;

  constructor(private readonly deps: ApprovalNotifierDeps) {
    this.now = deps.now ?? (() => new Date());
    this.log = deps.log ?? console;
  }

  async handle(event: ApprovalRequestEvent): Promise<ApprovalNotifyOutcome> {
    const problem =
      eventProblem(event) ??
      (event.detail.executionArn.length > MAX_ARN ? 'its executionArn is too long' : undefined);
    if (problem) {
      this.log.warn(`Slack notifier: an approval request was not posted because ${problem}.`);
      return 'unusable-event';
    }
    const pipeline = this.pipelineOf(event);
    if (!pipeline) return 'unknown-machine';
    annotate({ pipeline: pipeline.name });
    if ((await this.deps.store.leaseEvent(event.id, EVENT_LEASE_MS)) !== 'claimed') return 'duplicate';
    let outcome: ApprovalNotifyOutcome;
    try {
      outcome = await this.post(pipeline, event.detail.executionArn);
    } catch (error) {
      // Given back, so EventBridge's or Lambda's retry posts what is missing.
      await this.deps.store.releaseEvent(event.id).catch(() => undefined);
      throw error;
    }
    await this.deps.store.finishEvent(event.id).catch((error: unknown) => {
      this.log.warn(`Slack notifier: approval request ${event.id} not marked done: ${errorSentence(error)}`);
    });
    return outcome;
  }

  /** The configured pipeline of the machine that asks: by its ARN, else by the execution's. */
  private pipelineOf(event: ApprovalRequestEvent): PipelineConfig | undefined {
    const { stateMachineArn, executionArn } = event.detail;
    return this.deps.config.pipelines.find(
      (p) =>
        p.stateMachineArn === stateMachineArn ||
        executionArn.startsWith(`${p.stateMachineArn.replace(':stateMachine:', ':execution:')}:`),
    );
  }

  private async post(pipeline: PipelineConfig, executionArn: string): Promise<ApprovalNotifyOutcome> {
    const approval = await this.waitingGate(pipeline, executionArn);
    if (!approval) return 'not-waiting';
    const subscribed = await this.deps.store.subscriptions(pipeline.name);
    const channels = [...new Set([...pipeline.slack.channels, ...subscribed])];
    if (channels.length === 0) return 'no-channels';
    const comparison = await this.comparison(approval);
    const card = renderApprovalCard({ approval, ...(comparison ? { comparison } : {}) }, this.now());
    const posted = new Set((await this.deps.store.approvalCards(executionArn)).map((c) => c.channel));
    let retryable = 0;
    await Promise.all(
      channels
        .filter((channel) => !posted.has(channel))
        .map(async (channel) => {
          try {
            const sent = await this.deps.web.chat.postMessage({ channel, ...card, unfurl_links: false });
            if (sent.ts) await this.deps.store.rememberApprovalCard(executionArn, { channel, ts: sent.ts });
          } catch (error) {
            if (!isPermanentSlackError(error)) retryable += 1;
            this.log.warn(
              `Slack notifier: no approval card for ${approval.build} in ${channel}: ${slackErrorText(error)}`,
            );
          }
        }),
    );
    if (retryable > 0) {
      throw new Error(`${retryable} approval card post(s) for ${approval.build} may work on a retry.`);
    }
    return 'posted';
  }

  /** The gate the build waits at now, read from its history (a few looks: the event can be early). */
  private async waitingGate(
    pipeline: PipelineConfig,
    executionArn: string,
  ): Promise<ApprovalFact | undefined> {
    for (let look = 1; ; look += 1) {
      const open = await this.deps.core.approvals(pipeline.name);
      const fact = open.find((f) => f.executionArn === executionArn);
      if (fact || look >= LOOKS) return fact;
      await new Promise((resolve) => setTimeout(resolve, this.deps.retryMs ?? 250));
    }
  }

  /** The new model next to the live one; a card without it still lets people decide. */
  private async comparison(approval: ApprovalFact): Promise<ModelComparisonFact | undefined> {
    try {
      return await this.deps.core.compareWithLive(approval.pipeline, approval.build);
    } catch (error) {
      this.log.warn(
        `Slack notifier: ${approval.build} not compared with the live model: ${errorSentence(error)}`,
      );
      return undefined;
    }
  }
}
