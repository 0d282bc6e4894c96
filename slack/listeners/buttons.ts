// The buttons that change things, Start, Run again and Stop, each behind Slack's confirm dialog. The dialog asks the
// core's question (the one Alexa asks before acting), so whichever way a build is started or stopped, the
// question is the same. Every confirm button is made here; nothing here depends on the listeners, so it can
// move next to the build card (slack/cards) and serve the card's Stop too.

import type { Button } from '@slack/types';
import type { BuildStatusFact, BuildSummary } from '../../core/builds/facts';
import { againQuestion, startQuestion, stopQuestion } from '../../core/wording';
import { buttonValue, CARD_ACTIONS } from '../cards/actions';
import { SLACK_LIMITS } from '../cards/build-card';
import { fit } from '../cards/mrkdwn';

/** The Start button's action, under a plain-language "start a build"; its handler lives with the card buttons. */
export const START_ACTION = 'build_start';

export const BUTTON_WORDS = {
  start: 'Start',
  runAgain: 'Run again',
  stop: 'Stop',
  confirmTitle: 'Are you sure?',
  yesStart: 'Start it',
  yesStop: 'Stop it',
  noStart: 'Cancel',
  noStop: 'Keep it running',
};

const plain = (text: string, max: number) => ({
  type: 'plain_text' as const,
  text: fit(text, max),
  emoji: true,
});

interface Confirmed {
  actionId: string;
  label: string;
  value: string;
  style: 'primary' | 'danger';
  question: string;
  yes: string;
  no: string;
}

function confirmedButton(b: Confirmed): Button {
  return {
    type: 'button',
    action_id: b.actionId,
    text: plain(b.label, SLACK_LIMITS.buttonText),
    value: b.value,
    style: b.style,
    confirm: {
      title: plain(BUTTON_WORDS.confirmTitle, SLACK_LIMITS.confirmTitle),
      // Plain text: the core's sentence as it is, nothing for Slack to read as markup.
      text: plain(b.question, SLACK_LIMITS.confirmText),
      confirm: plain(b.yes, SLACK_LIMITS.confirmButton),
      deny: plain(b.no, SLACK_LIMITS.confirmButton),
      ...(b.style === 'danger' ? { style: 'danger' as const } : {}),
    },
  };
}

/** Stop for a running build: "Stop the dev build dev-abc, which has been training the model for 12 minutes?" */
export function stopButton(fact: BuildStatusFact): Button {
  return confirmedButton({
    actionId: CARD_ACTIONS.stop,
    label: BUTTON_WORDS.stop,
    value: buttonValue({ pipeline: fact.pipeline, executionArn: fact.executionArn }),
    style: 'danger',
    question: stopQuestion(fact),
    yes: BUTTON_WORDS.yesStop,
    no: BUTTON_WORDS.noStop,
  });
}

/** Start a new build of the pipeline: "Start a new dev build?" */
export function startButton(pipeline: string): Button {
  return confirmedButton({
    actionId: START_ACTION,
    label: BUTTON_WORDS.start,
    value: JSON.stringify({ pipeline }),
    style: 'primary',
    question: startQuestion(pipeline),
    yes: BUTTON_WORDS.yesStart,
    no: BUTTON_WORDS.noStart,
  });
}

/** The card's Run again for `from`, asked first: "Run the dev build dev-x again, with hyperparameters.eta=0.3?" */
export function runAgainButton(from: BuildSummary, settings: Record<string, string>): Button {
  return confirmedButton({
    actionId: CARD_ACTIONS.runAgain,
    label: BUTTON_WORDS.runAgain,
    value: buttonValue({ pipeline: from.pipeline, executionArn: from.executionArn }),
    style: 'primary',
    question: againQuestion(from, settings),
    yes: BUTTON_WORDS.yesStart,
    no: BUTTON_WORDS.noStart,
  });
}

/** The pipeline a Start button's value names, if it is one this module wrote. */
export function startButtonPipeline(value: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(value ?? '') as { pipeline?: unknown } | null;
    return typeof parsed?.pipeline === 'string' ? parsed.pipeline : undefined;
  } catch {
    return undefined;
  }
}
