// Turns what a person says (or types) into what Alexa's language understanding would send: an intent and its
// slots, read from the interaction model itself, so the model and the matcher can never disagree. Nothing here
// is Alexa-only: Slack asks the same model the same way.
import type { InteractionModelData } from './build-model';
import {
  canonicalWord,
  grammarOf,
  isPlaceholder,
  occursAt,
  withoutFillers,
  type Grammar,
  type GrammarIntent,
  type SlotValue,
  wordWeight,
} from './grammar';
import { FALLBACK_INTENT, MINOR_WORDS, QUESTION_WORDS } from './language';
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
  /** 1 for a sample said word for word, lower the more tolerance it took. */
  score: number;
}

// How much each kind of match is worth; below THRESHOLD the answer is Fallback, as Alexa's would be.
const SCORE = { exact: 1, withoutFillers: 0.95, unknownSlotValue: 0.9, tolerant: 0.85 };
export const MATCH_THRESHOLD = 0.5;
/** An unknown slot value is at most this many words: longer captures are guesses, not names. */
const MAX_UNKNOWN_SLOT_WORDS = 3;

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

/** The first sample of any intent that `text` says word for word, tried from the surest kind of match down. */
function exactMatch(grammar: Grammar, text: string[], intents = grammar.intents): Candidate | undefined {
  const plain = withoutFillers(grammar, text);
  const attempts = [
    { text, unknown: false, strip: false, score: SCORE.exact },
    { text: plain, unknown: false, strip: true, score: SCORE.withoutFillers },
    { text, unknown: true, strip: false, score: SCORE.unknownSlotValue },
    { text: plain, unknown: true, strip: true, score: SCORE.withoutFillers * SCORE.unknownSlotValue },
  ];
  for (const attempt of attempts) {
    for (const intent of intents) {
      for (const sample of intent.samples) {
        const pattern = attempt.strip ? withoutFillers(grammar, sample) : sample;
        const unknown = attempt.unknown && isUnknown(grammar);
        const fills = matchPattern(pattern, attempt.text, valuesForIntent(grammar, intent), unknown);
        if (fills) return { intent, fills, score: attempt.score };
      }
    }
  }
  return undefined;
}

/** Where the longest known value of a slot type occurs in `text`, if anywhere. */
function findValue(
  values: readonly SlotValue[],
  text: readonly string[],
): { at: number; value: SlotValue } | undefined {
  for (const value of values) {
    const at = text.findIndex((_, i) => occursAt(text, i, value.words));
    if (at >= 0) return { at, value };
  }
  return undefined;
}

/** Weighted longest common subsequence: how much of two word lists lines up in order. */
function commonWeight(a: readonly string[], b: readonly string[], weight: (word: string) => number): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (const wordA of a) {
    const row = [0];
    b.forEach((wordB, j) => {
      const diagonal = wordA === wordB ? (previous[j] ?? 0) + weight(wordA) : 0;
      row.push(Math.max(diagonal, previous[j + 1] ?? 0, row[j] ?? 0));
    });
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/**
 * How well `said` fits `sample`, 0 to 1: mostly how much of the sample was said, partly how much of what was
 * said the sample explains. Sharing only question and minor words ("what is the weather") counts half.
 */
function similarity(grammar: Grammar, said: readonly string[], sample: readonly string[]): number {
  const weight = (word: string) => wordWeight(grammar, word);
  const total = (text: readonly string[]) => text.reduce((sum, word) => sum + weight(word), 0);
  const common = commonWeight(said, sample, weight);
  if (common === 0) return 0;
  const fit = 0.6 * (common / total(sample)) + 0.4 * (common / total(said));
  const telling = (word: string) => !MINOR_WORDS.has(word) && !QUESTION_WORDS.has(word);
  return said.some((word) => telling(word) && sample.includes(word)) ? fit : fit / 2;
}

/**
 * The tolerant pass: the sample closest to what was said, after fillers are dropped. A known slot value in the
 * utterance stands in for the intent's placeholder, and fills the slot even where the sample has none.
 */
function closestMatch(grammar: Grammar, text: string[]): Candidate | undefined {
  const plain = withoutFillers(grammar, text);
  let best: Candidate | undefined;
  for (const intent of grammar.intents) {
    const fills: Fill[] = [];
    let marked = plain;
    for (const slot of intent.slots) {
      const found = findValue(grammar.values.get(slot.type) ?? [], marked);
      if (!found) continue;
      fills.push({ slot: slot.name, words: found.value.words, value: found.value });
      marked = [
        ...marked.slice(0, found.at),
        `{${slot.name}}`,
        ...marked.slice(found.at + found.value.words.length),
      ];
    }
    const said = marked.map(canonicalWord);
    for (const sample of intent.samples) {
      const score =
        SCORE.tolerant * similarity(grammar, said, withoutFillers(grammar, sample).map(canonicalWord));
      if (!best || score > best.score) best = { intent, fills, score };
    }
  }
  return best;
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

/** What the model understands `utterance` to ask: its best intent and slots, or AMAZON.FallbackIntent. */
export function matchUtterance(model: InteractionModelData, utterance: string): UtteranceMatch {
  const grammar = grammarOf(model);
  const text = words(utterance);
  const candidate =
    text.length === 0 ? undefined : (exactMatch(grammar, text) ?? closestMatch(grammar, text));
  if (!candidate || candidate.score < MATCH_THRESHOLD) {
    return { intent: FALLBACK_INTENT, slots: {}, score: candidate?.score ?? 0 };
  }
  return { intent: candidate.intent.name, slots: slotsOf(candidate), score: candidate.score };
}

/**
 * The answer to "which pipeline?" (or any slot the skill asks for): a known value named anywhere in it
 * ("the production one"), else a short unknown name in a slot sample's shape ("the foo one" → "foo").
 * Undefined when it names nothing, or is a built-in phrase ("cancel", "yes") meant for something else.
 */
export function matchSlotValue(
  model: InteractionModelData,
  slotType: string,
  utterance: string,
): { value: string; resolution?: SlotResolution } | undefined {
  const grammar = grammarOf(model);
  const text = words(utterance);
  if (text.length === 0) return undefined;
  const values = grammar.values.get(slotType) ?? [];
  const known = findValue(values, text);
  const resolved = known && {
    value: known.value.words.join(' '),
    resolution: { id: known.value.id, name: known.value.name },
  };
  // A name said on its own is the answer, even one that sounds like a built-in phrase.
  if (resolved && known.value.words.length === text.length) return resolved;
  const builtIns = grammar.intents.filter((intent) => intent.name.startsWith('AMAZON.'));
  if (exactMatch(grammar, text, builtIns)) return undefined;
  if (resolved) return resolved;
  for (const said of [text, withoutFillers(grammar, text)]) {
    for (const sample of grammar.slotSamples.get(slotType) ?? []) {
      const fill = matchPattern(sample, said, () => values, isUnknown(grammar))?.[0];
      if (fill) return { value: fill.words.join(' ') };
    }
  }
  return undefined;
}
