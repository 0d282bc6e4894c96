// The buttons: Stop, Refresh and Run again on build cards (in channels and on the Home tab), and Start under
// a plain-language "start a build". Each handler acks at once, then checks again that this person may do
// this here (anyone who can see a message can click its buttons) and that the build is in a state where the
// action makes sense. A refusal says why, privately, and changes nothing. A double click never acts twice,
// nor announces twice: the process's gate catches a repeat in this process, the store's claim one handled
// at the same moment by another (each Lambda container is its own process).

import type { App, BlockAction, ButtonAction, RespondFn, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { BuildStatusFact } from '../../core/builds/facts';
import { isAllowed } from '../../core/config/authorize';
import type { PipelineConfig } from '../../core/config/schema';
import { BuildAlreadyRunning, NotAuthorized, NothingToStop, type AccessAction } from '../../core/errors';
import { annotate, noteError, requestLog } from '../../core/log/request';
import { errorSentence } from '../../core/wording';
import { someoneStopped } from '../../core/wording';
import { CARD_ACTIONS, parseButtonValue, type CardButtonValue } from '../cards/actions';
import { isFinished } from '../cards/build-card';
import { refreshCardMessage } from '../notifier/refresh';
import { announce, privately, type Reply } from '../replies';
import { START_ACTION, startButtonPipeline } from './buttons';
import { cardFor } from './card';
import { DeadlinePassed, RESPOND_MS, within } from './deadline';
import type { SlackDeps } from './deps';
import { publishHome } from './home';
import { acting, claim, release, replyingToErrors, start, stopKey } from './operations';
import { PROMPTS } from './prompts';
import type { Person } from './requester';

/** Run again keys live this long: a double click within it returns the same new build. */
const RERUN_WINDOW_S = 600;

/** One click, as the handlers need it. */
export interface Click {
  person: Person;
  client: WebClient;
  respond?: RespondFn;
  value?: string;
  actionTs: string;
  /** The message the button is on; absent on the Home tab. */
  message?: { channel: string; ts: string; ephemeral: boolean; threadTs?: string };
}

export function clickOf(args: SlackActionMiddlewareArgs<BlockAction> & { client: WebClient }): Click {
  const { body, client, respond } = args;
  const action = args.action as ButtonAction;
  const container = body.container as {
    type?: string;
    channel_id?: string;
    message_ts?: string;
    thread_ts?: string;
    is_ephemeral?: boolean;
  };
  const channel = container.channel_id ?? body.channel?.id;
  const inMessage = container.type === 'message' && channel && container.message_ts;
  // A button on a thread reply (a Stop prompt under a mention) belongs to that thread.
  const threadTs = container.thread_ts ?? (body.message as { thread_ts?: string } | undefined)?.thread_ts;
  return {
    person: { userId: body.user.id, userName: body.user.username ?? body.user.name, channelId: channel },
    client,
    ...(body.response_url ? { respond } : {}),
    value: action.value,
    actionTs: action.action_ts,
    ...(inMessage
      ? {
          message: {
            channel,
            ts: container.message_ts as string,
            ephemeral: container.is_ephemeral === true,
            ...(threadTs && threadTs !== container.message_ts ? { threadTs } : {}),
          },
        }
      : {}),
  };
}

type RespondArgs = Parameters<RespondFn>[0];

/**
 * Posts to the click's response_url, waiting at most RESPOND_MS: on Lambda, Slack's 3 seconds wait for the
 * listener. A post that did not answer in time is logged, not thrown, so the click itself still gets its 200.
 */
async function respondInTime(click: Click, message: RespondArgs): Promise<void> {
  if (!click.respond) return;
  try {
    await within(RESPOND_MS, 'response_url', click.respond(message));
  } catch (error) {
    if (!(error instanceof DeadlinePassed)) throw error;
    requestLog().warn('response_url did not answer in time', { error });
  }
}

/** Tells the person who clicked: ephemerally under the message, or in the app's DM from the Home tab. */
export async function tell(click: Click, reply: Reply): Promise<void> {
  if (click.respond) {
    await respondInTime(click, { response_type: 'ephemeral', replace_original: false, text: reply.text });
  } else {
    await click.client.chat.postMessage({ channel: click.person.userId, text: reply.text });
  }
}

/** Tells the channel, in the thread the button's message is in, broadcast; from the Home tab the card says it. */
export async function announceOnCard(click: Click, reply: Reply): Promise<void> {
  const message = click.message;
  if (!message || message.ephemeral) return tell(click, reply);
  await click.client.chat.postMessage({
    channel: message.channel,
    // A card's thread is its own; a prompt posted as a reply belongs to its parent's thread.
    thread_ts: message.threadTs ?? message.ts,
    reply_broadcast: true,
    text: reply.text,
  });
}

/**
 * Whether showing `fact` would move the card back: the notifier already showed the build finished (its record
 * says so) while these facts, read a moment ago, still say running.
 */
async function wouldGoBack(deps: SlackDeps, fact: BuildStatusFact): Promise<boolean> {
  if (isFinished(fact.status)) return false;
  const record = await deps.store.getCard(fact.executionArn).catch(() => undefined);
  return record !== undefined && isFinished(record.status);
}

/**
 * Re-renders the card the button is on from the build's current facts, never back from what the notifier
 * already showed: a card in a channel goes through the notifier's own store-aware writer.
 */
async function refreshCard(deps: SlackDeps, click: Click, fact: BuildStatusFact): Promise<void> {
  const { message } = click;
  if (!message) return publishHome(deps, click.client, click.person.userId);
  const render = (shown: BuildStatusFact) => cardFor(shown, deps.now());
  if (message.ephemeral) {
    // chat.update cannot edit an ephemeral message; its response_url can replace it.
    if (await wouldGoBack(deps, fact)) return;
    const card = render(fact);
    await respondInTime(click, { replace_original: true, text: card.text, blocks: card.blocks });
    return;
  }
  await refreshCardMessage({
    store: deps.store,
    web: click.client,
    fact,
    channel: message.channel,
    ts: message.ts,
    render,
    now: deps.now,
  });
}

/** The build a card button names; throws the core's PipelineNotFound for a pipeline no longer configured. */
function cardBuild(deps: SlackDeps, click: Click): { pipeline: PipelineConfig; value: CardButtonValue } {
  const value = parseButtonValue(click.value);
  if (!value) throw new Error(`a card button with an unknown value: ${click.value}`);
  annotate({ pipeline: value.pipeline });
  return { pipeline: deps.core.pipeline(value.pipeline), value };
}

/** The person as the core's access rules see them, here; throws the core's refusal when they may not act. */
export async function mayAct(deps: SlackDeps, click: Click, pipeline: PipelineConfig, action: AccessAction) {
  const requester = await deps.groups.requester(click.client, click.person, pipeline, action);
  if (!isAllowed(pipeline, action, requester)) throw new NotAuthorized(action, pipeline.name, requester.id);
  return requester;
}

async function onStop(deps: SlackDeps, click: Click): Promise<void> {
  let fact: BuildStatusFact | undefined;
  const reply = await replyingToErrors(deps, async () => {
    const { pipeline, value } = cardBuild(deps, click);
    const requester = await mayAct(deps, click, pipeline, 'stop');
    const before = await deps.core.statusOf(pipeline.name, value.executionArn);
    if (before.status !== 'RUNNING') {
      fact = before;
      throw new NothingToStop(pipeline.name, before.name);
    }
    // Both clicks of a double click share one stop: in this process the gate, across processes the claim
    // (taken before stopping, given back if the stop failed). The build is named: nothing else is stopped.
    const key = stopKey(value.executionArn);
    const { result, first } = await deps.once.run(key, async () => {
      if (!(await claim(deps, key))) return undefined;
      try {
        return await acting('stop', () =>
          deps.core.stop({
            pipeline: pipeline.name,
            build: before.name,
            requester,
          }),
        );
      } catch (error) {
        await release(deps, key);
        throw error;
      }
    });
    // For the card only: a stop that went through is announced even if this read fails.
    fact = await deps.core.statusOf(pipeline.name, value.executionArn).catch(() => undefined);
    if (!result || !first) return privately(PROMPTS.alreadyHandled);
    return announce(click.person.userId, (who) => someoneStopped(who, result));
  });
  await (reply.visibility === 'in_channel' ? announceOnCard(click, reply) : tell(click, reply));
  // Only a final state: facts read a moment after a stop may still say running, and a card never goes
  // back (the notifier's event brings the stopped card).
  if (fact && isFinished(fact.status)) await refreshCard(deps, click, fact);
}

async function onRunAgain(deps: SlackDeps, click: Click): Promise<void> {
  const reply = await replyingToErrors(deps, async () => {
    const { pipeline, value } = cardBuild(deps, click);
    await mayAct(deps, click, pipeline, 'start');
    const before = await deps.core.statusOf(pipeline.name, value.executionArn);
    if (before.status === 'RUNNING' || before.status === 'PENDING_REDRIVE') {
      throw new BuildAlreadyRunning(pipeline.name, before.executionArn, before.name, before.startedAt);
    }
    // A double click makes two action_ts a moment apart, so the key is the card's build and a time window:
    // both clicks name the same new build, announced once (start's claim). Two clicks either side of a
    // window's edge name two builds: the core keeps the earlier and refuses the other. Past the window the
    // first rerun is running, and the core refuses too.
    const window = Math.floor(Number(click.actionTs) / RERUN_WINDOW_S);
    // The same settings the card's build was started with (its overrides), through the usual start checks.
    const { settings } = await deps.core.buildSettings(pipeline.name, value.executionArn);
    return start(deps, click.client, click.person, {
      pipeline: pipeline.name,
      overrides: settings,
      idempotencyKey: `rerun:${value.executionArn}:${window}`,
    });
  });
  await (reply.visibility === 'in_channel' ? announceOnCard(click, reply) : tell(click, reply));
}

async function onRefresh(deps: SlackDeps, click: Click): Promise<void> {
  // Reading needs no permission: whoever sees the card already sees its facts.
  try {
    const { pipeline, value } = cardBuild(deps, click);
    await refreshCard(deps, click, await deps.core.statusOf(pipeline.name, value.executionArn));
  } catch (error) {
    noteError(error);
    await tell(click, privately(errorSentence(error, deps.now())));
  }
}

/** Start under a plain-language request: the prompt message is the request, so it starts at most one build. */
async function onStart(deps: SlackDeps, click: Click): Promise<void> {
  const pipeline = startButtonPipeline(click.value);
  if (!pipeline)
    return tell(click, privately(errorSentence(new Error(`a Start button valued ${click.value}`))));
  const where = click.message
    ? `${click.message.channel}:${click.message.ts}`
    : `${click.person.userId}:${click.actionTs}`;
  const reply = await start(deps, click.client, click.person, {
    pipeline,
    idempotencyKey: `slack-start:${where}`,
  });
  if (reply.visibility === 'in_channel' && click.respond) {
    // The announcement replaces the prompt, so its button cannot be clicked again.
    await respondInTime(click, { response_type: 'in_channel', replace_original: true, text: reply.text });
  } else await tell(click, reply);
}

export function registerActions(app: App, deps: SlackDeps): void {
  const handlers: [string, (deps: SlackDeps, click: Click) => Promise<void>][] = [
    [CARD_ACTIONS.stop, onStop],
    [CARD_ACTIONS.refresh, onRefresh],
    [CARD_ACTIONS.runAgain, onRunAgain],
    [START_ACTION, onStart],
  ];
  for (const [actionId, handle] of handlers) {
    app.action<BlockAction>(actionId, async (args) => {
      await args.ack();
      await handle(deps, clickOf(args));
    });
  }
}

export const ACTION_IDS = [CARD_ACTIONS.stop, CARD_ACTIONS.refresh, CARD_ACTIONS.runAgain, START_ACTION];
