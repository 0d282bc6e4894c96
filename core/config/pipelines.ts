// Finds the pipeline a person meant from what they typed or said ("prod", "the production pipeline", "Prod").
// What was asked for is bounded before any matching: a name past INPUT_LIMITS.pipelineNameChars matches no
// pipeline (none is that long), and the refusal quotes only its start.
import { PipelineAmbiguous, PipelineNotFound } from '../errors';
import { INPUT_LIMITS, quoteCut } from '../input-limits';
import { nameKey, type PipelineConfig, type SageBuildConfig } from './schema';

export function pipelineNames(config: SageBuildConfig): string[] {
  return config.pipelines.map((p) => p.name);
}

export function resolvePipeline(config: SageBuildConfig, requested?: string): PipelineConfig {
  const names = pipelineNames(config);
  if (requested !== undefined && requested.length > INPUT_LIMITS.pipelineNameChars) {
    throw new PipelineNotFound(quoteCut(requested.trim()), names);
  }
  const wanted = nameKey(requested ?? '');
  // The exact form first, so an alias that itself ends in "build" still matches.
  const exact = wanted ? findByKey(config, wanted) : undefined;
  if (exact) return exact;
  const trimmed = stripFiller(wanted);
  if (trimmed === '') return defaultPipeline(config, names);
  const found = findByKey(config, trimmed);
  if (found) return found;
  throw new PipelineNotFound(quoteCut((requested ?? '').trim()), names, suggest(config, trimmed));
}

function defaultPipeline(config: SageBuildConfig, names: string[]): PipelineConfig {
  const [only, ...others] = config.pipelines;
  if (only && others.length === 0) return only;
  const chosen = config.pipelines.find((p) => p.name === config.defaultPipeline);
  if (chosen) return chosen;
  throw new PipelineAmbiguous(names);
}

/** Drops words people wrap around a name: "the prod pipeline", "dev build"; "the pipeline" leaves nothing. */
function stripFiller(key: string): string {
  return key
    .replace(/^the( |$)/, '')
    .replace(/(^| )(pipeline|build|builds)$/, '')
    .trim();
}

function findByKey(config: SageBuildConfig, key: string): PipelineConfig | undefined {
  return config.pipelines.find((p) => [p.name, ...p.aliases].some((word) => nameKey(word) === key));
}

/** The pipeline whose name or alias is closest to a typo, if any is close enough to be a likely typo. */
function suggest(config: SageBuildConfig, key: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const p of config.pipelines) {
    for (const word of [p.name, ...p.aliases]) {
      const candidate = nameKey(word);
      // About one slip per three letters: "prdo" → "prod", but not "qa" → "dev".
      const allowed = Math.max(1, Math.floor(Math.max(key.length, candidate.length) / 3));
      // Lengths further apart than that are never close enough: no table to fill.
      if (Math.abs(key.length - candidate.length) > allowed) continue;
      const distance = editDistance(key, candidate);
      if (distance <= allowed && (!best || distance < best.distance)) best = { name: p.name, distance };
    }
  }
  return best?.name;
}

/** Levenshtein distance where swapping two neighbouring letters counts as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  // rows[i][j] = distance between a[0..i) and b[0..j)
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = d;
    }
  }
  return at(a.length, b.length);
}
