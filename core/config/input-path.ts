// Paths into a pipeline's execution input, as people type them after "start" and as allowedInputKeys lists
// them. One syntax for both:
//   trainingInstanceType                      a key
//   hyperparameters.max_depth                 dots between keys
//   Create Model.ModelName                    a key may hold spaces (quote the whole word in a chat line)
//   ['Create Model'].ModelName                or be quoted in brackets, which also allows dots and "="
//   Configure Endpoint.ProductionVariants[0].InstanceType   [n] picks an element of a list
//   hyperparameters.*                         (allowedInputKeys only) every key below hyperparameters
// Parsing is bounded and refuses the keys that reach Object.prototype.

export type PathSegment = string | number;

/** A parsed path; `wildcard` is true when it ended in ".*" (patterns only). */
export interface InputPath {
  segments: PathSegment[];
  wildcard: boolean;
}

export const MAX_PATH_CHARS = 200;
export const MAX_PATH_SEGMENTS = 12;
/** State names, the keys of the DS SDK template's input, are at most 80 characters. */
export const MAX_KEY_CHARS = 80;
const MAX_INDEX = 9999;

/** Keys that would reach Object.prototype: a chat message must never change every object in the process. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** Characters a bare key can't hold: they mean something in the syntax (or are invisible). */
// eslint-disable-next-line no-control-regex
const BARE_KEY = /^[^.[\]'"=*\u0000-\u001f\u007f]+$/;

export class InputPathError extends Error {}

/**
 * Parses `text` into segments. Throws InputPathError saying what is wrong. `allowWildcard` lets a final
 * ".*" through (for allowedInputKeys patterns).
 */
export function parseInputPath(text: string, { allowWildcard = false } = {}): InputPath {
  if (text.length === 0) throw new InputPathError('is empty');
  if (text.length > MAX_PATH_CHARS) throw new InputPathError(`is longer than ${MAX_PATH_CHARS} characters`);
  const segments: PathSegment[] = [];
  let wildcard = false;
  let at = 0;
  let first = true;
  while (at < text.length) {
    if (wildcard) throw new InputPathError('may only end in .*, not continue after it');
    const char = text[at];
    if (char === '[') {
      const { segment, next } = bracketed(text, at);
      segments.push(segment);
      at = next;
    } else {
      if (!first) {
        if (char !== '.') throw new InputPathError(`has "${char}" where a "." or "[" should be`);
        at += 1;
      }
      const end = nextDelimiter(text, at);
      const key = text.slice(at, end);
      if (key === '*' && allowWildcard && end === text.length && !first) {
        wildcard = true;
      } else {
        segments.push(bareKey(key));
      }
      at = end;
    }
    first = false;
    if (segments.length > MAX_PATH_SEGMENTS) {
      throw new InputPathError(`has more than ${MAX_PATH_SEGMENTS} parts`);
    }
  }
  return { segments, wildcard };
}

function nextDelimiter(text: string, from: number): number {
  for (let i = from; i < text.length; i += 1) {
    if (text[i] === '.' || text[i] === '[') return i;
  }
  return text.length;
}

function bareKey(key: string): string {
  if (key === '') throw new InputPathError('has an empty key (two dots in a row, or a dot at an end)');
  if (key === '*')
    throw new InputPathError('has a * that is not at the end after a key (like hyperparameters.*)');
  if (key !== key.trim()) throw new InputPathError(`has spaces around "${key.trim()}"`);
  if (!BARE_KEY.test(key)) {
    throw new InputPathError(`has "${key}", which needs quotes: ['${key.replace(/'/g, '')}']`);
  }
  return checkedKey(key);
}

function checkedKey(key: string): string {
  if (key.length > MAX_KEY_CHARS)
    throw new InputPathError(`has a key longer than ${MAX_KEY_CHARS} characters`);
  if (FORBIDDEN.has(key)) throw new InputPathError(`names "${key}", which can't be set`);
  return key;
}

/** `['a.b']`, `["a b"]` or `[3]` starting at `at`. */
function bracketed(text: string, at: number): { segment: PathSegment; next: number } {
  const quote = text[at + 1];
  if (quote === "'" || quote === '"') {
    const close = text.indexOf(quote, at + 2);
    if (close < 0 || text[close + 1] !== ']') throw new InputPathError(`has an unclosed [${quote}`);
    const key = text.slice(at + 2, close);
    if (key === '') throw new InputPathError('has an empty key in brackets');
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(key)) throw new InputPathError('has a control character');
    return { segment: checkedKey(key), next: close + 2 };
  }
  const close = text.indexOf(']', at);
  const digits = close < 0 ? '' : text.slice(at + 1, close);
  if (!/^\d{1,4}$/.test(digits) || Number(digits) > MAX_INDEX) {
    throw new InputPathError(
      "has brackets that hold neither a list position like [0] nor a quoted key like ['a b']",
    );
  }
  return { segment: Number(digits), next: close + 1 };
}

/** The path as a person would type it: bare keys where they read well, brackets where they must. */
export function formatInputPath(path: InputPath): string {
  const parts = path.segments.map((segment, i) => {
    if (typeof segment === 'number') return `[${segment}]`;
    if (BARE_KEY.test(segment) && segment === segment.trim()) return i === 0 ? segment : `.${segment}`;
    return segment.includes("'") ? `["${segment}"]` : `['${segment}']`;
  });
  return parts.join('') + (path.wildcard ? '.*' : '');
}

/** True when `path` is what `pattern` names: the same segments, or any path below a ".*" pattern. */
export function pathMatches(path: InputPath, pattern: InputPath): boolean {
  const prefix = pattern.segments;
  if (pattern.wildcard ? path.segments.length <= prefix.length : path.segments.length !== prefix.length) {
    return false;
  }
  return prefix.every((segment, i) => segment === path.segments[i]);
}

/** Splits "key=value" at the first "=" outside a quoted ['...'] key; undefined when there is none. */
export function splitAssignment(word: string): { key: string; value: string } | undefined {
  let quote: string | undefined;
  for (let i = 0; i < word.length; i += 1) {
    const char = word[i];
    if (quote) {
      if (char === quote && word[i + 1] === ']') quote = undefined;
    } else if (char === '[' && (word[i + 1] === "'" || word[i + 1] === '"')) {
      quote = word[i + 1];
      i += 1;
    } else if (char === '=') {
      return i > 0 ? { key: word.slice(0, i), value: word.slice(i + 1) } : undefined;
    }
  }
  return undefined;
}
