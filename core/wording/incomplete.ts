// What an answer could not get from AWS in time, said after what it knows: "I couldn't get its step from AWS
// in time." The core names the parts (BuildStatusFact.incomplete); each answer says those it would have told.

import type { BuildStatusFact, UnknownPart } from '../builds/facts';
import { spokenList } from './sentences';

/** Each part as the sentence names it; `reason` depends on how the build ended. */
function partPhrase(part: UnknownPart, fact: BuildStatusFact): string {
  switch (part) {
    case 'step':
      return 'its step';
    case 'reason':
      return fact.status === 'ABORTED' ? 'who stopped it and why' : 'why it failed';
    case 'training':
      return "the training job's progress";
    case 'endpoint':
      return "its endpoint's state";
    case 'started-by':
      return 'who started it';
    case 'eta':
      return 'how long builds usually take';
    case 'steps':
      return 'the steps it went through';
  }
}

/** The parts a status answer would have told; details also say who started the build. */
const TOLD: Record<'status' | 'details', Set<UnknownPart>> = {
  status: new Set(['step', 'reason', 'training', 'endpoint', 'eta']),
  details: new Set(['step', 'reason', 'training', 'endpoint', 'eta', 'started-by']),
};

/** " I couldn't get its step from AWS in time.", or '' when the answer lacks nothing it would say. */
export function unknownSentence(fact: BuildStatusFact, answer: 'status' | 'details'): string {
  const parts = (fact.incomplete ?? []).filter((part) => TOLD[answer].has(part));
  if (parts.length === 0) return '';
  return ` I couldn't get ${spokenList(parts.map((part) => partPhrase(part, fact)))} from AWS in time.`;
}
