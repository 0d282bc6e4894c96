// Facts about approval gates: a build waiting at a `.waitForTaskToken` state for a person's yes or no, and what
// a decision did. Fronts render these; core/wording/approvals.ts turns them into sentences.

import type { Requester, StartedBy } from '../builds/facts';

/** The reference pipeline's quality gate, as the waiting build met it. */
export interface QualityGateFact {
  /** e.g. "validation:auc" */
  metric: string;
  /** The new model's value; undefined when training did not report the metric. */
  value?: number;
  threshold: number;
  comparison: 'GreaterThanOrEqual' | 'LessThanOrEqual';
  passed: boolean;
}

/** One gate open now: a build waiting at an approval state. */
export interface ApprovalFact {
  pipeline: string;
  /** The build (execution) name. */
  build: string;
  executionArn: string;
  /** The approval state's name in the machine, e.g. "Wait for approval". */
  stateName: string;
  startedBy?: StartedBy;
  startedAt: Date;
  /** When the build reached the gate (its TaskScheduled event). */
  waitingSince: Date;
  /** Who may decide, as names to show or say ("Ana", "Bo"); identities without a configured name as they are. */
  approvers: string[];
  /** When the gate closes by itself (the state's TimeoutSeconds), if it does. */
  closesAt?: Date;
  qualityGate?: QualityGateFact;
}

export type DecisionOutcome = 'approved' | 'rejected' | 'already-decided' | 'closed';

export interface DecisionResult {
  /**
   * approved / rejected: this request decided. already-decided: someone decided before (decidedBy, decidedAt
   * and reason say who, when and why; `decision` which way). closed: the gate closed with no decision (it timed
   * out, or the build stopped or ended): nothing changed.
   */
  outcome: DecisionOutcome;
  approval: ApprovalFact;
  /** For already-decided: which way the earlier decision went. */
  decision?: 'approved' | 'rejected';
  decidedBy?: Requester;
  decidedAt?: Date;
  reason?: string;
  /** For closed: why the gate closed without a decision. */
  closedBecause?: 'timed-out' | 'build-ended';
}
