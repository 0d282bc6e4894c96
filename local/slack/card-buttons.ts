// `click <button> [build]` in the console: which card, and which of its buttons, a line means. The card is
// the latest build card the bot posted (or the one of the named build), as the fake Slack API holds it now,
// and the button one it shows now: a person can only click what is on the card. A button the build card lacks
// is looked for on the bot's other messages with buttons, newest first: approval cards and replies in
// threads (a deploy watch's Rollback).

import type { FakeMessage } from './fake-slack-api';
import { parseButtonValue } from '../../slack/cards/actions';
import { cardProgress } from './card-summary';

export const CLICK_USAGE = 'click <button> [build]';
/** The longest line `click` reads: a label and a build name are short. */
const MAX_CLICK_LINE = 200;

/** A button on a card, as Slack would send it back in a block_actions payload. */
export interface CardButton {
  label: string;
  actionId: string;
  blockId?: string;
  value?: string;
  /** The confirm dialog Slack shows before sending the click: its title, and the button that confirms. */
  confirm?: { title: string; yes: string };
}

export interface CardClick {
  card: FakeMessage;
  build: string;
  button: CardButton;
}

interface ButtonElement {
  type?: string;
  action_id?: string;
  value?: string;
  text?: { text?: string };
  confirm?: { title?: { text?: string }; confirm?: { text?: string } };
}

interface ActionsBlock {
  type?: string;
  block_id?: string;
  elements?: ButtonElement[];
}

/** The buttons a message shows, in order. */
export function buttonsOf(message: FakeMessage): CardButton[] {
  return (message.blocks as ActionsBlock[])
    .filter((block) => block.type === 'actions')
    .flatMap((block) =>
      (block.elements ?? [])
        .filter((e) => e.type === 'button' && typeof e.action_id === 'string')
        .map((e): CardButton => {
          const button: CardButton = { label: e.text?.text ?? '', actionId: e.action_id as string };
          if (block.block_id) button.blockId = block.block_id;
          if (e.value !== undefined) button.value = e.value;
          if (e.confirm)
            button.confirm = { title: e.confirm.title?.text ?? '', yes: e.confirm.confirm?.text ?? '' };
          return button;
        }),
    );
}

/** Build cards in channels (not thread replies), newest first. */
export function buildCards(messages: FakeMessage[]): FakeMessage[] {
  return messages
    .filter(
      (m) => m.botId && !m.threadTs && (m.blocks[0] as { type?: string } | undefined)?.type === 'header',
    )
    .filter((m) => cardProgress(m.blocks).build !== undefined)
    .sort((a, b) => Number(b.ts) - Number(a.ts));
}

/** "run again", "Run-again", "run_again" and "runagain" all name the Run again button. */
function squash(words: string): string {
  return words.toLowerCase().replace(/[\s_-]+/g, '');
}

/** The build a message is about: a build card's own, a thread reply's card's, else the one its buttons name. */
function buildOf(message: FakeMessage, messages: FakeMessage[]): string | undefined {
  const own = cardProgress(message.blocks).build;
  if (own) return own;
  const parent = message.threadTs
    ? messages.find((m) => m.channel === message.channel && m.ts === message.threadTs)
    : undefined;
  const parentBuild = parent ? cardProgress(parent.blocks).build : undefined;
  if (parentBuild) return parentBuild;
  const arn = buttonsOf(message)
    .map((b) => parseButtonValue(b.value)?.executionArn)
    .find(Boolean);
  return arn?.slice(arn.lastIndexOf(':') + 1);
}

/** The bot's messages with buttons other than build cards (approval cards, thread replies), newest first. */
function otherButtonMessages(messages: FakeMessage[], cards: FakeMessage[]): FakeMessage[] {
  return messages
    .filter((m) => m.botId && !cards.includes(m) && buttonsOf(m).length > 0)
    .sort((a, b) => Number(b.ts) - Number(a.ts));
}

/** The click a line asks for, or the sentence saying why there is none (what to type instead). */
export function findClick(line: string, messages: FakeMessage[]): CardClick | string {
  const words = line.slice(0, MAX_CLICK_LINE).trim().split(/\s+/).slice(1);
  if (words.length === 0) return `Say which button: ${CLICK_USAGE}, e.g. click stop, or click refresh dev-…`;
  const cards = buildCards(messages);
  const others = otherButtonMessages(messages, cards);
  const latest = cards[0] ?? others[0];
  if (!latest) return 'There is no build card yet. Start a build first, e.g. /sagebuild start dev.';
  // The last word names a build when a card is about it; otherwise every word is the button's label.
  const last = words[words.length - 1];
  const about = [...cards, ...others].filter((m) => buildOf(m, messages) === last);
  const named = about.length > 0;
  const pool = named ? about : [latest, ...others.filter((m) => m !== latest)];
  const card = pool[0] as FakeMessage;
  const build = buildOf(card, messages) ?? '';
  const wanted = squash((named ? words.slice(0, -1) : words).join(' '));
  const matches = (b: CardButton) => squash(b.label) === wanted || b.actionId === wanted;
  for (const message of pool) {
    const button = buttonsOf(message).find(matches);
    if (button) return { card: message, build: buildOf(message, messages) ?? build, button };
  }
  const labels = buttonsOf(card).map((b) => b.label);
  if (labels.length === 0) return `The card of ${build} has no buttons.`;
  const choice = `its buttons are ${labels.join(', ')}. Try: click ${labels[0]?.toLowerCase()}`;
  if (!wanted) return `Say which button of the card of ${build}: ${choice}`;
  const typed = (named ? words.slice(0, -1) : words).join(' ').slice(0, 40);
  return `The card of ${build} has no "${typed}" button; ${choice}`;
}
