// The endpoint health answer in Slack: the core's sentences, and under them the last 24 hours as a chart
// (requests, errors, median latency) uploaded to Slack and shown in an image block. The chart is a bonus, not
// the answer: within CHART_MS or not at all, and a failed upload leaves the words as they are (logged).

import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { HealthFact } from '../../core/health/facts';
import { requestLog } from '../../core/log/request';
import { healthAnswer } from '../../core/wording';
import { renderHealthChart } from '../cards/health-chart';
import { imageBlock, uploadImage } from '../files/upload-image';
import { privately, section, type Reply } from '../replies';
import { within } from './deadline';
import type { SlackDeps } from './deps';
import { replyingToErrors, pipelineFor } from './operations';
import { PROMPTS } from './prompts';
import type { Person } from './requester';

/** Rendering and the three upload calls: past this the answer goes without its chart. */
export const CHART_MS = 1500;

/** `/sagebuild health prod`, or a mention asking how the endpoint is doing. */
export function askHealth(
  deps: SlackDeps,
  client: WebClient,
  named: string | undefined,
  person: Person,
): Promise<Reply> {
  return replyingToErrors(deps, async () => {
    const pipeline = pipelineFor(deps, named, person.channelId);
    const fact = await deps.core.health(pipeline.name);
    const reply = privately(healthAnswer(fact, deps.now()));
    const chart = await healthChartBlock(client, fact);
    return chart ? { ...reply, blocks: [section(reply.text), chart] } : reply;
  });
}

/** The fact's 24 hours as an uploaded chart's image block; undefined when it could not be made in time. */
export async function healthChartBlock(
  client: WebClient,
  fact: HealthFact,
  blockId?: string,
): Promise<KnownBlock | undefined> {
  const image = {
    bytes: renderHealthChart(fact.series24h),
    filename: `${fact.pipeline}-health.png`,
    title: PROMPTS.healthChartTitle(fact.pipeline),
    altText: PROMPTS.healthChartAltText(fact),
  };
  try {
    const id = await within(CHART_MS, 'the health chart upload', uploadImage(client, image));
    return imageBlock(id, image, blockId);
  } catch (error) {
    requestLog().warn('Health chart not shown', { pipeline: fact.pipeline, error });
    return undefined;
  }
}
