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

/** Why a text is not a path, as the end of "… is not a valid input key: it <problem>". */
export interface PathProblem {
  problem: string;
}

const problem = (text: string): PathProblem => ({ problem: text });

export function isPathProblem(value: unknown): value is PathProblem {
  return typeof value === 'object' && value !== null && 'problem' in value;
}

/**
 * Parses `text` into segments, or says what is wrong with it. `allowWildcard` lets a final ".*" through (for
 * allowedInputKeys patterns).
 */
export function parseInputPath(text: string, { allowWildcard = false } = {}): InputPath | PathProblem {
  if (text.length === 0) return problem('is empty');
  if (text.length > MAX_PATH_CHARS) return problem(`is longer than ${MAX_PATH_CHARS} characters`);
  const segments: PathSegment[] = [];
  let wildcard = false;
  let at = 0;
  while (at < text.length) {
    if (wildcard) return problem('may only end in .*, not continue after it');
    const step = text[at] === '[' ? bracketed(text, at) : dotted(text, at, segments.length === 0);
    if (isPathProblem(step)) return step;
    if (!step.star) {
      segments.push(step.segment);
    } else if (allowWildcard && step.next === text.length && segments.length > 0) {
      wildcard = true;
    } else {
      return problem('has a * that is not at the end after a key (like hyperparameters.*)');
    }
    at = step.next;
    if (segments.length > MAX_PATH_SEGMENTS) return problem(`has more than ${MAX_PATH_SEGMENTS} parts`);
  }
  return { segments, wildcard };
}

/** One segment and where the next starts; `star` for a bare "*" (a quoted ['*'] is a key named "*"). */
type Step = { segment: PathSegment; next: number; star?: boolean } | PathProblem;

/** A bare key starting at `at` (after its "." unless it is the first). */
function dotted(text: string, at: number, first: boolean): Step {
  let from = at;
  if (!first) {
    if (text[at] !== '.') return problem(`has "${text[at]}" where a "." or "[" should be`);
    from += 1;
  }
  let end = from;
  while (end < text.length && text[end] !== '.' && text[end] !== '[') end += 1;
  const key = text.slice(from, end);
  if (key === '*') return { segment: key, next: end, star: true };
  if (key === '') return problem('has an empty key (two dots in a row, or a dot at an end)');
  if (key !== key.trim()) return problem(`has spaces around "${key.trim()}"`);
  if (!BARE_KEY.test(key)) return problem(`has "${key}", which needs quotes: ['${key.replace(/'/g, '')}']`);
  return checkedKey(key, end);
}

function checkedKey(key: string, next: number): Step {
  if (key.length > MAX_KEY_CHARS) return problem(`has a key longer than ${MAX_KEY_CHARS} characters`);
  if (FORBIDDEN.has(key)) return problem(`names "${key}", which can't be set`);
  return { segment: key, next };
}

/** `['a.b']`, `["a b"]` or `[3]` starting at `at`. */
function bracketed(text: string, at: number): Step {
  const quote = text[at + 1];
  if (quote === "'" || quote === '"') {
    const close = text.indexOf(quote, at + 2);
    if (close < 0 || text[close + 1] !== ']') return problem(`has an unclosed [${quote}`);
    const key = text.slice(at + 2, close);
    if (key === '') return problem('has an empty key in brackets');
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(key)) return problem('has a control character');
    return checkedKey(key, close + 2);
  }
  const close = text.indexOf(']', at);
  const digits = close < 0 ? '' : text.slice(at + 1, close);
  if (!/^\d{1,4}$/.test(digits) || Number(digits) > MAX_INDEX) {
    return problem("has brackets that hold neither a list position like [0] nor a quoted key like ['a b']");
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
