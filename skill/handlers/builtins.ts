// Alexa's built-in intents. Stop, Cancel and NavigateHome leave the skill and never touch a build (the 2018 skill
// stopped builds on "cancel"). Yes and No answer the follow-up a status answer offered. Fallback is an unclear
// answer like "maybe" (replies.ts). A SessionEndedRequest (silence after the reprompt, "exit", an error) changes
// nothing: a pending start or stop is simply forgotten with the session.

import type { Response, SessionEndedReason } from 'ask-sdk-model';
import { annotate } from '../../core/log/request';
import { answer, helpText, PROMPTS, question, silence } from '../speech';
import type { Turn } from '../turn';
import { notDone } from './confirmations';
import type { TurnHandler } from './handler';
import { answerDetails } from './questions';

function pipelineNames(turn: Turn): string[] {
  return turn.core.pipelines.map((p) => p.name);
}

/** Leaving in the middle of a question waiting for "yes" says that nothing was done. */
function leave(turn: Turn): Response {
  const nothing = notDone(turn.memory.pending);
  return nothing ? answer(turn.rb, nothing, PROMPTS.goodbye) : answer(turn.rb, PROMPTS.goodbye);
}

async function yes(turn: Turn): Promise<Response> {
  const offer = turn.memory.offer;
  if (offer) return answerDetails(turn, offer.pipeline);
  return question(turn.rb, [PROMPTS.yesToNothing, helpText(pipelineNames(turn))], PROMPTS.whatNext);
}

const END_REASONS: readonly SessionEndedReason[] = ['USER_INITIATED', 'ERROR', 'EXCEEDED_MAX_REPROMPTS'];

function ended(turn: Turn): Response {
  const request = turn.input.requestEnvelope.request;
  const said = request.type === 'SessionEndedRequest' ? String(request.reason) : '';
  // Logged only as one of Alexa's documented reasons: the field comes from outside.
  const reason = END_REASONS.find((known) => known === said) ?? 'unknown';
  const pending = turn.memory.pending;
  annotate({ reason, ...(pending ? { dropped: pending.action, pipeline: pending.pipeline } : {}) });
  return silence(turn.rb);
}

export const builtinHandlers: TurnHandler[] = [
  {
    intents: ['AMAZON.HelpIntent'],
    handle: async (turn) => question(turn.rb, [helpText(pipelineNames(turn))], PROMPTS.whatNext),
  },
  {
    intents: ['AMAZON.StopIntent', 'AMAZON.CancelIntent', 'AMAZON.NavigateHomeIntent'],
    handle: async (turn) => leave(turn),
  },
  { intents: ['AMAZON.YesIntent'], handle: yes },
  {
    intents: ['AMAZON.NoIntent'],
    handle: async (turn) => (turn.memory.pending ? leave(turn) : answer(turn.rb, PROMPTS.noThanks)),
  },
  // Alexa closed the session (silence after the reprompt, an error, the user left): it ignores any speech, so
  // send none. A start or stop still waiting for "yes" is dropped: the log says which, and why.
  { requestType: 'SessionEndedRequest', handle: async (turn) => ended(turn) },
];
