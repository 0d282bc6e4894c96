// Which build a person means: by name ("dev-7bf6177351f8"), by execution ARN, by where it stands ("last", "the
// last one", "latest", "previous") or by when it started ("yesterday's", "this morning's", "last night's").
// Every front reads references here, so "yesterday's" means the same build on Slack, Alexa and the CLI.
// Day words use UTC calendar days: the config has no time zone.

import { BuildNotFound, BuildRefNotFound, NoBuildsYet, type BuildRefWanted } from '../errors';
import { describeExecution, listExecutions, summaryOf, type BuildContext } from './context';
import type { BuildSummary } from './facts';
import { executionArnFor } from './names';
import { DEFAULT_TIME_ZONE, startOfDay } from '../time/zoned';

export type BuildRef =
  { kind: 'latest' } | { kind: 'wanted'; wanted: BuildRefWanted } | { kind: 'name'; name: string };

/** Words that pick a build by where it stands or when it started, after "the", "'s", "one" and "build" go. */
const REF_WORDS: Record<string, BuildRef> = {
  last: { kind: 'latest' },
  latest: { kind: 'latest' },
  newest: { kind: 'latest' },
  'most recent': { kind: 'latest' },
  previous: { kind: 'wanted', wanted: 'previous' },
  'one before': { kind: 'wanted', wanted: 'previous' },
  'before last': { kind: 'wanted', wanted: 'previous' },
  today: { kind: 'wanted', wanted: 'today' },
  yesterday: { kind: 'wanted', wanted: 'yesterday' },
  'this morning': { kind: 'wanted', wanted: 'this morning' },
  'this afternoon': { kind: 'wanted', wanted: 'this afternoon' },
  'this evening': { kind: 'wanted', wanted: 'this evening' },
  tonight: { kind: 'wanted', wanted: 'this evening' },
  'last night': { kind: 'wanted', wanted: 'last night' },
};

/** A Step Functions execution name (no whitespace or ":"), or an execution ARN. */
const BUILD_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;
const EXECUTION_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:execution:[^\s:]{1,80}:[^\s:]{1,80}$/;

/** "the last one", "Yesterday's", "last night's build" → the words that name the reference. */
function refKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/'s\b/g, '')
    .replace(/\b(the|one|build|builds|run)\b/g, (word, _m, at: number, all: string) =>
      // "the one before" keeps "one": it is the reference itself.
      word === 'one' && all.slice(at).startsWith('one before') ? word : '',
    )
    .replace(/\s+/g, ' ')
    .trim();
}

/** The reference in a few words, or undefined when they name no build (a pipeline, say). */
export function readBuildRef(text: string): BuildRef | undefined {
  const key = refKey(text);
  const word = REF_WORDS[key];
  if (word) return word;
  const name = text.trim();
  if (EXECUTION_ARN.test(name)) return { kind: 'name', name };
  return undefined;
}

/**
 * A spoken pipeline slot that also names a build ("last prod", "yesterday's", "prod's previous build"): the
 * pipeline it names, if any, and the build reference. Undefined when the words hold no reference word, so a
 * plain pipeline name (or an unknown one, for the core's "did you mean") goes on as it was said.
 */
export function splitSpokenBuildRef(
  text: string,
  pipelineNames: readonly string[],
): { pipeline?: string; build: string } | undefined {
  // Bounded like any name: a slot is a few words, never a paragraph.
  if (text.length > 120) return undefined;
  if (readBuildRef(text)) return { build: text.trim() };
  const words = text.trim().split(/\s+/);
  for (const name of pipelineNames) {
    const at = words.findIndex(
      (word) => word.toLowerCase().replace(/['\u2019]s$/, '') === name.toLowerCase(),
    );
    if (at < 0) continue;
    const rest = [...words.slice(0, at), ...words.slice(at + 1)].join(' ');
    if (rest && readBuildRef(rest)) return { pipeline: name, build: rest };
  }
  return undefined;
}

/** A word shaped like a build of one of `pipelines` ("<pipeline>-<id>"), or an execution ARN: the pipeline. */
export function buildNameOwner(
  word: string,
  pipelines: readonly { name: string; stateMachineArn: string }[],
): string | undefined {
  if (EXECUTION_ARN.test(word)) {
    return pipelines.find((p) => word.startsWith(`${executionArnFor(p.stateMachineArn, '')}`))?.name;
  }
  if (!BUILD_NAME.test(word)) return undefined;
  return pipelines.find((p) => word.startsWith(`${p.name}-`))?.name;
}

const HOUR = 3_600_000;

/** [from, to) in hours around the start of today (the team's day): when a day word says the build started. */
const WINDOWS: Record<Exclude<BuildRefWanted, 'previous'>, [number, number]> = {
  today: [0, 24],
  yesterday: [-24, 0],
  'this morning': [0, 12],
  'this afternoon': [12, 18],
  'this evening': [18, 24],
  'last night': [-6, 6],
};

/** Whether a build started at `startedAt` is the day word's, seen at `now` (days in `zone`, UTC by default). */
export function startedIn(
  wanted: Exclude<BuildRefWanted, 'previous'>,
  startedAt: Date,
  now: Date,
  zone: string = DEFAULT_TIME_ZONE,
): boolean {
  const today = startOfDay(now, zone);
  const [from, to] = WINDOWS[wanted];
  const at = startedAt.getTime();
  return at >= today + from * HOUR && at < today + to * HOUR;
}

/** Builds looked through for a day word: a few days of a busy pipeline, in one page. */
const DAY_WORD_PAGE = 100;

/** The build the reference names; throws BuildNotFound, BuildRefNotFound or NoBuildsYet. */
export async function resolveBuildRef(ctx: BuildContext, ref: BuildRef): Promise<BuildSummary> {
  if (ref.kind === 'name') return namedBuild(ctx, ref.name);
  const wanted = ref.kind === 'latest' ? undefined : ref.wanted;
  const page = wanted === undefined ? 1 : wanted === 'previous' ? 2 : DAY_WORD_PAGE;
  const recent = (await listExecutions(ctx, page)).map((item) => summaryOf(ctx.pipeline.name, item));
  const [latest] = recent;
  if (!latest) throw new NoBuildsYet(ctx.pipeline.name);
  if (wanted === undefined) return latest;
  const now = ctx.now();
  const found =
    wanted === 'previous' ? recent[1] : recent.find((b) => startedIn(wanted, b.startedAt, now, ctx.timeZone));
  if (!found) throw new BuildRefNotFound(ctx.pipeline.name, wanted, latest.startedAt);
  return found;
}

async function namedBuild(ctx: BuildContext, build: string): Promise<BuildSummary> {
  const prefix = `${executionArnFor(ctx.pipeline.stateMachineArn, '')}`;
  const executionArn = build.startsWith('arn:') ? build : `${prefix}${build}`;
  if (!executionArn.startsWith(prefix) || !BUILD_NAME.test(executionArn.slice(prefix.length))) {
    throw new BuildNotFound(ctx.pipeline.name, build);
  }
  const described = await describeExecution(ctx, executionArn).catch((error: unknown) => {
    if ((error as Error).name === 'ExecutionDoesNotExist') throw new BuildNotFound(ctx.pipeline.name, build);
    throw error;
  });
  const summary: BuildSummary = {
    pipeline: ctx.pipeline.name,
    executionArn,
    name: described.name ?? build,
    status: (described.status ?? 'RUNNING') as BuildSummary['status'],
    startedAt: described.startDate ?? new Date(0),
  };
  if (described.stopDate) summary.stoppedAt = described.stopDate;
  return summary;
}
