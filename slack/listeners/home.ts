// The Home tab: the latest build of each pipeline, as cards with the same buttons as in channels, and under
// each its endpoint's health in words with the last 24 hours as a chart (when it has an endpoint).

import type { App } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { EndpointNotFound } from '../../core/errors';
import { errorSentence, healthAnswer } from '../../core/wording';
import { scopeBlockIds } from '../cards/build-card';
import { escapeMrkdwn, section } from '../replies';
import { cardFor } from './card';
import type { SlackDeps } from './deps';
import { healthChartBlock } from './health';
import { PROMPTS } from './prompts';

/**
 * A Home view holds at most 100 blocks: a divider, a card (under ten) and its health (words and chart) are at
 * most twelve a pipeline, so this many always fit after the intro: 1 + 8 x 12 = 97.
 */
const MAX_PIPELINES = 8;

/** The Home tab's blocks; with a client, each pipeline's endpoint health comes with its chart. */
export async function homeBlocks(deps: SlackDeps, client?: WebClient): Promise<KnownBlock[]> {
  const pipelines = deps.config.pipelines.slice(0, MAX_PIPELINES);
  const cards = await Promise.all(
    pipelines.map(async (pipeline) => {
      const [card, health] = await Promise.all([
        deps.core.status(pipeline.name).then(
          // Each card's block_ids carry its pipeline's name (unique in the config): Slack refuses a view
          // whose block_ids repeat.
          (fact) => scopeBlockIds(cardFor(fact, deps.now()).blocks, pipeline.name),
          // A pipeline without builds, or one AWS would not answer for, says so in its place.
          (error: unknown) => [section(escapeMrkdwn(errorSentence(error, deps.now())))],
        ),
        client ? healthBlocks(deps, client, pipeline.name) : [],
      ]);
      return [...card, ...health];
    }),
  );
  const blocks: KnownBlock[] = [section(PROMPTS.homeIntro)];
  for (const card of cards) blocks.push({ type: 'divider' }, ...card);
  return blocks;
}

/** The endpoint's health in words and its chart; nothing for a pipeline that has no endpoint yet. */
async function healthBlocks(deps: SlackDeps, client: WebClient, pipeline: string): Promise<KnownBlock[]> {
  try {
    const fact = await deps.core.health(pipeline);
    const words = {
      ...section(escapeMrkdwn(healthAnswer(fact, deps.now()))),
      block_id: `${pipeline}.health`,
    };
    const chart = await healthChartBlock(client, fact, `${pipeline}.health_chart`);
    return chart ? [words, chart] : [words];
  } catch (error) {
    if (error instanceof EndpointNotFound) return [];
    return [section(escapeMrkdwn(errorSentence(error, deps.now())))];
  }
}

export async function publishHome(deps: SlackDeps, client: WebClient, userId: string): Promise<void> {
  const blocks = await homeBlocks(deps, client);
  await client.views.publish({ user_id: userId, view: { type: 'home', blocks } });
}

export function registerHome(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return; // the Messages tab is the DM, answered elsewhere
    await publishHome(deps, client, event.user);
  });
}
