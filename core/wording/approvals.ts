// Sentences about approval gates: what waits for whom, and what a decision did. Every front (Slack, Alexa, the
// CLI and console) says these words; none builds its own.

import type { ApprovalFact, DecisionResult, QualityGateFact } from '../approvals/facts';
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

/** "validation:auc is 0.91, which meets the quality gate (at least 0.8)." */
export function qualityGateSentence(gate: QualityGateFact): string {
  const bound = `${gate.comparison === 'GreaterThanOrEqual' ? 'at least' : 'at most'} ${metricValue(gate.threshold)}`;
  if (gate.value === undefined)
    return `Training did not report ${gate.metric} (the quality gate wants ${bound}).`;
  const verdict = gate.passed ? 'meets' : 'misses';
  return `${gate.metric} is ${metricValue(gate.value)}, which ${verdict} the quality gate (${bound}).`;
}

function buildName(fact: ApprovalFact): string {
  return `the ${fact.pipeline} build ${fact.build}`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * One waiting gate: "The prod build prod-4f2a, started by Ana, has been waiting for approval from Ana or Bo for
 * 20 minutes. validation:auc is 0.91, which meets the quality gate (at least 0.8). Without a decision it closes
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
