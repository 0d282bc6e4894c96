// Answers that ask for nothing. During a question waiting for "yes" (start, stop, rollback, a decision...), an
// unclear answer ("maybe", "I don't know", or anything Fallback hears) asks the same question once more; a
// second one drops it politely, and nothing changes. Outside a question, an unclear answer gets the fallback and
// the help. Thanks gets "You're welcome." and the session ends, saying what was not done if a question was open.

import type { Response } from 'ask-sdk-model';
import { annotate } from '../../core/log/request';
import { answer, helpText, PROMPTS, question } from '../speech';
import type { Turn } from '../turn';
import type { TurnHandler } from './handler';
import { confirmAgain, dropped, notDone } from './confirmations';

async function unclear(turn: Turn): Promise<Response> {
  const pending = turn.memory.pending;
  if (!pending) {
    const names = turn.core.pipelines.map((p) => p.name);
    return question(turn.rb, [PROMPTS.fallback, helpText(names)], PROMPTS.whatNext);
  }
  annotate({ pipeline: pending.pipeline });
  if (!pending.reasked) return confirmAgain(turn, pending);
  return answer(turn.rb, dropped(pending));
}

async function thanks(turn: Turn): Promise<Response> {
  const nothing = notDone(turn.memory.pending);
  return nothing ? answer(turn.rb, PROMPTS.youreWelcome, nothing) : answer(turn.rb, PROMPTS.youreWelcome);
}

export const replyHandlers: TurnHandler[] = [
  { intents: ['UnsureIntent', 'AMAZON.FallbackIntent'], handle: unclear },
  { intents: ['ThanksIntent'], handle: thanks },
];
