// "Run it again": a new build with the same settings as an earlier one. The settings are what the earlier
// build's input changed from the pipeline's default input (as that build would have had it), limited to the
// keys people may change at a start; the new start then goes through every usual check.

import { describeExecution, type BuildContext } from './context';
import type { BuildSummary, StartResult } from './facts';
import { parseObject } from './history';
import { buildInput, isAllowedKey } from './overrides';

type Json = Parameters<typeof buildInput>[0];

/** The leaves where `input` differs from `defaults`, as dotted paths; keys needing quotes are left out. */
function changedLeaves(defaults: unknown, input: unknown, path: string[], found: Map<string, string>): void {
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    for (const [key, value] of Object.entries(input)) {
      if (!/^[A-Za-z_][\w-]*$/.test(key)) continue;
      const before =
        defaults && typeof defaults === 'object' ? (defaults as Record<string, unknown>)[key] : undefined;
      changedLeaves(before, value, [...path, key], found);
    }
    return;
  }
  if (
    (typeof input === 'string' || typeof input === 'number' || typeof input === 'boolean') &&
    input !== defaults
  ) {
    found.set(path.join('.'), String(input));
  }
}

/** The settings `build` was started with: its input's allowed keys that differ from the default input. */
export async function settingsOf(ctx: BuildContext, build: BuildSummary): Promise<Record<string, string>> {
  const { pipeline } = ctx;
  const input = parseObject((await describeExecution(ctx, build.executionArn)).input);
  const allowed = pipeline.allowedInputKeys ?? [];
  const defaults = buildInput(pipeline.defaultInput as Json, {}, allowed, build.name, pipeline.name);
  const changed = new Map<string, string>();
  changedLeaves(defaults, input, [], changed);
  return Object.fromEntries([...changed].filter(([key]) => isAllowedKey(key, allowed)));
}

/** A build started again: the new build, the one it repeats, and the settings carried over. */
export interface AgainResult {
  started: StartResult;
  from: BuildSummary;
  settings: Record<string, string>;
}
