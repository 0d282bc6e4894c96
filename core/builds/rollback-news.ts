// What a settled endpoint says about the rollback its tags record: done (it serves the config the rollback
// chose) or failed (Failed, or back in service on another config with SageMaker's failure reason). Read when
// SageMaker says an endpoint changed status, so any front's rollback can be announced by whoever listens.
// The endpoint itself is asked (DescribeEndpoint, ListTags), not the event: events may be late, repeated or
// out of order, and the endpoint's state now is what counts.

import { createHash } from 'node:crypto';
import type { BuildContext } from './context';
import type { DeployedBuildFact, RollbackNewsFact } from './facts';
import { deployedBuild, type DeploymentCache } from './lineage';
import { deployedFact } from './rollback';
import { rollbackTags } from './rollback-record';
import { describeEndpoint } from './sagemaker-facts';

/**
 * A record older than this is no news: the endpoint settled again for another reason (maintenance, a later
 * deploy). Well within the day the notifier remembers what it announced.
 */
export const ROLLBACK_NEWS_MS = 6 * 3_600_000;

const FAILED = new Set(['Failed', 'UpdateRollbackFailed']);

/** The rollback the endpoint just settled from, if its tags record a recent one; else undefined. */
export async function rollbackNews(
  ctx: BuildContext,
  endpointName: string,
  cache?: DeploymentCache,
): Promise<RollbackNewsFact | undefined> {
  const endpoint = await describeEndpoint(ctx, endpointName);
  const status = endpoint?.EndpointStatus ?? '';
  if (!endpoint?.EndpointArn || (status !== 'InService' && !FAILED.has(status))) return undefined;
  const record = await rollbackTags(ctx, endpoint.EndpointArn);
  if (!record || ctx.now().getTime() - record.at.getTime() > ROLLBACK_NEWS_MS) return undefined;
  const serving = endpoint.EndpointConfigName === record.endpointConfigName;
  const reason = endpoint.FailureReason?.trim();
  let outcome: RollbackNewsFact['outcome'];
  if (FAILED.has(status)) outcome = 'failed';
  else if (serving && !endpoint.PendingDeploymentSummary) outcome = 'done';
  // Back in service on another config with a failure reason: SageMaker undid the update.
  else if (!serving && reason) outcome = 'failed';
  // Another config and no failure: a deploy replaced the rollback since. Not news about the rollback.
  else return undefined;
  const news: RollbackNewsFact = {
    pipeline: ctx.pipeline.name,
    endpointName: endpoint.EndpointName ?? endpointName,
    outcome,
    endpointStatus: status,
    record: { ...record, inProgress: false },
    key: rollbackKey(endpoint.EndpointArn, record.at, record.endpointConfigName),
  };
  const to = await buildOf(ctx, record.build, cache);
  if (to) news.to = to;
  if (outcome === 'failed' && reason) news.failureReason = reason;
  return news;
}

/** The same for every event of one rollback, and bounded: a hash of the endpoint, when, and which config. */
function rollbackKey(endpointArn: string, at: Date, config: string): string {
  return createHash('sha256').update(`${endpointArn}\n${at.toISOString()}\n${config}`).digest('hex');
}

/** The build the rollback went back to, when it is still among the recent ones (for "Ana's build of ..."). */
async function buildOf(
  ctx: BuildContext,
  name: string,
  cache?: DeploymentCache,
): Promise<DeployedBuildFact | undefined> {
  try {
    const found = await deployedBuild(ctx, name, cache);
    return found?.endpointConfigName ? deployedFact(found, ctx.timeZone) : undefined;
  } catch {
    // The announcement names the build by its name alone.
    return undefined;
  }
}

/** The pipeline whose defaultInput names the endpoint (SageMaker names ignore case), if any. */
export function pipelineOfEndpoint<P extends { defaultInput: Record<string, unknown> }>(
  pipelines: readonly P[],
  endpointName: string,
): P | undefined {
  const wanted = endpointName.toLowerCase();
  return pipelines.find((p) => {
    const name = p.defaultInput.endpointName;
    return typeof name === 'string' && name.toLowerCase() === wanted;
  });
}
