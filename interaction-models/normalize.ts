// One normal form for samples, slot values and what people say or type, so comparing them is comparing words:
// lowercase, contractions spelled out ("what's" = "what is"), punctuation and hyphens gone, single spaces.

// "'s" is only "is" after these; elsewhere it is a possessive ("last night's build") and just loses the mark.
const IS_CONTRACTIONS = new Set([
  'what',
  'how',
  'where',
  'when',
  'who',
  'it',
  'that',
  'there',
  'here',
  'he',
  'she',
]);
const IRREGULAR: Readonly<Record<string, string>> = {
  "won't": 'will not',
  "can't": 'can not',
  cannot: 'can not',
  "shan't": 'shall not',
  "let's": 'let us',
};
const SUFFIXES: readonly [string, string][] = [
  ["n't", ' not'],
  ["'re", ' are'],
  ["'ll", ' will'],
  ["'ve", ' have'],
  ["'m", ' am'],
  ["'d", ' would'],
];

function expandWord(word: string): string {
  const irregular = IRREGULAR[word];
  if (irregular !== undefined) return irregular;
  if (word.endsWith("'s")) {
    const stem = word.slice(0, -2);
    return IS_CONTRACTIONS.has(stem) ? `${stem} is` : stem;
  }
  for (const [suffix, expansion] of SUFFIXES) {
    if (word.endsWith(suffix) && word.length > suffix.length)
      return word.slice(0, -suffix.length) + expansion;
  }
  return word.replace(/'/g, '');
}

/** The normal form of free text; slot references like `{pipeline}` do not survive (see `normalizeSample`). */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .split(' ')
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter((word) => word !== '')
    .map(expandWord)
    .join(' ');
}

/** The words of a text in normal form. */
export function words(text: string): string[] {
  const normal = normalizeText(text);
  return normal === '' ? [] : normal.split(' ');
}

/** A sample in normal form with its `{slot}` references kept as single words. */
export function normalizeSample(sample: string): string {
  return sample
    .split(/(\{\w+\})/)
    .map((part) => (/^\{\w+\}$/.test(part) ? part : normalizeText(part)))
    .filter((part) => part !== '')
    .join(' ');
}
