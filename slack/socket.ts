// Socket Mode: the bot on a real Slack workspace from a laptop, no public URL. `npm start` uses it when
// SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_APP_TOKEN are set (see slack/manifest.socket.json for the app).

import { createSlackApp, type SlackAppOptions, type SlackBot } from './app';
import { createSocketReceiver } from './receivers/socket';
import type { SlackSecretValues } from './secrets';

export interface SocketModeOptions extends Omit<SlackAppOptions, 'receiver' | 'botToken'> {
  secrets: SlackSecretValues;
}

/** Whether the environment has what Socket Mode needs. */
export function wantsSocketMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.SLACK_BOT_TOKEN && env.SLACK_SIGNING_SECRET && env.SLACK_APP_TOKEN);
}

/** Connects and returns the running bot; `stop()` disconnects. */
export async function startSocketModeBot(options: SocketModeOptions): Promise<SlackBot> {
  const { secrets, ...rest } = options;
  if (!secrets.appToken) throw new Error('Socket Mode needs SLACK_APP_TOKEN (an app-level xapp- token).');
  const bot = createSlackApp({
    ...rest,
    botToken: secrets.botToken,
    receiver: createSocketReceiver({ appToken: secrets.appToken }),
  });
  await bot.start();
  return bot;
}
