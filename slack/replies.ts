// Slack formatting glue, and nothing else: the words come from core/wording, this only makes them fit for
// Slack (escaped mrkdwn, Block Kit, who may see a reply). Every reply with blocks carries the same words as
// top-level `text`, which notifications and screen readers use.

import type { Block, KnownBlock } from '@slack/types';
import { escapeMrkdwn, mention } from './cards/mrkdwn';

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

/** "<@U123> started a new dev build, dev-…": the core's sentence, said by whoever did it, for the channel. */
export function announce(userId: string, sentence: string): Reply {
  const lowered = sentence.charAt(0).toLowerCase() + sentence.slice(1);
  return { text: `${mention(userId)} ${escapeMrkdwn(lowered)}`, visibility: 'in_channel' };
}

/** A sentence plus one button, e.g. "Start a dev build?" [Start]. */
export function withButton(sentence: string, button: KnownBlock & { type: 'actions' }): Reply {
  const text = escapeMrkdwn(sentence);
  return { text, blocks: [section(text), button], visibility: 'ephemeral' };
}

export function section(mrkdwn: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: mrkdwn } };
}

/** Help: a lead sentence, then the usage lines as a code block so the columns line up. */
export function helpReply(lead: string | undefined, lines: string[], pipelines: string): Reply {
  const usage = '```\n' + escapeMrkdwn(lines.join('\n')) + '\n```';
  const intro = lead ? `${escapeMrkdwn(lead)}\n` : '';
  const text = `${intro}${usage}\n${escapeMrkdwn(pipelines)}`;
  return { text, blocks: [section(text)], visibility: 'ephemeral' };
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

export interface Confirm {
  title: string;
  text: string;
  confirm: string;
  deny: string;
}

/** An actions block with one button; buttons that act carry a confirm dialog (Slack asks before sending). */
export function buttonBlock(
  actionId: string,
  label: string,
  value: string,
  options: { style?: 'primary' | 'danger'; confirm?: Confirm } = {},
): KnownBlock & { type: 'actions' } {
  const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
  const { confirm } = options;
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: actionId,
        text: plain(label),
        value,
        ...(options.style ? { style: options.style } : {}),
        ...(confirm
          ? {
              confirm: {
                title: plain(confirm.title),
                text: plain(confirm.text),
                confirm: plain(confirm.confirm),
                deny: plain(confirm.deny),
                ...(options.style === 'danger' ? { style: 'danger' as const } : {}),
              },
            }
          : {}),
      },
    ],
  };
}
