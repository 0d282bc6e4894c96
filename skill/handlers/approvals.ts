// Approval gates by voice. "Is anything waiting for me?" reads, for the person's own gates, the new model
// next to the live one first, then what waits and for how long. "Approve the prod deploy" and "reject it" say
// the same and ask ("... Approve it?", Dialog.ConfirmIntent); only CONFIRMED decides, on the build the question
// named. Only the pipeline's approvers are asked at all (the Alexa account or voice profile matched against
// `approval.approvers` as access rules match it); anyone else hears who may, and nothing changes. A spoken
// rejection's reason is "rejected by voice". Build names are never read aloud.

import type { Response } from 'ask-sdk-model';
import { approverPatterns, configuredApproverNames, isApprover } from '../../core/approvals/approvers';
import type { ApprovalFact } from '../../core/approvals/facts';
import type { PipelineConfig } from '../../core/config/schema';
import { NoApprovalWaiting } from '../../core/errors';
import { noteError } from '../../core/log/request';
import {
  errorSentence,
  NOTHING_WAITING,
  onlyApprovers,
  spokenComparison,
  spokenDecision,
  spokenDecisionQuestion,
  spokenWaiting,
} from '../../core/wording';
import { answer, confirm, question } from '../speech';
import type { Turn } from '../turn';
import type { TurnHandler } from './handler';
import { withPipeline } from './pipeline';
import { CONFIRMATIONS, NOT_DECIDED } from './confirmations';
import { naming } from './naming';

const INTENTS = {
  list: 'ApprovalsIntent',
  approve: CONFIRMATIONS.approve.intent,
  reject: CONFIRMATIONS.reject.intent,
} as const;
/** The reason a rejection by voice records: people don't dictate sentences to a speaker. */
export const VOICE_REJECT_REASON = 'rejected by voice';
const SAY_WHAT = 'Say approve it, or reject it.';

/** The pipelines with a gate this person may decide. */
function approverPipelines(turn: Turn): PipelineConfig[] {
  return turn.core.pipelines.filter((p) => p.approval && isApprover(p, turn.requester));
}

/** What the person hears before deciding: the comparison first, then what waits. */
async function briefing(turn: Turn, fact: ApprovalFact): Promise<string> {
  const comparison = await turn.budget
    .run(() => turn.core.compareWithLive(fact.pipeline, fact.build))
    .catch((error: unknown) => {
      // The decision can still be made without it: the gate's own facts are said.
      noteError(error);
      return undefined;
    });
  return [comparison ? spokenComparison(comparison) : '', spokenWaiting(fact, turn.now())]
    .filter(Boolean)
    .join(' ');
}

async function listTurn(turn: Turn): Promise<Response> {
  const mine = approverPipelines(turn).filter(
    (p) => !turn.pipelineSlot || p.name === turn.core.pipeline(turn.pipelineSlot).name,
  );
  if (mine.length === 0) return answer(turn.rb, NOTHING_WAITING);
  const found = await turn.budget.run(() => Promise.all(mine.map((p) => turn.core.approvals(p.name))));
  const [first, ...more] = found.flat();
  if (!first) return answer(turn.rb, NOTHING_WAITING);
  const also =
    more.length > 0 ? `${more.length === 1 ? 'One more waits' : `${more.length} more wait`} too.` : '';
  return question(turn.rb, [await briefing(turn, first), also].filter(Boolean), SAY_WHAT);
}

function decisionTurn(decision: 'approved' | 'rejected') {
  const intentName = decision === 'approved' ? INTENTS.approve : INTENTS.reject;
  const action = decision === 'approved' ? 'approve' : 'reject';
  return async (turn: Turn): Promise<Response> => {
    if (turn.confirmation === 'DENIED') return answer(turn.rb, NOT_DECIDED);
    const pending = turn.memory.pending?.action === action ? turn.memory.pending : undefined;
    const among = approverPipelines(turn);
    const gated = turn.core.pipelines.filter((p) => p.approval);
    return withPipeline(
      turn,
      { among: among.length > 0 ? among : gated, remembered: pending?.pipeline },
      async (pipeline) => {
        if (!isApprover(pipeline, turn.requester)) {
          return answer(
            turn.rb,
            onlyApprovers(
              pipeline.name,
              configuredApproverNames(pipeline),
              approverPatterns(pipeline).length > 0,
            ),
          );
        }
        if (turn.confirmation === 'CONFIRMED') {
          const build = pending?.pipeline === pipeline.name ? pending.build : undefined;
          const request = { pipeline: pipeline.name, requester: turn.requester, ...(build ? { build } : {}) };
          const result = await turn.budget.run(() =>
            decision === 'approved'
              ? turn.core.approve(request)
              : turn.core.reject({ ...request, reason: VOICE_REJECT_REASON }),
          );
          return answer(turn.rb, spokenDecision(result, turn.now()));
        }
        const [fact] = await turn.budget.run(() => turn.core.approvals(pipeline.name));
        if (!fact) {
          const none = new NoApprovalWaiting(pipeline.name);
          noteError(none);
          return answer(turn.rb, errorSentence(none, turn.now()));
        }
        const asked = `${await briefing(turn, fact)} ${spokenDecisionQuestion(decision)}`;
        turn.remember({ pending: { action, pipeline: pipeline.name, build: fact.build, question: asked } });
        return confirm(turn.rb, naming(turn.intent, intentName, pipeline.name), asked);
      },
    );
  };
}

export const approvalHandlers: TurnHandler[] = [
  { intents: [INTENTS.list], handle: listTurn },
  { intents: [INTENTS.approve], handle: decisionTurn('approved') },
  { intents: [INTENTS.reject], handle: decisionTurn('rejected') },
];
