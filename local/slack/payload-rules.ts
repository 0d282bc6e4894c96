// What Slack checks in a message or a view before it acts on it, with the error codes Slack answers:
// no_text (neither text, blocks nor attachments), msg_too_long (text over 40,000 characters, where Slack's
// own limit lies), invalid_blocks_format (blocks that are not a JSON array), invalid_blocks (Block Kit
// rules broken, each problem listed in `errors` and `response_metadata.messages`), and invalid_arguments for
// a view that breaks them. Blocks without top-level text pass, as in Slack, but come back as a lapse: our
// rule is to always send the text that notifications and screen readers read.

import { countChecked } from '../conformance';
import {
  describeProblem,
  homeViewProblems,
  messageBlockProblems,
  modalViewProblems,
  type BlockKitProblem,
  type ImageFiles,
} from './block-kit-rules';
import { SlackMethodError, type SlackArgs } from './slack-method-error';

/** Slack truncates or refuses message text beyond this. */
export const MAX_MESSAGE_TEXT = 40_000;
/** Problems listed in one answer: enough to fix a payload, bounded for a payload broken everywhere. */
const MAX_REPORTED = 20;

/**
 * Throws Slack's refusal for a message payload (chat.postMessage, chat.update, chat.postEphemeral, a
 * response_url post); returns a lapse to note when Slack would take it but our rules would not.
 */
export function checkMessagePayload(args: SlackArgs, where: string, images?: ImageFiles): string | undefined {
  const { text, blocks, attachments } = args;
  if (text !== undefined && typeof text !== 'string') throw new SlackMethodError('invalid_arguments');
  if (typeof text === 'string' && text.length > MAX_MESSAGE_TEXT) throw new SlackMethodError('msg_too_long');
  if (blocks !== undefined) {
    countChecked('slack: block kit payloads checked');
    if (!Array.isArray(blocks)) throw new SlackMethodError('invalid_blocks_format');
    const problems = messageBlockProblems(blocks, '/blocks', images);
    if (problems.length > 0) throw refusal('invalid_blocks', problems, true);
  }
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  // chat.update may leave the text as it was; a new message must say something.
  if (where !== 'chat.update' && !text && !hasBlocks && !hasAttachments)
    throw new SlackMethodError('no_text');
  const readable = typeof text === 'string' && text.trim() !== '';
  return hasBlocks && !readable ? 'blocks without top-level text' : undefined;
}

/** Throws Slack's refusal for a views.publish view. */
export function checkViewPayload(view: unknown, images?: ImageFiles): void {
  if (!view || typeof view !== 'object') throw new SlackMethodError('invalid_arguments');
  countChecked('slack: block kit payloads checked');
  const problems = homeViewProblems(view, '/view', images);
  if (problems.length > 0) throw refusal('invalid_arguments', problems, false);
}

/** Throws Slack's refusal for a views.open modal. */
export function checkModalPayload(view: unknown): void {
  if (!view || typeof view !== 'object') throw new SlackMethodError('invalid_arguments');
  countChecked('slack: block kit payloads checked');
  const problems = modalViewProblems(view);
  if (problems.length > 0) throw refusal('invalid_arguments', problems, false);
}

function refusal(error: string, problems: BlockKitProblem[], withErrors: boolean): SlackMethodError {
  const lines = problems.slice(0, MAX_REPORTED).map(describeProblem);
  return new SlackMethodError(error, {
    ...(withErrors ? { errors: lines } : {}),
    response_metadata: { messages: lines.map((line) => `[ERROR] ${line}`) },
  });
}
