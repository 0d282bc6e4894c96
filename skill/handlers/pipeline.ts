// Runs a handler once its pipeline is known, or asks for it: "Which pipeline: prod or dev?" (an ElicitSlot that
// brings the same intent back with the slot filled), also after a name the core doesn't know.

import type { Intent, Response } from 'ask-sdk-model';
import type { BuildStatusFact } from '../../core/builds/facts';
import type { PipelineConfig } from '../../core/config/schema';
import { PipelineNotFound } from '../../core/errors';
import { annotate, noteError } from '../../core/log/request';
import { errorSentence } from '../../core/wording';
import { choosePipeline, type ChooseOptions } from '../choose-pipeline';
import { elicitPipeline, PROMPTS, whichPipeline } from '../speech';
import type { Turn } from '../turn';

export type PipelineAction = (pipeline: PipelineConfig, fact?: BuildStatusFact) => Promise<Response>;

export async function withPipeline(
  turn: Turn,
  options: ChooseOptions,
  action: PipelineAction,
): Promise<Response> {
  const intent = turn.intent;
  try {
    const choice = await choosePipeline(turn, options);
    if ('pipeline' in choice) {
      annotate({ pipeline: choice.pipeline.name });
      return await action(choice.pipeline, choice.fact);
    }
    if (!intent) throw new Error('A pipeline can only be asked for in an intent request.');
    return elicitPipeline(turn.rb, withoutPipeline(intent), [], whichPipeline(choice.ask));
  } catch (error) {
    // A misheard name: say which pipelines exist, and ask again rather than end the session.
    if (error instanceof PipelineNotFound && intent) {
      noteError(error);
      const lead = errorSentence(error, turn.now());
      return elicitPipeline(turn.rb, withoutPipeline(intent), [lead], PROMPTS.whichOne);
    }
    throw error;
  }
}

/** The intent with its pipeline slot emptied, for Alexa to fill from the next answer. */
function withoutPipeline(intent: Intent): Intent {
  return {
    ...intent,
    slots: { ...intent.slots, pipeline: { name: 'pipeline', value: undefined, confirmationStatus: 'NONE' } },
  };
}
