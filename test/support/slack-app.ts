// The Bolt app on its HTTP receiver, started the way the Slack tests start it: test secrets, a memory store,
// its WebClient on the fake Slack API.

import type { SageBuildConfig } from '../../core/config/schema';
import type { SageBuild } from '../../core/sagebuild';
import { createSlackApp, type SlackBot } from '../../slack/app';
import { createHttpReceiver, type SlackHttpReceiver } from '../../slack/receivers/http';
import { MemoryStore } from '../../slack/store/memory-store';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from './slack';

export interface TestSlackApp {
  bot: SlackBot;
  receiver: SlackHttpReceiver;
}

export async function startTestSlackApp(options: {
  core: SageBuild;
  config: SageBuildConfig;
  slackApiUrl: string;
  now?: () => Date;
}): Promise<TestSlackApp> {
  const receiver = createHttpReceiver({ signingSecret: TEST_SIGNING_SECRET });
  const bot = createSlackApp({
    core: options.core,
    config: options.config,
    store: new MemoryStore(),
    receiver,
    botToken: TEST_BOT_TOKEN,
    webClientOptions: { slackApiUrl: options.slackApiUrl },
    ...(options.now ? { now: options.now } : {}),
  });
  await bot.start();
  return { bot, receiver };
}
