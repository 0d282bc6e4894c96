// Slack formatting glue, and nothing else: the words come from core/wording, this only makes them fit for
// Slack (escaped mrkdwn, Block Kit, who may see a reply). Every reply with blocks carries the same words as
// top-level `text`, which notifications and screen readers use.

import type { Block, Button, KnownBlock } from '@slack/types';
import { SLACK_LIMITS } from './cards/build-card';
import { escapeMrkdwn, fit, mention } from './cards/mrkdwn';

export { escapeMrkdwn, mention };

/** Ephemeral: only the person who asked sees it. In channel: everyone does (actions that change things). */
export type Visibility = 'ephemeral' | 'in_channel';

export interface Reply {
  text: string;
  blocks?: (Block | KnownBlock)[];
  visibility: Visibility;
}

/** A sentence for the person who asked. */
export function privately(sentence: string): Reply {
  return { text: escapeMrkdwn(sentence), visibility: 'ephemeral' };
}

/**
 * "<@U123> started a new dev build, dev-…": the core's sentence about who did what (`say` names the person
 * as given), for the channel. Slack only formats it: the sentence is escaped, and the person becomes a mention.
 */
export function announce(userId: string, say: (who: string) => string): Reply {
  // A placeholder no name contains and escaping leaves alone, where the mention goes once the rest is escaped.
  const slot = '\u0000';
  const text = escapeMrkdwn(say(slot)).replace(slot, mention(userId));
  return { text, visibility: 'in_channel' };
}

/** A sentence plus one button, e.g. "Start a new dev build? Only the button starts it." [Start]. */
export function withButton(sentence: string, button: Button): Reply {
  const text = escapeMrkdwn(sentence);
  return { text, blocks: [section(text), { type: 'actions', elements: [button] }], visibility: 'ephemeral' };
}

/** Whether a reply carries buttons: a prompt to act, which stays in the conversation for the click. */
export function hasButtons(reply: Reply): boolean {
  return (reply.blocks ?? []).some((block) => block.type === 'actions');
}

/** A section of mrkdwn, cut to Slack's 3000 characters (the reply's top-level text keeps every word). */
export function section(mrkdwn: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: fit(mrkdwn, SLACK_LIMITS.sectionText) } };
}

/**
 * Help: the lead sentence, the usage lines as a code block so the columns line up, and the pipelines, each its
 * own section: Slack shows the code block apart from the sentence above it, never running the sentence and
 * the first usage line together. The text says the same, a line each.
 */
export function helpReply(lead: string, lines: string[], pipelines: string): Reply {
  const intro = escapeMrkdwn(lead);
  // The lines' shared indent sets them off in a terminal; in a code block it only pushes them right.
  const indent = lines.length ? Math.min(...lines.map((line) => /^ */.exec(line)?.[0].length ?? 0)) : 0;
  const usage = '```\n' + escapeMrkdwn(lines.map((line) => line.slice(indent)).join('\n')) + '\n```';
  const footer = escapeMrkdwn(pipelines);
  return {
    text: `${intro}\n${usage}\n${footer}`,
    blocks: [section(intro), section(usage), section(footer)],
    visibility: 'ephemeral',
  };
}

/** A reply as `respond()` takes it. */
export function forRespond(reply: Reply): {
  response_type: Visibility;
  text: string;
  blocks?: (Block | KnownBlock)[];
} {
  return {
    response_type: reply.visibility,
    text: reply.text,
    ...(reply.blocks ? { blocks: reply.blocks } : {}),
  };
}

/** Slack escapes &, < and > in what people type; undo it before reading their words. */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
