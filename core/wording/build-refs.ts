// How a build reference reads back in a sentence: "a prod build from yesterday", "before the latest one".

import type { BuildRefNotFound, BuildRefWanted } from '../errors';
import { relativeTime } from './duration';

const WANTED: Record<BuildRefWanted, string> = {
  previous: 'before the latest one',
  today: 'from today',
  yesterday: 'from yesterday',
  'this morning': 'from this morning',
  'this afternoon': 'from this afternoon',
  'this evening': 'from this evening',
  'last night': 'from last night',
};

/** "I can't find a prod build from yesterday. The last one started 3 days ago." */
export function buildRefNotFoundSentence(error: BuildRefNotFound, now: Date): string {
  const latest = error.latestStartedAt
    ? ` The last one started ${relativeTime(error.latestStartedAt, now)}.`
    : '';
  return `I can't find a ${error.pipeline} build ${WANTED[error.wanted]}.${latest}`;
}
