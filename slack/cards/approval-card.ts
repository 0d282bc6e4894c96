// The approval card: one message per gate and channel, posted by the notifier when a build asks for approval,
// and updated in place once someone decided or the gate closed. It shows what waits (pipeline, build, who
// started it, since when), the new model next to the live one (the quality gate's metric first), the quality
// gate's verdict, and Approve (behind a confirm dialog) and Reject (which asks for a reason in a modal).
// Layout only: every sentence comes from core/wording; the buttons' handlers re-check who clicks.

import type { types } from '@slack/bolt';
import type { ApprovalFact, DecisionResult } from '../../core/approvals/facts';
import type { ModelComparisonFact } from '../../core/builds/facts';
import {
  approvalSentence,
  approvalWaitingLine,
  approveQuestion,
  comparisonSentence,
  gateOutcomeLine,
  gateOutcomeSentence,
  qualityGateSentence,
} from '../../core/wording';
import { buttonValue } from './actions';
import { SLACK_LIMITS } from './build-card';
import { escapeMrkdwn, fit, mention } from './mrkdwn';
import { slackPersonName, slackUserIdOf } from './people';

type KnownBlock = types.KnownBlock;
type Button = types.Button;

export const APPROVAL_ACTIONS = {
  approve: 'approval_approve',
  reject: 'approval_reject',
} as const;

export const APPROVAL_WORDS = {
  approve: 'Approve',
  reject: 'Reject',
  confirmTitle: 'Approve the deploy?',
  yes: 'Approve',
  no: 'Not yet',
};

export interface ApprovalCard {
  /** What notifications and screen readers say: the core's sentences. */
  text: string;
  blocks: KnownBlock[];
}

/** What the card shows next to the gate: the comparison with the live model, when the core could make it. */
export interface ApprovalCardFacts {
  approval: ApprovalFact;
  comparison?: ModelComparisonFact;
}

const plain = (text: string, max: number) => ({
  type: 'plain_text' as const,
  text: fit(text, max),
  emoji: true,
});

function section(blockId: string, mrkdwn: string): KnownBlock {
  return {
    type: 'section',
    block_id: blockId,
    text: { type: 'mrkdwn', text: fit(mrkdwn, SLACK_LIMITS.sectionText) },
  };
}

/**
 * "<!date^1733390000^{date_short_pretty} at {time}|2026-12-05 08:13 UTC>": Slack shows it in the reader's own
 * time zone, so a card read hours later still says when, not a "5 minutes ago" that has gone stale.
 */
export function slackDate(at: Date): string {
  const fallback = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} at {time}|${fallback}>`;
}

/** Who started it and since when it waits, with the gate's own deadline while nobody has decided yet. */
function whoAndWhen(fact: ApprovalFact, open: boolean): string {
  const starter = slackPersonName(fact.startedBy);
  const started = `Started ${starter ? `by ${starter} ` : ''}${slackDate(fact.startedAt)}`;
  const waiting = `waiting since ${slackDate(fact.waitingSince)}`;
  const closes =
    open && fact.closesAt ? ` · closes as rejected ${slackDate(fact.closesAt)} if nobody decides` : '';
  return `${started} · ${waiting}${closes}`;
}

/** The comparison and the quality gate, the same on a waiting card and a closed one. */
function modelBlocks(facts: ApprovalCardFacts): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  // A machine that trained nothing (a team's own approval step) has no models to show.
  if (facts.comparison && facts.comparison.metrics.length > 0) {
    blocks.push(
      section('approval_models', `:bar_chart: ${escapeMrkdwn(comparisonSentence(facts.comparison))}`),
    );
  }
  const gate = facts.approval.qualityGate;
  if (gate) {
    const icon = gate.passed ? ':white_check_mark:' : ':warning:';
    blocks.push(section('approval_quality_gate', `${icon} ${escapeMrkdwn(qualityGateSentence(gate))}`));
  }
  return blocks;
}

function approveButton(fact: ApprovalFact): Button {
  return {
    type: 'button',
    action_id: APPROVAL_ACTIONS.approve,
    text: plain(APPROVAL_WORDS.approve, SLACK_LIMITS.buttonText),
    value: buttonValue({ pipeline: fact.pipeline, executionArn: fact.executionArn }),
    style: 'primary',
    confirm: {
      title: plain(APPROVAL_WORDS.confirmTitle, SLACK_LIMITS.confirmTitle),
      text: plain(approveQuestion(fact), SLACK_LIMITS.confirmText),
      confirm: plain(APPROVAL_WORDS.yes, SLACK_LIMITS.confirmButton),
      deny: plain(APPROVAL_WORDS.no, SLACK_LIMITS.confirmButton),
    },
  };
}

/** Reject asks for a reason in a modal, which is its own second thought: no confirm dialog before it. */
function rejectButton(fact: ApprovalFact): Button {
  return {
    type: 'button',
    action_id: APPROVAL_ACTIONS.reject,
    text: plain(APPROVAL_WORDS.reject, SLACK_LIMITS.buttonText),
    value: buttonValue({ pipeline: fact.pipeline, executionArn: fact.executionArn }),
    style: 'danger',
  };
}

function header(text: string): KnownBlock {
  return { type: 'header', block_id: 'approval_header', text: plain(text, SLACK_LIMITS.headerText) };
}

/** The card while the gate is open. */
export function renderApprovalCard(facts: ApprovalCardFacts, now: Date): ApprovalCard {
  const fact = facts.approval;
  const text = [approvalSentence(fact, now), facts.comparison && comparisonSentence(facts.comparison)]
    .filter(Boolean)
    .join(' ');
  return {
    text: escapeMrkdwn(text),
    blocks: [
      header(`:raised_hand: ${fact.pipeline} deploy waiting for approval`),
      section('approval_waiting', escapeMrkdwn(approvalWaitingLine(fact))),
      {
        type: 'context',
        block_id: 'approval_when',
        elements: [{ type: 'mrkdwn', text: whoAndWhen(fact, true) }],
      },
      ...modelBlocks(facts),
      { type: 'actions', block_id: 'approval_actions', elements: [approveButton(fact), rejectButton(fact)] },
    ],
  };
}

const CLOSED_LOOK = {
  approved: { icon: ':white_check_mark:', word: 'approved' },
  rejected: { icon: ':no_entry:', word: 'rejected' },
  closed: { icon: ':alarm_clock:', word: 'approval closed' },
} as const;

/**
 * The card once its gate is no longer open: who decided and when (a Slack decider as a mention), or why it
 * closed; the models stay for the record, the buttons go.
 */
export function renderClosedApprovalCard(
  facts: ApprovalCardFacts,
  result: DecisionResult,
  now: Date,
): ApprovalCard {
  const fact = facts.approval;
  const way = result.outcome === 'already-decided' ? (result.decision ?? 'approved') : result.outcome;
  const look = CLOSED_LOOK[way];
  // The decider and the time go in after escaping: a Slack user as a mention, which Slack shows as their name,
  // and the time as Slack's date token, which never goes stale on a card read later.
  const slot = '\u0000';
  const timeSlot = '\u0001';
  const decider = deciderName(result);
  const who = decider ? slot : undefined;
  const at = result.decidedAt ? timeSlot : undefined;
  const fill = (line: string) =>
    escapeMrkdwn(line)
      .replace(slot, decider ?? '')
      .replace(timeSlot, result.decidedAt ? slackDate(result.decidedAt) : '');
  const outcome = fill(gateOutcomeLine(result, now, who, at));
  return {
    text: fill(gateOutcomeSentence(result, now, who, at)),
    blocks: [
      header(`${look.icon} ${fact.pipeline} deploy ${look.word}`),
      section('approval_outcome', `*${escapeMrkdwn(fact.build)}* · ${outcome}`),
      {
        type: 'context',
        block_id: 'approval_when',
        elements: [{ type: 'mrkdwn', text: whoAndWhen(fact, false) }],
      },
      ...modelBlocks(facts),
    ],
  };
}

/** A decider from Slack as a mention; anyone else as the core names them. */
export function deciderName(result: DecisionResult): string | undefined {
  const user = slackUserIdOf(result.decidedBy);
  return user ? mention(user) : slackPersonName(result.decidedBy);
}
