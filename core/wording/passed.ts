// "Did the prod build pass?": yes or no first, then the status answer that says how.

import type { BuildStatusFact } from '../builds/facts';
import { status } from './sentences';

/** The status answer already leads with "Yes."/"No."/"Not yet." except for a stop or a time-out: those are a no. */
export function passedAnswer(fact: BuildStatusFact, now: Date, voice = false): string {
  const said = status(fact, now, voice);
  return fact.status === 'ABORTED' || fact.status === 'TIMED_OUT' ? `No. ${said}` : said;
}
