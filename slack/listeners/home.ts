// The Home tab: the latest build of each pipeline, as cards with the same buttons as in channels.

import type { App } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { errorSentence } from '../../core/wording';
import { escapeMrkdwn, section } from '../replies';
import { cardFor } from './card';
import type { SlackDeps } from './deps';
import { PROMPTS } from './prompts';

/** A Home view holds at most 100 blocks: a card is under ten, so this many pipelines always fit. */
const MAX_PIPELINES = 8;

export async function homeBlocks(deps: SlackDeps): Promise<KnownBlock[]> {
  const pipelines = deps.config.pipelines.slice(0, MAX_PIPELINES);
  const facts = await Promise.allSettled(pipelines.map((p) => deps.core.status(p.name)));
  const now = deps.now();
  const blocks: KnownBlock[] = [section(PROMPTS.homeIntro)];
  for (const fact of facts) {
    blocks.push({ type: 'divider' });
    // A pipeline without builds, or one AWS would not answer for, says so in its place.
    if (fact.status === 'fulfilled') blocks.push(...cardFor(fact.value, now).blocks);
    else blocks.push(section(escapeMrkdwn(errorSentence(fact.reason, now))));
  }
  return blocks;
}

export async function publishHome(deps: SlackDeps, client: WebClient, userId: string): Promise<void> {
  await client.views.publish({ user_id: userId, view: { type: 'home', blocks: await homeBlocks(deps) } });
}

export function registerHome(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return; // the Messages tab is the DM, answered elsewhere
    await publishHome(deps, client, event.user);
  });
}
