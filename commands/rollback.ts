// `rollback [pipeline] [to <build>] [--yes]` for the typed fronts (CLI, console, Slack's `--yes`): without
// --yes it only asks, every check made, so a script that forgot --yes changes nothing and exits non-zero.

import type { Requester } from '../core/builds/facts';
import type { SageBuild } from '../core/sagebuild';
import { errorSentence, rollbackQuestion, rolledBack } from '../core/wording';
import type { ParsedCommand } from './parse';

type RollbackCommand = Extract<ParsedCommand, { kind: 'rollback' }>;

/** The command that does what was asked, with --yes: what to type to confirm. */
export function confirmingCommand(command: RollbackCommand): string {
  const to = command.to ? ` to ${command.to}` : '';
  return `rollback ${command.pipeline ?? ''}${to} --yes`.replace(/\s+/g, ' ');
}

export async function rollbackOutcome(
  command: RollbackCommand,
  core: SageBuild,
  requester: Requester,
  now: Date,
): Promise<{ text: string; ok: boolean }> {
  const request = {
    requester,
    ...(command.pipeline !== undefined ? { pipeline: command.pipeline } : {}),
    ...(command.to !== undefined ? { to: command.to } : {}),
  };
  try {
    if (command.confirmed) return { text: rolledBack(await core.rollback(request), now), ok: true };
    const plan = await core.rollbackPlan(request);
    const typed = confirmingCommand({ ...command, pipeline: plan.pipeline });
    return { text: `${rollbackQuestion(plan, now)} Reply \`${typed}\` to do it.`, ok: false };
  } catch (error) {
    return { text: errorSentence(error, now), ok: false };
  }
}
