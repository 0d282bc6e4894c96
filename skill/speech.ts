// The skill's speech glue, in one place: SSML escaping, how answers and questions end (or keep) the session,
// and the few prompts only a voice front needs. Every fact sentence comes from core/wording; this file only
// wraps them, and reuses core sentences wherever one exists ("Which pipeline: prod or dev?").

import { escapeXmlCharacters, type ResponseBuilder } from 'ask-sdk-core';
import type { Intent, Response } from 'ask-sdk-model';
import { PipelineAmbiguous } from '../core/errors';
import {
  capabilities,
  errorSentence,
  NOT_STARTED,
  NOT_STOPPED,
  startQuestion,
  stopQuestion,
} from '../core/wording';

/** Characters XML forbids (ANSI colour codes in training logs, say): one of them makes Alexa reject the answer. */
// eslint-disable-next-line no-control-regex -- these are exactly what must go
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Plain text (core sentences, names from AWS) made safe inside <speak>: "&" and "<" would break the SSML. */
export function ssml(...parts: string[]): string {
  return parts
    .map((part) => part.replace(CONTROL_CHARS, ' ').trim())
    .filter((part) => part !== '')
    .map(escapeXmlCharacters)
    .join(' ');
}

export const PROMPTS = {
  greeting: 'Welcome to SageBuild.',
  whatNext: 'What would you like to do?',
  wantDetails: 'Want the details?',
  goodbye: 'Goodbye.',
  noThanks: 'Okay. Goodbye.',
  progressive: 'Checking your build...',
  notStarted: NOT_STARTED,
  notStopped: NOT_STOPPED,
  fallback: "Sorry, SageBuild can't help with that.",
  yesToNothing: "Sorry, I'm not sure what you're saying yes to.",
  whichOne: 'Which one do you mean?',
  youreWelcome: "You're welcome.",
} as const;

/** A yes-or-no question asked again (after "maybe", or to silence): "Start a new dev build? Please say yes or no." */
export function sayYesOrNo(question: string): string {
  return `${question} Please say yes or no.`;
}

/** A stop question for a session that kept no question of its own. */
export function stopRunningQuestion(pipeline: string): string {
  return `Stop the running ${pipeline} build?`;
}

/** What people can ask, and which pipelines there are (the core's sentence). */
export const helpText = capabilities;

export { startQuestion, stopQuestion };

/** The core's "Which pipeline: prod or dev?". */
export function whichPipeline(names: string[]): string {
  return errorSentence(new PipelineAmbiguous(names));
}

// --- Responses. Every one sets the session explicitly: devices differ when it is left out. ---

/** A final answer: speaks and ends the session. */
export function answer(rb: ResponseBuilder, ...text: string[]): Response {
  return rb
    .speak(ssml(...text))
    .withShouldEndSession(true)
    .getResponse();
}

/** A question: speaks, reprompts, and keeps the session open. */
export function question(rb: ResponseBuilder, text: string[], reprompt: string): Response {
  return rb
    .speak(ssml(...text, reprompt))
    .reprompt(ssml(reprompt))
    .withShouldEndSession(false)
    .getResponse();
}

/** Asks for the pipeline slot of `intent`: the answer comes back as the same intent, with the slot filled. */
export function elicitPipeline(rb: ResponseBuilder, intent: Intent, lead: string[], ask: string): Response {
  rb.addElicitSlotDirective('pipeline', intent);
  return question(rb, lead, ask);
}

/**
 * Asks Alexa to confirm `intent`; the answer comes back as the same intent, CONFIRMED or DENIED. `reprompt` is
 * what silence hears (the question itself unless given).
 */
export function confirm(rb: ResponseBuilder, intent: Intent, text: string, reprompt?: string): Response {
  rb.addConfirmIntentDirective(intent);
  if (reprompt === undefined) return question(rb, [], text);
  return rb.speak(ssml(text)).reprompt(ssml(reprompt)).withShouldEndSession(false).getResponse();
}

/** Nothing to say: only for SessionEndedRequest, where Alexa ignores any speech. */
export function silence(rb: ResponseBuilder): Response {
  return rb.getResponse();
}

/** The progressive response's SSML: said while the core is still asking AWS. */
export function progressiveSsml(): string {
  return `<speak>${ssml(PROMPTS.progressive)}</speak>`;
}
