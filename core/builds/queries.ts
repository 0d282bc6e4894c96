// Read-only answers beyond status: recent builds, why the last failure failed, and which model is live.

import { setMaxListeners } from 'node:events';
import { NoBuildsYet, NoFailedBuild } from '../errors';
import { definitionFor } from '../machine/definition';
import { machineRoles } from '../machine/roles';
import { historyUntil, listExecutions, recentHistory, type BuildContext } from './context';
import { listedBuild } from './listed';
import type { BuildListFact, FailureFact, LiveModelFact } from './facts';
import { readHistory } from './history';
import { describeEndpoint, endpointFactOf, servingModel } from './sagemaker-facts';
import { failureFactOf } from './status';

/** At most three lookups per listed build, each an SDK call and an inTime wait. */
const LISTENERS_PER_BUILD = 6;

export async function recentBuilds(ctx: BuildContext, limit: number): Promise<BuildListFact> {
  const items = await listExecutions(ctx, Math.min(Math.max(1, limit), 100));
  // Every build's lookups wait on the one budget signal at once (SDK calls and inTime each listen for its end).
  setMaxListeners(LISTENERS_PER_BUILD * items.length + 10, ctx.signal);
  const builds = await Promise.all(items.map((item) => listedBuild(ctx, item)));
  return { pipeline: ctx.pipeline.name, builds };
}

/** The newest build that failed, timed out or was stopped, among the recent ones. */
export async function lastFailure(ctx: BuildContext): Promise<FailureFact> {
  const recent = await listExecutions(ctx, 20);
  if (recent.length === 0) throw new NoBuildsYet(ctx.pipeline.name);
  // A real failure first; a stop only when nothing failed (after a stop, people still ask about the failure).
  const failed =
    recent.find((e) => e.status === 'FAILED' || e.status === 'TIMED_OUT') ??
    recent.find((e) => e.status === 'ABORTED');
  if (!failed?.executionArn) throw new NoFailedBuild(ctx.pipeline.name);
  const reading = readHistory(await recentHistory(ctx, failed.executionArn));
  const machine = await definitionFor(ctx, failed.executionArn, reading.entered);
  const build = {
    executionArn: failed.executionArn,
    name: failed.name ?? '',
    status: failed.status ?? 'FAILED',
    stoppedAt: failed.stopDate,
  };
  return failureFactOf(ctx, build, reading, machine ? machineRoles(machine) : undefined);
}

/**
 * The endpoint the latest successful build deployed (from its history, whatever the machine calls it) and
 * the model it serves. The config's defaultInput.endpointName is only a fallback, for a pipeline with no
 * successful build yet.
 */
export async function liveModel(ctx: BuildContext): Promise<LiveModelFact> {
  const endpointName = (await deployedEndpoint(ctx)) ?? configuredEndpoint(ctx);
  if (!endpointName) return { pipeline: ctx.pipeline.name, exists: false };
  const endpoint = await describeEndpoint(ctx, endpointName);
  if (!endpoint) return { pipeline: ctx.pipeline.name, exists: false };
  const fact = endpointFactOf(endpoint);
  if (fact.endpointConfigName) {
    const model = await servingModel(ctx, fact.endpointConfigName);
    if (model) fact.modelName = model;
  }
  return { pipeline: ctx.pipeline.name, exists: true, endpoint: fact };
}

/**
 * The endpoint the latest successful build's tasks named. Steps after the deploy (notifications, a Map of
 * reports) push it out of the newest events, so the history is read back page by page, within
 * historyUntil's page budget, until a page names it.
 */
async function deployedEndpoint(ctx: BuildContext): Promise<string | undefined> {
  const [latest] = await listExecutions(ctx, 1, 'SUCCEEDED');
  if (!latest?.executionArn) return undefined;
  let endpointName: string | undefined;
  await historyUntil(ctx, latest.executionArn, (events) => {
    endpointName = readHistory(events).endpointName;
    return endpointName !== undefined;
  });
  return endpointName;
}

function configuredEndpoint(ctx: BuildContext): string | undefined {
  const name = ctx.pipeline.defaultInput.endpointName;
  return typeof name === 'string' && name ? name : undefined;
}
