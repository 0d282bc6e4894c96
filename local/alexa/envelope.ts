// Request envelopes exactly as the Alexa service sends them to a custom skill, typed with ask-sdk-model, so the
// skill under test cannot tell a local request from a real one. Field shapes follow ask-sdk-model 1.86.

import { randomUUID } from 'node:crypto';
import type {
  DialogState,
  Intent,
  IntentConfirmationStatus,
  IntentRequest,
  LaunchRequest,
  Request,
  RequestEnvelope,
  SessionEndedReason,
  SessionEndedRequest,
  Slot,
  slu,
} from 'ask-sdk-model';
import type { InteractionModelData } from '../../interaction-models/build-model';

/** Who speaks, on which device, to which skill: the same on every request one simulator sends. */
export interface Caller {
  skillId: string;
  userId: string;
  /** Set when Alexa recognised the speaker's voice profile. */
  personId?: string;
  deviceId: string;
  locale: string;
  /** Where the skill reaches the Alexa API (progressive responses), with the token below. */
  apiEndpoint: string;
  apiAccessToken: string;
}

export interface SessionState {
  sessionId: string;
  /** True only on the session's first request. */
  isNew: boolean;
  /** What the skill returned as sessionAttributes on the previous turn (empty on a new session). */
  attributes: Record<string, unknown>;
}

/** The words heard for a slot and, when they name one of the slot type's values, that value. */
export interface SlotFill {
  value?: string;
  resolution?: { id: string; name: string };
}

export function newSessionId(): string {
  return `amzn1.echo-api.session.${randomUUID()}`;
}

export function requestEnvelope(caller: Caller, session: SessionState, request: Request): RequestEnvelope {
  const application = { applicationId: caller.skillId };
  const user = { userId: caller.userId };
  return {
    version: '1.0',
    session: {
      new: session.isNew,
      sessionId: session.sessionId,
      application,
      attributes: session.isNew ? {} : { ...session.attributes },
      user,
    },
    context: {
      System: {
        application,
        user,
        ...(caller.personId !== undefined ? { person: { personId: caller.personId } } : {}),
        device: { deviceId: caller.deviceId, supportedInterfaces: {} },
        apiEndpoint: caller.apiEndpoint,
        apiAccessToken: caller.apiAccessToken,
      },
    },
    request,
  };
}

/** requestId, timestamp and locale: what every request carries. */
function stamp(locale: string): { requestId: string; timestamp: string; locale: string } {
  return { requestId: `amzn1.echo-api.request.${randomUUID()}`, timestamp: new Date().toISOString(), locale };
}

export function launchRequest(locale: string): LaunchRequest {
  return { type: 'LaunchRequest', ...stamp(locale) };
}

export function intentRequest(locale: string, intent: Intent, dialogState: DialogState): IntentRequest {
  return { type: 'IntentRequest', ...stamp(locale), dialogState, intent };
}

export function sessionEndedRequest(locale: string, reason: SessionEndedReason): SessionEndedRequest {
  return { type: 'SessionEndedRequest', ...stamp(locale), reason };
}

/** Entity resolution's authority for a custom slot type: one per skill and type. */
export function resolutionAuthority(skillId: string, slotType: string): string {
  return `amzn1.er-authority.echo-sdk.${skillId}.${slotType}`;
}

/**
 * A slot as Alexa fills it. Custom slot types (any `slotType` not starting with AMAZON.) get entity resolution:
 * ER_SUCCESS_MATCH with the value's id and name, or ER_SUCCESS_NO_MATCH when the words name no value. Alexa
 * leaves `values` out on no match; the model's type requires it, so it is an empty list here.
 */
export function slot(name: string, fill: SlotFill, skillId: string, slotType?: string): Slot {
  if (fill.value === undefined) return { name, confirmationStatus: 'NONE' };
  const resolutions: slu.entityresolution.Resolutions | undefined =
    slotType !== undefined && !slotType.startsWith('AMAZON.')
      ? {
          resolutionsPerAuthority: [
            {
              authority: resolutionAuthority(skillId, slotType),
              status: { code: fill.resolution ? 'ER_SUCCESS_MATCH' : 'ER_SUCCESS_NO_MATCH' },
              values: fill.resolution
                ? [{ value: { name: fill.resolution.name, id: fill.resolution.id } }]
                : [],
            },
          ],
        }
      : undefined;
  return {
    name,
    value: fill.value,
    confirmationStatus: 'NONE',
    ...(resolutions ? { resolutions } : {}),
    slotValue: { type: 'Simple', value: fill.value, ...(resolutions ? { resolutions } : {}) },
  };
}

/** The slot names and types the model declares for an intent (none for built-ins it does not extend). */
export function slotTypes(model: InteractionModelData, intentName: string): Map<string, string> {
  const intent = model.interactionModel.languageModel.intents.find((i) => i.name === intentName);
  return new Map((intent?.slots ?? []).flatMap((s) => (s.name && s.type ? [[s.name, s.type]] : [])));
}

/**
 * An intent as Alexa sends it: every slot the model declares for it is present, filled or not (and an intent
 * without slots has no `slots` at all).
 */
export function modelIntent(
  model: InteractionModelData,
  skillId: string,
  name: string,
  fills: Record<string, SlotFill> = {},
  confirmationStatus: IntentConfirmationStatus = 'NONE',
): Intent {
  const types = slotTypes(model, name);
  const names = new Set([...types.keys(), ...Object.keys(fills)]);
  if (names.size === 0) return { name, confirmationStatus };
  const slots: Record<string, Slot> = {};
  for (const slotName of names)
    slots[slotName] = slot(slotName, fills[slotName] ?? {}, skillId, types.get(slotName));
  return { name, confirmationStatus, slots };
}
