// Stopping a build: the pipeline's running build, or a named one. Step Functions stops the training job.

import { assertAllowed } from '../config/authorize';
import { BuildNotFound, NothingToStop } from '../errors';
import { describeExecution, listExecutions, stopExecution, type BuildContext } from './context';
import type { Requester, StopResult } from './facts';
import { executionArnFor } from './names';
import { STOP_ERROR, stopCause } from './stop-cause';

export interface StopRequest {
  /** A build name; without it, the pipeline's running build. */
  build?: string;
  requester: Requester;
  reason?: string;
}

export async function stopBuild(ctx: BuildContext, request: StopRequest): Promise<StopResult> {
  const { pipeline } = ctx;
  assertAllowed(pipeline, 'stop', request.requester);
  const target = request.build ? await namedRunningBuild(ctx, request.build) : await runningBuild(ctx);
  const cause = stopCause(request.requester, request.reason);
  const stoppedAt = await stopExecution(ctx, target.executionArn, STOP_ERROR, cause);
  return { pipeline: pipeline.name, ...target, stoppedAt };
}

async function runningBuild(ctx: BuildContext): Promise<{ executionArn: string; name: string }> {
  const [running] = await listExecutions(ctx, 1, 'RUNNING');
  if (!running) throw new NothingToStop(ctx.pipeline.name);
  return { executionArn: running.executionArn ?? '', name: running.name ?? '' };
}

async function namedRunningBuild(
  ctx: BuildContext,
  build: string,
): Promise<{ executionArn: string; name: string }> {
  const name = build.trim();
  if (!/^[^\s:]{1,80}$/.test(name)) throw new BuildNotFound(ctx.pipeline.name, name);
  const executionArn = executionArnFor(ctx.pipeline.stateMachineArn, name);
  const described = await describeExecution(ctx, executionArn).catch((error: unknown) => {
    if ((error as Error).name === 'ExecutionDoesNotExist') throw new BuildNotFound(ctx.pipeline.name, name);
    throw error;
  });
  if (described.status !== 'RUNNING') throw new NothingToStop(ctx.pipeline.name, name);
  return { executionArn, name };
}
