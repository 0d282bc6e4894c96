// Notices about a build changing state, for channels and consoles rather than as answers to a question:
// "Ana started the dev build dev-3f2a…", "The dev build dev-3f2a… succeeded after 55 seconds."

import type { BuildStatus, StartedBy } from '../builds/facts';
import { subjectName } from './dialog';
import { spokenDuration } from './duration';
import { readableReason } from './sentences';

export interface BuildChange {
  pipeline: string;
  name: string;
  status: BuildStatus;
  startedBy?: StartedBy;
  /** How long it ran, for a finished build. */
  durationMs?: number;
  /** Why it failed, or the reason the person who stopped it gave. */
  reason?: string;
  /** Who stopped it, as a person would say it ("Ana", "someone using Alexa"). */
  stoppedBy?: string;
}

export function buildChangeNotice(change: BuildChange): string {
  const build = `the ${change.pipeline} build ${change.name}`;
  const took = change.durationMs === undefined ? '' : ` after ${spokenDuration(change.durationMs)}`;
  const reason = change.reason ? `: ${readableReason(change.reason)}` : '.';
  switch (change.status) {
    case 'RUNNING': {
      const who = subjectName(change.startedBy);
      return who ? `${who} started ${build}.` : `${capitalize(build)} started.`;
    }
    case 'SUCCEEDED':
      return `${capitalize(build)} succeeded${took}.`;
    case 'ABORTED':
      return `${capitalize(build)} was stopped${change.stoppedBy ? ` by ${change.stoppedBy}` : ''}${took}${reason}`;
    case 'TIMED_OUT':
      return `${capitalize(build)} timed out${took}${reason}`;
    case 'PENDING_REDRIVE':
      return `${capitalize(build)} is waiting to restart.`;
    default:
      return `${capitalize(build)} failed${took}${reason}`;
  }
}

/** A running build reached a new step: "dev-3f2a… is now training the model." */
export function stepNotice(pipeline: string, name: string, stepLabel: string): string {
  return `The ${pipeline} build ${name} is now ${stepLabel}.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
