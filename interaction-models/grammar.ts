// The matcher's view of an interaction model: every sample as a list of normal-form words with `{slot}`
// placeholders, and every slot type's values as word lists. Compiled once per model object.
import type { InteractionModelData } from './build-model';
import { BUILT_IN_PHRASES, EQUIVALENT_WORDS, FILLER_PHRASES, MINOR_WORDS } from './language';
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
  /** Filler phrases (and the invocation name) as word lists, longest first. */
  fillers: string[][];
  /** Every literal word of every sample: an unknown slot value is a word from outside it. */
  vocabulary: Set<string>;
  /** How telling each canonical word is: high for a word few intents use ("details"), low for "build". */
  weights: Map<string, number>;
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
  const { invocationName, intents } = model.interactionModel.languageModel;
  const builtInPhrases: Readonly<Record<string, readonly string[]>> = BUILT_IN_PHRASES;
  const slotSamples = new Map<string, string[][]>();
  const grammarIntents = intents.map((intent): GrammarIntent => {
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
  const invocation = words(invocationName);
  const fillers = byLengthDescending(
    [...FILLER_PHRASES.map(words), invocation, [invocation.join('')]],
    (f) => f.length,
  );
  // Slot samples with more fixed words first, so "the foo one" leaves "foo", not "the foo one", to the slot.
  for (const [type, samples] of slotSamples) {
    slotSamples.set(
      type,
      byLengthDescending(samples, (s) => s.filter((w) => !isPlaceholder(w)).length),
    );
  }
  const vocabulary = new Set(
    grammarIntents.flatMap((i) => i.samples.flat()).filter((w) => !isPlaceholder(w)),
  );
  return {
    intents: grammarIntents,
    values: slotTypeValues(model),
    slotSamples,
    fillers,
    vocabulary,
    weights: wordWeights(grammarIntents, fillers),
  };
}

/** Inverse document frequency over intents, lowered further for minor words ("the", "is"). */
function wordWeights(intents: readonly GrammarIntent[], fillers: readonly string[][]): Map<string, number> {
  const intentsUsing = new Map<string, number>();
  for (const intent of intents) {
    const used = new Set(intent.samples.flatMap((s) => withoutFillers({ fillers }, s).map(canonicalWord)));
    for (const word of used) intentsUsing.set(word, (intentsUsing.get(word) ?? 0) + 1);
  }
  const weights = new Map<string, number>();
  for (const [word, count] of intentsUsing) {
    weights.set(word, Math.log(1 + intents.length / count) * (MINOR_WORDS.has(word) ? 0.4 : 1));
  }
  return weights;
}

/** A word's weight; one no sample uses weighs as much as the rarest. */
export function wordWeight(grammar: Grammar, word: string): number {
  return (
    grammar.weights.get(word) ?? Math.log(1 + grammar.intents.length) * (MINOR_WORDS.has(word) ? 0.4 : 1)
  );
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

/** The words without filler phrases; the words themselves when nothing else would be left. */
export function withoutFillers(grammar: { fillers: readonly string[][] }, text: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < text.length;) {
    const filler = grammar.fillers.find((f) => occursAt(text, i, f));
    if (filler) {
      i += filler.length;
    } else {
      kept.push(text[i] ?? '');
      i += 1;
    }
  }
  return kept.length > 0 ? kept : [...text];
}

/** The form the tolerant comparison uses: synonyms merged, simple suffixes dropped ("failed" = "fail"). */
export function canonicalWord(word: string): string {
  if (isPlaceholder(word)) return word;
  const merged = EQUIVALENT_WORDS[word] ?? word;
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (merged.endsWith(suffix) && merged.length - suffix.length >= 3) return merged.slice(0, -suffix.length);
  }
  return merged;
}
