// Decisions on an approval gate claim it first, in the same claims store as starts (memory in one process,
// DynamoDB across Lambda containers): a double click, a retry or two approvers at once, and only the claim's
// holder sends SendTaskSuccess or SendTaskFailure. Keys and holders are hashed so they fit the store's bounds
// whatever the ARN's or the person's id's length.

import { createHash } from 'node:crypto';

const hash = (text: string, chars: number): string =>
  createHash('sha256').update(text).digest('hex').slice(0, chars);

/** One gate: one execution's one TaskScheduled event. */
export function decisionClaimKey(executionArn: string, scheduledEventId: number): string {
  return `approval#${hash(`${executionArn}#${scheduledEventId}`, 40)}`;
}

/** Who claims: the decision and the person, so the same person's retry of the same decision takes it again. */
export function decisionClaimHolder(decision: 'approved' | 'rejected', requesterId: string): string {
  return `${decision}:${hash(requesterId, 24)}`;
}

/** The decision a holder made, from the holder string. */
export function decisionOfHolder(holder: string): 'approved' | 'rejected' | undefined {
  const decision = holder.split(':')[0];
  return decision === 'approved' || decision === 'rejected' ? decision : undefined;
}

/**
 * A claim lasts longer than any gate can stay open once decided: after it, the gate is closed in Step Functions
 * and a late click gets TaskTimedOut there. Memory claims vanish with the process; DynamoDB's TTL cleans up.
 */
export const DECISION_CLAIM_TTL_MS = 24 * 3600_000;
