// How a decision is written into Step Functions and read back: an approval is SendTaskSuccess's output, a
// rejection SendTaskFailure's cause. Both are JSON with a `message` people read (the AWS console, a failed build's
// reason: readableCause picks `message`), who decided and when. The history is the only record of a decision,
// so a later click, retry or question learns from it who decided, never from memory.

import { personName } from '../wording/dialog';
import type { Requester } from '../builds/facts';

/** The error a rejection gives the gate's task: the reference pipeline's Catch matches it. */
export const REJECTED_ERROR = 'SageBuild.Rejected';

/** A reason is bounded before it is written (SendTaskFailure's cause allows 32,768; people give a sentence). */
export const MAX_REASON_CHARS = 500;
const MAX_NAME = 100;
const MAX_ID = 300;

export interface DecisionRecord {
  decision: 'approved' | 'rejected';
  decidedBy: Requester;
  decidedAt: Date;
  reason?: string;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function who(requester: Requester): string {
  return oneLine((personName(requester) ?? 'someone').slice(0, MAX_NAME * 2)).slice(0, MAX_NAME) || 'someone';
}

/** The JSON SendTaskSuccess (output) or SendTaskFailure (cause) carries. */
export function writeDecision(record: DecisionRecord): string {
  const name = who(record.decidedBy);
  const reason = record.reason ? oneLine(record.reason).slice(0, MAX_REASON_CHARS) : undefined;
  const verb = record.decision === 'approved' ? 'Approved' : 'Rejected';
  const decidedBy: Record<string, string> = { id: record.decidedBy.id.slice(0, MAX_ID) };
  if (record.decidedBy.displayName) decidedBy.displayName = record.decidedBy.displayName.slice(0, MAX_NAME);
  return JSON.stringify({
    decision: record.decision,
    message: `${verb} by ${name} via SageBuild${reason ? `: ${reason}` : ''}`,
    ...(reason ? { reason } : {}),
    decidedBy,
    decidedAt: record.decidedAt.toISOString(),
  });
}

/** A decision `writeDecision` wrote, from a task's output or cause; undefined for anything else. */
export function readDecision(text: string | undefined): DecisionRecord | undefined {
  if (!text || text.length > 64 * 1024 || !text.trimStart().startsWith('{')) return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const decision = parsed.decision;
  if (decision !== 'approved' && decision !== 'rejected') return undefined;
  const by = (parsed.decidedBy ?? {}) as Record<string, unknown>;
  if (typeof by.id !== 'string') return undefined;
  const decidedBy: Requester = { id: by.id };
  if (typeof by.displayName === 'string') decidedBy.displayName = by.displayName;
  const decidedAt = new Date(typeof parsed.decidedAt === 'string' ? parsed.decidedAt : NaN);
  if (Number.isNaN(decidedAt.getTime())) return undefined;
  const record: DecisionRecord = { decision, decidedBy, decidedAt };
  if (typeof parsed.reason === 'string' && parsed.reason) record.reason = parsed.reason;
  return record;
}
