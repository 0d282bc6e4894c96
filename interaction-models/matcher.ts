// Turns what a person says (or types) into what Alexa's language understanding would send: an intent and its
// slots, read from the interaction model itself, so the model and the matcher can never disagree. It is exactly
// as strict as the model: a sentence resolves only when it is one of the samples, word for word, slot values
// aside (virtual-alexa, a third-party simulator, holds it to that in test/virtual-alexa.test.ts). Anything else
// is AMAZON.FallbackIntent. Nothing here is Alexa-only: Slack asks the same model the same way.
import type { InteractionModelData } from './build-model';
import {
  grammarOf,
  isPlaceholder,
  occursAt,
  type Grammar,
  type GrammarIntent,
  type SlotValue,
} from './grammar';
import { FALLBACK_INTENT } from './language';
import { words } from './normalize';

export { stripInvocation, type Invocation } from './invocation';

export interface SlotResolution {
  id: string;
  name: string;
}

export interface SlotMatch {
  name: string;
  /** The words heard for the slot; absent when the slot was not said. */
  value?: string;
  /** The slot type value the words name; absent for words that are no known value (Alexa's ER_SUCCESS_NO_MATCH). */
  resolution?: SlotResolution;
}

export interface UtteranceMatch {
  intent: string;
  slots: Record<string, SlotMatch>;
  /** 1 for a sample with known slot values, 0.9 when a slot took words that name no value, 0 for Fallback. */
  score: number;
}

const SCORE = { known: 1, unknownSlotValue: 0.9 };
/** An unknown slot value is at most this many words: longer captures are guesses, not names. */
const MAX_UNKNOWN_SLOT_WORDS = 3;
/**
 * Longer text is no request anyone speaks (Alexa's samples stay far below this): it is Fallback before any
 * work is done on it, so a megabyte of text costs nothing.
 */
export const MAX_UTTERANCE_LENGTH = 500;

interface Fill {
  slot: string;
  words: string[];
  value?: SlotValue;
}

interface Candidate {
  intent: GrammarIntent;
  fills: Fill[];
  score: number;
}

type ValuesFor = (slot: string) => SlotValue[];

function valuesForIntent(grammar: Grammar, intent: GrammarIntent): ValuesFor {
  return (slot) => grammar.values.get(intent.slots.find((s) => s.name === slot)?.type ?? '') ?? [];
}

/**
 * Matches a sample word for word. A placeholder takes a known value of its slot type or, when `unknown` is
 * given, a few words of which one is unknown (Alexa passes unlisted values of custom types through, unresolved;
 * a word the samples use, like "training" in "is my training job finished", is not taken for a name).
 */
function matchPattern(
  pattern: readonly string[],
  text: readonly string[],
  valuesFor: ValuesFor,
  unknown: ((word: string) => boolean) | false,
): Fill[] | undefined {
  const from = (i: number, j: number, fills: Fill[]): Fill[] | undefined => {
    const part = pattern[i];
    if (part === undefined) return j === text.length ? fills : undefined;
    if (!isPlaceholder(part)) return text[j] === part ? from(i + 1, j + 1, fills) : undefined;
    const slot = part.slice(1, -1);
    for (const value of valuesFor(slot)) {
      if (!occursAt(text, j, value.words)) continue;
      const found = from(i + 1, j + value.words.length, [...fills, { slot, words: value.words, value }]);
      if (found) return found;
    }
    if (!unknown) return undefined;
    for (let n = 1; n <= MAX_UNKNOWN_SLOT_WORDS && j + n <= text.length; n += 1) {
      const heard = text.slice(j, j + n);
      if (!heard.some(unknown)) continue;
      const found = from(i + 1, j + n, [...fills, { slot, words: heard }]);
      if (found) return found;
    }
    return undefined;
  };
  return from(0, 0, []);
}

const isUnknown = (grammar: Grammar) => (word: string) => !grammar.vocabulary.has(word);

/** The sample `text` says word for word: with known slot values first, then with a name the model lacks. */
function sampleMatch(grammar: Grammar, text: readonly string[]): Candidate | undefined {
  const attempts = [
    { unknown: false, score: SCORE.known },
    { unknown: true, score: SCORE.unknownSlotValue },
  ];
  for (const attempt of attempts) {
    const unknown = attempt.unknown && isUnknown(grammar);
    for (const intent of grammar.intents) {
      const valuesFor = valuesForIntent(grammar, intent);
      for (const sample of intent.samples) {
        const fills = matchPattern(sample, text, valuesFor, unknown);
        if (fills) return { intent, fills, score: attempt.score };
      }
    }
  }
  return undefined;
}

function slotsOf(candidate: Candidate): Record<string, SlotMatch> {
  const slots: Record<string, SlotMatch> = {};
  for (const { name } of candidate.intent.slots) {
    const fill = candidate.fills.find((f) => f.slot === name);
    const value = fill?.value;
    slots[name] = {
      name,
      ...(fill ? { value: fill.words.join(' ') } : {}),
      ...(value ? { resolution: { id: value.id, name: value.name } } : {}),
    };
  }
  return slots;
}

/** What the model understands `utterance` to ask: the intent whose sample it is, or AMAZON.FallbackIntent. */
export function matchUtterance(model: InteractionModelData, utterance: string): UtteranceMatch {
  const fallback = { intent: FALLBACK_INTENT, slots: {}, score: 0 };
  if (utterance.length > MAX_UTTERANCE_LENGTH) return fallback;
  const text = words(utterance);
  const candidate = text.length === 0 ? undefined : sampleMatch(grammarOf(model), text);
  if (!candidate) return fallback;
  return { intent: candidate.intent.name, slots: slotsOf(candidate), score: candidate.score };
}

/**
 * The answer to "which pipeline?" (or any slot the skill asks for), by the slot's own samples ("prod", "the
 * production one", "i mean staging"): a known value, else a short unknown name in a sample's shape ("the foo
 * one" → "foo"). Undefined when it is no slot sample, e.g. a built-in phrase ("cancel", "yes") meant for
 * something else: the simulator then hears it as a new request.
 */
export function matchSlotValue(
  model: InteractionModelData,
  slotType: string,
  utterance: string,
): { value: string; resolution?: SlotResolution } | undefined {
  if (utterance.length > MAX_UTTERANCE_LENGTH) return undefined;
  const grammar = grammarOf(model);
  const text = words(utterance);
  if (text.length === 0) return undefined;
  const values = grammar.values.get(slotType) ?? [];
  for (const unknown of [false, isUnknown(grammar)] as const) {
    // The sample that leaves the fewest words to the slot: "the foo one" names "foo", not "the foo one".
    const fills = (grammar.slotSamples.get(slotType) ?? []).flatMap(
      (sample) => matchPattern(sample, text, () => values, unknown)?.slice(0, 1) ?? [],
    );
    const [fill] = fills.sort((a, b) => a.words.length - b.words.length);
    if (!fill) continue;
    const value = fill.words.join(' ');
    return fill.value ? { value, resolution: { id: fill.value.id, name: fill.value.name } } : { value };
  }
  return undefined;
}
