// Decisions on an approval gate claim it first, in the same claims store as starts (memory in one process,
// DynamoDB across Lambda containers): a double click, a retry or two approvers at once, and only the claim's
// holder sends SendTaskSuccess or SendTaskFailure. Keys are hashed so they fit the store's bounds whatever the
// ARN's length.

import { createHash, randomBytes } from 'node:crypto';

const hash = (text: string, chars: number): string =>
  createHash('sha256').update(text).digest('hex').slice(0, chars);

/** One gate: one execution's one TaskScheduled event. */
export function decisionClaimKey(executionArn: string, scheduledEventId: number): string {
  return `approval#${hash(`${executionArn}#${scheduledEventId}`, 40)}`;
}

/**
 * Who claims: the decision and this one request. Even the same person's double click is a second request that
 * finds the claim taken; a request whose send failed gives the claim back, so its retry can take it.
 */
export function decisionClaimHolder(decision: 'approved' | 'rejected'): string {
  return `${decision}:${randomBytes(12).toString('hex')}`;
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
