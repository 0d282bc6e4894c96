// Sentences only voice needs: the same facts as the text sentences, with builds named by who started them and
// when ("Stop Ana's prod build from 10 minutes ago?"), never by an id nobody can say back.

import type { AgainResult } from '../builds/again';
import type { BuildStatusFact, StartResult, StopResult } from '../builds/facts';
import {
  BuildAlreadyRunning,
  BuildAlreadyStarting,
  BuildNotFound,
  NoApprovalWaiting,
  NothingToStop,
  StartOutcomeUnknown,
} from '../errors';
import { whoseBuild, type NamedBuild } from './build-names';
import { relativeTime, spokenDuration } from './duration';
import { errorSentence } from './errors';
import { shortValue } from './again';
import { startWarnings } from './start-warnings';
import { spokenList } from './sentences';
import { stepLabel } from './steps';

/** "Stop Ana Lima's prod build from 12 minutes ago, which has been training the model for 10 minutes?" */
export function voiceStopQuestion(fact: BuildStatusFact, now: Date): string {
  const step = fact.currentStep ? fact.currentStep.label || stepLabel(fact.currentStep.name) : 'running';
  return `Stop ${whoseBuild(fact, now)}, which has been ${step} for ${spokenDuration(fact.elapsedMs)}?`;
}

export function voiceStarted(result: StartResult, now: Date): string {
  if (result.created) return `Started a new ${result.pipeline} build.${startWarnings(result)}`;
  return `That ${result.pipeline} build was already started ${relativeTime(result.startedAt, now)}.`;
}

/** Settings read aloud: "max depth 7", the last part of the key without its underscores; at most three. */
function spokenSettings(settings: Record<string, string>): string {
  const said = Object.entries(settings).map(([key, value]) => {
    const name = (key.split('.').pop() ?? key).replace(/[_-]+/g, ' ');
    return `${name} ${shortValue(value)}`;
  });
  const more = said.length - 3;
  if (more <= 0) return spokenList(said, 'and');
  return `${said.slice(0, 3).join(', ')} and ${more} more ${more === 1 ? 'setting' : 'settings'}`;
}

/** "Run Ana Lima's prod build from yesterday again, with max depth 7?" (or "It used the default settings.") */
export function voiceAgainQuestion(build: NamedBuild, settings: Record<string, string>, now: Date): string {
  const which = whoseBuild(build, now);
  if (Object.keys(settings).length === 0) return `Run ${which} again? It used the default settings.`;
  return `Run ${which} again, with ${spokenSettings(settings)}?`;
}

/** "Started a new prod build with the same settings: max depth 7." */
export function voiceStartedAgain(result: AgainResult, now: Date): string {
  const { started } = result;
  if (!started.created) return voiceStarted(started, now);
  const settings = Object.keys(result.settings).length ? `: ${spokenSettings(result.settings)}` : '';
  return `Started a new ${started.pipeline} build with the same settings${settings}.${startWarnings(started)}`;
}

export function voiceStopped(result: StopResult): string {
  return `Stopped the ${result.pipeline} build.`;
}

/** errorSentence, for the few errors whose text names a build by its id. */
export function voiceErrorSentence(error: unknown, now: Date): string {
  if (error instanceof BuildAlreadyRunning) {
    return `A ${error.pipeline} build is already running: it started ${relativeTime(error.startedAt, now)}. I didn't start another one.`;
  }
  if (error instanceof BuildAlreadyStarting) {
    return `A ${error.pipeline} build is already starting. I didn't start another one. Ask me in a minute whether the ${error.pipeline} build is running.`;
  }
  if (error instanceof StartOutcomeUnknown) {
    return `I asked AWS to start a ${error.pipeline} build, but its answer didn't come in time, so I can't tell yet whether it started. Ask me in a minute whether the ${error.pipeline} build is running.`;
  }
  if (error instanceof NothingToStop && error.build)
    return "That build isn't running, so there's nothing to stop.";
  if (error instanceof BuildNotFound) return `I can't find that ${error.pipeline} build.`;
  if (error instanceof NoApprovalWaiting && error.build) {
    return "That build isn't waiting for approval, so there's nothing to decide.";
  }
  return errorSentence(error, now);
}
