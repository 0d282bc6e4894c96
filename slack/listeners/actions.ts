// The buttons: Stop, Refresh and Run again on build cards (in channels and on the Home tab), and Start under
// a plain-language "start a build". Each handler acks at once, then checks again that this person may do
// this here (anyone who can see a message can click its buttons) and that the build is in a state where the
// action makes sense. A refusal says why, privately, and changes nothing. A double click never acts twice.

import type { App, BlockAction, ButtonAction, RespondFn, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { BuildStatusFact } from '../../core/builds/facts';
import { isAllowed } from '../../core/config/authorize';
import type { PipelineConfig } from '../../core/config/schema';
import { BuildAlreadyRunning, NotAuthorized, NothingToStop, type GuardedAction } from '../../core/errors';
import { errorSentence, stopped } from '../../core/wording';
import { CARD_ACTIONS, parseButtonValue, type CardButtonValue } from '../cards/actions';
import { announce, privately, type Reply } from '../replies';
import { cardFor } from './card';
import { START_ACTION } from './conversation';
import type { SlackDeps } from './deps';
import { publishHome } from './home';
import { replyingToErrors, start } from './operations';
import { PROMPTS } from './prompts';
import type { Person } from './requester';

/** Run again keys live this long: a double click within it returns the same new build. */
const RERUN_WINDOW_S = 600;

/** One click, as the handlers need it. */
interface Click {
  person: Person;
  client: WebClient;
  respond?: RespondFn;
  value?: string;
  actionTs: string;
  /** The message the button is on; absent on the Home tab. */
  message?: { channel: string; ts: string; ephemeral: boolean };
}

function clickOf(args: SlackActionMiddlewareArgs<BlockAction> & { client: WebClient }): Click {
  const { body, client, respond } = args;
  const action = args.action as ButtonAction;
  const container = body.container as {
    type?: string;
    channel_id?: string;
    message_ts?: string;
    is_ephemeral?: boolean;
  };
  const channel = container.channel_id ?? body.channel?.id;
  const inMessage = container.type === 'message' && channel && container.message_ts;
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
          },
        }
      : {}),
  };
}

/** Tells the person who clicked: ephemerally under the message, or in the app's DM from the Home tab. */
async function tell(click: Click, reply: Reply): Promise<void> {
  if (click.respond) {
    await click.respond({ response_type: 'ephemeral', replace_original: false, text: reply.text });
  } else {
    await click.client.chat.postMessage({ channel: click.person.userId, text: reply.text });
  }
}

/** Tells the channel, in the card's thread and broadcast; from the Home tab the notifier's card says it. */
async function announceOnCard(click: Click, reply: Reply): Promise<void> {
  const message = click.message;
  if (!message || message.ephemeral) return tell(click, reply);
  await click.client.chat.postMessage({
    channel: message.channel,
    thread_ts: message.ts,
    reply_broadcast: true,
    text: reply.text,
  });
}

/** Re-renders the card the button is on from the build's current facts. */
async function refreshCard(deps: SlackDeps, click: Click, fact: BuildStatusFact): Promise<void> {
  const card = cardFor(fact, deps.now());
  if (!click.message) return publishHome(deps, click.client, click.person.userId);
  if (click.message.ephemeral) {
    // chat.update cannot edit an ephemeral message; its response_url can replace it.
    await click.respond?.({ replace_original: true, text: card.text, blocks: card.blocks });
    return;
  }
  await click.client.chat.update({ channel: click.message.channel, ts: click.message.ts, ...card });
}

/** The build a card button names; throws the core's PipelineNotFound for a pipeline no longer configured. */
function cardBuild(deps: SlackDeps, click: Click): { pipeline: PipelineConfig; value: CardButtonValue } {
  const value = parseButtonValue(click.value);
  if (!value) throw new Error(`a card button with an unknown value: ${click.value}`);
  return { pipeline: deps.core.pipeline(value.pipeline), value };
}

/** The person as the core's access rules see them, here; throws the core's refusal when they may not act. */
async function mayAct(deps: SlackDeps, click: Click, pipeline: PipelineConfig, action: GuardedAction) {
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
    // Both clicks of a double click share one stop; the build is named, so nothing else can be stopped.
    const { result, first } = await deps.once.run(`stop:${value.executionArn}`, () =>
      deps.core.stop({
        pipeline: pipeline.name,
        build: before.name,
        requester,
        reason: 'Stop button in Slack',
      }),
    );
    fact = await deps.core.statusOf(pipeline.name, value.executionArn);
    return first ? announce(click.person.userId, stopped(result)) : privately(PROMPTS.alreadyHandled);
  });
  await (reply.visibility === 'in_channel' ? announceOnCard(click, reply) : tell(click, reply));
  if (fact) await refreshCard(deps, click, fact);
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
    // both clicks name the same new build. Past the window the first rerun is running, and the core refuses.
    const window = Math.floor(Number(click.actionTs) / RERUN_WINDOW_S);
    return start(deps, click.client, click.person, {
      pipeline: pipeline.name,
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
    await tell(click, privately(errorSentence(error, deps.now())));
  }
}

/** The pipeline a Start button's value names, if it is one this app wrote. */
function startButtonPipeline(value: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(value ?? '') as { pipeline?: unknown } | null;
    return typeof parsed?.pipeline === 'string' ? parsed.pipeline : undefined;
  } catch {
    return undefined;
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
    await click.respond({ response_type: 'in_channel', replace_original: true, text: reply.text });
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
