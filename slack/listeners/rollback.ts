// Rollback from Slack. `/sagebuild rollback prod [to <build>]` (or a mention saying so) answers with the core's
// question and a Rollback button behind Slack's confirm dialog: the way Slack users change something that
// matters (the same as Start and Stop here), where the decision is one click on a question that names both
// models, rather than a command to retype. `--yes` still acts at once, for those who type it on purpose.
// The button (action_id `rollback_build`, value {"pipeline","build"[,"to"]}) is also what the deploy watch
// posts: `build` is the build whose model is being rolled back, so a button left on an old message changes
// nothing once that build is no longer live. The click re-checks the person's `rollback` access; a double
// click rolls back once. Done, it is announced in the pipeline's channels with who did it.

import type { App, BlockAction } from '@slack/bolt';
import type { Button } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { RollbackPlan, RollbackResult } from '../../core/builds/facts';
import { annotate, requestLog } from '../../core/log/request';
import { rollbackQuestion, someoneRolledBack } from '../../core/wording';
import { SLACK_LIMITS } from '../cards/build-card';
import { fit } from '../cards/mrkdwn';
import { announce, privately, withButton, type Reply } from '../replies';
import { announceOnCard, clickOf, mayAct, tell, type Click } from './actions';
import type { SlackDeps } from './deps';
import { claim, pipelineFor, release, replyingToErrors } from './operations';
import { PROMPTS } from './prompts';
import type { Person } from './requester';

export const ROLLBACK_ACTION = 'rollback_build';

/** The button's value: the pipeline, the build being rolled back ("" when unknown), the build to go to. */
export interface RollbackButtonValue {
  pipeline: string;
  build: string;
  to?: string;
}

export const ROLLBACK_WORDS = {
  label: 'Roll back',
  confirmTitle: 'Roll back the endpoint?',
  yes: 'Roll back',
  no: 'Keep this model',
  offer: 'Only the button rolls back.',
};

/**
 * The Rollback button, behind a confirm dialog asking `question`. The deploy watch calls this with its build
 * and a question of its own; the slash command with the core's plan.
 */
export function rollbackButton(value: RollbackButtonValue, question: string): Button {
  const plain = (text: string, max: number) => ({
    type: 'plain_text' as const,
    text: fit(text, max),
    emoji: true,
  });
  return {
    type: 'button',
    action_id: ROLLBACK_ACTION,
    text: plain(ROLLBACK_WORDS.label, SLACK_LIMITS.buttonText),
    value: JSON.stringify(value),
    style: 'danger',
    confirm: {
      title: plain(ROLLBACK_WORDS.confirmTitle, SLACK_LIMITS.confirmTitle),
      text: plain(question, SLACK_LIMITS.confirmText),
      confirm: plain(ROLLBACK_WORDS.yes, SLACK_LIMITS.confirmButton),
      deny: plain(ROLLBACK_WORDS.no, SLACK_LIMITS.confirmButton),
      style: 'danger',
    },
  };
}

/** A button value this module (or the deploy watch) wrote, else undefined. */
export function parseRollbackValue(value: string | undefined): RollbackButtonValue | undefined {
  try {
    const parsed = JSON.parse(value ?? '') as Partial<RollbackButtonValue> | null;
    const { pipeline, build, to } = parsed ?? {};
    if (typeof pipeline !== 'string' || typeof build !== 'string') return undefined;
    if (to !== undefined && typeof to !== 'string') return undefined;
    return to ? { pipeline, build, to } : { pipeline, build };
  } catch {
    return undefined;
  }
}

export interface RollbackAsk {
  pipeline?: string;
  to?: string;
  /** `--yes`: act now, no button. */
  confirmed: boolean;
}

/** The slash command's and a mention's rollback: the question with a button, or with --yes the rollback. */
export function rollbackCommand(
  deps: SlackDeps,
  client: WebClient,
  person: Person,
  ask: RollbackAsk,
): Promise<Reply> {
  return replyingToErrors(deps, async () => {
    const pipeline = pipelineFor(deps, ask.pipeline, person.channelId);
    const requester = await deps.groups.requester(client, person, pipeline, 'rollback');
    const request = { pipeline: pipeline.name, requester, ...(ask.to ? { to: ask.to } : {}) };
    if (!ask.confirmed) return offer(await deps.core.rollbackPlan(request), deps.now());
    const result = await deps.core.rollback(request);
    await announceElsewhere(deps, client, result, person);
    return announce(person.userId, (who) => someoneRolledBack(who, result, deps.now()));
  });
}

function offer(plan: RollbackPlan, now: Date): Reply {
  const question = rollbackQuestion(plan, now);
  const value: RollbackButtonValue = {
    pipeline: plan.pipeline,
    build: plan.from?.name ?? '',
    to: plan.to.name,
  };
  return withButton(`${question} ${ROLLBACK_WORDS.offer}`, rollbackButton(value, question));
}

async function onRollback(deps: SlackDeps, click: Click): Promise<void> {
  const reply = await replyingToErrors(deps, async () => {
    const value = parseRollbackValue(click.value);
    if (!value) throw new Error(`a Rollback button with an unknown value: ${click.value}`);
    annotate({ pipeline: value.pipeline });
    const pipeline = deps.core.pipeline(value.pipeline);
    const requester = await mayAct(deps, click, pipeline, 'rollback');
    // Both clicks of a double click share one rollback: the gate here, the store's claim across processes.
    const key = `rollback:${pipeline.name}:${value.build}:${value.to ?? ''}`;
    const { result, first } = await deps.once.run(
      key,
      async () => {
        if (!(await claim(deps, key))) return undefined;
        try {
          return await deps.core.rollback({
            pipeline: pipeline.name,
            requester,
            ...(value.build ? { from: value.build } : {}),
            ...(value.to ? { to: value.to } : {}),
          });
        } catch (error) {
          await release(deps, key);
          throw error;
        }
      },
      0,
    );
    if (!result || !first) return privately(PROMPTS.alreadyHandled);
    await announceElsewhere(deps, click.client, result, click.person);
    return announce(click.person.userId, (who) => someoneRolledBack(who, result, deps.now()));
  });
  await (reply.visibility === 'in_channel' ? announceOnCard(click, reply) : tell(click, reply));
}

/** The pipeline's other channels hear of it too (the one asked in gets the reply itself). */
async function announceElsewhere(
  deps: SlackDeps,
  client: WebClient,
  result: RollbackResult,
  person: Person,
): Promise<void> {
  const pipeline = deps.core.pipeline(result.pipeline);
  const subscribed = await deps.store.subscriptions(pipeline.name).catch(() => []);
  const channels = [...new Set([...pipeline.slack.channels, ...subscribed])].filter(
    (channel) => channel !== person.channelId,
  );
  const { text } = announce(person.userId, (who) => someoneRolledBack(who, result, deps.now()));
  await Promise.all(
    channels.map((channel) =>
      client.chat.postMessage({ channel, text }).catch((error: unknown) => {
        // The rollback is done and the asker told: a channel that can't be posted to is only logged.
        requestLog().warn('Rollback announcement not posted', { channel, error });
      }),
    ),
  );
}

export function registerRollback(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(ROLLBACK_ACTION, async (args) => {
    await args.ack();
    await onRollback(deps, clickOf(args));
  });
}
