// Starting, running again and stopping builds. The order matters:
// 1. permission, from the core's config, before anything else: a refusal never asks to confirm, and calls no AWS;
// 2. the pipeline (named, the only one allowed, the running one for stop, the default, or asked for);
// 3. what is true now: a start (or run again) while a build runs says so at once (one status call) and asks
//    nothing; a stop with nothing running says so; a run again reads the settings it would carry over;
// 4. Dialog.ConfirmIntent with a question naming what will happen; the same intent comes back CONFIRMED or DENIED.
//    An unclear answer ("maybe", see replies.ts) asks the same question once more (confirmations.ts);
// 5. only CONFIRMED acts. Start's idempotency key is the confirmed request's id, so Alexa retrying that
//    request never starts a second build. A start whose answer doesn't come in time (the core's budget or the
//    skill's deadline) is StartOutcomeUnknown: "can't tell yet, ask me in a minute", never "try again".

import type { Response } from 'ask-sdk-model';
import type { BuildStatusFact } from '../../core/builds/facts';
import { readBuildRef } from '../../core/builds/build-ref';
import { executionArnFor, executionName } from '../../core/builds/names';
import { isAllowed } from '../../core/config/authorize';
import type { PipelineConfig } from '../../core/config/schema';
import {
  NoBuildsYet,
  NothingToStop,
  NotAuthorized,
  StartOutcomeUnknown,
  type GuardedAction,
} from '../../core/errors';
import { annotate, noteError } from '../../core/log/request';
import {
  errorSentence,
  noAnswerInTime,
  spokenList,
  stillRunning,
  voiceAgainQuestion,
  voiceStarted,
  voiceStartedAgain,
  voiceStopped,
  voiceStopQuestion,
} from '../../core/wording';
import { SkillDeadline } from '../budget';
import { answer, confirm, sayYesOrNo, startQuestion } from '../speech';
import type { Pending, Turn } from '../turn';
import { CONFIRMATIONS } from './confirmations';
import type { TurnHandler } from './handler';
import { naming } from './naming';
import { withPipeline } from './pipeline';

/** What to ask before acting, or an answer when there is nothing to confirm (no build running to stop). */
type Ask = { question: string; build?: string } | { answer: string };

interface Guarded {
  /** What the question waiting for "yes" would do; its intent and "didn't" sentence come from CONFIRMATIONS. */
  action: 'start' | 'again' | 'stop';
  /** The access rule that allows it. */
  permission: GuardedAction;
  /** A "yes" acts only on the build its question named: confirmed without one, it is asked again. */
  actsOnAskedBuild?: boolean;
  aboutRunning: boolean;
  ask(turn: Turn, pipeline: PipelineConfig, fact?: BuildStatusFact): Promise<Ask>;
  act(turn: Turn, pipeline: PipelineConfig, pending?: Pending): Promise<string>;
}

const START: Guarded = {
  action: 'start',
  permission: 'start',
  aboutRunning: false,
  ask: async (turn, pipeline, known) => {
    // One status call before asking: "yes" to a start that would be refused wastes the person's turn.
    const fact = known ?? (await latestBuild(turn, pipeline));
    if (fact?.status === 'RUNNING') return { answer: stillRunning(fact, turn.now()) };
    return { question: startQuestion(pipeline.name) };
  },
  act: async (turn, pipeline) => {
    const { core, requester, requestId } = turn;
    const request = { pipeline: pipeline.name, requester, idempotencyKey: requestId };
    return voiceStarted(await starting(turn, pipeline, () => core.start(request)), turn.now());
  },
};

/** "Run it again": a start with the settings of the build named (default: the latest), through every check. */
const AGAIN: Guarded = {
  action: 'again',
  permission: 'start',
  actsOnAskedBuild: true,
  aboutRunning: false,
  ask: async (turn, pipeline, known) => {
    const latest = known ?? (await latestBuild(turn, pipeline));
    if (latest?.status === 'RUNNING') return { answer: stillRunning(latest, turn.now()) };
    const ref = turn.buildRefSlot;
    const named = ref !== undefined && readBuildRef(ref)?.kind !== 'latest';
    const from = named ? await turn.budget.run(() => turn.core.status(pipeline.name, ref)) : latest;
    if (!from) throw new NoBuildsYet(pipeline.name);
    const { settings } = await turn.budget.run(() => turn.core.buildSettings(pipeline.name, from.name));
    return { question: voiceAgainQuestion(from, settings, turn.now()), build: from.name };
  },
  act: async (turn, pipeline, pending) => {
    const { core, requester, requestId } = turn;
    // The build the question named: its settings, not those of whatever build is latest by now.
    const build = pending?.pipeline === pipeline.name ? pending.build : undefined;
    const request = {
      pipeline: pipeline.name,
      requester,
      idempotencyKey: requestId,
      ...(build ? { build } : {}),
    };
    return voiceStartedAgain(await starting(turn, pipeline, () => core.again(request)), turn.now());
  },
};

const STOP: Guarded = {
  action: 'stop',
  permission: 'stop',
  aboutRunning: true,
  ask: async (turn, pipeline, known) => {
    const fact = known ?? (await turn.budget.run(() => turn.core.status(pipeline.name)));
    if (fact.status !== 'RUNNING') {
      const none = new NothingToStop(pipeline.name);
      noteError(none);
      return { answer: errorSentence(none) };
    }
    return { question: voiceStopQuestion(fact, turn.now()), build: fact.name };
  },
  act: async (turn, pipeline, pending) => {
    // Stop the build the question named: if it ended meanwhile, a newer build is not stopped by surprise.
    const build = pending?.pipeline === pipeline.name ? pending.build : undefined;
    const result = await turn.budget
      .run(() =>
        turn.core.stop({
          pipeline: pipeline.name,
          build,
          requester: turn.requester,
        }),
      )
      .catch(unanswered('stop'));
    return typeof result === 'string' ? result : voiceStopped(result);
  },
};

/** The pipeline's latest build, or undefined when it has none yet (a first start is a start like any other). */
async function latestBuild(turn: Turn, pipeline: PipelineConfig): Promise<BuildStatusFact | undefined> {
  try {
    return await turn.budget.run(() => turn.core.status(pipeline.name));
  } catch (error) {
    if (error instanceof NoBuildsYet) return undefined;
    throw error;
  }
}

/** A start within the turn's budget; past the skill's own deadline it may be on its way, under the key's name. */
async function starting<T>(turn: Turn, pipeline: PipelineConfig, start: () => Promise<T>): Promise<T> {
  return turn.budget.run(start).catch((error: unknown) => {
    if (!(error instanceof SkillDeadline)) throw error;
    throw startUnanswered(pipeline, turn.requestId);
  });
}

/** The start's build name follows from the request id, so the answer can name the build to ask about. */
function startUnanswered(pipeline: PipelineConfig, requestId: string): StartOutcomeUnknown {
  const name = executionName(pipeline.name, requestId);
  return new StartOutcomeUnknown(pipeline.name, name, executionArnFor(pipeline.stateMachineArn, name));
}

/** The deadline passed after asking AWS to act: the change may still happen, so don't say it didn't. */
function unanswered(action: 'stop') {
  return (error: unknown): string => {
    if (error instanceof SkillDeadline) {
      noteError(error);
      return noAnswerInTime(action);
    }
    throw error;
  };
}

async function guarded(turn: Turn, g: Guarded): Promise<Response> {
  const { intent: intentName, notDone } = CONFIRMATIONS[g.action];
  if (turn.confirmation === 'DENIED') return answer(turn.rb, notDone);
  const pending = turn.memory.pending?.action === g.action ? turn.memory.pending : undefined;
  const allowed = turn.core.pipelines.filter((p) => isAllowed(p, g.permission, turn.requester));
  if (allowed.length === 0) return refuse(turn, g.permission, namedOrAll(turn));
  const options = { among: allowed, preferRunning: g.aboutRunning, remembered: pending?.pipeline };
  return withPipeline(turn, options, async (pipeline, fact) => {
    if (!isAllowed(pipeline, g.permission, turn.requester)) return refuse(turn, g.permission, [pipeline]);
    const askedBuild = pending?.pipeline === pipeline.name && pending.build !== undefined;
    if (turn.confirmation === 'CONFIRMED' && (askedBuild || !g.actsOnAskedBuild)) {
      return answer(turn.rb, await g.act(turn, pipeline, pending));
    }
    const ask = await g.ask(turn, pipeline, fact);
    if ('answer' in ask) return answer(turn.rb, ask.answer);
    const asked: Pending = { action: g.action, pipeline: pipeline.name, question: ask.question };
    if (ask.build) asked.build = ask.build;
    turn.remember({ pending: asked });
    // Silence hears the question again, with what to answer.
    const intent = naming(turn.intent, intentName, pipeline.name);
    return confirm(turn.rb, intent, ask.question, sayYesOrNo(ask.question));
  });
}

/** The core's refusal: "Sorry, you're not allowed to start prod or dev builds. Nothing was changed." */
function refuse(turn: Turn, action: GuardedAction, pipelines: PipelineConfig[]): Response {
  const names = spokenList(
    pipelines.map((p) => p.name),
    'or',
  );
  const [only] = pipelines;
  if (pipelines.length === 1 && only) annotate({ pipeline: only.name });
  const refusal = new NotAuthorized(action, names, turn.requester.id);
  noteError(refusal);
  return answer(turn.rb, errorSentence(refusal, turn.now()));
}

/** The pipeline the person named, for a refusal; all of them when none (or an unknown one) was named. */
function namedOrAll(turn: Turn): PipelineConfig[] {
  const named = turn.pipelineSlot;
  if (named === undefined) return turn.core.pipelines;
  try {
    return [turn.core.pipeline(named)];
  } catch {
    return turn.core.pipelines;
  }
}

export const startStopHandlers: TurnHandler[] = [START, AGAIN, STOP].map((g) => ({
  intents: [CONFIRMATIONS[g.action].intent],
  handle: (turn) => guarded(turn, g),
}));
