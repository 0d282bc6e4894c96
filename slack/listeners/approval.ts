// The approval card's buttons. Approve (behind Slack's confirm dialog) decides at once; Reject opens a modal
// asking why (views.open with the click's trigger_id, which Slack honours for 3 seconds, so nothing slow comes
// before it), and the modal's submission rejects with that reason. Both re-check who acts: anyone who sees the
// card can click, but only the pipeline's approvers decide ("Only Ana and Ben can approve prod deploys.",
// privately, nothing changed). The core claims the gate first, so a double click or two approvers at once
// decide once; whoever comes second hears who decided ("This gate already closed: Ben approved it 2 minutes
// ago."). Every copy of the card is then updated in place to say who decided and when.

import type { App, BlockAction, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { approverPatterns, configuredApproverNames, isApprover } from '../../core/approvals/approvers';
import { MAX_REASON_CHARS } from '../../core/approvals/decision-record';
import type { DecisionResult } from '../../core/approvals/facts';
import type { Requester } from '../../core/builds/facts';
import type { PipelineConfig } from '../../core/config/schema';
import { annotate, noteError, requestLog } from '../../core/log/request';
import {
  approvalsSentence,
  decisionSentence,
  gateAlreadyClosed,
  onlyApprovers,
  rejectQuestion,
} from '../../core/wording';
import { parseButtonValue, type CardButtonValue } from '../cards/actions';
import { APPROVAL_ACTIONS, deciderName, renderApprovalCard } from '../cards/approval-card';
import { closeApprovalCards } from '../notifier/approval-cards';
import { escapeMrkdwn } from '../cards/mrkdwn';
import { privately, type Reply } from '../replies';
import { clickOf, tell, type Click } from './actions';
import type { SlackDeps } from './deps';
import { pipelineFor, replyingToErrors } from './operations';
import { PROMPTS } from './prompts';
import type { Person } from './requester';

/** The reason modal's callback_id, and its input's block and action ids. */
export const REJECT_VIEW = {
  callbackId: 'approval_reject_reason',
  block: 'reason',
  action: 'reason',
} as const;

/** What the modal carries from the click to its submission: the gate's build and the card clicked. */
interface RejectMetadata extends CardButtonValue {
  channel?: string;
  ts?: string;
}

/** The private_metadata this module wrote, else undefined (Slack bounds it at 3,000 characters). */
function parseMetadata(text: string | undefined): RejectMetadata | undefined {
  const value = parseButtonValue(text);
  if (!value) return undefined;
  const { channel, ts } = JSON.parse(text as string) as { channel?: unknown; ts?: unknown };
  return {
    ...value,
    ...(typeof channel === 'string' ? { channel } : {}),
    ...(typeof ts === 'string' ? { ts } : {}),
  };
}

/** The build's name from its execution ARN, for the modal's question. */
function buildNameOf(executionArn: string): string {
  return executionArn.slice(executionArn.lastIndexOf(':') + 1);
}

/** The person as the approvers' rules see them (with the Slack groups those rules name); undefined if no approver. */
async function approver(
  deps: SlackDeps,
  client: WebClient,
  person: Person,
  pipeline: PipelineConfig,
): Promise<Requester | undefined> {
  const requester = await deps.groups.withGroups(client, person, approverPatterns(pipeline), (base) =>
    isApprover(pipeline, base),
  );
  return isApprover(pipeline, requester) ? requester : undefined;
}

function refusal(pipeline: PipelineConfig): Reply {
  return privately(
    onlyApprovers(pipeline.name, configuredApproverNames(pipeline), approverPatterns(pipeline).length > 0),
  );
}

/** After a decision: every copy of the card says how the gate ended. */
function closeCards(
  deps: SlackDeps,
  client: WebClient,
  result: DecisionResult,
  clicked?: { channel: string; ts: string },
): Promise<number> {
  return closeApprovalCards(
    {
      store: deps.store,
      web: client,
      now: deps.now,
      warn: (line, fields) => requestLog().warn(line, fields),
    },
    result,
    clicked,
  );
}

/** What the person who acted hears: nothing more when they decided (the card says it), else why not. */
function answerFor(result: DecisionResult, now: Date): Reply | undefined {
  if (result.outcome === 'approved' || result.outcome === 'rejected') return undefined;
  const slot = '\u0000';
  const decider = deciderName(result);
  const text = escapeMrkdwn(gateAlreadyClosed(result, now, decider ? slot : undefined)).replace(
    slot,
    decider ?? '',
  );
  return { text, visibility: 'ephemeral' };
}

function cardOf(click: Click): { channel: string; ts: string } | undefined {
  return click.message && !click.message.ephemeral
    ? { channel: click.message.channel, ts: click.message.ts }
    : undefined;
}

async function onApprove(deps: SlackDeps, click: Click): Promise<void> {
  const reply = await replyingToErrors(deps, async () => {
    const value = parseButtonValue(click.value);
    if (!value) throw new Error(`an Approve button with an unknown value: ${click.value}`);
    annotate({ pipeline: value.pipeline });
    const pipeline = deps.core.pipeline(value.pipeline);
    const requester = await approver(deps, click.client, click.person, pipeline);
    if (!requester) return refusal(pipeline);
    const result = await deps.core.approve({ pipeline: pipeline.name, build: value.executionArn, requester });
    await closeCards(deps, click.client, result, cardOf(click));
    return answerFor(result, deps.now()) ?? { text: '', visibility: 'ephemeral' };
  });
  if (reply.text) await tell(click, reply);
}

/** The modal that asks why: the question, and a reason of 1 to MAX_REASON_CHARS characters. */
export function reasonModal(metadata: RejectMetadata) {
  const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
  return {
    type: 'modal' as const,
    callback_id: REJECT_VIEW.callbackId,
    private_metadata: JSON.stringify(metadata),
    title: plain(PROMPTS.rejectTitle),
    submit: plain(PROMPTS.rejectSubmit),
    close: plain(PROMPTS.rejectCancel),
    blocks: [
      {
        type: 'section' as const,
        block_id: 'question',
        text: {
          type: 'mrkdwn' as const,
          text: escapeMrkdwn(rejectQuestion(metadata.pipeline, buildNameOf(metadata.executionArn))),
        },
      },
      {
        type: 'input' as const,
        block_id: REJECT_VIEW.block,
        label: plain(PROMPTS.rejectReasonLabel),
        element: {
          type: 'plain_text_input' as const,
          action_id: REJECT_VIEW.action,
          multiline: true,
          max_length: MAX_REASON_CHARS,
        },
      },
    ],
  };
}

async function onReject(deps: SlackDeps, click: Click, triggerId: string | undefined): Promise<void> {
  const reply = await replyingToErrors(deps, async () => {
    const value = parseButtonValue(click.value);
    if (!value) throw new Error(`a Reject button with an unknown value: ${click.value}`);
    annotate({ pipeline: value.pipeline });
    const pipeline = deps.core.pipeline(value.pipeline);
    if (!(await approver(deps, click.client, click.person, pipeline))) return refusal(pipeline);
    // Straight to the modal: the trigger_id expires 3 seconds after the click. The gate is checked on submit.
    const metadata: RejectMetadata = {
      pipeline: pipeline.name,
      executionArn: value.executionArn,
      ...cardOf(click),
    };
    try {
      await click.client.views.open({ trigger_id: triggerId ?? '', view: reasonModal(metadata) });
    } catch (error) {
      noteError(error);
      return privately(PROMPTS.rejectFormLate);
    }
    return { text: '', visibility: 'ephemeral' };
  });
  if (reply.text) await tell(click, reply);
}

type Submission = SlackViewMiddlewareArgs<ViewSubmitAction> & { client: WebClient };

/** The reason typed, one line, or undefined when there is none. Slack bounds the input; so does this. */
function reasonOf(view: ViewSubmitAction['view']): string | undefined {
  const typed = view.state.values[REJECT_VIEW.block]?.[REJECT_VIEW.action]?.value;
  if (typeof typed !== 'string' || typed.length > MAX_REASON_CHARS * 4) return undefined;
  const reason = typed.replace(/\s+/g, ' ').trim();
  return reason.length > 0 && reason.length <= MAX_REASON_CHARS ? reason : undefined;
}

async function onReasonSubmitted(deps: SlackDeps, args: Submission): Promise<void> {
  const { body, view, client } = args;
  const reason = reasonOf(view);
  if (!reason) {
    // Slack shows the sentence under the input and keeps the modal open: nothing was decided.
    await args.ack({
      response_action: 'errors',
      errors: { [REJECT_VIEW.block]: PROMPTS.rejectReasonBad(MAX_REASON_CHARS) },
    });
    return;
  }
  await args.ack();
  const metadata = parseMetadata(view.private_metadata);
  if (!metadata) {
    requestLog().warn('A reject reason came from a modal this app did not open');
    return;
  }
  const person: Person = {
    userId: body.user.id,
    ...(body.user.name ? { userName: body.user.name } : {}),
    ...(metadata.channel ? { channelId: metadata.channel } : {}),
  };
  const reply = await replyingToErrors(deps, async () => {
    annotate({ pipeline: metadata.pipeline });
    const pipeline = deps.core.pipeline(metadata.pipeline);
    const requester = await approver(deps, client, person, pipeline);
    if (!requester) return refusal(pipeline);
    const result = await deps.core.reject({
      pipeline: pipeline.name,
      build: metadata.executionArn,
      requester,
      reason,
    });
    const clicked =
      metadata.channel && metadata.ts ? { channel: metadata.channel, ts: metadata.ts } : undefined;
    await closeCards(deps, client, result, clicked);
    return answerFor(result, deps.now()) ?? { text: '', visibility: 'ephemeral' };
  });
  if (!reply.text) return;
  // A modal has no response_url: the person hears it under the card, or in the app's DM.
  await (
    metadata.channel
      ? client.chat.postEphemeral({ channel: metadata.channel, user: person.userId, text: reply.text })
      : client.chat.postMessage({ channel: person.userId, text: reply.text })
  ).catch((error: unknown) => requestLog().warn('Reject answer not delivered', { error }));
}

/** Intents that ask about approval gates in words (a mention, a DM): the card answers them, with its buttons. */
export const APPROVAL_INTENTS = new Set(['ApprovalsIntent', 'ApproveIntent', 'RejectIntent']);

/**
 * "@SageBuild is anything waiting for me?" or "approve the prod deploy": the waiting gate's approval card,
 * privately, with its Approve and Reject buttons (words alone never decide, as they never start a build).
 */
export function approvalPrompt(deps: SlackDeps, pipeline?: string): Promise<Reply> {
  return replyingToErrors(deps, async () => {
    const [approval] = await deps.core.approvals(pipeline);
    if (!approval) return privately(approvalsSentence([], deps.now()));
    const comparison = await deps.core
      .compareWithLive(approval.pipeline, approval.build)
      .catch(() => undefined);
    const card = renderApprovalCard({ approval, ...(comparison ? { comparison } : {}) }, deps.now());
    return { ...card, visibility: 'ephemeral' };
  });
}

/** "/sagebuild approve prod", "/sagebuild reject prod \"AUC dropped\"": as the card's buttons, in words. */
export interface TypedDecision {
  kind: 'approve' | 'reject';
  pipeline?: string;
  build?: string;
  reason?: string;
}

/**
 * A typed decision: the same approver check and core call as the card's buttons, then every copy of the card
 * says how the gate ended and the person hears what their decision did.
 */
export function decideByCommand(
  deps: SlackDeps,
  client: WebClient,
  person: Person,
  command: TypedDecision,
): Promise<Reply> {
  return replyingToErrors(deps, async () => {
    const pipeline = pipelineFor(deps, command.pipeline, person.channelId);
    const requester = await approver(deps, client, person, pipeline);
    if (!requester) return refusal(pipeline);
    const target = { pipeline: pipeline.name, requester, ...(command.build ? { build: command.build } : {}) };
    const result =
      command.kind === 'approve'
        ? await deps.core.approve(target)
        : await deps.core.reject({ ...target, ...(command.reason ? { reason: command.reason } : {}) });
    await closeCards(deps, client, result);
    return answerFor(result, deps.now()) ?? privately(decisionSentence(result, deps.now()));
  });
}

export function registerApproval(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(APPROVAL_ACTIONS.approve, async (args) => {
    await args.ack();
    await onApprove(deps, clickOf(args));
  });
  app.action<BlockAction>(APPROVAL_ACTIONS.reject, async (args) => {
    await args.ack();
    await onReject(deps, clickOf(args), args.body.trigger_id);
  });
  app.view<ViewSubmitAction>(REJECT_VIEW.callbackId, async (args) => onReasonSubmitted(deps, args));
}
