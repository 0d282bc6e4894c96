// The slash command (/sagebuild by default). ack() comes first with no body, within Slack's 3 seconds
// whatever follows; the answer then goes to respond(): privately for answers, in the channel for start/stop.
// Behind a receiver that answers Slack only once the listener is done (Lambda), the ack waits anyway: there
// the answer goes in the ack itself, which saves a post to the response_url inside the same 3 seconds.

import type { App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { parseCommand, words } from '../../commands/parse';
import { INPUT_LIMITS, tooLong } from '../../core/input-limits';
import { annotate, noteError } from '../../core/log/request';
import { errorSentence, unclearCommand, unknownCommand } from '../../core/wording';
import { forRespond, privately, unescapeSlack, type Reply } from '../replies';
import type { SlackDeps } from './deps';
import { approvalPrompt, decideByCommand } from './approval';
import { askHealth } from './health';
import { ask, help, start, startAgain, stop, subscription } from './operations';
import { PROMPTS } from './prompts';
import { rollbackCommand } from './rollback';
import type { Person } from './requester';

type Command = SlackCommandMiddlewareArgs['command'];

/**
 * The same request, retried by Slack or sent twice by a double submit, gets the same key. trigger_id is
 * Slack's id for this one invocation, so a retry carries it again while a new /sagebuild gets a new one.
 */
export function commandKey(command: Command): string {
  const { team_id, channel_id, user_id, text, trigger_id } = command;
  return `slack-cmd:${team_id}:${channel_id}:${user_id}:${text}:${trigger_id}`;
}

export async function runSlashCommand(deps: SlackDeps, client: WebClient, command: Command): Promise<Reply> {
  const person: Person = {
    userId: command.user_id,
    userName: command.user_name,
    channelId: command.channel_id,
  };
  const text = command.text ?? '';
  // Bounded before any parsing or matching: a megabyte of text is one comparison and a short answer.
  if (text.length > INPUT_LIMITS.requestChars) return refuseTooLong(text.length);
  const said = words(unescapeSlack(text));
  const [verb = '', target] = said;
  if (verb.toLowerCase() === 'subscribe' || verb.toLowerCase() === 'unsubscribe') {
    annotate({ action: verb.toLowerCase() });
    return subscription(deps, client, verb.toLowerCase() as 'subscribe' | 'unsubscribe', target, person);
  }
  const parsed = parseCommand(said, deps.config.pipelines);
  // The subcommand, not the words: "unknown" rather than whatever was typed.
  annotate({ action: parsed.kind === 'question' ? parsed.question : parsed.kind });
  switch (parsed.kind) {
    case 'question':
      if (parsed.question === 'health') return askHealth(deps, client, parsed.pipeline, person);
      return ask(deps, parsed.question, parsed.pipeline, person, parsed.build);
    case 'start':
      return start(deps, client, person, { ...parsed, idempotencyKey: commandKey(command) });
    case 'stop':
      return stop(deps, client, person, parsed);
    case 'rollback':
      return rollbackCommand(deps, client, person, parsed);
    case 'approvals':
      return approvalPrompt(deps, parsed.pipeline);
    case 'approve':
    case 'reject':
      return decideByCommand(deps, client, person, parsed);
    case 'again':
      return startAgain(deps, client, person, { ...parsed, idempotencyKey: commandKey(command) });
    case 'unknown':
      // A likely typo gets the command meant; anything else learns what works.
      if (parsed.suggestion) return privately(unknownCommand(parsed.name, parsed.suggestion));
      return help(deps, PROMPTS.unknownCommand(parsed.name));
    case 'unclear':
      return privately(unclearCommand(parsed.problem));
    default:
      return help(deps);
  }
}

/** Too long to read: says how long, quotes none of it. */
export function refuseTooLong(length: number): Reply {
  const error = tooLong('request', length, INPUT_LIMITS.requestChars);
  annotate({ action: 'too-long' });
  noteError(error, 'refused');
  return privately(errorSentence(error));
}

export function registerCommand(app: App, deps: SlackDeps): void {
  app.command(deps.commandName, async ({ command, ack, respond, client }) => {
    if (deps.answerInAck) return ack(forRespond(await runSlashCommand(deps, client, command)));
    // Acked already: no 3 seconds to keep, so the response_url gets the time it takes.
    await ack();
    await respond(forRespond(await runSlashCommand(deps, client, command)));
  });
}
