// The Alexa skill: a thin voice front on the core. envelope.ts checks the request's shape, size and skill ID
// before ask-sdk-core sees it (the SDK checks the ID again), every handler answers with core sentences wrapped
// by speech.ts, and the error handler makes sure no verified request ever gets an empty or failed response.

import {
  DefaultApiClient,
  SkillBuilders,
  type HandlerInput,
  type RequestHandler,
  type RequestInterceptor,
} from 'ask-sdk-core';
import type { IntentRequest, ResponseEnvelope } from 'ask-sdk-model';
import { ConfigError } from '../core/errors';
import { annotate } from '../core/log/request';
import type { SageBuild } from '../core/sagebuild';
import { verifiedEnvelope } from './envelope';
import { errorHandler, HANDLERS, type TurnHandler } from './handlers';
import { Turn, type SkillSettings } from './turn';

export { HANDLED_INTENTS } from './handlers';

export const DEFAULT_PROGRESSIVE_AFTER_MS = 1000;
/** Alexa waits 8 s; past 6.5 s the skill answers "AWS is slow" with time left to speak. */
export const DEFAULT_DEADLINE_MS = 6500;

export interface SkillDeps {
  core: SageBuild;
  skillId: string;
  now?: () => Date;
  /** When to send "Checking your build..."; defaults to the config's alexa.progressiveAfterMs. */
  progressiveAfterMs?: number;
  /** When to stop waiting for the core and say AWS is slow. */
  deadlineMs?: number;
}

/** The skill as Lambda and the simulators call it: any event in, a response out, or a RequestRefused. */
export interface SageBuildSkill {
  invoke(event: unknown, context?: unknown): Promise<ResponseEnvelope>;
}

export function createSkill(deps: SkillDeps): SageBuildSkill {
  const now = deps.now ?? (() => new Date());
  const settings: SkillSettings = {
    core: deps.core,
    now,
    progressiveAfterMs:
      deps.progressiveAfterMs ?? deps.core.config.alexa?.progressiveAfterMs ?? DEFAULT_PROGRESSIVE_AFTER_MS,
    deadlineMs: deps.deadlineMs ?? DEFAULT_DEADLINE_MS,
  };
  assertBudgetFits(deps.core.config.aws.budgetMs, settings.deadlineMs);
  const skill = SkillBuilders.custom()
    .withSkillId(deps.skillId)
    .withApiClient(new DefaultApiClient())
    .addRequestInterceptors(LOG_CONTEXT)
    .addRequestHandlers(...HANDLERS.map((h) => requestHandler(h, settings)))
    .addErrorHandlers(errorHandler(now))
    .create();
  return {
    // Async, so a refusal is a rejected promise like any other failure, never a synchronous throw.
    invoke: async (event, context) => skill.invoke(verifiedEnvelope(event, deps.skillId), context),
  };
}

/**
 * The core must give up on AWS before the skill stops waiting: otherwise a start the skill already answered
 * for ("I can't tell whether it started") could still go through after Lambda thaws.
 */
function assertBudgetFits(budgetMs: number, deadlineMs: number): void {
  if (budgetMs < deadlineMs) return;
  throw new ConfigError(
    `aws.budgetMs (${budgetMs} ms) must be below the skill's ${deadlineMs} ms deadline, so answers fit Alexa's 8 seconds.`,
    'aws.budgetMs',
  );
}

function requestHandler(handler: TurnHandler, settings: SkillSettings): RequestHandler {
  return {
    canHandle: (input) => answers(handler, input),
    handle: (input) => handler.handle(new Turn(input, settings)),
  };
}

/**
 * The request's log fields, once the skill ID passed: the intent (or request type), whether it confirms, and
 * who asked (the logger shortens Alexa's long IDs). The pipeline comes once a handler has chosen it.
 */
const LOG_CONTEXT: RequestInterceptor = {
  process: (input) => {
    const { request, context } = input.requestEnvelope;
    const intent = request.type === 'IntentRequest' ? (request as IntentRequest).intent : undefined;
    const person = context.System.person?.personId;
    annotate({
      action: intent?.name ?? request.type,
      ...(intent && intent.confirmationStatus !== 'NONE' ? { confirmation: intent.confirmationStatus } : {}),
      user: person ? `alexa-person:${person}` : `alexa:${context.System.user.userId}`,
    });
  },
};

function answers(handler: TurnHandler, input: HandlerInput): boolean {
  const request = input.requestEnvelope.request;
  if (request.type === 'IntentRequest') {
    return handler.intents?.includes((request as IntentRequest).intent.name) ?? false;
  }
  return handler.requestType === request.type;
}
