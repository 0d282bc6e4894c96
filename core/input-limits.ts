// How much of what a person sends SageBuild reads. Every front checks its own entry against these before any
// work (parsing, matching, AWS calls), and the core checks its own inputs again, so a megabyte of text costs a
// length comparison and a short refusal, never seconds of matching or a megabyte echoed back.

import { InvalidInput } from './errors';

export const INPUT_LIMITS = {
  /** A whole typed request: a slash command's text, a mention or DM, a CLI command line. */
  requestChars: 2000,
  /** A pipeline name as asked for. Step Functions names stop at 80 characters; a few filler words go around. */
  pipelineNameChars: 100,
  /** A build's name (Step Functions: 80) or execution ARN (realistically under 256). */
  buildNameChars: 256,
  /** SageMaker's own limits for hyperparameters: 100 entries, keys of 256 and values of 2,500 characters. */
  overrides: 100,
  overrideKeyChars: 256,
  overrideValueChars: 2500,
  /** An endpoint name, as an event names it: SageMaker's own limit. */
  endpointNameChars: 63,
  /** What a reply quotes of something a person sent. */
  quoteChars: 40,
} as const;

/** `text` as a reply may quote it: at most `max` characters, cut with "…". */
export function quoteCut(text: string, max: number = INPUT_LIMITS.quoteChars): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** The refusal for an input past its limit: says which and how long, never what it contained. */
export function tooLong(what: string, length: number, max: number): InvalidInput {
  return new InvalidInput(
    `the ${what} is too long: ${length.toLocaleString('en-US')} characters, at most ${max.toLocaleString('en-US')}.`,
    what,
  );
}

/** Throws tooLong when `text` is past `max`. */
export function assertLength(what: string, text: string, max: number): void {
  if (text.length > max) throw tooLong(what, text.length, max);
}

/** A start's overrides: how many, and each key and value, before any is looked at. */
export function assertOverridesBounded(overrides: Record<string, unknown>): void {
  const entries = Object.entries(overrides);
  if (entries.length > INPUT_LIMITS.overrides) {
    throw new InvalidInput(`Too many settings: ${entries.length}, at most ${INPUT_LIMITS.overrides}.`);
  }
  for (const [key, value] of entries) {
    assertLength('setting name', key, INPUT_LIMITS.overrideKeyChars);
    if (typeof value === 'string') assertLength('setting value', value, INPUT_LIMITS.overrideValueChars);
  }
}
