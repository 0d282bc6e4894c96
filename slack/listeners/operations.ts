// What Slack can ask of SageBuild, as replies: the slash command and plain language both end up here, so a
// question or an action behaves the same whichever way it was asked. Every error becomes the core's sentence,
// said privately; refusals change nothing.

import type { WebClient } from '@slack/web-api';
import { answerQuestion } from '../../commands/questions';
import { HELP_USAGE, USAGE, usageLines, type Question } from '../../commands/parse';
import { assertAllowed } from '../../core/config/authorize';
import type { PipelineConfig } from '../../core/config/schema';
import { AwsUnavailable, isSageBuildError, type GuardedAction } from '../../core/errors';
import { annotate, noteError, requestLog } from '../../core/log/request';
import { errorSentence, noAnswerInTime, started } from '../../core/wording';
import { someoneStarted, someoneStopped } from '../../core/wording';
import { announce, helpReply, privately, type Reply } from '../replies';
import type { SlackDeps } from './deps';
import { PROMPTS } from './prompts';
import type { Person } from './requester';
import { stopKey } from '../notifier/stop-claim';

/** AWS did not answer a start or stop in time: it may still happen, so nobody is told that nothing did. */
class NoAnswerInTime extends Error {
  constructor(readonly action: GuardedAction) {
    super(`no answer in time to ${action}`);
    this.name = 'NoAnswerInTime';
  }
}

/**
 * Asks the core to start or stop. A timeout here is not "AWS is slow, try again": the request may have gone
 * through, so the answer is the core's noAnswerInTime (how to find out), as on Alexa.
 */
export async function acting<T>(action: GuardedAction, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AwsUnavailable && error.reason === 'timeout') throw new NoAnswerInTime(action);
    throw error;
  }
}

/** Runs `work`; any error is the core's sentence for it, privately. Unexpected errors are logged too. */
export async function replyingToErrors(deps: SlackDeps, work: () => Promise<Reply>): Promise<Reply> {
  try {
    return await work();
  } catch (error) {
    noteError(error);
    if (error instanceof NoAnswerInTime) return privately(noAnswerInTime(error.action));
    if (!isSageBuildError(error)) requestLog().error('Slack listener failed', { error });
    return privately(errorSentence(error, deps.now()));
  }
}

/**
 * Whether this request is the first anywhere to do `key`: the store's claim holds across processes (Lambda
 * runs concurrent requests in separate containers). Without the store, yes: acting twice is caught by the
 * core's own checks, and announcing twice is better than never.
 */
export function claim(deps: SlackDeps, key: string): Promise<boolean> {
  return deps.store.claimEvent(key).catch(() => true);
}

export function release(deps: SlackDeps, key: string): Promise<void> {
  return deps.store.releaseEvent(key).catch(() => undefined);
}

/**
 * The pipeline meant: the one named, else the one this channel is set up for (in #dev-builds, "status" means
 * dev), else the core's choice (the only pipeline, or the default one).
 */
export function pipelineFor(deps: SlackDeps, named: string | undefined, channelId?: string): PipelineConfig {
  const owners =
    named === undefined && channelId
      ? deps.config.pipelines.filter((p) => p.slack.channels.includes(channelId))
      : [];
  const pipeline = (owners.length === 1 ? owners[0] : undefined) ?? deps.core.pipeline(named);
  annotate({ pipeline: pipeline.name });
  return pipeline;
}

export function help(deps: SlackDeps, lead?: string): Reply {
  const subscribe = [
    { usage: 'subscribe <pipeline>', summary: 'This channel hears about every build of the pipeline.' },
    { usage: 'unsubscribe <pipeline>', summary: 'This channel stops hearing about them.' },
  ];
  const lines = usageLines([...Object.values(USAGE), ...subscribe, HELP_USAGE], `${deps.commandName} `);
  const pipelines = deps.config.pipelines.map((p) =>
    p.aliases.length ? `${p.name} (${p.aliases.join(', ')})` : p.name,
  );
  return helpReply(lead ?? PROMPTS.helpIntro, lines, `Pipelines: ${pipelines.join(', ')}`);
}

export function ask(
  deps: SlackDeps,
  question: Question,
  named: string | undefined,
  person: Person,
  build?: string,
): Promise<Reply> {
  return replyingToErrors(deps, async () => {
    const pipeline = pipelineFor(deps, named, person.channelId);
    return privately(await answerQuestion(deps.core, question, pipeline.name, deps.now(), build));
  });
}

/** "/sagebuild again [build]": a start with the settings of that build (default: the latest), announced as any. */
export function startAgain(
  deps: SlackDeps,
  client: WebClient,
  person: Person,
  request: { pipeline?: string; build?: string; idempotencyKey: string },
): Promise<Reply> {
  return replyingToErrors(deps, async () => {
    const pipeline = pipelineFor(deps, request.pipeline, person.channelId);
    const { from, settings } = await deps.core.buildSettings(pipeline.name, request.build);
    const key = request.idempotencyKey;
    return start(deps, client, person, { pipeline: from.pipeline, overrides: settings, idempotencyKey: key });
  });
}

export interface StartAsk {
  pipeline?: string;
  overrides?: Record<string, string>;
  /** Derived from the request, so Slack's retries and double clicks map to the same build. */
  idempotencyKey: string;
}

/**
 * Starts a build: announced in the channel by whoever started it; a repeat of the same request only says so.
 * The idempotency key makes every repeat name the same build, so only the announcement needs claiming: the
 * process's gate for a repeat in this process, the store's claim for one in another.
 */
export function start(deps: SlackDeps, client: WebClient, person: Person, request: StartAsk): Promise<Reply> {
  return replyingToErrors(deps, async () => {
    const pipeline = pipelineFor(deps, request.pipeline, person.channelId);
    const requester = await deps.groups.requester(client, person, pipeline, 'start');
    const key = `start:${request.idempotencyKey}`;
    const { result, first } = await deps.once.run(key, async () => {
      const result = await acting('start', () =>
        deps.core.start({
          pipeline: pipeline.name,
          overrides: request.overrides ?? {},
          requester,
          idempotencyKey: request.idempotencyKey,
        }),
      );
      return { ...result, created: result.created && (await claim(deps, key)) };
    });
    if (result.created && first) return announce(person.userId, (who) => someoneStarted(who, result));
    return privately(started({ ...result, created: false }, deps.now()));
  });
}

/** One build's stop, claimed once across processes (the Stop button claims it before stopping). */
export { stopKey };

export interface StopAsk {
  pipeline?: string;
  build?: string;
}

/** Stops the pipeline's running build (or the named one), announced in the channel. */
export function stop(deps: SlackDeps, client: WebClient, person: Person, request: StopAsk): Promise<Reply> {
  return replyingToErrors(deps, async () => {
    const pipeline = pipelineFor(deps, request.pipeline, person.channelId);
    const requester = await deps.groups.requester(client, person, pipeline, 'stop');
    const key = `stop:${person.userId}:${pipeline.name}:${request.build ?? ''}`;
    // Only a stop still in flight is shared: "stop dev" again later is a new request.
    const { result, first } = await deps.once.run(
      key,
      () =>
        acting('stop', () =>
          deps.core.stop({
            pipeline: pipeline.name,
            build: request.build,
            requester,
          }),
        ),
      0,
    );
    // The build's stop is announced once, whoever else stopped it at the same moment (a Stop button too).
    // Lost to the notifier, the card's thread already tells the channel: only the asker hears it here.
    if (!first) return privately(PROMPTS.alreadyHandled);
    if (!(await claim(deps, stopKey(result.executionArn)))) return privately(someoneStopped('You', result));
    return announce(person.userId, (who) => someoneStopped(who, result));
  });
}

/** `subscribe <pipeline>` / `unsubscribe <pipeline>` for the channel the command came from. */
export function subscription(
  deps: SlackDeps,
  client: WebClient,
  verb: 'subscribe' | 'unsubscribe',
  named: string | undefined,
  person: Person,
): Promise<Reply> {
  return replyingToErrors(deps, async () => {
    const channel = person.channelId;
    if (!named || !channel) return privately(PROMPTS.subscribeUsage(deps.commandName, verb));
    const pipeline = deps.core.pipeline(named);
    annotate({ pipeline: pipeline.name });
    // Subscribing sends the pipeline's cards, failure reasons included, to this channel: it takes the
    // pipeline's subscribe permission, checked before anything changes (unsubscribing too).
    const requester = await deps.groups.requester(client, person, pipeline, 'subscribe');
    assertAllowed(pipeline, 'subscribe', requester);
    // What the channel hears already decides the answer: a second subscribe, or an unsubscribe of a
    // channel that never subscribed, says so rather than claiming a change.
    const byConfig = pipeline.slack.channels.includes(channel);
    const subscribed = (await deps.store.subscriptions(pipeline.name)).includes(channel);
    if (verb === 'subscribe') {
      if (byConfig || subscribed) return privately(PROMPTS.alreadySubscribed(pipeline.name));
      await deps.store.subscribe(pipeline.name, channel);
      return privately(PROMPTS.subscribed(pipeline.name));
    }
    if (subscribed) await deps.store.unsubscribe(pipeline.name, channel);
    if (byConfig) return privately(PROMPTS.subscribedByConfig(pipeline.name));
    if (!subscribed) return privately(PROMPTS.notSubscribed(pipeline.name));
    return privately(PROMPTS.unsubscribed(pipeline.name));
  });
}
