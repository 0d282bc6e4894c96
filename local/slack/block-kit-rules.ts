// Slack's Block Kit rules for the blocks and elements SageBuild sends, so the fake Web API refuses what Slack
// refuses. Facts from Slack's Block Kit reference (docs.slack.dev/reference/block-kit) and @slack/types:
// - at most 50 blocks in a message, 100 in a Home tab or modal; block_ids unique in the message or view,
//   at most 255 characters; action_ids unique in their block, at most 255 characters;
// - text objects: plain_text (may carry `emoji`) or mrkdwn (may carry `verbatim`), 1 to 3000 characters;
// - section: text (3000) and/or fields (at most 10, each 2000), an optional button accessory;
// - header: plain_text only, 150; context: 1 to 10 text or image elements; actions: 1 to 25 elements;
// - button: plain_text text 75, value 2000, url 3000, style primary|danger, accessibility_label 75;
// - confirm dialog: plain_text title 100, text 300 (plain_text or mrkdwn), plain_text confirm and deny 30;
// - image: alt_text 2000, plain_text title 2000, and either image_url (3000) or slack_file, never both; a
//   slack_file names an uploaded image by `id` (^F[A-Z0-9]{8,}$) or `url`, never both, and it must be a
//   finished png/jpg/gif upload the poster can see, else Slack answers "invalid slack file".
// Slack answers a bad message with invalid_blocks and one "<what> [json-pointer:<where>]" per problem, and a bad
// view with invalid_arguments (both seen in Slack's answers). Only the block and element types SageBuild uses
// are modelled: any other is refused, so a new one gets its rules here before the product sends it.

export interface BlockKitProblem {
  /** What is wrong, in the words of Slack's answers where we have seen them ("must be less than 3001 characters"). */
  message: string;
  /** Where, as a JSON pointer into the request's arguments: "/blocks/2/text/text". */
  pointer: string;
}

export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  blockId: 255,
  actionId: 255,
  text: 3000,
  sectionText: 3000,
  fields: 10,
  field: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  accessibilityLabel: 75,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  modalTitle: 24,
  modalButton: 24,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  inputLength: 3000,
  imageAltText: 2000,
  imageTitle: 2000,
} as const;

/** The uploaded files an image block's slack_file may name (the fake's file store). */
export interface ImageFiles {
  isUsableImage(id: string): boolean;
}

/** Slack's pattern for a file ID in slack_file, quoted in its refusals. */
const FILE_ID = /^[F][A-Z0-9]{8,}$/;

/** "the message" says where a problem is, as Slack's answers do. */
export function describeProblem(problem: BlockKitProblem): string {
  return `${problem.message} [json-pointer:${problem.pointer}]`;
}

type Json = Record<string, unknown>;

/** Collects problems while walking one payload; block_ids are unique across all of it. */
class Walk {
  readonly problems: BlockKitProblem[] = [];
  private readonly blockIds = new Set<string>();

  /** Without `images`, a slack_file's shape is checked but not whether the file exists. */
  constructor(readonly images?: ImageFiles) {}

  fail(pointer: string, message: string): void {
    this.problems.push({ pointer, message });
  }

  blocks(value: unknown, at: string, max: number): void {
    if (!Array.isArray(value)) return this.fail(at, 'must be an array');
    if (value.length > max) this.fail(at, `must provide no more than ${max} items`);
    value.forEach((block, i) => this.block(block, `${at}/${i}`));
  }

  private block(value: unknown, at: string): void {
    const block = this.object(value, at);
    if (!block) return;
    const type = block.type;
    const check = typeof type === 'string' && Object.hasOwn(BLOCKS, type) ? BLOCKS[type] : undefined;
    if (!check) return this.fail(`${at}/type`, `unsupported type: ${String(type)}`);
    this.keys(block, at, ['type', 'block_id', ...check.keys]);
    if (block.block_id !== undefined) this.blockId(block.block_id, `${at}/block_id`);
    check.walk(this, block, at);
  }

  /** A block_id checked and counted as unique across the payload (for blocks walked outside `blocks`). */
  blockIdOf(value: unknown, at: string): void {
    this.blockId(value, at);
  }

  private blockId(value: unknown, at: string): void {
    if (!this.string(value, at, BLOCK_KIT_LIMITS.blockId)) return;
    const id = value as string;
    if (this.blockIds.has(id)) this.fail(at, `duplicate block_id: ${id}`);
    this.blockIds.add(id);
  }

  /** A plain object, or a problem saying it is not one. */
  object(value: unknown, at: string): Json | undefined {
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Json;
    this.fail(at, 'must be an object');
    return undefined;
  }

  /** Slack refuses fields it does not know. */
  keys(object: Json, at: string, allowed: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key)) this.fail(`${at}/${key}`, `invalid additional property: ${key}`);
    }
  }

  required(object: Json, key: string, at: string): boolean {
    if (object[key] !== undefined) return true;
    this.fail(at, `missing required field: ${key}`);
    return false;
  }

  /** A non-empty string of at most `max` characters. */
  string(value: unknown, at: string, max: number): boolean {
    if (typeof value !== 'string') {
      this.fail(at, 'must be a string');
      return false;
    }
    if (value.length === 0) this.fail(at, 'must be more than 0 characters');
    if (value.length > max) this.fail(at, `must be less than ${max + 1} characters`);
    return value.length > 0 && value.length <= max;
  }

  /** A text object: plain_text or mrkdwn, as `kinds` allows, its text at most `max` characters. */
  text(value: unknown, at: string, max: number, kinds: readonly TextKind[] = ['plain_text', 'mrkdwn']): void {
    const text = this.object(value, at);
    if (!text) return;
    const kind = text.type;
    if (kind !== 'plain_text' && kind !== 'mrkdwn') {
      return this.fail(`${at}/type`, `unsupported type: ${String(kind)}`);
    }
    if (!kinds.includes(kind)) return this.fail(`${at}/type`, `must be of type ${kinds.join(' or ')}`);
    this.keys(text, at, kind === 'plain_text' ? ['type', 'text', 'emoji'] : ['type', 'text', 'verbatim']);
    const flag = kind === 'plain_text' ? 'emoji' : 'verbatim';
    if (text[flag] !== undefined && typeof text[flag] !== 'boolean')
      this.fail(`${at}/${flag}`, 'must be a boolean');
    if (this.required(text, 'text', at)) this.string(text.text, `${at}/text`, max);
  }

  optionalString(object: Json, key: string, at: string, max: number): void {
    if (object[key] !== undefined) this.string(object[key], `${at}/${key}`, max);
  }

  /** An element list of `min` to `max` items, each checked by `element`. */
  list(value: unknown, at: string, min: number, max: number, element: (item: unknown, at: string) => void) {
    if (!Array.isArray(value)) return this.fail(at, 'must be an array');
    if (value.length < min) this.fail(at, `must provide at least ${min} items`);
    if (value.length > max) this.fail(at, `must provide no more than ${max} items`);
    value.forEach((item, i) => element(item, `${at}/${i}`));
  }
}

type TextKind = 'plain_text' | 'mrkdwn';

interface BlockRule {
  /** Fields besides type and block_id. */
  keys: readonly string[];
  walk(walk: Walk, block: Json, at: string): void;
}

const STYLES = ['primary', 'danger'];

function button(walk: Walk, value: unknown, at: string): string | undefined {
  const element = walk.object(value, at);
  if (!element) return undefined;
  if (element.type !== 'button') {
    walk.fail(`${at}/type`, `unsupported type: ${String(element.type)}`);
    return undefined;
  }
  const L = BLOCK_KIT_LIMITS;
  walk.keys(element, at, [
    'type',
    'text',
    'action_id',
    'value',
    'url',
    'style',
    'confirm',
    'accessibility_label',
  ]);
  if (walk.required(element, 'text', at)) walk.text(element.text, `${at}/text`, L.buttonText, ['plain_text']);
  walk.optionalString(element, 'action_id', at, L.actionId);
  walk.optionalString(element, 'value', at, L.buttonValue);
  walk.optionalString(element, 'url', at, L.url);
  walk.optionalString(element, 'accessibility_label', at, L.accessibilityLabel);
  if (element.style !== undefined && !STYLES.includes(element.style as string)) {
    walk.fail(`${at}/style`, 'must be one of primary, danger');
  }
  if (element.confirm !== undefined) confirmDialog(walk, element.confirm, `${at}/confirm`);
  return typeof element.action_id === 'string' ? element.action_id : undefined;
}

function confirmDialog(walk: Walk, value: unknown, at: string): void {
  const dialog = walk.object(value, at);
  if (!dialog) return;
  const L = BLOCK_KIT_LIMITS;
  walk.keys(dialog, at, ['title', 'text', 'confirm', 'deny', 'style']);
  if (walk.required(dialog, 'title', at))
    walk.text(dialog.title, `${at}/title`, L.confirmTitle, ['plain_text']);
  if (walk.required(dialog, 'text', at)) walk.text(dialog.text, `${at}/text`, L.confirmText);
  if (walk.required(dialog, 'confirm', at)) {
    walk.text(dialog.confirm, `${at}/confirm`, L.confirmButton, ['plain_text']);
  }
  if (walk.required(dialog, 'deny', at))
    walk.text(dialog.deny, `${at}/deny`, L.confirmButton, ['plain_text']);
  if (dialog.style !== undefined && !STYLES.includes(dialog.style as string)) {
    walk.fail(`${at}/style`, 'must be one of primary, danger');
  }
}

/** A context element: a text object, or an image. */
function contextElement(walk: Walk, value: unknown, at: string): void {
  const element = walk.object(value, at);
  if (!element) return;
  if (element.type !== 'image') return walk.text(element, at, BLOCK_KIT_LIMITS.text);
  walk.keys(element, at, ['type', 'image_url', 'alt_text']);
  if (walk.required(element, 'image_url', at))
    walk.string(element.image_url, `${at}/image_url`, BLOCK_KIT_LIMITS.url);
  if (walk.required(element, 'alt_text', at)) walk.string(element.alt_text, `${at}/alt_text`, 2000);
}

/** An image block's slack_file: an uploaded image, by id or by url. */
function slackFile(walk: Walk, value: unknown, at: string): void {
  const file = walk.object(value, at);
  if (!file) return;
  walk.keys(file, at, ['id', 'url']);
  if ((file.id === undefined) === (file.url === undefined)) {
    return walk.fail(at, 'must provide exactly one of `id` or `url`');
  }
  let id: string | undefined;
  if (file.id !== undefined) {
    if (typeof file.id !== 'string' || !FILE_ID.test(file.id)) {
      return walk.fail(`${at}/id`, `input must match regex pattern: ${FILE_ID.source}`);
    }
    id = file.id;
  } else {
    if (!walk.string(file.url, `${at}/url`, BLOCK_KIT_LIMITS.url)) return;
    // A file's url_private or permalink carries its ID: .../T0123-F0123456/name.png, .../files/U0123/F0123456/...
    id = /[/-](F[A-Z0-9]{8,})(?:[/-]|$)/.exec(file.url as string)?.[1];
  }
  if (walk.images && !(id && walk.images.isUsableImage(id))) walk.fail(at, 'invalid slack file');
}

const BLOCKS: Record<string, BlockRule> = {
  divider: { keys: [], walk: () => undefined },
  image: {
    keys: ['alt_text', 'image_url', 'slack_file', 'title'],
    walk(walk, block, at) {
      const L = BLOCK_KIT_LIMITS;
      if (walk.required(block, 'alt_text', at)) walk.string(block.alt_text, `${at}/alt_text`, L.imageAltText);
      if (block.title !== undefined) walk.text(block.title, `${at}/title`, L.imageTitle, ['plain_text']);
      if ((block.image_url === undefined) === (block.slack_file === undefined)) {
        return walk.fail(at, 'must provide exactly one of `image_url` or `slack_file`');
      }
      if (block.image_url !== undefined) walk.string(block.image_url, `${at}/image_url`, L.url);
      else slackFile(walk, block.slack_file, `${at}/slack_file`);
    },
  },
  header: {
    keys: ['text'],
    walk(walk, block, at) {
      if (walk.required(block, 'text', at)) {
        walk.text(block.text, `${at}/text`, BLOCK_KIT_LIMITS.headerText, ['plain_text']);
      }
    },
  },
  section: {
    keys: ['text', 'fields', 'accessory', 'expand'],
    walk(walk, block, at) {
      const L = BLOCK_KIT_LIMITS;
      if (block.text === undefined && block.fields === undefined) {
        walk.fail(at, 'must define either `text` or `fields`');
      }
      if (block.text !== undefined) walk.text(block.text, `${at}/text`, L.sectionText);
      if (block.fields !== undefined) {
        walk.list(block.fields, `${at}/fields`, 1, L.fields, (field, where) =>
          walk.text(field, where, L.field),
        );
      }
      if (block.accessory !== undefined) button(walk, block.accessory, `${at}/accessory`);
      if (block.expand !== undefined && typeof block.expand !== 'boolean')
        walk.fail(`${at}/expand`, 'must be a boolean');
    },
  },
  context: {
    keys: ['elements'],
    walk(walk, block, at) {
      if (!walk.required(block, 'elements', at)) return;
      walk.list(block.elements, `${at}/elements`, 1, BLOCK_KIT_LIMITS.contextElements, (element, where) =>
        contextElement(walk, element, where),
      );
    },
  },
  actions: {
    keys: ['elements'],
    walk(walk, block, at) {
      if (!walk.required(block, 'elements', at)) return;
      const seen = new Set<string>();
      walk.list(block.elements, `${at}/elements`, 1, BLOCK_KIT_LIMITS.actionsElements, (element, where) => {
        const actionId = button(walk, element, where);
        if (actionId === undefined) return;
        if (seen.has(actionId)) walk.fail(`${where}/action_id`, `duplicate action_id: ${actionId}`);
        seen.add(actionId);
      });
    },
  },
};

/** The problems with a message's `blocks` (chat.postMessage, chat.update, chat.postEphemeral, response_url). */
export function messageBlockProblems(
  blocks: unknown,
  at = '/blocks',
  images?: ImageFiles,
): BlockKitProblem[] {
  const walk = new Walk(images);
  walk.blocks(blocks, at, BLOCK_KIT_LIMITS.messageBlocks);
  return walk.problems;
}

/** The problems with a Home tab view (views.publish). */
export function homeViewProblems(view: unknown, at = '/view', images?: ImageFiles): BlockKitProblem[] {
  const walk = new Walk(images);
  const object = walk.object(view, at);
  if (!object) return walk.problems;
  if (object.type !== 'home') {
    walk.fail(`${at}/type`, `unsupported type: ${String(object.type)}`);
    return walk.problems;
  }
  walk.keys(object, at, ['type', 'blocks', 'private_metadata', 'callback_id', 'external_id']);
  if (walk.required(object, 'blocks', at))
    walk.blocks(object.blocks, `${at}/blocks`, BLOCK_KIT_LIMITS.viewBlocks);
  if (object.private_metadata !== undefined && typeof object.private_metadata === 'string') {
    if (object.private_metadata.length > BLOCK_KIT_LIMITS.privateMetadata) {
      walk.fail(
        `${at}/private_metadata`,
        `must be less than ${BLOCK_KIT_LIMITS.privateMetadata + 1} characters`,
      );
    }
  }
  walk.optionalString(object, 'callback_id', at, BLOCK_KIT_LIMITS.callbackId);
  return walk.problems;
}

/** Fields a modal view may have (Slack's modal view reference). */
const MODAL_KEYS = [
  'type',
  'title',
  'blocks',
  'close',
  'submit',
  'private_metadata',
  'callback_id',
  'clear_on_close',
  'notify_on_close',
  'external_id',
  'submit_disabled',
] as const;

/**
 * The problems with a modal (views.open): a plain_text title, submit and close of at most 24 characters, up to
 * 100 blocks, and a submit button whenever it holds an input block.
 */
export function modalViewProblems(view: unknown, at = '/view'): BlockKitProblem[] {
  const walk = new Walk();
  const object = walk.object(view, at);
  if (!object) return walk.problems;
  if (object.type !== 'modal') {
    walk.fail(`${at}/type`, `unsupported type: ${String(object.type)}`);
    return walk.problems;
  }
  const L = BLOCK_KIT_LIMITS;
  walk.keys(object, at, MODAL_KEYS);
  if (walk.required(object, 'title', at))
    walk.text(object.title, `${at}/title`, L.modalTitle, ['plain_text']);
  for (const button of ['submit', 'close'] as const) {
    if (object[button] !== undefined)
      walk.text(object[button], `${at}/${button}`, L.modalButton, ['plain_text']);
  }
  if (!walk.required(object, 'blocks', at)) return walk.problems;
  const blocks = Array.isArray(object.blocks) ? (object.blocks as unknown[]) : [];
  const inputs = blocks.map((block, i) => ({ block, i })).filter(({ block }) => isInput(block));
  // Input blocks are checked here; the rest as in a message, with block_ids unique across both.
  walk.blocks(
    blocks.map((block) => (isInput(block) ? { type: 'divider' } : block)),
    `${at}/blocks`,
    L.viewBlocks,
  );
  for (const { block, i } of inputs) inputBlock(walk, block as Json, `${at}/blocks/${i}`);
  if (inputs.length > 0 && object.submit === undefined) {
    walk.fail(at, 'must provide a submit button when the view has input blocks');
  }
  walk.optionalString(object, 'private_metadata', at, L.privateMetadata);
  walk.optionalString(object, 'callback_id', at, L.callbackId);
  walk.optionalString(object, 'external_id', at, L.externalId);
  return walk.problems;
}

function isInput(block: unknown): boolean {
  return !!block && typeof block === 'object' && (block as Json).type === 'input';
}

/** An input block holding a plain_text_input, the only input element SageBuild sends. */
function inputBlock(walk: Walk, block: Json, at: string): void {
  const L = BLOCK_KIT_LIMITS;
  walk.keys(block, at, ['type', 'block_id', 'label', 'element', 'hint', 'optional', 'dispatch_action']);
  if (block.block_id !== undefined) walk.blockIdOf(block.block_id, `${at}/block_id`);
  if (walk.required(block, 'label', at)) walk.text(block.label, `${at}/label`, L.inputLabel, ['plain_text']);
  if (block.hint !== undefined) walk.text(block.hint, `${at}/hint`, L.inputHint, ['plain_text']);
  for (const flag of ['optional', 'dispatch_action'] as const) {
    if (block[flag] !== undefined && typeof block[flag] !== 'boolean')
      walk.fail(`${at}/${flag}`, 'must be a boolean');
  }
  if (!walk.required(block, 'element', at)) return;
  const element = walk.object(block.element, `${at}/element`);
  if (!element) return;
  const where = `${at}/element`;
  if (element.type !== 'plain_text_input') {
    walk.fail(`${where}/type`, `unsupported type: ${String(element.type)}`);
    return;
  }
  walk.keys(element, where, [
    'type',
    'action_id',
    'placeholder',
    'initial_value',
    'multiline',
    'min_length',
    'max_length',
    'focus_on_load',
  ]);
  walk.optionalString(element, 'action_id', where, L.actionId);
  if (element.placeholder !== undefined)
    walk.text(element.placeholder, `${where}/placeholder`, L.placeholder, ['plain_text']);
  if (element.initial_value !== undefined && typeof element.initial_value !== 'string')
    walk.fail(`${where}/initial_value`, 'must be a string');
  for (const flag of ['multiline', 'focus_on_load'] as const) {
    if (element[flag] !== undefined && typeof element[flag] !== 'boolean')
      walk.fail(`${where}/${flag}`, 'must be a boolean');
  }
  const min = lengthBound(walk, element.min_length, `${where}/min_length`, 0);
  const max = lengthBound(walk, element.max_length, `${where}/max_length`, 1);
  if (min !== undefined && max !== undefined && min > max)
    walk.fail(`${where}/min_length`, 'must be less than or equal to max_length');
}

/** min_length (0 to 3000) or max_length (1 to 3000) of a plain_text_input. */
function lengthBound(walk: Walk, value: unknown, at: string, least: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    walk.fail(at, 'must be an integer');
    return undefined;
  }
  if (value < least || value > BLOCK_KIT_LIMITS.inputLength) {
    walk.fail(at, `must be between ${least} and ${BLOCK_KIT_LIMITS.inputLength}`);
  }
  return value;
}
