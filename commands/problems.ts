// Typed commands that can't be run as written, and what was probably meant: words left over ("status prod
// dev"), a setting without its value ("start dev hyperparameters.max_depth"). Questioned, never guessed at.

import type { PipelineConfig } from '../core/config/schema';
import { quoteCut } from '../core/input-limits';
import type { UnclearCommand as CommandProblem } from '../core/wording/commands';
import { pipelineNamed } from './targets';

/** The problems' shape lives with their sentences (core/wording), which fronts share. */
export type { UnclearCommand as CommandProblem } from '../core/wording/commands';

/** Looks like a setting's path rather than a pipeline: "hyperparameters.max_depth", "['a b'].c". */
function settingShaped(word: string, pipeline: PipelineConfig | undefined): boolean {
  if (/[.[]/.test(word)) return true;
  return pipeline !== undefined && Object.hasOwn(pipeline.defaultInput, word);
}

/** The default input's value at a dotted path, as an example to type: "hyperparameters.max_depth" → "5". */
function defaultValue(pipeline: PipelineConfig | undefined, key: string): string | undefined {
  let value: unknown = pipeline?.defaultInput;
  for (const part of key.split('.')) {
    if (!value || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return typeof value === 'string' || typeof value === 'number' ? quoteCut(String(value)) : undefined;
}

/**
 * A start's plain words (those without "="): the first may name the pipeline; one shaped like a setting is
 * missing its value; any other is extra.
 */
export function missingValue(
  plain: string[],
  pipelines: readonly PipelineConfig[],
  /** Settings typed with "=" but nothing after it ("hyperparameters.max_depth="): as missing as no "=". */
  emptyKeys: string[] = [],
): CommandProblem | undefined {
  const [first, ...rest] = plain;
  const named = first === undefined ? undefined : pipelineNamed(pipelines, first);
  const pipeline = pipelines.find((p) => p.name === named);
  const settings = named ? rest : plain;
  const key = settings.find((word) => settingShaped(word, pipeline ?? pipelines[0])) ?? emptyKeys[0];
  if (key !== undefined) return needsValue(pipeline ?? pipelines[0], key);
  // Words after a known pipeline that aren't settings: questioned rather than read as a pipeline's name.
  if (named && rest.length > 0) {
    return { kind: 'extra', extra: rest.map((w) => quoteCut(w)), meant: `start ${named}` };
  }
  return undefined;
}

function needsValue(pipeline: PipelineConfig | undefined, key: string): CommandProblem {
  const example = defaultValue(pipeline, key);
  const shown = quoteCut(key);
  return example === undefined
    ? { kind: 'needs-value', key: shown }
    : { kind: 'needs-value', key: shown, example };
}
