// `approvals`, `approve` and `reject` run for every typed front. A decision that changed nothing (the gate had
// closed, or someone decided the other way first) is not ok: a CI script's `sagebuild approve prod` then exits
// non-zero. The same decision made before (a retried script) is ok: the build goes the way it asked.

import type { DecisionResult } from '../core/approvals/facts';
import type { SageBuild } from '../core/sagebuild';
import { approvalsSentence, decisionSentence } from '../core/wording/approvals';
import type { ParsedCommand } from './parse';
import type { CommandContext, CommandOutcome } from './run';

type Decision = Extract<ParsedCommand, { kind: 'approve' | 'reject' }>;

export async function approvalsAnswer(
  core: SageBuild,
  pipeline: string | undefined,
  now: Date,
): Promise<string> {
  return approvalsSentence(await core.approvals(pipeline), now);
}

export async function decisionOutcome(
  command: Decision,
  { core, requester }: CommandContext,
  now: () => Date,
): Promise<CommandOutcome> {
  const { pipeline, build } = command;
  const result =
    command.kind === 'approve'
      ? await core.approve({ pipeline, build, requester })
      : await core.reject({ pipeline, build, requester, reason: command.reason });
  return { text: decisionSentence(result, now()), ok: wentAsAsked(command.kind, result) };
}

function wentAsAsked(asked: 'approve' | 'reject', result: DecisionResult): boolean {
  const wanted = asked === 'approve' ? 'approved' : 'rejected';
  if (result.outcome === 'already-decided') return result.decision === wanted;
  return result.outcome === wanted;
}
