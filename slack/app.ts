// The Slack bot: one Bolt app whose listeners are the same whichever receiver brings Slack's requests (HTTP,
// Lambda, Socket Mode). A thin front: facts and sentences come from the core; this adds Block Kit, buttons and
// threads. It never calls AWS itself.

import { App, LogLevel } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { SageBuildConfig } from '../core/config/schema';
import type { LogFields } from '../core/log/logger';
import { tooLong } from '../core/input-limits';
import { annotate, noteError } from '../core/log/request';
import type { SageBuild } from '../core/sagebuild';
import { modelFor } from '../interaction-models/build-model';
import { registerActions } from './listeners/actions';
import { registerCommand } from './listeners/command';
import { registerConversation } from './listeners/conversation';
import type { SlackDeps } from './listeners/deps';
import { registerHome } from './listeners/home';
import { registerRollback } from './listeners/rollback';
import { registerApproval } from './listeners/approval';
import { OnceGate } from './listeners/once';
import { GroupDirectory } from './listeners/requester';
import type { SlackReceiver } from './receivers/receiver';
import { SLACK_DEFAULTS, slackSettings } from './settings';
import type { SlackStore } from './store/store';

/**
 * The WebClient on a request path: Slack waits 3 s for an ack and a person for the answer, so one retry, a
 * timeout, and a 429 is an error to report rather than minutes of waiting (the defaults: 10 retries over 30
 * minutes, no timeout).
 */
export const REQUEST_PATH_CLIENT: WebClientOptions = {
  retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 500 },
  timeout: 2500,
  rejectRateLimitedCalls: true,
};

export const DEFAULT_COMMAND = SLACK_DEFAULTS.commandName;

export interface SlackAppOptions {
  core: SageBuild;
  config: SageBuildConfig;
  store: SlackStore;
  receiver: SlackReceiver;
  botToken: string;
  /** Overrides REQUEST_PATH_CLIENT, e.g. slackApiUrl for a local fake Slack API. */
  webClientOptions?: WebClientOptions;
  /** The bot's bot ID (B…), when known: lets Bolt skip the bot's own messages by ID as well. */
  botId?: string;
  now?: () => Date;
  logLevel?: LogLevel;
  /** The receiver answers Slack only after the listeners (Lambda): slash command answers go in the ack. */
  answerInAck?: boolean;
}

export interface SlackBot {
  app: App;
  deps: SlackDeps;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSlackApp(options: SlackAppOptions): SlackBot {
  const { core, config, store, receiver, botToken } = options;
  const now = options.now ?? (() => new Date());
  const deps: SlackDeps = {
    core,
    config,
    store,
    now,
    commandName: slackSettings(config).commandName,
    groups: new GroupDirectory(() => now().getTime()),
    once: new OnceGate(() => now().getTime()),
    answerInAck: options.answerInAck ?? false,
    model: modelFor(config),
  };
  // The bot's identity comes from config, not from auth.test: no Slack call before an ack, even cold.
  const identity = {
    botToken,
    ...(config.slack?.botUserId ? { botUserId: config.slack.botUserId } : {}),
    ...(options.botId ? { botId: options.botId } : {}),
  };
  const app = new App({
    receiver: receiver.bolt,
    authorize: async () => identity,
    clientOptions: { ...REQUEST_PATH_CLIENT, ...options.webClientOptions },
    // DEBUG would log request bodies and WebClient arguments; INFO and above never carry a token.
    logLevel: options.logLevel ?? LogLevel.WARN,
  });
  // Before any listener: what the request is and who sent it; a listener's throw is the request's failure.
  app.use(async (args) => {
    const { body, next } = args;
    annotate(logFields(body as SlackBody));
    // A button value longer than Slack allows was not written by this app: acked, answered by nothing.
    if (oversizedAction(body as SlackBody)) {
      noteError(tooLong('button value', longestValue(body as SlackBody), MAX_ACTION_VALUE_CHARS), 'refused');
      if ('ack' in args && typeof args.ack === 'function') await args.ack();
      return;
    }
    try {
      await next();
    } catch (error) {
      noteError(error, 'failed');
      throw error;
    }
  });
  registerCommand(app, deps);
  registerConversation(app, deps);
  registerActions(app, deps);
  registerHome(app, deps);
  registerRollback(app, deps);
  registerApproval(app, deps);
  return { app, deps, start: () => receiver.start(), stop: () => receiver.stop() };
}

/** Slack's own limit for a button's value; action_ids stop at 255. */
const MAX_ACTION_VALUE_CHARS = 2000;
const MAX_ACTION_ID_CHARS = 255;

/** The parts of a request body the log (and the size check) reads. */
interface SlackBody {
  type?: string;
  command?: string;
  user_id?: string;
  user?: { id?: string };
  actions?: { action_id?: string; value?: unknown }[];
  event?: { type?: string; user?: unknown };
}

function longestValue(body: SlackBody): number {
  const actions = Array.isArray(body.actions) ? body.actions : [];
  return Math.max(0, ...actions.map((a) => (typeof a?.value === 'string' ? a.value.length : 0)));
}

/** Whether an action payload carries more than Slack ever sends: a value or action_id past its limit. */
function oversizedAction(body: SlackBody): boolean {
  if (!Array.isArray(body.actions)) return false;
  return (
    longestValue(body) > MAX_ACTION_VALUE_CHARS ||
    body.actions.some((a) => typeof a?.action_id === 'string' && a.action_id.length > MAX_ACTION_ID_CHARS)
  );
}

/**
 * A request's log fields: its kind (the slash command, the button's action_id, the event type; listeners
 * refine it) and who sent it, as the core's access rules name them. Never its text, payload or headers.
 */
function logFields(body: SlackBody): LogFields {
  const user = body.user_id ?? body.user?.id ?? body.event?.user;
  const action = body.command ?? body.actions?.[0]?.action_id ?? body.event?.type ?? body.type;
  return {
    // Bounded: a forged action_id of any length must not become a megabyte log field.
    action: typeof action === 'string' ? action.slice(0, MAX_ACTION_ID_CHARS) : undefined,
    ...(typeof user === 'string' ? { user: `slack:${user}` } : {}),
  };
}
