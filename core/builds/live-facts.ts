// Facts about the live model added to answers that already exist: a status says when the endpoint serves an
// earlier build's model because someone rolled it back; details and cards show the build's metrics next to
// the live model's; "endpoint" names the build behind the live config. Each is extra: if it can't be read
// (a role without sagemaker:ListTags, a slow SageMaker), the answer comes without it rather than failing.

import { annotate } from '../log/request';
import type { BuildContext } from './context';
import { compareDeployment } from './comparison';
import type { BuildStatusFact, LiveModelFact, RollbackRecord } from './facts';
import { deploymentOf, endpointLineage, type DeploymentCache } from './lineage';
import { endpointArnFor, readRollbackRecord, rollbackServing, rollbackTags } from './rollback-record';
import { describeEndpoint, endpointFactOf } from './sagemaker-facts';

/** The rollback behind the endpoint's current config, if any: DescribeEndpoint and ListTags. */
export async function liveRollback(
  ctx: BuildContext,
  cache?: DeploymentCache,
): Promise<RollbackRecord | undefined> {
  const configured = ctx.pipeline.defaultInput.endpointName;
  const endpointName =
    typeof configured === 'string' && configured
      ? configured
      : (await endpointLineage(ctx, cache)).endpointName;
  if (!endpointName) return undefined;
  const endpoint = await describeEndpoint(ctx, endpointName);
  return endpoint ? readRollbackRecord(ctx, endpoint) : undefined;
}

/**
 * A finished build's status with the rollback the endpoint is under: ListTags, and only when the tags record a
 * rollback (and the status did not describe the endpoint already) a DescribeEndpoint, so a status without one
 * stays at three calls. The record only counts while the endpoint serves (or moves to) the rolled-back config:
 * a later deploy ends it. A running build's status is about the build, and stays at its three calls.
 */
export async function withRollback(ctx: BuildContext, fact: BuildStatusFact): Promise<BuildStatusFact> {
  if (fact.status === 'RUNNING' || fact.status === 'PENDING_REDRIVE') return fact;
  const configured = ctx.pipeline.defaultInput.endpointName;
  const endpointName =
    fact.endpoint?.endpointName ?? (typeof configured === 'string' && configured ? configured : undefined);
  if (!endpointName) return fact;
  const arn = endpointArnFor(ctx.pipeline.stateMachineArn, endpointName);
  const record = await extra('rollback', () => rollbackTags(ctx, arn));
  if (!record) return fact;
  const endpoint =
    (fact.endpoint?.endpointConfigName ? fact.endpoint : undefined) ??
    (await extra('rollback', async () => {
      const output = await describeEndpoint(ctx, endpointName);
      return output && endpointFactOf(output);
    }));
  if (!endpoint) return fact;
  const rollback = rollbackServing(record, endpoint.endpointConfigName, endpoint.pendingConfigName);
  return rollback ? { ...fact, rollback } : fact;
}

/** A finished build that trained, with its metrics next to the live model's. */
export async function withComparison(
  ctx: BuildContext,
  fact: BuildStatusFact,
  cache?: DeploymentCache,
): Promise<BuildStatusFact> {
  if (fact.status === 'RUNNING' || fact.status === 'PENDING_REDRIVE') return fact;
  const known = cache?.comparison(fact.executionArn);
  if (known) return known.metrics.length > 0 ? { ...fact, comparison: known } : fact;
  const comparison = await extra('comparison', async () => {
    const item = {
      stateMachineArn: ctx.pipeline.stateMachineArn,
      executionArn: fact.executionArn,
      name: fact.name,
      status: fact.status,
      startDate: fact.startedAt,
      stopDate: fact.stoppedAt,
    };
    return compareDeployment(ctx, await deploymentOf(ctx, item, cache), cache);
  });
  if (comparison) cache?.rememberComparison(fact.executionArn, comparison);
  return comparison && comparison.metrics.length > 0 ? { ...fact, comparison } : fact;
}

/** The live model's fact with the build that made its config, and the rollback that put it back if any. */
export async function withLineage(
  ctx: BuildContext,
  fact: LiveModelFact,
  cache?: DeploymentCache,
): Promise<LiveModelFact> {
  if (!fact.exists) return fact;
  const lineage = await extra('lineage', () => endpointLineage(ctx, cache));
  const endpoint = lineage?.endpoint;
  const rollback = endpoint ? await extra('rollback', () => readRollbackRecord(ctx, endpoint)) : undefined;
  return {
    ...fact,
    ...(lineage?.live ? { build: lineage.live.name } : {}),
    ...(rollback ? { rollback } : {}),
  };
}

async function extra<T>(what: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    // The request's own log line says what was left out and why; the answer goes on without it.
    annotate({ leftOut: what, leftOutBecause: (error as Error).name });
    return undefined;
  }
}
