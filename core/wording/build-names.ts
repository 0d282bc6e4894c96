// Builds named the way people name them: by who started them and when, never by their id. Voice always
// names builds this way; text may add the name after it.

import type { StartedBy } from '../builds/facts';
import { personName } from './dialog';
import { relativeTime } from './duration';

export interface NamedBuild {
  pipeline: string;
  startedAt: Date;
  startedBy?: StartedBy;
}

/** "from 10 minutes ago", "from yesterday", "from a moment ago". */
export function fromWhen(startedAt: Date, now: Date): string {
  const when = relativeTime(startedAt, now);
  return when === 'just now' ? 'from a moment ago' : `from ${when}`;
}

/**
 * "Ana Lima's prod build from 10 minutes ago", "the prod build someone using Alexa started yesterday",
 * "the prod build from 3 hours ago" when nobody is known to have started it.
 */
export function whoseBuild(build: NamedBuild, now: Date): string {
  const who = personName(build.startedBy);
  if (!who) return `the ${build.pipeline} build ${fromWhen(build.startedAt, now)}`;
  // A phrase in place of a name reads badly as a possessive ("someone using Alexa's").
  if (/^someone( |$)/.test(who)) {
    return `the ${build.pipeline} build ${who} started ${relativeTime(build.startedAt, now)}`;
  }
  return `${who}'s ${build.pipeline} build ${fromWhen(build.startedAt, now)}`;
}

/** `whoseBuild` at the start of a sentence. */
export function WhoseBuild(build: NamedBuild, now: Date): string {
  const said = whoseBuild(build, now);
  return said.charAt(0).toUpperCase() + said.slice(1);
}
