// Sentences about rolling an endpoint back: the question before it, the announcement after it, the line in
// status and on cards while the endpoint serves the earlier model, and why a rollback was refused. Times of
// day are in the team's time zone (the config's `timeZone`, carried on the facts; UTC when unset).

import type {
  DeployedBuildFact,
  RollbackNewsFact,
  RollbackPlan,
  RollbackRecord,
  RollbackResult,
  StartedBy,
} from '../builds/facts';
import type { RollbackRefused } from '../errors';
import { relativeTime } from './duration';
import { personName } from './dialog';
import { clockTime, dayNumber, DEFAULT_TIME_ZONE, zoned } from '../time/zoned';

export const NOT_ROLLED_BACK = "Okay, I didn't roll anything back.";

/** "today 14:05", "yesterday 14:05", "on 1 December 14:05": days and times in `zone` (UTC by default). */
export function dayAndTime(date: Date, now: Date, zone: string = DEFAULT_TIME_ZONE): string {
  const time = clockTime(date, zone);
  const daysAgo = dayNumber(now, zone) - dayNumber(date, zone);
  if (daysAgo === 0) return `today ${time}`;
  if (daysAgo === 1) return `yesterday ${time}`;
  const month = date.toLocaleString('en-GB', { month: 'long', timeZone: zone });
  return `on ${zoned(date, zone).day} ${month} ${time}`;
}

/** "Ana Lima's build of yesterday 14:05 (prod-retrain-ana)", "the build of today 09:10 (prod-x)". */
export function buildPhrase(build: DeployedBuildFact, now: Date, voice = false): string {
  const who = personName(build.startedBy);
  const owner = who ? `${who}'s build` : 'the build';
  // Voice never reads a build's id: who and when say which build it is.
  return `${owner} of ${dayAndTime(build.startedAt, now, build.timeZone)}${voice ? '' : ` (${build.name})`}`;
}

/** "Roll back prod to the model from Ana Lima's build of yesterday 14:05 (prod-retrain-ana)?" */
export function rollbackQuestion(plan: RollbackPlan, now: Date, voice = false): string {
  const from = plan.from && (voice ? buildPhrase(plan.from, now, true) : plan.from.name);
  const replacing = from ? ` It replaces the model from ${from}.` : '';
  return `Roll back ${plan.pipeline} to the model from ${buildPhrase(plan.to, now, voice)}?${replacing}`;
}

const UPDATING =
  'The endpoint is updating, and keeps serving the current model until it is done, usually in a few minutes.';

/** The rollback was asked of AWS but its answer didn't come in time: it may still happen, so never "try again". */
export function rollbackUnanswered(pipeline: string): string {
  return `I asked AWS to roll ${pipeline} back, but it hasn't answered yet, so I can't tell whether it did. Ask "is my ${pipeline} endpoint up" in a minute.`;
}

/** Said to whoever rolled back. */
export function rolledBack(result: RollbackResult, now: Date, voice = false): string {
  return `Rolling ${result.pipeline} back to the model from ${buildPhrase(result.to, now, voice)}. ${UPDATING}${notRecorded(result)}`;
}

/** Told to everyone, with who did it: "Ana rolled prod back to the model from ...". */
export function someoneRolledBack(who: string, result: RollbackResult, now: Date): string {
  const from = result.from ? `, replacing the model from ${result.from.name}` : '';
  return `${who} rolled ${result.pipeline} back to the model from ${buildPhrase(result.to, now)}${from}. ${UPDATING}`;
}

/**
 * Told to everyone once the endpoint settled, with who did it (`who` as the front names people):
 * "Ana rolled prod back to the model from Bo's build of today 09:10 (prod-nightly-3), replacing the model
 * from prod-nightly-4. The endpoint churn-prod serves it now." A failed one says so, and what serves.
 */
export function rollbackSettled(who: string, news: RollbackNewsFact, now: Date): string {
  const model = news.to
    ? `the model from ${buildPhrase(news.to, now)}`
    : `the model from build ${news.record.build}`;
  const endpoint = `The endpoint ${news.endpointName}`;
  if (news.outcome === 'done') {
    const from = news.record.fromBuild ? `, replacing the model from ${news.record.fromBuild}` : '';
    return `${who} rolled ${news.pipeline} back to ${model}${from}. ${endpoint} serves it now.`;
  }
  const reason = news.failureReason ? ` SageMaker said: ${news.failureReason}` : '';
  const previous = news.record.fromBuild ? `the model from ${news.record.fromBuild}` : 'the model it had';
  const state =
    news.endpointStatus === 'InService'
      ? `${endpoint} keeps serving ${previous}.`
      : `${endpoint} is ${news.endpointStatus === 'Failed' ? 'failed' : 'stuck after a failed update'}.`;
  return `${who} tried to roll ${news.pipeline} back to ${model}, but the rollback failed.${reason} ${state}`;
}

function notRecorded(result: RollbackResult): string {
  return result.recorded
    ? ''
    : " I couldn't note the rollback on the endpoint, so status won't say who did it.";
}

/**
 * The status and card line while the endpoint serves a rolled-back model:
 * "prod serves the model from build prod-nightly-3 since Ana Lima rolled it back 5 minutes ago."
 */
export function rollbackLine(pipeline: string, record: RollbackRecord, now: Date, voice = false): string {
  const who = rollerName(record.by);
  const when = relativeTime(record.at, now);
  // Voice never reads a build's id: the earlier model is enough to hear.
  const model = voice ? 'an earlier model' : `the model from build ${record.build}`;
  if (record.inProgress) {
    return `${pipeline} is going back to ${model}: ${who} rolled it back ${when}.`;
  }
  return `${pipeline} serves ${model} since ${who} rolled it back ${when}.`;
}

function rollerName(by: StartedBy): string {
  return personName(by) ?? 'someone';
}

/** Why a rollback was refused; nothing was changed. */
export function rollbackRefusedSentence(error: RollbackRefused): string {
  const { pipeline, subject, detail } = error;
  const nothing = 'Nothing was changed.';
  switch (error.reason) {
    case 'deploying':
      return detail === 'build'
        ? `The ${pipeline} build ${subject} is deploying right now, so I won't roll back under it. Try again once it's done. ${nothing}`
        : `The ${pipeline} endpoint is ${(detail ?? 'changing').toLowerCase()} right now, so I can't roll it back. Try again once it's in service. ${nothing}`;
    case 'config-missing':
      return `That build's endpoint config ${subject} no longer exists, so I can't roll back to it. ${nothing}`;
    case 'model-missing':
      return `That build's model ${subject} no longer exists, so I can't roll back to it. ${nothing}`;
    case 'no-earlier-build':
      return subject
        ? `I found no successful ${pipeline} build before ${subject} that deployed a model, so there's nothing to roll back to. ${nothing}`
        : `There's no earlier successful ${pipeline} build to roll back to. ${nothing}`;
    case 'no-endpoint':
      return `The ${pipeline} endpoint doesn't exist, so there's nothing to roll back. ${nothing}`;
    case 'live-build-unknown':
      return `The ${pipeline} endpoint serves a config none of the recent builds made, so I can't tell which build came before it. Name the build to roll back to. ${nothing}`;
    case 'already-live':
      return `The ${pipeline} endpoint already serves the model from ${subject}. ${nothing}`;
    case 'not-live':
      return `The ${pipeline} endpoint no longer serves the model from ${subject}${detail ? `: it serves ${detail}'s` : ''}, so this rollback is out of date. ${nothing}`;
  }
}
