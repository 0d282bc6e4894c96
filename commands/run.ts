// The typed command language run end to end: `status|start|stop|list|why|... [pipeline]`. The CLI, Slack's
// slash command and the local console (`npm start`) all run commands here, so they never drift apart.

import { randomUUID } from 'node:crypto';
import type { Requester } from '../core/builds/facts';
import type { SageBuild } from '../core/sagebuild';
import {
  errorSentence,
  started,
  startedAgain,
  stopped,
  unclearCommand,
  unknownCommand,
} from '../core/wording';
import { rollbackOutcome } from './rollback';
import { approvalsAnswer, decisionOutcome } from './decisions';
import { HELP_USAGE, parseCommand, USAGE, usageLines, type ParsedCommand } from './parse';
import { answerQuestion } from './questions';

export { isHelp, words } from './parse';

export interface CommandContext {
  core: SageBuild;
  requester: Requester;
  now?: () => Date;
}

/** The commands, and the configured pipelines when there is a core to ask. */
export function helpText(core?: SageBuild): string {
  const text = ['Commands:', ...usageLines([...Object.values(USAGE), HELP_USAGE])];
  if (core) {
    const pipelines = core.pipelines.map((p) =>
      p.aliases.length ? `${p.name} (${p.aliases.join(', ')})` : p.name,
    );
    text.push(`Pipelines: ${pipelines.join(', ')}`);
  }
  return text.join('\n');
}

export interface CommandOutcome {
  text: string;
  /** False when the command was refused or failed: the CLI's exit code. */
  ok: boolean;
}

async function run(command: ParsedCommand, { core, requester }: CommandContext, now: Date): Promise<string> {
  switch (command.kind) {
    case 'question':
      return answerQuestion(core, command.question, command.pipeline, now, command.build);
    case 'start': {
      const { pipeline, overrides } = command;
      // Each CLI run is one request: a fresh key (a retry of the same run does not exist).
      return started(await core.start({ pipeline, overrides, requester, idempotencyKey: randomUUID() }), now);
    }
    case 'stop': {
      const { pipeline, build } = command;
      return stopped(await core.stop({ pipeline, build, requester }));
    }
    case 'again': {
      const { pipeline, build } = command;
      const request = { pipeline, build, requester, idempotencyKey: randomUUID() };
      return startedAgain(await core.again(request), now);
    }
    case 'approvals':
      return approvalsAnswer(core, command.pipeline, now);
    default:
      return helpText(core);
  }
}

/** Runs one command; every outcome, errors included, is a sentence for a person. */
export async function runCommandOutcome(words: string[], ctx: CommandContext): Promise<CommandOutcome> {
  const now = ctx.now ?? (() => new Date());
  const command = parseCommand(words, ctx.core.pipelines);
  if (command.kind === 'help') return { text: helpText(ctx.core), ok: true };
  if (command.kind === 'unknown') {
    // A likely typo gets the command it was probably meant to be; anything else, the whole help.
    if (command.suggestion) return { text: unknownCommand(command.name, command.suggestion), ok: false };
    return { text: `${unknownCommand(command.name)}\n${helpText(ctx.core)}`, ok: false };
  }
  if (command.kind === 'unclear') return { text: unclearCommand(command.problem), ok: false };
  if (command.kind === 'rollback') return rollbackOutcome(command, ctx.core, ctx.requester, now());
  try {
    if (command.kind === 'approve' || command.kind === 'reject')
      return await decisionOutcome(command, ctx, now);
    return { text: await run(command, ctx, now()), ok: true };
  } catch (error) {
    return { text: errorSentence(error, now()), ok: false };
  }
}

export async function runCommand(words: string[], ctx: CommandContext): Promise<string> {
  return (await runCommandOutcome(words, ctx)).text;
}
