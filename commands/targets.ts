// What a typed command's words point at: a pipeline ("prod", an alias), a build ("dev-7bf6177351f8", an
// execution ARN, "last", "the previous one", "yesterday's", "this morning's") or both, in any order. Words
// that are neither are kept as extra, so the command can question them instead of ignoring them.

import { buildNameOwner, readBuildRef } from '../core/builds/build-ref';
import { nameKey, type PipelineConfig } from '../core/config/schema';

export interface Target {
  pipeline?: string;
  build?: string;
  /** Words that named nothing the command takes. */
  extra: string[];
}

/** Words people put around a reference that mean nothing alone: "the prod build", "status of prod". */
const FILLER = new Set(['the', 'build', 'builds', 'one', 'of', 'for', 'pipeline', 'my']);
/** The longest reference in words: "the one before last". */
const MAX_REF_WORDS = 4;

/** The configured pipeline a word names (its name or an alias), if any. */
export function pipelineNamed(pipelines: readonly PipelineConfig[], word: string): string | undefined {
  const key = nameKey(word);
  return pipelines.find((p) => [p.name, ...p.aliases].some((name) => nameKey(name) === key))?.name;
}

/** A reference made of the words from `at` on ("last night's", "the one before"), and how many it took. */
function refAt(args: string[], at: number): { ref: string; taken: number } | undefined {
  for (let taken = Math.min(MAX_REF_WORDS, args.length - at); taken >= 1; taken -= 1) {
    const phrase = args.slice(at, at + taken).join(' ');
    if (readBuildRef(phrase)) return { ref: phrase, taken };
  }
  return undefined;
}

/** Looks like a build's own name rather than a word: has a digit or a dash. */
function buildShaped(word: string): boolean {
  return /^[A-Za-z0-9][\w.-]{0,79}$/.test(word) && /[\d-]/.test(word);
}

export function readTarget(pipelines: readonly PipelineConfig[], args: string[]): Target {
  const target: Target = { extra: [] };
  for (let at = 0; at < args.length; at += 1) {
    const word = args[at] as string;
    const pipeline = pipelineNamed(pipelines, word);
    if (pipeline && target.pipeline === undefined) {
      target.pipeline = pipeline;
      continue;
    }
    const ref = target.build === undefined && !pipeline ? refAt(args, at) : undefined;
    if (ref) {
      target.build = ref.ref;
      const owner = buildNameOwner(ref.ref, pipelines); // an execution ARN says its pipeline
      if (owner && target.pipeline === undefined) target.pipeline = owner;
      at += ref.taken - 1;
      continue;
    }
    if (FILLER.has(word.toLowerCase())) continue;
    const owner = target.build === undefined ? buildNameOwner(word, pipelines) : undefined;
    if (owner) {
      target.build = word;
      if (target.pipeline === undefined) target.pipeline = owner;
      continue;
    }
    if (target.pipeline !== undefined && target.build === undefined && buildShaped(word)) {
      target.build = word;
      continue;
    }
    // An unknown first word is a pipeline asked for: the core answers with the closest one it knows.
    if (target.pipeline === undefined && target.extra.length === 0) {
      target.pipeline = word;
      continue;
    }
    target.extra.push(word);
  }
  return target;
}
