// Sentences for a conversation about changing things: the questions before starting or stopping, what is
// said when someone says no, what people can ask, and what to say when AWS has not answered in time. Voice
// and chat fronts ask the same questions.

import type { BuildStatusFact, StartedBy, StartResult, StopResult } from '../builds/facts';
import { relativeTime, spokenDuration } from './duration';
import { spokenList } from './sentences';
import { startWarnings } from './start-warnings';
import { stepLabel } from './steps';

export const NOT_STARTED = "Okay, I didn't start anything.";
export const NOT_STOPPED = "Okay, I didn't stop anything.";

export function startQuestion(pipeline: string): string {
  return `Start a new ${pipeline} build?`;
}

/** "Stop the prod build prod-abc, which has been training the model for 12 minutes?" */
export function stopQuestion(fact: BuildStatusFact): string {
  const step = fact.currentStep ? fact.currentStep.label || stepLabel(fact.currentStep.name) : 'running';
  return `Stop the ${fact.pipeline} build ${fact.name}, which has been ${step} for ${spokenDuration(fact.elapsedMs)}?`;
}

/**
 * A start told to everyone, with who did it: "Ana started a new dev build, dev-abc." `who` is the front's way
 * of naming the person (a chat mention, a name); the sentence is the core's.
 */
export function someoneStarted(who: string, result: StartResult): string {
  return `${who} started a new ${result.pipeline} build, ${result.name}.${startWarnings(result)}`;
}

/** A stop told to everyone, with who did it: "Ana stopped the dev build dev-abc." */
export function someoneStopped(who: string, result: StopResult): string {
  return `${who} stopped the ${result.pipeline} build ${result.name}.`;
}

const CAN_ASK =
  'You can ask: is my build done, give me details, how long until it is done, why did my build fail, ' +
  'how did the last build go, is my endpoint up, or how is my endpoint doing. ' +
  'You can also say start a build, or stop my build.';

/** What people can ask, and which pipelines there are. */
export function capabilities(pipelines: string[]): string {
  const names =
    pipelines.length === 1
      ? `Your pipeline is ${pipelines[0]}.`
      : `Your pipelines are ${spokenList(pipelines)}.`;
  return `${CAN_ASK} ${names}`;
}

/**
 * A front gave up waiting for AWS. A start or stop may still have gone through, so say how to find out
 * rather than claiming nothing happened.
 */
export function noAnswerInTime(action?: 'start' | 'stop'): string {
  if (!action) return "AWS is slow to answer right now, so I couldn't check. Please try again in a minute.";
  const did = action === 'start' ? 'started' : 'stopped';
  return `I asked AWS, but it hasn't answered yet, so I can't tell whether the build ${did}. Ask "is my build done" in a minute.`;
}

/** Who, at the start of a sentence: a phrase ("someone using Alexa") gets a capital; a name stays as given. */
export function subjectName(who: StartedBy | undefined): string | undefined {
  const name = personName(who);
  return name && /^((a|an|the) |someone( |$))/.test(name)
    ? name.charAt(0).toUpperCase() + name.slice(1)
    : name;
}

/** The generic phrase for someone without a known name, by the front their id says they asked from. */
const SOMEONE: Record<string, string> = {
  alexa: 'someone using Alexa',
  'alexa-person': 'someone using Alexa',
  slack: 'someone on Slack',
  cli: 'someone on the command line',
};

/**
 * Who started or stopped a build, as a person would say it: their name, else where they asked from
 * ("someone using Alexa"), never a raw ID. Fronts that can do better (a Slack mention) do so before this.
 */
export function personName(who: StartedBy | undefined): string | undefined {
  if (!who) return undefined;
  const name = who.displayName?.trim();
  if (name) return name;
  if (!who.id) return undefined;
  const front = who.id.split(':')[0] ?? '';
  return SOMEONE[front] ?? 'someone';
}

/**
 * Asked to start while a build runs: said before any "Start a new build?", so nobody confirms a start that
 * would be refused. "Your dev build Ana started 10 minutes ago is still training the model, so I didn't start
 * another one. ..."
 */
export function stillRunning(fact: BuildStatusFact, now: Date): string {
  const step = fact.currentStep ? fact.currentStep.label || stepLabel(fact.currentStep.name) : 'running';
  const when = relativeTime(fact.startedAt, now);
  const who = personName(fact.startedBy);
  const build = who
    ? `Your ${fact.pipeline} build ${who} started ${when} is still ${step}`
    : `Your ${fact.pipeline} build started ${when} and is still ${step}`;
  return `${build}, so I didn't start another one. You can ask how long is left, or say stop my build.`;
}
