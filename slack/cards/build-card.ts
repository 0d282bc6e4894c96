// The build card: one Slack message per build, updated in place as the build moves. Layout only: every
// sentence comes from core/wording, and this module escapes it for mrkdwn and keeps it within Slack's limits.

import type { types } from '@slack/bolt';
import type { BuildStatus, BuildStatusFact, FailureFact } from '../../core/builds/facts';
import {
  awaitingApprovalLine,
  buildChangeNotice,
  comparisonSentence,
  readableReason,
  rollbackLine,
  relativeTime,
  spokenDuration,
  approxDuration,
} from '../../core/wording';
import type { BuildChange } from '../../core/wording';
import { buttonValue, CARD_ACTIONS } from './actions';
import { escapeMrkdwn, fit, link, mention } from './mrkdwn';
import { mentionedUserOf, slackPersonName } from './people';
import { stepLines, type StepLine } from './steps';

type KnownBlock = types.KnownBlock;
type Button = types.Button;

export interface BuildCardOptions {
  consoleUrl: string;
  /** Whether to offer Stop on a running build; the action handler still re-checks who clicks it. */
  canStop: boolean;
  now: Date;
}

export interface BuildCard {
  /** The core's sentence: what notifications, screen readers and old clients show. */
  text: string;
  blocks: KnownBlock[];
}

/** Slack's limits for the fields used here (docs.slack.dev, Block Kit reference). */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  field: 2000,
  contextText: 3000,
  buttonText: 75,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  blocks: 50,
  actionsElements: 25,
  fields: 10,
} as const;

const STATUS_LOOK: Record<BuildStatus, { icon: string; word: string }> = {
  RUNNING: { icon: ':hourglass_flowing_sand:', word: 'running' },
  SUCCEEDED: { icon: ':white_check_mark:', word: 'succeeded' },
  FAILED: { icon: ':x:', word: 'failed' },
  TIMED_OUT: { icon: ':alarm_clock:', word: 'timed out' },
  ABORTED: { icon: ':octagonal_sign:', word: 'stopped' },
  PENDING_REDRIVE: { icon: ':repeat:', word: 'waiting to restart' },
};

const STEP_ICONS: Record<StepLine['state'], string> = {
  done: ':white_check_mark:',
  running: ':hourglass_flowing_sand:',
  waiting: ':white_circle:',
  failed: ':x:',
  stopped: ':octagonal_sign:',
  skipped: ':heavy_minus_sign:',
  unknown: ':grey_question:',
};

export function isFinished(status: BuildStatus): boolean {
  return status !== 'RUNNING' && status !== 'PENDING_REDRIVE';
}

/** Where a mention goes in the core's sentence once the rest is escaped: no name contains it. */
const PERSON_SLOT = '\u0000';

/**
 * The core's notice about the build's state, as Slack mrkdwn: escaped, with a Slack starter whose name we
 * don't know as a mention. Why it ended and who stopped it only `withDetails` (the card shows them apart).
 */
export function buildNotice(fact: BuildStatusFact, withDetails: boolean): string {
  const change: BuildChange = { pipeline: fact.pipeline, name: fact.name, status: fact.status };
  const starter = mentionedUserOf(fact.startedBy);
  if (fact.startedBy) change.startedBy = starter ? { displayName: PERSON_SLOT } : fact.startedBy;
  if (isFinished(fact.status)) change.durationMs = fact.elapsedMs;
  const failure = fact.status === 'SUCCEEDED' ? undefined : fact.failure;
  if (withDetails && failure) {
    const reason = endReason(failure);
    if (reason) change.reason = reason;
    if (failure.stoppedBy) change.stoppedBy = failure.stoppedBy;
  }
  const text = escapeMrkdwn(buildChangeNotice(change));
  return starter ? text.replace(PERSON_SLOT, mention(starter)) : text;
}

/** Why the build ended: a failure's reason; for a stop, only the words the person gave, if any. */
function endReason(failure: FailureFact): string | undefined {
  if (failure.status !== 'ABORTED') return failure.reason;
  return failure.reason.trim() && failure.reason.trim() !== failure.error ? failure.reason : undefined;
}

export function renderBuildCard(fact: BuildStatusFact, opts: BuildCardOptions): BuildCard {
  const waiting = awaitingApprovalLine(fact, opts.now);
  const summary = buildNotice(fact, false) + (waiting ? `\n:raised_hand: ${escapeMrkdwn(waiting)}` : '');
  const blocks: KnownBlock[] = [header(fact), mrkdwnSection('build_summary', summary)];
  const steps = stepLines(fact, opts.now);
  if (steps.length > 0) blocks.push(mrkdwnSection('build_steps', steps.map(stepText).join('\n')));
  blocks.push(fieldsSection('build_facts', factFields(fact, opts.now)));
  const ending = isFinished(fact.status) ? endFields(fact) : [];
  if (ending.length > 0) blocks.push(fieldsSection('build_failure', ending));
  blocks.push(...liveModelBlocks(fact, opts.now));
  blocks.push({
    type: 'context',
    block_id: 'build_links',
    elements: [
      {
        type: 'mrkdwn',
        text: fit(
          `Build ${escapeMrkdwn(fact.name)} · ${link(opts.consoleUrl, 'Open in the AWS console')}`,
          SLACK_LIMITS.contextText,
        ),
      },
    ],
  });
  blocks.push({ type: 'actions', block_id: 'build_actions', elements: buttons(fact, opts.canStop) });
  return { text: buildNotice(fact, true), blocks };
}

/** A small section: the model next to the live one's metrics, and the rollback the endpoint is under, if any. */
function liveModelBlocks(fact: BuildStatusFact, now: Date): KnownBlock[] {
  const lines: string[] = [];
  if (fact.comparison) lines.push(`:bar_chart: ${escapeMrkdwn(comparisonSentence(fact.comparison))}`);
  if (fact.rollback) lines.push(`:rewind: ${escapeMrkdwn(rollbackLine(fact.pipeline, fact.rollback, now))}`);
  return lines.length > 0 ? [mrkdwnSection('build_model', lines.join('\n'))] : [];
}

/**
 * The card's blocks with their block_ids made unique to `scope` (e.g. the pipeline's name), for a view that
 * shows several cards: Slack refuses a view whose block_ids repeat. The buttons keep their action_ids, which
 * the action handlers match on.
 */
export function scopeBlockIds(blocks: KnownBlock[], scope: string): KnownBlock[] {
  return blocks.map((block) =>
    block.block_id ? { ...block, block_id: `${scope}.${block.block_id}` } : block,
  );
}

function header(fact: BuildStatusFact): KnownBlock {
  const look = STATUS_LOOK[fact.status];
  return {
    type: 'header',
    block_id: 'build_header',
    text: {
      type: 'plain_text',
      emoji: true,
      text: fit(`${look.icon} ${fact.pipeline} build ${look.word}`, SLACK_LIMITS.headerText),
    },
  };
}

function mrkdwnSection(blockId: string, text: string): KnownBlock {
  return {
    type: 'section',
    block_id: blockId,
    text: { type: 'mrkdwn', text: fit(text, SLACK_LIMITS.sectionText) },
  };
}

/** Fields of a name and a value already in mrkdwn (escaped, or a mention). */
function fieldsSection(blockId: string, fields: [string, string][]): KnownBlock {
  return {
    type: 'section',
    block_id: blockId,
    fields: fields.slice(0, SLACK_LIMITS.fields).map(([name, value]) => ({
      type: 'mrkdwn',
      text: fit(`*${name}*\n${value}`, SLACK_LIMITS.field),
    })),
  };
}

function stepText(line: StepLine): string {
  const took = line.took ? ` · ${line.took}` : '';
  return `${STEP_ICONS[line.state]} ${escapeMrkdwn(line.label)}${took}`;
}

/** Elapsed, then ETA (running) or when it finished, then who started it. */
function factFields(fact: BuildStatusFact, now: Date): [string, string][] {
  const running = !isFinished(fact.status);
  // A running build's facts were gathered a moment ago: count its time up to the card's `now`.
  const elapsedMs = running
    ? Math.max(fact.elapsedMs, now.getTime() - fact.startedAt.getTime())
    : fact.elapsedMs;
  const fields: [string, string][] = [['Elapsed', escapeMrkdwn(spokenDuration(elapsedMs))]];
  // No countdown while a person must decide (the core gives no estimate then either).
  if (running && fact.eta && !fact.awaitingApproval) {
    const eta = approxDuration(Math.max(0, fact.eta.typicalDurationMs - elapsedMs));
    fields.push(['ETA', escapeMrkdwn(eta)]);
  }
  if (!running && fact.stoppedAt) fields.push(['Finished', escapeMrkdwn(relativeTime(fact.stoppedAt, now))]);
  const who = slackPersonName(fact.startedBy);
  if (who) fields.push(['Started by', who]);
  return fields;
}

/** How a finished build ended, when not well: where it failed and why, or where it stopped and who stopped it. */
function endFields(fact: BuildStatusFact): [string, string][] {
  const failure = fact.status === 'SUCCEEDED' ? undefined : fact.failure;
  if (!failure) return [];
  const fields: [string, string][] = [];
  if (failure.status === 'ABORTED') {
    if (failure.step) fields.push(['Stopped at', escapeMrkdwn(failure.step)]);
    if (failure.stoppedBy) fields.push(['Stopped by', escapeMrkdwn(failure.stoppedBy)]);
    const given = endReason(failure);
    if (given) fields.push(['Reason', escapeMrkdwn(readableReason(given))]);
    return fields;
  }
  if (failure.step) fields.push(['Failed step', escapeMrkdwn(failure.step)]);
  fields.push(['Reason', escapeMrkdwn(readableReason(failure.reason) || failure.error)]);
  return fields;
}

function buttons(fact: BuildStatusFact, canStop: boolean): Button[] {
  const value = buttonValue({ pipeline: fact.pipeline, executionArn: fact.executionArn });
  const button = (actionId: string, text: string): Button => ({
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: fit(text, SLACK_LIMITS.buttonText) },
    value,
  });
  const shown: Button[] = [];
  if (fact.status === 'RUNNING' && canStop) {
    shown.push({
      ...button(CARD_ACTIONS.stop, 'Stop'),
      style: 'danger',
      confirm: {
        title: { type: 'plain_text', text: 'Stop this build?' },
        text: {
          type: 'mrkdwn',
          text: fit(
            `The ${escapeMrkdwn(fact.pipeline)} build ${escapeMrkdwn(fact.name)} stops where it is, and does not deploy.`,
            SLACK_LIMITS.confirmText,
          ),
        },
        confirm: { type: 'plain_text', text: 'Stop it' },
        deny: { type: 'plain_text', text: 'Keep it running' },
        style: 'danger',
      },
    });
  }
  shown.push(button(CARD_ACTIONS.refresh, 'Refresh'));
  if (isFinished(fact.status)) shown.push(button(CARD_ACTIONS.runAgain, 'Run again'));
  return shown;
}
