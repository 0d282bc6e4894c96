// Who may approve or reject a pipeline's gate: the config's `approval.approvers`, matched the way access rules
// match (core/config/authorize.ts). Without an `approval` section nobody may: a gate is opt-in like every access.

import type { AccessRequester } from '../config/authorize';
import { matchesAny } from '../config/authorize';
import type { PipelineConfig } from '../config/schema';
import { NotAnApprover } from '../errors';
import { approverLabel } from '../wording/approver-names';

export type ApproverEntry = NonNullable<PipelineConfig['approval']>['approvers'][number];

/** The identity patterns of the pipeline's approvers ("slack:U0123", "slack-group:S0123", "cli:*"). */
export function approverPatterns(pipeline: PipelineConfig): string[] {
  return (pipeline.approval?.approvers ?? []).map((entry) => (typeof entry === 'string' ? entry : entry.id));
}

/**
 * The approvers as names to show or say, each once: the configured name, else how that identity decides
 * ("root on the command line", "anyone using Alexa"), never a raw ID.
 */
export function approverNames(pipeline: PipelineConfig): string[] {
  const names = (pipeline.approval?.approvers ?? []).map((entry) =>
    typeof entry === 'string' ? approverLabel(entry) : entry.name,
  );
  return [...new Set(names)];
}

/** Only the names the config gives ("Ana Lima"), each once: to tell someone who may decide instead of them. */
export function configuredApproverNames(pipeline: PipelineConfig): string[] {
  const entries = pipeline.approval?.approvers ?? [];
  return [...new Set(entries.flatMap((entry) => (typeof entry === 'string' ? [] : [entry.name])))];
}

export function isApprover(pipeline: PipelineConfig, requester: AccessRequester): boolean {
  return matchesAny(approverPatterns(pipeline), [requester.id, ...(requester.groups ?? [])]);
}

export function assertApprover(pipeline: PipelineConfig, requester: AccessRequester): void {
  if (!isApprover(pipeline, requester)) {
    throw new NotAnApprover(pipeline.name, requester.id, approverPatterns(pipeline).length > 0);
  }
}
