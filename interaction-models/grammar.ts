// The matcher's view of an interaction model: every sample as a list of normal-form words with `{slot}`
// placeholders, and every slot type's values as word lists. Compiled once per model object.
import type { InteractionModelData } from './build-model';
import { BUILT_IN_PHRASES } from './language';
import { normalizeSample, words } from './normalize';

export interface SlotValue {
  words: string[];
  id: string;
  name: string;
}

export interface GrammarIntent {
  name: string;
  slots: { name: string; type: string }[];
  /** Normal-form samples; a `{slot}` word is a placeholder. */
  samples: string[][];
}

export interface Grammar {
  intents: GrammarIntent[];
  /** Known values per slot type, longest first so the longest spoken value wins. */
  values: Map<string, SlotValue[]>;
  /** The samples people answer "which one?" with, per slot type. */
  slotSamples: Map<string, string[][]>;
  /** Every literal word of every sample: an unknown slot value is a word from outside it. */
  vocabulary: Set<string>;
}

export function isPlaceholder(word: string): boolean {
  return word.startsWith('{');
}

function byLengthDescending<T>(items: T[], length: (item: T) => number): T[] {
  return [...items].sort((a, b) => length(b) - length(a));
}

const sampleWords = (sample: string): string[] => normalizeSample(sample).split(' ');

function slotTypeValues(model: InteractionModelData): Map<string, SlotValue[]> {
  const values = new Map<string, SlotValue[]>();
  for (const type of model.interactionModel.languageModel.types ?? []) {
    const forms = (type.values ?? []).flatMap((value) => {
      const id = value.id ?? value.name.value;
      return [value.name.value, ...value.name.synonyms].map((form) => ({
        words: words(form),
        id,
        name: value.name.value,
      }));
    });
    const unique = new Map(forms.filter((f) => f.words.length > 0).map((f) => [f.words.join(' '), f]));
    values.set(
      type.name,
      byLengthDescending([...unique.values()], (v) => v.words.length),
    );
  }
  return values;
}

function compile(model: InteractionModelData): Grammar {
  // Alexa knows its built-ins' phrases without samples in the model; the matcher needs them spelled out.
  const builtInPhrases: Readonly<Record<string, readonly string[]>> = BUILT_IN_PHRASES;
  const slotSamples = new Map<string, string[][]>();
  const grammarIntents = model.interactionModel.languageModel.intents.map((intent): GrammarIntent => {
    const slots = (intent.slots ?? []).map((slot) => ({ name: slot.name, type: slot.type ?? '' }));
    for (const slot of intent.slots ?? []) {
      const known = slotSamples.get(slot.type ?? '') ?? [];
      const more = (slot.samples ?? []).map(sampleWords);
      // The same slot samples usually repeat on every intent; keep one copy of each.
      const seen = new Set(known.map((s) => s.join(' ')));
      slotSamples.set(slot.type ?? '', [...known, ...more.filter((s) => !seen.has(s.join(' ')))]);
    }
    const samples = [...(intent.samples ?? []), ...(builtInPhrases[intent.name] ?? [])];
    return { name: intent.name, slots, samples: samples.map(sampleWords) };
  });
  const vocabulary = new Set(
    grammarIntents.flatMap((i) => i.samples.flat()).filter((w) => !isPlaceholder(w)),
  );
  return { intents: grammarIntents, values: slotTypeValues(model), slotSamples, vocabulary };
}

const compiled = new WeakMap<InteractionModelData, Grammar>();

export function grammarOf(model: InteractionModelData): Grammar {
  let grammar = compiled.get(model);
  if (!grammar) {
    grammar = compile(model);
    compiled.set(model, grammar);
  }
  return grammar;
}

/** Whether `phrase` occurs in `words` at `at`. */
export function occursAt(text: readonly string[], at: number, phrase: readonly string[]): boolean {
  return phrase.length > 0 && phrase.every((word, k) => text[at + k] === word);
}
