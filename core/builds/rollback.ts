// Rollback: the endpoint goes back to an earlier successful build's endpoint config (by default the one
// deployed before the config it serves now). Everything is checked before anything changes: the person's
// `rollback` access, no build deploying and the endpoint settled, the target config and its models still
// there. Then one UpdateEndpoint, and the rollback is written on the endpoint's tags, where any front (and
// any Lambda container) reads it back for status and cards.

import {
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  UpdateEndpointCommand,
  type DescribeEndpointConfigCommandOutput,
} from '@aws-sdk/client-sagemaker';
import { callAws } from '../aws/translate-error';
import { assertAllowed } from '../config/authorize';
import { RollbackRefused } from '../errors';
import { listExecutions, recentHistory, type BuildContext } from './context';
import type { DeployedBuildFact, Requester, RollbackPlan, RollbackResult } from './facts';
import { readHistory } from './history';
import { deployedBuild, endpointLineage, type BuildDeployment, type DeploymentCache } from './lineage';
import { writeRollbackRecord } from './rollback-record';

export interface RollbackRequest {
  requester: Requester;
  /** The build to go back to (name or execution ARN); default: the one deployed before the live one. */
  to?: string;
  /**
   * The build being rolled back, as a button saw it: refused if it is no longer live, so a stale button
   * (someone rolled back or deployed since) changes nothing.
   */
  from?: string;
}

/** Endpoint statuses during which SageMaker refuses an update, and a rollback makes no sense. */
const CHANGING = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting']);
/** Running builds looked at for one in its deploy steps. */
const RUNNING_LOOKED_AT = 5;

/** Checks everything a rollback needs and says what it would do; changes nothing. */
export async function planRollback(
  ctx: BuildContext,
  request: RollbackRequest,
  cache?: DeploymentCache,
): Promise<RollbackPlan> {
  return (await checkedRollback(ctx, request, cache)).plan;
}

async function checkedRollback(
  ctx: BuildContext,
  request: RollbackRequest,
  cache?: DeploymentCache,
): Promise<{ plan: RollbackPlan; endpointArn: string }> {
  const pipeline = ctx.pipeline.name;
  assertAllowed(ctx.pipeline, 'rollback', request.requester);
  await refuseWhileDeploying(ctx);
  const lineage = await endpointLineage(ctx, cache);
  const endpoint = lineage.endpoint;
  if (!endpoint || !lineage.endpointName) {
    throw new RollbackRefused('no-endpoint', pipeline, lineage.endpointName);
  }
  const status = endpoint.EndpointStatus ?? 'Unknown';
  if (CHANGING.has(status)) throw new RollbackRefused('deploying', pipeline, lineage.endpointName, status);
  const live = lineage.live;
  if (request.from !== undefined && !isBuild(live, request.from)) {
    throw new RollbackRefused('not-live', pipeline, request.from, live?.name);
  }
  const target = request.to !== undefined ? await namedTarget(ctx, request.to, cache) : lineage.previous;
  if (!target?.endpointConfigName) {
    if (request.to === undefined && !live) throw new RollbackRefused('live-build-unknown', pipeline);
    throw new RollbackRefused('no-earlier-build', pipeline, request.to ?? live?.name);
  }
  if (target.endpointConfigName === endpoint.EndpointConfigName) {
    throw new RollbackRefused('already-live', pipeline, target.name);
  }
  const modelName = await assertDeployable(ctx, target.endpointConfigName);
  const plan: RollbackPlan = {
    pipeline,
    endpointName: lineage.endpointName,
    to: { ...deployedFact(target, ctx.timeZone), ...(modelName ? { modelName } : {}) },
  };
  if (live) plan.from = deployedFact(live, ctx.timeZone);
  return { plan, endpointArn: endpoint.EndpointArn ?? '' };
}

/** Rolls back: the same checks as planRollback, then UpdateEndpoint, then the record on the endpoint. */
export async function rollBack(
  ctx: BuildContext,
  request: RollbackRequest,
  cache?: DeploymentCache,
): Promise<RollbackResult> {
  const { plan, endpointArn } = await checkedRollback(ctx, request, cache);
  try {
    await callAws('SageMaker', 'sagemaker:UpdateEndpoint', () =>
      ctx.sagemaker.send(
        new UpdateEndpointCommand({
          EndpointName: plan.endpointName,
          EndpointConfigName: plan.to.endpointConfigName,
        }),
        { abortSignal: ctx.signal },
      ),
    );
  } catch (error) {
    // Another update started since the check (a deploy, or a second rollback at the same moment).
    if (isValidation(error, /in-progress|Cannot update/i)) {
      throw new RollbackRefused('deploying', plan.pipeline, plan.endpointName, 'Updating');
    }
    throw error;
  }
  const rolledBackAt = ctx.now();
  const rolledBackBy = { id: request.requester.id, ...nameOf(request.requester) };
  const recorded = await writeRollbackRecord(ctx, endpointArn, {
    by: rolledBackBy,
    at: rolledBackAt,
    build: plan.to.name,
    ...(plan.from ? { fromBuild: plan.from.name } : {}),
    endpointConfigName: plan.to.endpointConfigName,
  });
  return { ...plan, rolledBackAt, rolledBackBy, recorded };
}

/**
 * A build in its deploy steps: a running build whose newest events show a task on the endpoint (creating,
 * updating or polling it). A build still training, or waiting for approval, deploys later and is no reason.
 */
async function refuseWhileDeploying(ctx: BuildContext): Promise<void> {
  const running = await listExecutions(ctx, RUNNING_LOOKED_AT, 'RUNNING');
  for (const build of running) {
    if (!build.executionArn) continue;
    const reading = readHistory(await recentHistory(ctx, build.executionArn));
    const role = reading.currentTask?.role;
    if (role === 'approval') continue;
    if (reading.endpointName !== undefined || role === 'create-endpoint' || role === 'update-endpoint') {
      throw new RollbackRefused('deploying', ctx.pipeline.name, build.name, 'build');
    }
  }
}

/** The named build, if it succeeded recently and deployed; else refused with its name. */
async function namedTarget(
  ctx: BuildContext,
  build: string,
  cache?: DeploymentCache,
): Promise<BuildDeployment> {
  const found = await deployedBuild(ctx, build, cache);
  if (!found?.endpointConfigName) throw new RollbackRefused('no-earlier-build', ctx.pipeline.name, build);
  return found;
}

/** The config and every model it serves must still exist: SageMaker would fail the update otherwise. */
async function assertDeployable(ctx: BuildContext, endpointConfigName: string): Promise<string | undefined> {
  const pipeline = ctx.pipeline.name;
  const config = await describeOrMissing<DescribeEndpointConfigCommandOutput>('DescribeEndpointConfig', () =>
    ctx.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpointConfigName }), {
      abortSignal: ctx.signal,
    }),
  );
  if (!config) throw new RollbackRefused('config-missing', pipeline, endpointConfigName);
  const models = [
    ...new Set((config.ProductionVariants ?? []).map((v) => v.ModelName).filter((m): m is string => !!m)),
  ];
  for (const model of models) {
    const found = await describeOrMissing('DescribeModel', () =>
      ctx.sagemaker.send(new DescribeModelCommand({ ModelName: model }), { abortSignal: ctx.signal }),
    );
    if (!found) throw new RollbackRefused('model-missing', pipeline, model);
  }
  return models[0];
}

/** SageMaker answers a missing model or config with ValidationException "Could not find ...". */
async function describeOrMissing<T>(action: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await callAws('SageMaker', `sagemaker:${action}`, call);
  } catch (error) {
    if (isValidation(error, /Could not find/i)) return undefined;
    throw error;
  }
}

function isValidation(error: unknown, message: RegExp): boolean {
  const e = error as { name?: string; message?: string } | undefined;
  return e?.name === 'ValidationException' && message.test(e.message ?? '');
}

function isBuild(build: BuildDeployment | undefined, nameOrArn: string): boolean {
  return build !== undefined && (build.name === nameOrArn || build.executionArn === nameOrArn);
}

export function deployedFact(build: BuildDeployment, timeZone?: string): DeployedBuildFact {
  const fact: DeployedBuildFact = {
    name: build.name,
    startedAt: build.startedAt,
    endpointConfigName: build.endpointConfigName ?? '',
  };
  if (timeZone) fact.timeZone = timeZone;
  if (build.startedBy) fact.startedBy = build.startedBy;
  if (build.stoppedAt) fact.finishedAt = build.stoppedAt;
  if (build.modelName) fact.modelName = build.modelName;
  return fact;
}

function nameOf(requester: Requester): { displayName?: string } {
  return requester.displayName ? { displayName: requester.displayName } : {};
}
