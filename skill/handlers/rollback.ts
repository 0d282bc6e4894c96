// "Alexa, ask SageBuild to roll back prod": the core's question first (which build's model comes back, and
// which it replaces), Dialog.ConfirmIntent, and only CONFIRMED acts, on the build the question named. Only
// people in the pipeline's `rollback` access are asked at all; anyone else hears why, and nothing changes.

import type { Response } from 'ask-sdk-model';
import { isAllowed } from '../../core/config/authorize';
import { NotAuthorized } from '../../core/errors';
import { noteError } from '../../core/log/request';
import {
  errorSentence,
  rollbackQuestion,
  rollbackUnanswered,
  rolledBack,
  spokenList,
} from '../../core/wording';
import { SkillDeadline } from '../budget';
import { answer, confirm } from '../speech';
import type { Turn } from '../turn';
import type { TurnHandler } from './handler';
import { withPipeline } from './pipeline';
import { CONFIRMATIONS } from './confirmations';
import { naming } from './naming';

const INTENT = CONFIRMATIONS.rollback.intent;

async function rollbackTurn(turn: Turn): Promise<Response> {
  if (turn.confirmation === 'DENIED') return answer(turn.rb, CONFIRMATIONS.rollback.notDone);
  const pending = turn.memory.pending?.action === 'rollback' ? turn.memory.pending : undefined;
  const allowed = turn.core.pipelines.filter((p) => isAllowed(p, 'rollback', turn.requester));
  if (allowed.length === 0) return refuse(turn, namedOrAll(turn));
  const options = { among: allowed, remembered: pending?.pipeline };
  return withPipeline(turn, options, async (pipeline) => {
    if (!isAllowed(pipeline, 'rollback', turn.requester)) return refuse(turn, [pipeline.name]);
    const request = { pipeline: pipeline.name, requester: turn.requester };
    if (turn.confirmation === 'CONFIRMED') {
      // The build the question offered: if the endpoint changed meanwhile, the core says so rather than
      // rolling back to something nobody confirmed.
      const to = pending?.pipeline === pipeline.name ? pending.build : undefined;
      try {
        const result = await turn.budget.run(() => turn.core.rollback({ ...request, ...(to ? { to } : {}) }));
        return answer(turn.rb, rolledBack(result, turn.now(), true));
      } catch (error) {
        // The update may be on its way: say how to find out, never "try again".
        if (!(error instanceof SkillDeadline)) throw error;
        noteError(error);
        return answer(turn.rb, rollbackUnanswered(pipeline.name));
      }
    }
    const plan = await turn.budget.run(() => turn.core.rollbackPlan(request));
    const question = rollbackQuestion(plan, turn.now(), true);
    turn.remember({
      pending: { action: 'rollback', pipeline: pipeline.name, build: plan.to.name, question },
    });
    return confirm(turn.rb, naming(turn.intent, INTENT, pipeline.name), question);
  });
}

/** The pipeline the person named, for a refusal; all of them when none (or an unknown one) was named. */
function namedOrAll(turn: Turn): string[] {
  const named = turn.pipelineSlot;
  try {
    if (named !== undefined) return [turn.core.pipeline(named).name];
  } catch {
    // An unknown name: the refusal covers every pipeline.
  }
  return turn.core.pipelines.map((p) => p.name);
}

function refuse(turn: Turn, pipelines: string[]): Response {
  const refusal = new NotAuthorized('rollback', spokenList(pipelines, 'or'), turn.requester.id);
  noteError(refusal);
  return answer(turn.rb, errorSentence(refusal, turn.now()));
}

export const rollbackHandlers: TurnHandler[] = [{ intents: [INTENT], handle: rollbackTurn }];
