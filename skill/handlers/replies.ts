// Answers that ask for nothing. During a start or stop question, an unclear answer ("maybe", "I don't know", or
// anything Fallback hears) asks the question once more; a second one drops it politely, and nothing changes.
// Outside a question, an unclear answer gets the fallback and the help. Thanks gets "You're welcome." and the
// session ends, saying that nothing was started if a question was still open.

import type { Response } from 'ask-sdk-model';
import { annotate } from '../../core/log/request';
import { answer, helpText, PROMPTS, question } from '../speech';
import type { Turn } from '../turn';
import type { TurnHandler } from './handler';
import { confirmAgain } from './start-stop';

async function unclear(turn: Turn): Promise<Response> {
  const pending = turn.memory.pending;
  if (!pending) {
    const names = turn.core.pipelines.map((p) => p.name);
    return question(turn.rb, [PROMPTS.fallback, helpText(names)], PROMPTS.whatNext);
  }
  annotate({ pipeline: pending.pipeline });
  if (!pending.reasked) return confirmAgain(turn, pending);
  return answer(turn.rb, pending.action === 'start' ? PROMPTS.droppedStart : PROMPTS.droppedStop);
}

async function thanks(turn: Turn): Promise<Response> {
  const action = turn.memory.pending?.action;
  if (action === 'start') return answer(turn.rb, PROMPTS.youreWelcome, PROMPTS.notStarted);
  if (action === 'stop') return answer(turn.rb, PROMPTS.youreWelcome, PROMPTS.notStopped);
  return answer(turn.rb, PROMPTS.youreWelcome);
}

export const replyHandlers: TurnHandler[] = [
  { intents: ['UnsureIntent', 'AMAZON.FallbackIntent'], handle: unclear },
  { intents: ['ThanksIntent'], handle: thanks },
];
