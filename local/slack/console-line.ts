// `/sagebuild ...` and `@SageBuild ...` in the `npm start` console: the console plays a Slack workspace. You are
// one person (U0LOCALUSER) in the dev builds channel; each line becomes the request Slack would send (a signed
// slash command with a response_url on the fake Slack API, or an app_mention event) to the real Bolt app on
// its HTTP receiver. The bot's answers, channel posts and build cards (posted, then updated in place as the
// local builds run) print as the fake Slack API receives them. `click stop` presses a button on the latest
// card: a signed block_actions payload, as Slack sends one once the button's confirm dialog is confirmed.

import { join } from 'node:path';
import type { SageBuildConfig } from '../../core/config/schema';
import type { SageBuild } from '../../core/sagebuild';
import { DEFAULT_COMMAND } from '../../slack/app';
import type { LineHandler } from '../console';
import type { EventBus } from '../events';
import type { LocalSlackApi } from '../session-file';
import type { SlackActivity } from './fake-slack-api';
import { LOCAL_BOT_TOKEN, startLocalBot, type LocalBot } from './local-bot';
import { CLICK_USAGE, findClick } from './card-buttons';
import {
  FORM,
  JSON_TYPE,
  appMentionEvent,
  blockActionBody,
  blockActionPayload,
  eventBody,
  postSigned,
  slashCommandBody,
} from './requests';
import { CHARTS_DIR, imageSaver } from './saved-images';
import { describeActivity, type TranscriptContext } from './transcript';
import { LOCAL_BOT, LOCAL_TEAM } from './workspace';

export const LOCAL_SLACK_USER = 'U0LOCALUSER';
export const MENTION_USAGE = '@SageBuild <question>';
const MENTION = /^@sagebuild\b[\s,:]*/i;
const BOT_NAME = 'SageBuild';
/** How long a line waits for the bot's first answer, and for the quiet after it (more may follow). */
const ANSWER_WAIT_MS = 15_000;
const QUIET_MS = 200;

export interface SlackConsoleOptions {
  core: SageBuild;
  config: SageBuildConfig;
  events: Pick<EventBus, 'subscribe' | 'subscribeAll'>;
  /** The local user's name (the OS user): how the fake workspace knows U0LOCALUSER. */
  user: string;
  print: (line: string) => void;
  /** When set, running builds' cards move between status changes, a progress round this often. */
  refreshEveryMs?: number;
  /** Where images the bot shows are saved (default .sagebuild/charts under the working folder). */
  chartsDir?: string;
  /** When set, the deploy watch checks this often. */
  deployWatchEveryMs?: number;
}

export interface SlackConsole {
  handlers: LineHandler[];
  /** Lines for the console's help: usage, then what it does. */
  help: [string, string][];
  banner: string;
  /** The fake Slack API and its local tokens, when the console plays the workspace (for `npm run doctor`). */
  api?: LocalSlackApi;
  close(): Promise<void>;
}

/** What a line is waiting for, and what the bot did meanwhile. */
interface Pending {
  isAnswer(activity: SlackActivity): boolean;
  lines: string[];
  answered: boolean;
  lastAt: number;
}

export async function startSlackConsole(options: SlackConsoleOptions): Promise<SlackConsole> {
  const { config, user, print } = options;
  const commandName = config.slack?.commandName ?? DEFAULT_COMMAND;
  const channel = consoleChannel(config);
  const local = await startLocalBot({
    core: options.core,
    config,
    events: options.events,
    users: { [LOCAL_SLACK_USER]: { name: user } },
    log: { warn: print, error: print },
    ...(options.refreshEveryMs !== undefined ? { refreshEveryMs: options.refreshEveryMs } : {}),
    ...(options.deployWatchEveryMs !== undefined ? { deployWatchEveryMs: options.deployWatchEveryMs } : {}),
  });
  const context = {
    ...transcriptContext(local, user),
    imagePath: imageSaver(local.slack, options.chartsDir ?? join(process.cwd(), CHARTS_DIR)),
  };
  let pending: Pending | undefined;
  // While a line waits, what the bot does is its answer; otherwise (cards as builds move) it prints at once.
  local.slack.onActivity((activity) => {
    const lines = describeActivity(activity, context);
    if (!pending) {
      if (lines.length) print(lines.join('\n'));
      return;
    }
    pending.lines.push(...lines);
    if (pending.isAnswer(activity)) pending.answered = true;
    pending.lastAt = Date.now();
  });

  async function converse(
    send: () => Promise<Response>,
    isAnswer: Pending['isAnswer'],
    silence = `(${BOT_NAME} has not answered yet.)`,
  ): Promise<string> {
    const waiting: Pending = { isAnswer, lines: [], answered: false, lastAt: Date.now() };
    pending = waiting;
    try {
      const ack = await send();
      const body = await ack.text();
      if (!ack.ok)
        return `The bot refused the request (HTTP ${ack.status}); Slack would say "dispatch_failed".`;
      if (body) {
        waiting.lines.push(...describeAck(body, context));
        waiting.answered = true;
      }
      await settled(waiting);
    } finally {
      pending = undefined;
    }
    return waiting.lines.length ? waiting.lines.join('\n') : silence;
  }

  const slashCommand: LineHandler = {
    usage: `${commandName} <command>`,
    matches: (line) => line === commandName || line.startsWith(`${commandName} `),
    run: (line) => {
      const responseUrl = local.slack.responseUrl();
      const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
      const body = slashCommandBody({
        command: commandName,
        text: line.slice(commandName.length).trim(),
        user_id: LOCAL_SLACK_USER,
        user_name: user,
        channel_id: channel,
        channel_name: context.channelOf(channel).slice(1),
        response_url: responseUrl,
      });
      return converse(
        () => postSigned(local.url, body, FORM, local.signingSecret),
        (a) => a.kind === 'response' && a.response.id === id,
      );
    },
  };

  const mention: LineHandler = {
    usage: MENTION_USAGE,
    matches: (line) => MENTION.test(line),
    run: (line) => {
      const words = line.replace(MENTION, '');
      if (!words)
        return Promise.resolve(`Ask something after ${BOT_NAME}, e.g. @SageBuild is my build done?`);
      // The question is a message in the channel first, so the bot's reply has a thread to go in.
      const asked = local.slack.postAs(channel, LOCAL_SLACK_USER, `<@${LOCAL_BOT.userId}> ${words}`);
      const body = eventBody(appMentionEvent(words, LOCAL_SLACK_USER, channel, asked.ts));
      return converse(
        () => postSigned(local.url, body, JSON_TYPE, local.signingSecret),
        (a) =>
          (a.kind === 'posted' && a.message.channel === channel && a.message.threadTs === asked.ts) ||
          (a.kind === 'ephemeral' && a.ephemeral.user === LOCAL_SLACK_USER),
      );
    },
  };

  const click: LineHandler = {
    usage: CLICK_USAGE,
    matches: (line) => /^click\b/i.test(line),
    run: (line) => {
      const found = findClick(line, local.slack.messages());
      if (typeof found === 'string') return Promise.resolve(found);
      const { card, build, button } = found;
      const responseUrl = local.slack.responseUrl(undefined, { channel: card.channel, messageTs: card.ts });
      const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
      // Slack sends a click only once its confirm dialog was confirmed: the console confirms, and says so.
      const confirmed = button.confirm
        ? `(You clicked ${button.label} and confirmed "${button.confirm.title}" with ${button.confirm.yes}.)\n`
        : '';
      const body = blockActionBody(
        blockActionPayload({
          actionId: button.actionId,
          ...(button.blockId ? { blockId: button.blockId } : {}),
          ...(button.value !== undefined ? { value: button.value } : {}),
          label: button.label,
          userId: LOCAL_SLACK_USER,
          userName: user,
          channelId: card.channel,
          channelName: context.channelOf(card.channel).replace(/^#/, ''),
          messageTs: card.ts,
          message: {
            type: 'message',
            user: card.user,
            ...(card.botId ? { bot_id: card.botId } : {}),
            app_id: LOCAL_BOT.appId,
            text: card.text,
            blocks: card.blocks,
            ts: card.ts,
            // A reply in a thread (a deploy watch's Rollback) says so, as Slack's payload does.
            ...(card.threadTs ? { thread_ts: card.threadTs } : {}),
            team: LOCAL_TEAM.id,
          },
          responseUrl,
        }),
      );
      // The bot's answer: on the card, in its thread, to the clicker alone, or through the response_url.
      const isAnswer = (a: SlackActivity) =>
        (a.kind === 'response' && a.response.id === id) ||
        (a.kind === 'updated' && a.message.ts === card.ts) ||
        (a.kind === 'posted' && a.message.threadTs === card.ts) ||
        (a.kind === 'ephemeral' && a.ephemeral.user === LOCAL_SLACK_USER);
      return converse(
        () => postSigned(local.url, body, FORM, local.signingSecret),
        isAnswer,
        `(${BOT_NAME} changed nothing on the card of ${build}.)`,
      ).then((answer) => confirmed + answer);
    },
  };

  return {
    handlers: [slashCommand, mention, click],
    help: [
      [
        slashCommand.usage,
        `The Slack bot, as ${user} in ${context.channelOf(channel)}, e.g. ${commandName} start dev`,
      ],
      [MENTION_USAGE, 'Ask the Slack bot in plain words, e.g. @SageBuild is my build done?'],
      [CLICK_USAGE, "Press a button on the latest build card (or the named build's), e.g. click stop"],
    ],
    banner: `Slack (a local workspace, you are @${user} in ${context.channelOf(channel)}): ${commandName} status prod · ${commandName} start dev · @SageBuild is my build done?`,
    api: { apiUrl: local.slack.apiUrl, botToken: LOCAL_BOT_TOKEN, signingSecret: local.signingSecret },
    close: () => local.close(),
  };
}

/** The channel the console user sits in: the dev pipeline's, else the first configured one. */
export function consoleChannel(config: SageBuildConfig): string {
  const withChannels = config.pipelines.filter((p) => p.slack.channels.length > 0);
  const dev = withChannels.find((p) => p.name === 'dev') ?? withChannels[0];
  return dev?.slack.channels[0] ?? 'C0LOCALBUILDS';
}

function transcriptContext(local: LocalBot, user: string): TranscriptContext {
  const names = new Map<string, string>([
    [LOCAL_SLACK_USER, user],
    [LOCAL_BOT.userId, BOT_NAME],
  ]);
  return {
    nameOf: (id) => names.get(id) ?? id,
    channelOf: (id) => {
      const name = local.slack.channelName(id);
      return name ? `#${name}` : id;
    },
    localUser: LOCAL_SLACK_USER,
    botName: BOT_NAME,
  };
}

/** A reply in the ack's body (Bolt's ack(text)) is shown to the person who typed the command. */
function describeAck(body: string, context: TranscriptContext): string[] {
  let message: { text?: string; blocks?: unknown[] };
  try {
    message = JSON.parse(body) as typeof message;
  } catch {
    message = { text: body };
  }
  return describeActivity(
    {
      kind: 'ephemeral',
      ephemeral: {
        channel: '',
        user: context.localUser,
        text: message.text ?? '',
        blocks: message.blocks ?? [],
        messageTs: '',
        at: new Date(),
      },
    },
    context,
  );
}

/** Resolves once the answer came and the bot has been quiet a moment, or when waiting is pointless. */
function settled(waiting: Pending): Promise<void> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const now = Date.now();
      if ((waiting.answered && now - waiting.lastAt >= QUIET_MS) || now - started > ANSWER_WAIT_MS) {
        clearInterval(timer);
        resolve();
      }
    }, 25);
  });
}
