// `list`: the recent builds, newest first, one line each for text (who, when, outcome, duration, the step it
// reached or is in, its name), or a few spoken in one sentence for voice, named by who and when only.

import type { BuildListFact, BuildStatus, ListedBuild } from '../builds/facts';
import { fromWhen } from './build-names';
import { personName } from './dialog';
import { relativeTime, spokenDuration } from './duration';
import { buildCounts, buildList, spokenList } from './sentences';

/** Builds a text list shows: the page the core read is already bounded; this keeps a reply short. */
const MAX_LINES = 10;
/** Builds a spoken list says: more is too much to listen to. */
const MAX_SPOKEN = 3;

const OUTCOME: Record<BuildStatus, string> = {
  RUNNING: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  TIMED_OUT: 'timed out',
  ABORTED: 'was stopped',
  PENDING_REDRIVE: 'waiting to restart',
};

function durationMs(build: ListedBuild, now: Date): number {
  return Math.max(0, (build.stoppedAt ?? now).getTime() - build.startedAt.getTime());
}

/** "succeeded after 50 seconds", "failed while training the model, after 20 seconds", "is training the model". */
function outcome(build: ListedBuild, now: Date): string {
  const took = spokenDuration(durationMs(build, now));
  if (build.status === 'RUNNING') {
    const doing = build.stepLabel ? `is ${build.stepLabel}` : 'is running';
    return `${doing}, for ${took} so far`;
  }
  if (build.status === 'PENDING_REDRIVE') return OUTCOME.PENDING_REDRIVE;
  const where = build.stepLabel && build.status !== 'SUCCEEDED' ? ` while ${build.stepLabel},` : '';
  return `${OUTCOME[build.status]}${where} after ${took}`;
}

/** "- Sam Okafor, 7 hours ago: failed while training the model, after 20 seconds (prod-retrain-sam)" */
function line(build: ListedBuild, now: Date): string {
  const who = personName(build.startedBy) ?? 'someone';
  return `- ${who}, ${relativeTime(build.startedAt, now)}: ${outcome(build, now)} (${build.name})`;
}

/** Answers `list` in text: the counts, then one line per build, newest first. */
export function buildLines(list: BuildListFact, now: Date): string {
  const builds = newestFirst(list.builds).slice(0, MAX_LINES);
  if (builds.length === 0) return buildList(list, now);
  const head =
    builds.length === 1
      ? `The last ${list.pipeline} build:`
      : `${buildCounts({ ...list, builds })}. Newest first:`;
  return [head, ...builds.map((b) => line(b, now))].join('\n');
}

/** "Ana Lima's from yesterday succeeded" for the spoken list: the pipeline is said once, up front. */
function spokenItem(build: ListedBuild, now: Date): string {
  const who = personName(build.startedBy);
  const owner = who && !/^someone( |$)/.test(who) ? `${who}'s` : 'the one';
  const whose = `${owner} ${fromWhen(build.startedAt, now)}`;
  const how =
    build.status === 'RUNNING'
      ? build.stepLabel
        ? `is ${build.stepLabel}`
        : 'is still running'
      : outcome(build, now).replace(/,? after .*$/, '');
  return `${whose} ${how}`;
}

/** Answers `list` aloud: "The last 3 prod builds: the nightly schedule's from 2 hours ago succeeded, ..." */
export function spokenBuildList(list: BuildListFact, now: Date): string {
  const builds = newestFirst(list.builds).slice(0, MAX_SPOKEN);
  if (builds.length === 0) return buildList(list, now);
  const items = spokenList(builds.map((b) => spokenItem(b, now)));
  const head =
    builds.length === 1
      ? `The last ${list.pipeline} build:`
      : `The last ${builds.length} ${list.pipeline} builds:`;
  return `${head} ${items}.`;
}

function newestFirst(builds: ListedBuild[]): ListedBuild[] {
  return [...builds].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
}
