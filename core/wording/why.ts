// "Why did it fail?", answered about a build a person can place: the latest one (or the one they named) and,
// when that one did not fail, the last failure, said to be the older one it is.

import type { BuildSummary } from '../builds/facts';
import type { DatedFailure, WhyFact } from '../builds/why';
import { whoseBuild, WhoseBuild } from './build-names';
import { relativeTime } from './duration';
import { personName } from './dialog';
import { dayAndTime } from './rollback';
import { whyFailed } from './sentences';

/** "The latest prod build succeeded an hour ago", "That prod build is still running; it started ...". */
function howItStands(fact: WhyFact, now: Date): string {
  const { build } = fact;
  const subject = fact.named ? `That ${fact.pipeline} build` : `The latest ${fact.pipeline} build`;
  switch (build.status) {
    case 'RUNNING':
      return `${subject} is still running; it started ${relativeTime(build.startedAt, now)}.`;
    case 'PENDING_REDRIVE':
      return `${subject} is about to restart from the step where it stopped.`;
    default:
      return `${subject} succeeded ${relativeTime(build.stoppedAt ?? build.startedAt, now)}, so nothing failed.`;
  }
}

/** "The last failure before it was Sam Okafor's prod build from 7 hours ago. It failed while training ..." */
function earlierFailure(earlier: DatedFailure, now: Date): string {
  return `The last failure before it was ${whoseBuild(earlier, now)}. ${whyFailed(earlier, now, 'It')}`;
}

/** The failure of the build asked about: "Your prod build failed ..." or, named, "Ana Lima's prod build ...". */
function ownFailure(fact: WhyFact & { failure: DatedFailure }, now: Date): string {
  const subject = fact.named ? WhoseBuild(fact.failure, now) : undefined;
  return whyFailed(fact.failure, now, subject);
}

/** Answers "why did it fail?" about the latest build (or a named one), and never passes off an old failure. */
export function whyAnswer(fact: WhyFact, now: Date): string {
  const parts: string[] = [];
  if (fact.failure) parts.push(ownFailure({ ...fact, failure: fact.failure }, now));
  else parts.push(howItStands(fact, now));
  if (fact.stillServing) parts.push(stillServing(fact.stillServing, now));
  if (fact.earlier) parts.push(earlierFailure(fact.earlier, now));
  else if (!fact.failure || fact.failure.status === 'ABORTED') parts.push(noRecentFailure(fact.build));
  return parts.join(' ');
}

/** "The endpoint still serves the model from Ana Lima's build of yesterday 14:02." */
function stillServing(build: NonNullable<WhyFact['stillServing']>, now: Date): string {
  const who = personName(build.startedBy);
  const owner = who ? `${who}'s build` : 'the build';
  return `The endpoint still serves the model from ${owner} of ${dayAndTime(build.startedAt, now, build.timeZone)}.`;
}

function noRecentFailure(build: BuildSummary): string {
  return `None of the recent ${build.pipeline} builds before it failed.`;
}
