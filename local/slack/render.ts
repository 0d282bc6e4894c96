// Block Kit as a few lines of terminal text, for the console's pretend Slack channel: headers, fields, step
// lists (✓ done, ▶ running, · waiting), context lines and buttons. Mrkdwn is flattened the way Slack shows
// it: links become their label, mentions become @name, emoji shortcodes become marks.

export type NameOf = (userId: string) => string;
/** Where the console saved an uploaded image (by its Slack file ID), if it could. */
export type ImagePath = (fileId: string) => string | undefined;

const EMOJI: Record<string, string> = {
  white_check_mark: '✓',
  heavy_check_mark: '✓',
  large_green_circle: '✓',
  arrow_forward: '▶',
  hourglass_flowing_sand: '▶',
  hourglass: '▶',
  large_blue_circle: '▶',
  arrows_counterclockwise: '▶',
  white_circle: '·',
  radio_button: '·',
  black_circle: '·',
  heavy_minus_sign: '·',
  x: '✗',
  red_circle: '✗',
  large_red_circle: '✗',
  warning: '!',
  octagonal_sign: '■',
  black_square_for_stop: '■',
  stopwatch: '⏱',
  alarm_clock: '⏰',
  repeat: '↻',
  rocket: '🚀',
};

/** Unicode emoji some cards use directly, shown as the same marks. */
const MARKS: [RegExp, string][] = [
  [/✅|✔️?/gu, '✓'],
  [/⏳|🔄|🔵/gu, '▶'],
  [/⚪️?|⚫️?|◻️?/gu, '·'],
  [/❌|🔴/gu, '✗'],
  [/🛑|⏹️?/gu, '■'],
];

/** Slack mrkdwn as plain text. */
export function plain(mrkdwn: string, nameOf: NameOf = (id) => id): string {
  let text = mrkdwn
    .replace(
      /<@([UW][A-Z0-9]+)(?:\|([^>]+))?>/g,
      (_, id: string, label?: string) => `@${label ?? nameOf(id)}`,
    )
    .replace(/<#(C[A-Z0-9]+)(?:\|([^>]*))?>/g, (_, id: string, label?: string) => `#${label || id}`)
    .replace(/<!(here|channel|everyone)>/g, '@$1')
    .replace(/<!subteam\^([A-Z0-9]+)(?:\|([^>]+))?>/g, (_, id: string, label?: string) => label ?? `@${id}`)
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole)
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s.,:;!?)])/g, '$1$2')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s.,:;!?)])/g, '$1$2')
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s.,:;!?)])/g, '$1$2')
    .replace(/```\n?/g, '')
    .replace(/`([^`\n]+)`/g, '$1');
  for (const [pattern, mark] of MARKS) text = text.replace(pattern, mark);
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

interface TextObject {
  type?: string;
  text?: string;
}

interface Block {
  type?: string;
  text?: TextObject;
  fields?: TextObject[];
  /** Context elements are text objects (or images); actions elements are buttons with a text object. */
  elements?: { type?: string; text?: string | TextObject }[];
  accessory?: { type?: string; text?: TextObject };
  /** An image block: its uploaded file, title and alt text. */
  slack_file?: { id?: string };
  title?: TextObject;
  alt_text?: string;
}

/** Each block as zero or more lines of text; an image as its title and where the console saved it. */
export function renderBlocks(blocks: unknown[], nameOf?: NameOf, imagePath?: ImagePath): string[] {
  return blocks.flatMap((block) => renderBlock(block as Block, nameOf, imagePath));
}

function renderBlock(block: Block, nameOf?: NameOf, imagePath?: ImagePath): string[] {
  const text = (object?: TextObject) => plain(object?.text ?? '', nameOf);
  switch (block.type) {
    case 'image': {
      const path = block.slack_file?.id ? imagePath?.(block.slack_file.id) : undefined;
      const title = block.title?.text ?? block.alt_text ?? 'image';
      return [`[image: ${title}]${path ? ` saved to ${path}` : ''}`];
    }
    case 'header':
      return [`━ ${text(block.text)} ━`];
    case 'section': {
      const lines = block.text ? text(block.text).split('\n') : [];
      if (block.fields?.length) lines.push(renderFields(block.fields.map(text)));
      if (block.accessory?.type === 'button') lines.push(`[${text(block.accessory.text)}]`);
      return lines.filter((line) => line.trim() !== '');
    }
    case 'context':
      return [elements(block).map(text).filter(Boolean).join(' · ')];
    case 'actions':
      return [
        elements(block)
          .map((e) => `[${text(e)}]`)
          .join(' '),
      ];
    default:
      return [];
  }
}

/** The text of each element: a context's text objects, an actions block's button labels; images drop out. */
function elements(block: Block): TextObject[] {
  return (block.elements ?? []).flatMap((e) => {
    if (typeof e.text === 'string') return [{ type: e.type, text: e.text }];
    return e.text ? [e.text] : [];
  });
}

/** Fields are "*Label*\nvalue" in two columns in Slack; here "Label: value" pairs on one line. */
function renderFields(fields: string[]): string {
  return fields.map((field) => field.replace(/\n+/, ': ').replace(/\n/g, ' ')).join('   ');
}
