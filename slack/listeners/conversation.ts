// Plain language: a mention ("@SageBuild is my build done?") or a direct message. The words go through the
// Alexa interaction model's matcher, the one language source of both fronts, and each intent maps to the same
// operation as its subcommand. Answers go in a thread under the question; in a channel, an answer for the
// person who asked (a question, help, a refusal) is ephemeral: only they see it, in that thread.
//
// Starting, running again or stopping from free text is never done on the words alone: the bot answers with a
// button behind a confirm dialog (or the person uses the slash command). A misheard "stop" then costs a click, not a build.

import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Question } from '../../commands/parse';
import { isAllowed } from '../../core/config/authorize';
import { splitSpokenBuildRef } from '../../core/builds/build-ref';
import type { PipelineConfig } from '../../core/config/schema';
import { BuildAlreadyRunning, NotAuthorized, NothingToStop, type GuardedAction } from '../../core/errors';
import { INPUT_LIMITS } from '../../core/input-limits';
import { annotate } from '../../core/log/request';
import { matchUtterance } from '../../interaction-models/matcher';
import { hasButtons, unescapeSlack, withButton, type Reply } from '../replies';
import { runAgainButton, START_ACTION, startButton, stopButton } from './buttons';
import { refuseTooLong } from './command';
import { PROMPTS } from './prompts';
import { rollbackCommand } from './rollback';
import { APPROVAL_INTENTS, approvalPrompt } from './approval';
import type { SlackDeps } from './deps';
import { askHealth } from './health';
import { ask, help, pipelineFor, replyingToErrors } from './operations';
import type { Person } from './requester';

export { START_ACTION };

const QUESTION_INTENTS: Record<string, Question> = {
  BuildStatusIntent: 'status',
  BuildDetailsIntent: 'details',
  TimeLeftIntent: 'eta',
  WhyFailedIntent: 'why',
  LastBuildsIntent: 'list',
  EndpointStatusIntent: 'endpoint',
  EndpointHealthIntent: 'health',
  BuildPassedIntent: 'passed',
};

/** "<@U0BOT> is my build done?" → "is my build done?": mentions are not words. */
export function plainWords(text: string): string {
  return unescapeSlack(text.replace(/<@[UW][A-Z0-9]+(\|[^>]*)?>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

export async function understand(
  deps: SlackDeps,
  client: WebClient,
  person: Person,
  text: string,
): Promise<Reply> {
  // Bounded before the matcher sees it, like the slash command.
  if (text.length > INPUT_LIMITS.requestChars) return refuseTooLong(text.length);
  const match = matchUtterance(deps.model, plainWords(text));
  annotate({ action: match.intent });
  const slot = match.slots.pipeline;
  // A known name resolves to its pipeline; words that also name a build ("yesterday's prod") split into both,
  // as by voice; an unknown name goes to the core as said, for its "did you mean".
  const ref = slot?.resolution?.id
    ? undefined
    : slot?.value &&
      splitSpokenBuildRef(
        slot.value,
        deps.core.pipelines.map((p) => p.name),
      );
  const named = ref ? ref.pipeline : (slot?.resolution?.id ?? slot?.value);
  const build = ref ? ref.build : undefined;
  const question = QUESTION_INTENTS[match.intent];
  if (question === 'health') return askHealth(deps, client, named, person);
  if (question) return ask(deps, question, named, person, build);
  const asked: Asked = { deps, client, person, named, build };
  if (match.intent === 'StartBuildIntent') return offerStart(asked);
  if (match.intent === 'RunAgainIntent') return offerRunAgain(asked);
  if (match.intent === 'StopBuildIntent') return offerStop(asked);
  if (match.intent === 'RollbackIntent') return offerRollback(asked);
  if (APPROVAL_INTENTS.has(match.intent)) return approvalPrompt(deps, named);
  if (match.intent === 'AMAZON.HelpIntent') return help(deps);
  return help(deps, PROMPTS.notUnderstood);
}

/** Who asked, where, and the pipeline and build their words named. */
interface Asked {
  deps: SlackDeps;
  client: WebClient;
  person: Person;
  named: string | undefined;
  build: string | undefined;
}

/**
 * A button offered to someone who may take the action on the pipeline named (or the channel's): the refusal
 * comes first, before any AWS call, as for the slash command.
 */
function offer(
  { deps, client, person, named }: Asked,
  action: GuardedAction,
  make: (pipeline: PipelineConfig) => Promise<Reply>,
): Promise<Reply> {
  return replyingToErrors(deps, async () => {
    const pipeline = pipelineFor(deps, named, person.channelId);
    const requester = await deps.groups.requester(client, person, pipeline, action);
    if (!isAllowed(pipeline, action, requester)) throw new NotAuthorized(action, pipeline.name, requester.id);
    return make(pipeline);
  });
}

/** A Start button behind a confirm dialog, for someone who may start the pipeline's builds. */
function offerStart(asked: Asked): Promise<Reply> {
  return offer(asked, 'start', async (pipeline) =>
    withButton(PROMPTS.confirmStart(pipeline.name), startButton(pipeline.name)),
  );
}

/** The card's Run again button for the build named (default: the latest), behind a confirm dialog. */
function offerRunAgain(asked: Asked): Promise<Reply> {
  const { core } = asked.deps;
  return offer(asked, 'start', async (pipeline) => {
    // Said at once, as for a start: a button that can only be refused wastes a click.
    const latest = await core.status(pipeline.name);
    if (latest.status === 'RUNNING' || latest.status === 'PENDING_REDRIVE') {
      throw new BuildAlreadyRunning(pipeline.name, latest.executionArn, latest.name, latest.startedAt);
    }
    const { from, settings } = await core.buildSettings(pipeline.name, asked.build);
    return withButton(PROMPTS.confirmRunAgain(from, settings), runAgainButton(from, settings));
  });
}

/** The Stop button (the card's own action) of the running or the named build, behind a confirm dialog. */
function offerStop(asked: Asked): Promise<Reply> {
  const { build } = asked;
  return offer(asked, 'stop', async (pipeline) => {
    const target = await asked.deps.core.status(pipeline.name, build);
    if (target.status !== 'RUNNING') throw new NothingToStop(pipeline.name, build ? target.name : undefined);
    return withButton(PROMPTS.confirmStop(target), stopButton(target));
  });
}

/** The rollback question and button; a build named ("yesterday's prod build") is the one to go back to. */
function offerRollback({ deps, client, person, named, build }: Asked): Promise<Reply> {
  const ask = (pipeline?: string, to?: string) =>
    rollbackCommand(deps, client, person, {
      ...(pipeline ? { pipeline } : {}),
      ...(to ? { to } : {}),
      confirmed: false,
    });
  if (build === undefined) return ask(named);
  return replyingToErrors(deps, async () => {
    const to = await deps.core.findBuild(pipelineFor(deps, named, person.channelId).name, build);
    return ask(to.pipeline, to.name);
  });
}

interface Said {
  user?: string;
  text?: string;
  channel: string;
  ts: string;
  thread_ts?: string;
  bot_id?: string;
  subtype?: string;
}

/**
 * Answers in a thread: under the question, or in the thread it was asked in. In a channel (a mention), an
 * answer for the asker alone is ephemeral; a prompt with a button stays in the thread, where its click
 * announces to the channel. In a DM everything is a plain reply.
 */
async function answerInThread(
  deps: SlackDeps,
  client: WebClient,
  said: Said,
  how: { threaded: boolean; where: 'channel' | 'dm' },
): Promise<void> {
  if (!said.user || said.bot_id || said.subtype) return; // edits, joins and bots (this one included) are not asked
  const person: Person = { userId: said.user, channelId: said.channel };
  const reply = await understand(deps, client, person, said.text ?? '');
  const thread = said.thread_ts ?? (how.threaded ? said.ts : undefined);
  const message = {
    channel: said.channel,
    text: reply.text,
    ...(reply.blocks ? { blocks: reply.blocks } : {}),
    ...(thread ? { thread_ts: thread } : {}),
  };
  if (how.where === 'channel' && reply.visibility === 'ephemeral' && !hasButtons(reply)) {
    await client.chat.postEphemeral({ ...message, user: said.user });
  } else {
    await client.chat.postMessage(message);
  }
}

/** A mention in a DM (D…) is a conversation with the bot; anywhere else, people are listening. */
function placeOf(channel: string): 'channel' | 'dm' {
  return channel.startsWith('D') ? 'dm' : 'channel';
}

/**
 * Slack redelivers an event it thinks was missed (x-slack-retry-num): each event id is answered once. The
 * store's claim holds across Lambda containers; the process's own memory saves the call for a quick repeat.
 */
async function answerOnce(deps: SlackDeps, eventId: unknown, answer: () => Promise<void>): Promise<void> {
  if (typeof eventId !== 'string') return answer();
  const claim = `slack-event:${eventId}`;
  if (deps.once.seen(claim)) return;
  // Without the store, answering twice is better than never.
  if (!(await deps.store.claimEvent(claim).catch(() => true))) return;
  try {
    await answer();
  } catch (error) {
    // Let Slack's retry of an event that could not be answered be answered.
    await deps.store.releaseEvent(claim).catch(() => undefined);
    deps.once.forget(claim);
    throw error;
  }
}

export function registerConversation(app: App, deps: SlackDeps): void {
  // Events are acked by Bolt before listeners run.
  app.event('app_mention', async ({ event, body, client }) => {
    const said = event as Said;
    await answerOnce(deps, body.event_id, () =>
      answerInThread(deps, client, said, { threaded: true, where: placeOf(said.channel) }),
    );
  });

  app.message(async ({ message, body, client }) => {
    const said = message as Said & { channel_type?: string };
    if (said.channel_type !== 'im') return;
    // A DM is a conversation: answer inline, or in the thread the person wrote in.
    await answerOnce(deps, body.event_id, () =>
      answerInThread(deps, client, said, { threaded: false, where: 'dm' }),
    );
  });
}
