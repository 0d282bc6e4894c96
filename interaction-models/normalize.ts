// One normal form for samples, slot values and what people say or type, so comparing them is comparing words:
// lowercase, typographic apostrophes made plain, other punctuation and hyphens gone, single spaces. Nothing
// more: "what's" and "what is" stay different words, as they are to Alexa's model and to virtual-alexa, so the
// language source lists both (a matcher that merged them would understand what the model does not).

/** The normal form of free text; slot references like `{pipeline}` do not survive (see `normalizeSample`). */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .split(' ')
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter((word) => word !== '')
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
