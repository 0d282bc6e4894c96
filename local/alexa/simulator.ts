// A stand-in for the Alexa service, for one user on one device: it hears utterances, understands them through
// the interaction model (the same matcher the model tests use), sends the skill the request envelopes Alexa
// would send, and keeps the session across turns as Alexa does. It knows Alexa's rules (invocation phrases,
// sessions, dialog directives), never what the skill's intents mean.

import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type {
  dialog,
  Directive,
  Intent,
  IntentConfirmationStatus,
  Request,
  RequestEnvelope,
  ResponseEnvelope,
  SessionEndedReason,
} from 'ask-sdk-model';
import type { InteractionModelData } from '../../interaction-models/build-model';
import { matchSlotValue, matchUtterance, stripInvocation } from '../../interaction-models/matcher';
import {
  intentRequest,
  launchRequest,
  modelIntent,
  newSessionId,
  requestEnvelope,
  sessionEndedRequest,
  slot,
  slotTypes,
  type Caller,
} from './envelope';
import { spokenText } from './speech';

/** How long Alexa waits for a skill's answer before it gives up on it. */
export const ALEXA_TIMEOUT_MS = 8000;

export interface AlexaSimulatorOptions {
  model: InteractionModelData;
  /** The skill, as Alexa reaches it: one request envelope in, one response envelope out. */
  invoke: (event: RequestEnvelope) => Promise<ResponseEnvelope>;
  skillId: string;
  userId: string;
  personId?: string;
  locale?: string;
  deviceId?: string;
  /**
   * The Alexa API the skill may call back (progressive responses): the fake API's URL. Without one, a closed
   * local port, so a stray call fails at once instead of reaching the real Alexa API.
   */
  apiEndpoint?: string;
  apiAccessToken?: string;
  /** How long the skill may take before the turn counts as timed out (default: Alexa's 8 s). */
  timeoutMs?: number;
}

export interface Turn {
  request: RequestEnvelope;
  response: ResponseEnvelope;
  /** What Alexa says: the output speech with SSML tags stripped and entities unescaped. */
  speech: string;
  reprompt?: string;
  /** True when the session is over: the next utterance starts a new one. */
  ended: boolean;
  directives: Directive[];
  /** How long the skill took to answer. */
  elapsedMs: number;
  /** The skill took longer than Alexa waits (8 s): a real user would have heard an error instead. */
  timedOut: boolean;
}

/** The dialog directives Alexa acts on for the next utterance. */
type PendingDialog = dialog.ConfirmIntentDirective | dialog.ElicitSlotDirective;

interface OpenSession {
  id: string;
  requests: number;
  attributes: Record<string, unknown>;
  /** The intent of the last IntentRequest: what a confirmation or an elicited slot continues. */
  lastIntent?: Intent;
  pending?: PendingDialog;
}

const CLOSED_PORT_ENDPOINT = 'http://127.0.0.1:1';

export class AlexaSimulator {
  private readonly caller: Caller;
  private session?: OpenSession;

  constructor(private readonly options: AlexaSimulatorOptions) {
    this.caller = {
      skillId: options.skillId,
      userId: options.userId,
      personId: options.personId,
      deviceId: options.deviceId ?? `amzn1.ask.device.LOCAL-${randomUUID()}`,
      locale: options.locale ?? 'en-US',
      apiEndpoint: options.apiEndpoint ?? CLOSED_PORT_ENDPOINT,
      apiAccessToken: options.apiAccessToken ?? `local-alexa-token-${randomUUID()}`,
    };
  }

  /** Whether Alexa is listening for a follow-up inside the skill's session. */
  get inSession(): boolean {
    return this.session !== undefined;
  }

  /**
   * One thing the user says. "open sage build" launches; "ask sage build (to) ..." starts a new session with
   * the rest; anything else continues the open session or, with none open, is a one-shot "ask sage build ...".
   */
  async say(utterance: string): Promise<Turn> {
    const invocation = stripInvocation(utterance);
    if (invocation.launch) return this.send(this.newSession(), launchRequest(this.caller.locale));
    const words = invocation.rest ?? '';
    if (invocation.invoked) return this.send(this.newSession(), this.understand(words));
    const session = this.session;
    if (session && /^(exit|quit)$/.test(words)) {
      // Alexa handles "exit" itself: the skill only hears that the session ended.
      return this.send(session, sessionEndedRequest(this.caller.locale, 'USER_INITIATED'));
    }
    return this.send(session ?? this.newSession(), this.understand(words, session));
  }

  /** Ends the open session the way Alexa does when the user leaves or stops answering; no-op without one. */
  async end(reason: SessionEndedReason = 'USER_INITIATED'): Promise<Turn | undefined> {
    if (!this.session) return undefined;
    return this.send(this.session, sessionEndedRequest(this.caller.locale, reason));
  }

  private newSession(): OpenSession {
    return { id: newSessionId(), requests: 0, attributes: {} };
  }

  /** Words to an IntentRequest, through the dialog directive the skill left pending, if any. */
  private understand(words: string, session?: OpenSession): Request {
    const { model, skillId } = this.options;
    const pending = session?.pending;
    const continued = pending?.updatedIntent ?? session?.lastIntent;
    if (pending?.type === 'Dialog.ConfirmIntent' && continued) {
      const answer = confirmation(matchUtterance(model, words).intent);
      if (answer)
        return intentRequest(this.caller.locale, { ...continued, confirmationStatus: answer }, 'IN_PROGRESS');
    }
    if (pending?.type === 'Dialog.ElicitSlot' && continued) {
      const slotType = slotTypes(model, continued.name).get(pending.slotToElicit);
      const heard = slotType !== undefined ? matchSlotValue(model, slotType, words) : undefined;
      if (heard) {
        const filled = slot(pending.slotToElicit, heard, skillId, slotType);
        const intent = { ...continued, slots: { ...continued.slots, [pending.slotToElicit]: filled } };
        return intentRequest(this.caller.locale, intent, 'IN_PROGRESS');
      }
    }
    // Anything else is a new request, as when a user answers a question with another question.
    const match = matchUtterance(model, words);
    return intentRequest(
      this.caller.locale,
      modelIntent(model, skillId, match.intent, match.slots),
      'STARTED',
    );
  }

  private async send(session: OpenSession, request: Request): Promise<Turn> {
    const event = requestEnvelope(
      this.caller,
      { sessionId: session.id, isNew: session.requests === 0, attributes: session.attributes },
      request,
    );
    session.requests += 1;
    if (request.type === 'IntentRequest') session.lastIntent = request.intent;
    session.pending = undefined;
    const started = performance.now();
    let response: ResponseEnvelope;
    try {
      response = await this.options.invoke(event);
    } catch (error) {
      // Alexa ends the session when the skill fails, and tells the user it could not help.
      this.session = undefined;
      throw error;
    }
    const elapsedMs = performance.now() - started;
    const directives = response.response.directives ?? [];
    const pending = directives.find(isPendingDialog);
    const ended = request.type === 'SessionEndedRequest' || sessionEnds(response, pending !== undefined);
    if (ended) this.session = undefined;
    else {
      session.attributes = { ...(response.sessionAttributes ?? {}) };
      session.pending = pending;
      this.session = session;
    }
    const reprompt = response.response.reprompt?.outputSpeech;
    return {
      request: event,
      response,
      speech: spokenText(response.response.outputSpeech),
      ...(reprompt ? { reprompt: spokenText(reprompt) } : {}),
      ended,
      directives,
      elapsedMs,
      timedOut: elapsedMs > (this.options.timeoutMs ?? ALEXA_TIMEOUT_MS),
    };
  }
}

/**
 * Whether Alexa closes the session after this response. `shouldEndSession: true` closes it and `false` keeps
 * it open. Left out, devices differ; here the session stays open only when there is something to answer: a
 * reprompt, or a dialog directive (Alexa always listens after one).
 */
function sessionEnds(response: ResponseEnvelope, dialogPending: boolean): boolean {
  const { shouldEndSession, reprompt } = response.response;
  if (shouldEndSession !== undefined) return shouldEndSession;
  return !reprompt && !dialogPending;
}

function isPendingDialog(directive: Directive): directive is PendingDialog {
  return directive.type === 'Dialog.ConfirmIntent' || directive.type === 'Dialog.ElicitSlot';
}

/** A yes or a no to "Should I ...?", as the model's built-in Yes and No intents hear it. */
function confirmation(intentName: string): IntentConfirmationStatus | undefined {
  if (intentName === 'AMAZON.YesIntent') return 'CONFIRMED';
  if (intentName === 'AMAZON.NoIntent') return 'DENIED';
  return undefined;
}
