// What the skill accepts before ask-sdk-core sees a request. The SDK's skill-ID check reads
// `context.System.application.applicationId` without looking first, so `null`, a string, an array or an
// envelope without `context` throw a TypeError inside it (a stack trace in the logs, no clear refusal). Here
// every part a handler reads is checked for its shape, the envelope's size is bounded, and the skill ID must
// match in `context` (where Alexa always puts it) and in `session` when there is one. Anything else is
// refused the way a Lambda-hosted skill refuses another skill's request: the invocation fails, with a typed
// error that names the broken part and never quotes the request.

import type { RequestEnvelope } from 'ask-sdk-model';
import { RequestRefused } from '../core/errors';

/** Far above anything Alexa sends (a few KB, tens with screen context); the Lambda payload limit is 6 MB. */
export const MAX_ENVELOPE_CHARS = 256 * 1024;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** The envelope, typed, once it is well formed and for this skill; RequestRefused otherwise. */
export function verifiedEnvelope(event: unknown, skillId: string): RequestEnvelope {
  if (!isObject(event)) throw new RequestRefused('the request is not a JSON object');
  if (envelopeChars(event) > MAX_ENVELOPE_CHARS) throw new RequestRefused('the request is too large');
  const { context, session, request } = event;
  const system = isObject(context) && isObject(context.System) ? context.System : undefined;
  if (!system) throw new RequestRefused('the request has no context.System');
  const application = isObject(system.application) ? system.application.applicationId : undefined;
  if (!isText(application)) throw new RequestRefused('the request names no skill ID in context');
  if (application !== skillId)
    throw new RequestRefused('skill ID verification failed, the request is for another skill');
  if (!isObject(system.user) || !isText(system.user.userId)) {
    throw new RequestRefused('the request names no user');
  }
  if (session !== undefined) checkSession(session, skillId);
  checkRequest(request);
  return event as unknown as RequestEnvelope;
}

function checkSession(session: unknown, skillId: string): void {
  if (!isObject(session)) throw new RequestRefused('the session is not an object');
  const application = isObject(session.application) ? session.application.applicationId : undefined;
  // Alexa repeats the skill ID in the session; a different one there is another skill's session.
  if (application !== undefined && application !== skillId) {
    throw new RequestRefused('skill ID verification failed, the session is for another skill');
  }
  if (session.attributes !== undefined && !isObject(session.attributes)) {
    throw new RequestRefused('the session attributes are not an object');
  }
}

function checkRequest(request: unknown): void {
  if (!isObject(request)) throw new RequestRefused('the request has no request object');
  if (!isText(request.type)) throw new RequestRefused('the request has no type');
  if (!isText(request.requestId)) throw new RequestRefused('the request has no requestId');
  if (request.type !== 'IntentRequest') return;
  const { intent } = request;
  if (!isObject(intent) || !isText(intent.name))
    throw new RequestRefused('the intent request names no intent');
  if (intent.slots !== undefined && !isObject(intent.slots)) {
    throw new RequestRefused('the intent slots are not an object');
  }
  for (const slot of Object.values(intent.slots ?? {})) {
    if (!isObject(slot) || (slot.value != null && typeof slot.value !== 'string')) {
      throw new RequestRefused('an intent slot is malformed');
    }
  }
}

/** The envelope's size as JSON text: bounded by Lambda's payload limit, so measuring it is cheap. */
function envelopeChars(event: Json): number {
  try {
    return JSON.stringify(event).length;
  } catch {
    // A value JSON can't write (a cycle, a BigInt) never came from Alexa.
    return Infinity;
  }
}
