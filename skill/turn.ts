// One request, as the handlers see it: who asked, which intent and pipeline slot, what the previous turn left in
// the session (an offer of details, a start or stop waiting for "yes"), and the request's time budget.

import type { HandlerInput, ResponseBuilder } from 'ask-sdk-core';
import type { Intent, IntentConfirmationStatus, IntentRequest } from 'ask-sdk-model';
import { splitSpokenBuildRef } from '../core/builds/build-ref';
import type { Requester } from '../core/builds/facts';
import type { SageBuild } from '../core/sagebuild';
import { Budget } from './budget';
import { sendProgressive } from './progressive';

export interface SkillSettings {
  core: SageBuild;
  now: () => Date;
  progressiveAfterMs: number;
  deadlineMs: number;
}

/** What a turn leaves for the next one, in the session attributes. */
export interface Memory {
  /** A status answer offered "Want the details?" for this pipeline. */
  offer?: { kind: 'details'; pipeline: string };
  /**
   * A start, stop or rollback asked for confirmation; `build` is the build the stop question named, or the
   * build a rollback question offered to go back to.
   */
  pending?: Pending;
}

/** What a question waiting for "yes" would do. */
export const PENDING_ACTIONS = ['start', 'again', 'stop', 'rollback', 'approve', 'reject'] as const;
export type PendingAction = (typeof PENDING_ACTIONS)[number];

/** A start, stop, run again, rollback or decision waiting for "yes". */
export interface Pending {
  action: PendingAction;
  pipeline: string;
  build?: string;
  /** The question asked, to ask it again after an unclear answer. */
  question?: string;
  /** It was asked again once already: a second unclear answer drops it. */
  reasked?: boolean;
}

/** Longest question kept in the session: ours are far shorter; the device could send back anything. */
const MAX_QUESTION_CHARS = 1500;

export class Turn {
  readonly requester: Requester;
  readonly budget: Budget;
  /** What the previous turn remembered. The session starts each turn empty: stale offers never linger. */
  readonly memory: Memory;

  constructor(
    readonly input: HandlerInput,
    private readonly settings: SkillSettings,
  ) {
    this.requester = requesterOf(input);
    this.budget = new Budget({
      progressiveAfterMs: settings.progressiveAfterMs,
      deadlineMs: settings.deadlineMs,
      sendProgressive: () => sendProgressive(input),
    });
    // Out-of-session requests (none reach this skill today) have no attributes at all.
    const inSession = input.requestEnvelope.session !== undefined;
    this.memory = inSession ? readMemory(input.attributesManager.getSessionAttributes()) : {};
    if (inSession) input.attributesManager.setSessionAttributes({});
  }

  get core(): SageBuild {
    return this.settings.core;
  }

  get rb(): ResponseBuilder {
    return this.input.responseBuilder;
  }

  now(): Date {
    return this.settings.now();
  }

  get requestId(): string {
    return this.input.requestEnvelope.request.requestId;
  }

  /** The intent, for intent requests. */
  get intent(): Intent | undefined {
    const request = this.input.requestEnvelope.request;
    return request.type === 'IntentRequest' ? (request as IntentRequest).intent : undefined;
  }

  get confirmation(): IntentConfirmationStatus {
    return this.intent?.confirmationStatus ?? 'NONE';
  }

  /**
   * The pipeline the person named: the slot's resolved id (the pipeline name), else what they said, without
   * the words that name a build ("last prod" is prod).
   */
  get pipelineSlot(): string | undefined {
    const said = this.slotText;
    if (said === undefined) return undefined;
    const ref = splitSpokenBuildRef(
      said,
      this.core.pipelines.map((p) => p.name),
    );
    return ref ? ref.pipeline : said;
  }

  /** The build the pipeline slot's words name ("last", "yesterday's"), if they name one. */
  get buildRefSlot(): string | undefined {
    const said = this.slotText;
    return said === undefined
      ? undefined
      : splitSpokenBuildRef(
          said,
          this.core.pipelines.map((p) => p.name),
        )?.build;
  }

  private get slotText(): string | undefined {
    const slot = this.intent?.slots?.pipeline;
    if (!slot) return undefined;
    // Shapes checked as read: skill/envelope.ts vouches for the slot, not for what Alexa nests inside it.
    const authorities = slot.resolutions?.resolutionsPerAuthority;
    for (const authority of Array.isArray(authorities) ? authorities : []) {
      const id =
        authority?.status?.code === 'ER_SUCCESS_MATCH' ? authority.values?.[0]?.value?.id : undefined;
      if (typeof id === 'string' && id) return id;
    }
    // Any length goes to the core, which bounds a name before matching it and quotes only its start.
    return slot.value?.trim() || undefined;
  }

  remember(memory: Memory): void {
    if (this.input.requestEnvelope.session) this.input.attributesManager.setSessionAttributes({ ...memory });
  }
}

/** Alexa's account id, and the recognized person's id when voice profiles are on. */
function requesterOf(input: HandlerInput): Requester {
  const system = input.requestEnvelope.context.System;
  const personId = system.person?.personId;
  return {
    id: `alexa:${system.user.userId}`,
    groups: personId ? [`alexa-person:${personId}`] : [],
    // Pipelines limited to some places can list "alexa" among them.
    place: 'alexa',
  };
}

/** Session attributes come back from the device: keep only well-formed entries. */
function readMemory(attributes: Record<string, unknown>): Memory {
  const memory: Memory = {};
  const offer = attributes.offer as Memory['offer'] | undefined;
  if (offer?.kind === 'details' && typeof offer.pipeline === 'string') {
    memory.offer = { kind: 'details', pipeline: offer.pipeline };
  }
  const pending = attributes.pending as Memory['pending'] | undefined;
  if (pending && PENDING_ACTIONS.includes(pending.action) && typeof pending.pipeline === 'string') {
    memory.pending = { action: pending.action, pipeline: pending.pipeline };
    if (typeof pending.build === 'string') memory.pending.build = pending.build;
    const question = pending.question;
    if (typeof question === 'string' && question.length <= MAX_QUESTION_CHARS)
      memory.pending.question = question;
    if (pending.reasked === true) memory.pending.reasked = true;
  }
  return memory;
}
