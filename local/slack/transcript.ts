// What the console's pretend Slack workspace shows for each thing the bot does: a channel post, a thread reply,
// a card posted or updated in place, a reply only the person sees, a Home tab. A message with a header block
// is shown as a card (whole when posted or when its status changes, in one line as it moves on within a
// status); everything else as "who: what".

import type { FakeMessage, FakeResponse, SlackActivity } from './fake-slack-api';
import { cardProgress, headerOf, progressLine } from './card-summary';
import { plain, renderBlocks, type ImagePath, type NameOf } from './render';

export interface TranscriptContext {
  /** "@name" for a user ID. */
  nameOf: NameOf;
  /** "#dev-builds" for a channel ID. */
  channelOf: (channelId: string) => string;
  /** The console's own user: its Home tab updates are worth a line, its own messages are not. */
  localUser: string;
  botName: string;
  /** Saves an image the bot showed and says where (the console), or nothing (tests reading lines). */
  imagePath?: ImagePath;
}

const INDENT = '  │ ';

export function describeActivity(activity: SlackActivity, context: TranscriptContext): string[] {
  switch (activity.kind) {
    case 'posted':
    case 'updated':
      return describeMessage(activity.message, activity.kind === 'updated', context);
    case 'ephemeral':
      return said(`${context.botName} (only you can see this)`, activity.ephemeral, context);
    case 'response':
      return describeResponse(activity.response, context);
    case 'view':
      return activity.view.userId === context.localUser ? homeTabLines(activity.view.view, context) : [];
    case 'deleted':
      return [`${context.channelOf(activity.channel)} (${context.botName} deleted a message)`];
  }
}

function describeMessage(message: FakeMessage, updated: boolean, context: TranscriptContext): string[] {
  if (!message.botId) return []; // a person's own words: the console user just typed them
  const where = context.channelOf(message.channel);
  if (isCard(message.blocks)) {
    if (updated) {
      const moved = progressUpdate(message, context);
      if (moved !== undefined) return moved;
    }
    const title = `${where} build card${updated ? ' (updated)' : ''}:`;
    return [
      title,
      ...renderBlocks(message.blocks, context.nameOf, context.imagePath).map((line) => INDENT + line),
    ];
  }
  const thread = message.threadTs
    ? ` (in thread${message.replyBroadcast ? ', also sent to the channel' : ''})`
    : '';
  return said(`${where}${thread} ${context.botName}${updated ? ' (edited)' : ''}`, message, context);
}

/**
 * A card that moved on within its status (same header: the progress refresh, a Refresh click) in one line,
 * or nothing when the line would read as the last one did; undefined when the card is to be shown whole.
 */
function progressUpdate(message: FakeMessage, context: TranscriptContext): string[] | undefined {
  const before = message.versions[message.versions.length - 2];
  if (!before || headerOf(before.blocks) !== headerOf(message.blocks)) return undefined;
  const progress = cardProgress(message.blocks, context.nameOf);
  // A finished card refreshed (its Refresh button) is shown whole: the line is for a build on its way.
  const line = progress.step ? progressLine(progress) : undefined;
  if (!line) return undefined;
  if (line === progressLine(cardProgress(before.blocks, context.nameOf))) return [];
  return [`${context.channelOf(message.channel)} card updated: ${line}`];
}

function describeResponse(response: FakeResponse, context: TranscriptContext): string[] {
  if (response.deleteOriginal) return [`(${context.botName} deleted the original message)`];
  const who =
    response.responseType === 'in_channel'
      ? `${context.botName} (in the channel)`
      : `${context.botName} (only you can see this)`;
  return said(`${who}${response.replaceOriginal ? ', replacing the message' : ''}`, response, context);
}

/** "who: text", with blocks (buttons included) rendered when there are any, one line per line. */
function said(
  who: string,
  content: { text: string; blocks: unknown[] },
  context: TranscriptContext,
): string[] {
  const lines = content.blocks.length
    ? renderBlocks(content.blocks, context.nameOf, context.imagePath)
    : plain(content.text, context.nameOf).split('\n');
  const [first = '', ...rest] = lines;
  return [`${who}: ${first}`, ...rest.map((line) => INDENT + line)];
}

/** The Home tab in a line, with a line for each chart on it (saved, so it can be opened). */
function homeTabLines(view: { blocks?: unknown }, context: TranscriptContext): string[] {
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  const images = blocks.filter((b) => (b as { type?: string } | null)?.type === 'image');
  return [
    `(${context.botName} updated your Home tab)`,
    ...renderBlocks(images, context.nameOf, context.imagePath).map((line) => INDENT + line),
  ];
}

function isCard(blocks: unknown[]): boolean {
  return (blocks[0] as { type?: string } | undefined)?.type === 'header';
}
