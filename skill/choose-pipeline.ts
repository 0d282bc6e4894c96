// Which pipeline a request is about. A named pipeline wins; with one pipeline, "my build" means it. With several,
// build-progress questions go to the one pipeline with a running build (if exactly one runs; with several
// running it asks among them), then the configured default pipeline; failing all that, the skill asks.

import type { BuildStatusFact, BuildSummary } from '../core/builds/facts';
import type { PipelineConfig } from '../core/config/schema';
import { NoBuildsYet } from '../core/errors';
import type { Turn } from './turn';

/** Probing costs a few AWS calls per pipeline, all in parallel: past this many pipelines the skill just asks. */
export const MAX_PROBED = 5;

export type Choice = { pipeline: PipelineConfig; fact?: BuildStatusFact } | { ask: string[] };

export interface ChooseOptions {
  /** The pipelines to choose among when none is named (e.g. those the person may start); default all. */
  among?: PipelineConfig[];
  /** Prefer the pipeline with the one running build (status, details, time left, stop). */
  preferRunning?: boolean;
  /** A pipeline an earlier turn of this dialog settled on, used when the slot is empty. */
  remembered?: string;
}

/** Throws PipelineNotFound when the slot names an unknown pipeline. */
export async function choosePipeline(turn: Turn, options: ChooseOptions = {}): Promise<Choice> {
  const named = turn.pipelineSlot ?? options.remembered;
  if (named !== undefined) return { pipeline: turn.core.pipeline(named) };
  const candidates = options.among ?? turn.core.pipelines;
  const [only, ...others] = candidates;
  if (only && others.length === 0) return { pipeline: only };
  const facts =
    options.preferRunning && candidates.length <= MAX_PROBED ? await latestBuilds(turn, candidates) : [];
  const running = facts.filter((fact) => fact.status === 'RUNNING');
  // Several running: "my build" could be any of them, so ask among those rather than guess the default.
  if (running.length > 1) return { ask: running.map((fact) => fact.pipeline) };
  const chosen = running.length === 1 ? running[0]?.pipeline : turn.core.config.defaultPipeline;
  const pipeline = candidates.find((p) => p.name === chosen);
  if (pipeline) return { pipeline, fact: facts.find((fact) => fact.pipeline === pipeline.name) };
  return { ask: candidates.map((p) => p.name) };
}

/** The latest build's status for each pipeline (at most MAX_PROBED of them), skipping pipelines without builds. */
export async function latestBuilds(turn: Turn, pipelines: PipelineConfig[]): Promise<BuildStatusFact[]> {
  return probe(turn, pipelines, (name) => turn.core.status(name));
}

/**
 * Asks the core the same thing about each pipeline (at most MAX_PROBED of them), in parallel, within the
 * request's budget. Pipelines without builds are skipped; when no pipeline could be asked at all, the first
 * real error is thrown, so the person hears why.
 */
export async function probe<T>(
  turn: Turn,
  pipelines: PipelineConfig[],
  ask: (pipeline: string) => Promise<T>,
): Promise<T[]> {
  const probed = pipelines.slice(0, MAX_PROBED);
  const settled = await turn.budget.run(() => Promise.allSettled(probed.map((p) => ask(p.name))));
  const answers = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failures = settled.flatMap((s) =>
    s.status === 'rejected' && !(s.reason instanceof NoBuildsYet) ? [s.reason as unknown] : [],
  );
  if (answers.length === 0 && failures.length > 0) throw failures[0];
  return answers;
}

/** The build to greet with: the one running build, else the default pipeline's, else the newest. */
export function headline<T extends BuildSummary>(builds: T[], defaultPipeline?: string): T | undefined {
  const running = builds.filter((build) => build.status === 'RUNNING');
  if (running.length === 1) return running[0];
  const preferred = builds.find((build) => build.pipeline === defaultPipeline);
  return preferred ?? [...builds].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())[0];
}
