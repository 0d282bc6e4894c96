// The skill's speech glue, in one place: SSML escaping, how answers and questions end (or keep) the session,
// and the few prompts only a voice front needs. Every fact sentence comes from core/wording; this file only
// wraps them, and reuses core sentences wherever one exists ("Which pipeline: prod or dev?").

import { escapeXmlCharacters, type ResponseBuilder } from 'ask-sdk-core';
import type { Intent, Response } from 'ask-sdk-model';
import type { BuildStatusFact } from '../core/builds/facts';
import { PipelineAmbiguous } from '../core/errors';
import { errorSentence, spokenDuration, spokenList, stepLabel } from '../core/wording';

/** Plain text (core sentences, names from AWS) made safe inside <speak>: "&" and "<" would break the SSML. */
export function ssml(...parts: string[]): string {
  return parts
    .map((part) => part.trim())
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
  // Said when the skill's own deadline passes before AWS answers: Alexa hangs up after 8 seconds.
  awsSlow: "AWS is slow to answer right now, so I couldn't check. Please try again in a minute.",
  notStarted: "Okay, I didn't start anything.",
  notStopped: "Okay, I didn't stop anything.",
  fallback: "Sorry, SageBuild can't help with that.",
  yesToNothing: "Sorry, I'm not sure what you're saying yes to.",
  whichOne: 'Which one do you mean?',
} as const;

const CAN_ASK =
  'You can ask: is my build done, give me details, how long until it is done, why did my build fail, ' +
  'how did the last build go, or is my endpoint up. You can also say start a build, or stop my build.';

/** What people can ask, and which pipelines there are. */
export function helpText(pipelines: string[]): string {
  const names =
    pipelines.length === 1
      ? `Your pipeline is ${pipelines[0]}.`
      : `Your pipelines are ${spokenList(pipelines)}.`;
  return `${CAN_ASK} ${names}`;
}

export function startQuestion(pipeline: string): string {
  return `Start a new ${pipeline} build?`;
}

/** "Stop the prod build prod-abc, which has been training the model for 12 minutes?" */
export function stopQuestion(fact: BuildStatusFact): string {
  const step = fact.currentStep ? fact.currentStep.label || stepLabel(fact.currentStep.name) : 'running';
  return `Stop the ${fact.pipeline} build ${fact.name}, which has been ${step} for ${spokenDuration(fact.elapsedMs)}?`;
}

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

/** Asks Alexa to confirm `intent`; the answer comes back as the same intent, CONFIRMED or DENIED. */
export function confirm(rb: ResponseBuilder, intent: Intent, text: string): Response {
  rb.addConfirmIntentDirective(intent);
  return question(rb, [], text);
}

/** Nothing to say: only for SessionEndedRequest, where Alexa ignores any speech. */
export function silence(rb: ResponseBuilder): Response {
  return rb.getResponse();
}

/** The progressive response's SSML: said while the core is still asking AWS. */
export function progressiveSsml(): string {
  return `<speak>${ssml(PROMPTS.progressive)}</speak>`;
}
