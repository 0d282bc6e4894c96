// The Home tab: the latest build of each pipeline, as cards with the same buttons as in channels.

import type { App } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { errorSentence } from '../../core/wording';
import { scopeBlockIds } from '../cards/build-card';
import { escapeMrkdwn, section } from '../replies';
import { cardFor } from './card';
import type { SlackDeps } from './deps';
import { PROMPTS } from './prompts';

/** A Home view holds at most 100 blocks: a card is under ten, so this many pipelines always fit. */
const MAX_PIPELINES = 8;

export async function homeBlocks(deps: SlackDeps): Promise<KnownBlock[]> {
  const pipelines = deps.config.pipelines.slice(0, MAX_PIPELINES);
  const cards = await Promise.all(
    pipelines.map((pipeline) =>
      deps.core.status(pipeline.name).then(
        // Each card's block_ids carry its pipeline's name (unique in the config): Slack refuses a view
        // whose block_ids repeat.
        (fact) => scopeBlockIds(cardFor(fact, deps.now()).blocks, pipeline.name),
        // A pipeline without builds, or one AWS would not answer for, says so in its place.
        (error: unknown) => [section(escapeMrkdwn(errorSentence(error, deps.now())))],
      ),
    ),
  );
  const blocks: KnownBlock[] = [section(PROMPTS.homeIntro)];
  for (const card of cards) blocks.push({ type: 'divider' }, ...card);
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
