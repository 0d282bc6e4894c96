// Sentences about approval gates: what waits for whom, and what a decision did. Every front (Slack, Alexa, the
// CLI and console) says these words; none builds its own.

import type { ApprovalFact, DecisionResult, QualityGateFact } from '../approvals/facts';
import type { BuildStatusFact, ModelComparisonFact } from '../builds/facts';
import { metricLabel, metricLine } from './comparison';
import { personName, subjectName } from './dialog';
import { relativeTime, spokenDuration } from './duration';
import { readableReason, spokenList } from './sentences';

/** An approver entry is spoken only when it is a name: "slack:U0123" or "cli:*" says nothing to a person. */
const IDENTITY = /^(\*|[a-z][a-z0-9-]*:\S*)$/;

/** "waiting for approval from Ana or Bo": the step phrase status answers use while a build waits at a gate. */
export function approvalStepLabel(approvers: string[]): string {
  const names = approvers.filter((name) => !IDENTITY.test(name));
  return names.length > 0 ? `waiting for approval from ${spokenList(names, 'or')}` : 'waiting for approval';
}

function metricValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** "validation AUC is 0.91, which meets the quality gate (at least 0.8)": named as the comparison names it. */
export function qualityGateSentence(gate: QualityGateFact): string {
  const bound = `${gate.comparison === 'GreaterThanOrEqual' ? 'at least' : 'at most'} ${metricValue(gate.threshold)}`;
  if (gate.value === undefined)
    return `Training did not report ${metricLabel(gate.metric)} (the quality gate wants ${bound}).`;
  const verdict = gate.passed ? 'meets' : 'misses';
  return `${metricLabel(gate.metric)} is ${metricValue(gate.value)}, which ${verdict} the quality gate (${bound}).`;
}

function buildName(fact: ApprovalFact): string {
  return `the ${fact.pipeline} build ${fact.build}`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * One waiting gate: "The prod build prod-4f2a, started by Ana, has been waiting for approval from Ana or Bo for
 * 20 minutes. validation AUC is 0.91, which meets the quality gate (at least 0.8). Without a decision it closes
 * as rejected in 23 hours."
 */
export function approvalSentence(fact: ApprovalFact, now: Date): string {
  const who = personName(fact.startedBy);
  const started = who ? `, started by ${who},` : '';
  const waited = spokenDuration(Math.max(0, now.getTime() - fact.waitingSince.getTime()));
  const parts = [
    `${capitalised(buildName(fact))}${started} has been ${approvalStepLabel(fact.approvers)} for ${waited}.`,
  ];
  if (fact.qualityGate) parts.push(qualityGateSentence(fact.qualityGate));
  if (fact.closesAt) {
    const left = Math.max(0, fact.closesAt.getTime() - now.getTime());
    parts.push(`Without a decision it closes as rejected in ${spokenDuration(left)}.`);
  }
  return parts.join(' ');
}

/** Every gate open now, or that none is. */
export function approvalsSentence(facts: ApprovalFact[], now: Date): string {
  if (facts.length === 0) return 'Nothing is waiting for approval.';
  return facts.map((fact) => approvalSentence(fact, now)).join(' ');
}

/** What a decision did: "Approved. The prod build prod-4f2a goes on to deploy." */
export function decisionSentence(result: DecisionResult, now: Date): string {
  const build = buildName(result.approval);
  const reason = result.reason ? ` ${readableReason(`The reason: ${result.reason}`)}` : '';
  switch (result.outcome) {
    case 'approved':
      return `Approved. ${capitalised(build)} goes on to deploy.`;
    case 'rejected':
      return `Rejected. ${capitalised(build)} stops before deploying; the live model keeps serving.${reason}`;
    case 'already-decided': {
      const how = result.decision === 'rejected' ? 'rejected' : 'approved';
      const by = subjectName(result.decidedBy);
      const when = result.decidedAt ? ` ${relativeTime(result.decidedAt, now)}` : '';
      const lead = by
        ? `${by} already ${how} ${build}${when}.`
        : `${capitalised(build)} was already ${how}${when}.`;
      return `${lead}${reason} Nothing changed.`;
    }
    case 'closed':
      return `The approval for ${build} has closed: it ${closedWhy(result)}. ` + `Nothing changed.`;
  }
}

function closedWhy(result: DecisionResult): string {
  if (result.closedBecause === 'timed-out') return 'waited too long and closed as rejected';
  if (result.closedBecause === 'build-ended') return 'ended with the build';
  return 'is no longer waiting';
}

/** The names among the approvers (identity patterns such as "slack:U0123" are no names). */
/**
 * To someone who may not decide: "Only Ana and Ben can approve prod deploys." `named` are the approvers the
 * config names; a label such as "a Slack member" would tell a Slack member nothing, so without names the
 * sentence says "the pipeline's approvers", or that there are none.
 */
export function onlyApprovers(pipeline: string, named: string[], anyApprovers: boolean): string {
  if (named.length > 0) return `Only ${spokenList(named)} can approve ${pipeline} deploys.`;
  return anyApprovers
    ? `Only the ${pipeline} pipeline's approvers can approve its deploys.`
    : noApprovers(pipeline);
}

/** A pipeline whose config names no approver: nobody can decide its deploys from SageBuild. */
export function noApprovers(pipeline: string): string {
  return `The ${pipeline} pipeline has no approvers in SageBuild's config, so its deploys can't be approved or rejected here. Nothing was changed.`;
}

/** "24 hours", "an hour": how long the gate waited, from when it opened to when it was set to close. */
function gateWindow(fact: ApprovalFact): string | undefined {
  if (!fact.closesAt) return undefined;
  const hours = Math.round((fact.closesAt.getTime() - fact.waitingSince.getTime()) / 3600_000);
  if (hours < 1) return undefined;
  return hours === 1 ? 'an hour' : `${hours} hours`;
}

/** How a gate that is no longer open ended: "Ben approved it 2 minutes ago", "nobody decided within 24 hours". */
function howItClosed(result: DecisionResult, now: Date, who?: string): string {
  if (result.outcome === 'closed') {
    if (result.closedBecause === 'timed-out') {
      const window = gateWindow(result.approval);
      return window ? `nobody decided within ${window}` : 'nobody decided in time';
    }
    return 'the build ended before anyone decided';
  }
  const how = (result.outcome === 'already-decided' ? result.decision : result.outcome) ?? 'approved';
  const by = who ?? subjectName(result.decidedBy);
  const when = result.decidedAt ? ` ${relativeTime(result.decidedAt, now)}` : '';
  const reason =
    how === 'rejected' && result.reason ? ` (${readableReason(result.reason).replace(/\.$/, '')})` : '';
  return by ? `${by} ${how} it${when}${reason}` : `it was ${how}${when}${reason}`;
}

/**
 * To someone acting on a gate that is no longer open: "This gate already closed: Ben approved it 2 minutes
 * ago." `who` is the front's way of naming the decider (a Slack mention), else the core's name for them.
 */
export function gateAlreadyClosed(result: DecisionResult, now: Date, who?: string): string {
  return `This gate already closed: ${howItClosed(result, now, who)}.`;
}

/**
 * What an approval card says once its gate is decided or closed (`at`, if given, says when in the front's own
 * way): "Approved by Ben 2 minutes ago.",
 * "Rejected by Ben just now: AUC dropped.", "Closed: nobody decided within 24 hours, so it was rejected."
 */
export function gateOutcomeLine(result: DecisionResult, now: Date, who?: string, at?: string): string {
  if (result.outcome === 'closed') {
    const closed = howItClosed(result, now);
    return result.closedBecause === 'timed-out'
      ? `Closed: ${closed}, so the deploy was rejected.`
      : `Closed: ${closed}.`;
  }
  const how = (result.outcome === 'already-decided' ? result.decision : result.outcome) ?? 'approved';
  const by = who ?? subjectName(result.decidedBy);
  // A card read later needs a time that does not go stale: the front may give its own (Slack's date token).
  const when = result.decidedAt ? ` ${at ?? relativeTime(result.decidedAt, now)}` : '';
  const verb = how === 'approved' ? 'Approved' : 'Rejected';
  const reason = how === 'rejected' && result.reason ? `: ${readableReason(result.reason)}` : '.';
  return `${verb}${by ? ` by ${by}` : ''}${when}${reason}`;
}

/** The card's headline while a build waits: "The prod build prod-4f2a is waiting for approval from Ana or Ben." */
export function approvalWaitingLine(fact: ApprovalFact): string {
  return `${capitalised(buildName(fact))} is ${approvalStepLabel(fact.approvers)}.`;
}

/** The question before an approval (Slack's confirm dialog, Alexa's yes): "Approve the prod build prod-4f2a? It goes on to deploy." */
export function approveQuestion(fact: ApprovalFact): string {
  return `Approve ${buildName(fact)}? It goes on to deploy.`;
}

/** An approval card's text once closed: "The prod build prod-4f2a: approved by Ben 2 minutes ago." */
export function gateOutcomeSentence(result: DecisionResult, now: Date, who?: string, at?: string): string {
  const line = gateOutcomeLine(result, now, who, at);
  return `${capitalised(buildName(result.approval))}: ${line.charAt(0).toLowerCase()}${line.slice(1)}`;
}

/** The question before a rejection: "Reject the prod build prod-4f2a? It stops before deploying; the live model keeps serving." */
export function rejectQuestion(pipeline: string, build: string): string {
  return `Reject the ${pipeline} build ${build}? It stops before deploying; the live model keeps serving.`;
}

/** A build card's line while it waits at a gate: "Waiting for approval from Ana or Ben for 20 minutes." */
export function awaitingApprovalLine(fact: BuildStatusFact, now: Date): string | undefined {
  const waiting = fact.awaitingApproval;
  if (!waiting || fact.status !== 'RUNNING') return undefined;
  const label = capitalised(approvalStepLabel(waiting.approvers));
  if (!waiting.since) return `${label}.`;
  return `${label} for ${spokenDuration(Math.max(0, now.getTime() - waiting.since.getTime()))}.`;
}

// --- Voice: no build names (hex is not for reading aloud); the comparison first, then what waits. ---

/** "Validation AUC 0.91, up from 0.89 on the live model." or, for a first model, that there is nothing to compare. */
export function spokenComparison(fact: ModelComparisonFact): string {
  if (fact.metrics.length === 0) return '';
  const lines = fact.metrics.slice(0, 2).map(metricLine).join('; ');
  return fact.live
    ? `${capitalised(lines)}, compared with the live model.`
    : `${capitalised(lines)}. It is the first model, so there is nothing to compare it with.`;
}

/** "The prod deploy, started by Carl, has been waiting for approval from Ana or Ben for 20 minutes." */
export function spokenWaiting(fact: ApprovalFact, now: Date): string {
  const who = personName(fact.startedBy);
  const started = who ? `, started by ${who},` : '';
  const waited = spokenDuration(Math.max(0, now.getTime() - fact.waitingSince.getTime()));
  return `The ${fact.pipeline} deploy${started} has been ${approvalStepLabel(fact.approvers)} for ${waited}.`;
}

/** The question before a voice decision: "Approve it?" / "Reject it?" after the comparison and what waits. */
export function spokenDecisionQuestion(decision: 'approved' | 'rejected'): string {
  return decision === 'approved' ? 'Approve it?' : 'Reject it?';
}

/** What a voice decision did, without the build's name. */
export function spokenDecision(result: DecisionResult, now: Date): string {
  const pipeline = result.approval.pipeline;
  if (result.outcome === 'approved') return `Approved. The ${pipeline} deploy goes ahead.`;
  if (result.outcome === 'rejected') {
    return `Rejected. The ${pipeline} build stops before deploying; the live model keeps serving.`;
  }
  return gateAlreadyClosed(result, now);
}

/** Nothing waits for this person: "Nothing is waiting for your approval." */
export const NOTHING_WAITING = 'Nothing is waiting for your approval.';
