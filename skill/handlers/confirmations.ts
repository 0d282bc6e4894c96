// Every question that waits for "yes" (start, stop, run again, rollback, approve, reject), in one table: the
// intent Alexa confirms, what is said when nothing was done, and the question to fall back on. An unclear answer
// ("maybe") asks the same question again with the same intent to confirm, so a "yes" after it can only ever do
// what was asked: never another action that happens to have a question open in the same code path.

import type { Response } from 'ask-sdk-model';
import { NOT_ROLLED_BACK } from '../../core/wording';
import { confirm, PROMPTS, sayYesOrNo, startQuestion, stopRunningQuestion } from '../speech';
import type { Pending, PendingAction, Turn } from '../turn';
import { naming } from './naming';

interface Confirmation {
  /** The intent Dialog.ConfirmIntent names: its handler acts on CONFIRMED. */
  intent: string;
  /** "Okay, I didn't start anything." after "no", "stop" or "thanks". */
  notDone: string;
  /** "start anything": what a dropped question says was not done. */
  nothing: string;
  /** The question when the session kept none of its own (it was too long to keep). */
  question(pipeline: string): string;
}

export const NOT_DECIDED = "Okay, I didn't decide anything.";

export const CONFIRMATIONS: Record<PendingAction, Confirmation> = {
  start: {
    intent: 'StartBuildIntent',
    notDone: PROMPTS.notStarted,
    nothing: 'start anything',
    question: startQuestion,
  },
  again: {
    intent: 'RunAgainIntent',
    notDone: PROMPTS.notStarted,
    nothing: 'start anything',
    // The build the lost question named is still the one a "yes" runs again (pending.build).
    question: (pipeline) => `Run that ${pipeline} build again, with the same settings?`,
  },
  stop: {
    intent: 'StopBuildIntent',
    notDone: PROMPTS.notStopped,
    nothing: 'stop anything',
    question: stopRunningQuestion,
  },
  rollback: {
    intent: 'RollbackIntent',
    notDone: NOT_ROLLED_BACK,
    nothing: 'roll anything back',
    question: (pipeline) => `Roll back ${pipeline}?`,
  },
  approve: {
    intent: 'ApproveIntent',
    notDone: NOT_DECIDED,
    nothing: 'decide anything',
    question: (pipeline) => `Approve the ${pipeline} deploy?`,
  },
  reject: {
    intent: 'RejectIntent',
    notDone: NOT_DECIDED,
    nothing: 'decide anything',
    question: (pipeline) => `Reject the ${pipeline} deploy?`,
  },
};

/**
 * Asks a pending question again after an unclear answer ("maybe"): the same question, the same intent to
 * confirm (chained from whatever intent the answer was), and a note in the session that it was asked twice.
 */
export function confirmAgain(turn: Turn, pending: Pending): Response {
  const asked = CONFIRMATIONS[pending.action];
  const question = pending.question ?? asked.question(pending.pipeline);
  turn.remember({ pending: { ...pending, question, reasked: true } });
  return confirm(turn.rb, naming(undefined, asked.intent, pending.pipeline), sayYesOrNo(question));
}

/** A second unclear answer: the question is dropped, politely, and says what was not done. */
export function dropped(pending: Pending): string {
  return `I'll leave it there, so I didn't ${CONFIRMATIONS[pending.action].nothing}. Just ask again when you're ready.`;
}

/** What leaving (or thanks) in the middle of a question says: nothing was done. */
export function notDone(pending: Pending | undefined): string | undefined {
  return pending && CONFIRMATIONS[pending.action].notDone;
}
