// Read-only answers beyond status: recent builds, why the last failure failed, and which model is live.

import { NoBuildsYet, NoFailedBuild } from '../errors';
import { stepLabel } from '../wording/steps';
import { listExecutions, recentHistory, summaryOf, type BuildContext } from './context';
import type { BuildListFact, FailureFact, LiveModelFact } from './facts';
import { readableCause } from './failure-reason';
import { readHistory } from './history';
import { describeEndpoint, endpointFactOf, servingModel, trainingFact } from './sagemaker-facts';

export async function recentBuilds(ctx: BuildContext, limit: number): Promise<BuildListFact> {
  const items = await listExecutions(ctx, Math.min(Math.max(1, limit), 100));
  return { pipeline: ctx.pipeline.name, builds: items.map((item) => summaryOf(ctx.pipeline.name, item)) };
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
  const error = reading.failure?.error ?? failed.status ?? 'FAILED';
  const fact: FailureFact = {
    pipeline: ctx.pipeline.name,
    executionArn: failed.executionArn,
    name: failed.name ?? '',
    status: failed.status as FailureFact['status'],
    error,
    reason: readableCause(reading.failure?.cause) ?? error,
  };
  // A pipeline whose Fail state gives a fixed cause hides SageMaker's reason: ask SageMaker for it.
  const job = reading.failure?.trainingJobName;
  if (job && !reading.failure?.cause?.includes('FailureReason')) {
    const reason = (await trainingFact(ctx, job))?.failureReason;
    if (reason) fact.reason = reason;
  }
  if (failed.stopDate) fact.failedAt = failed.stopDate;
  const step = reading.failure?.step;
  if (step) {
    fact.step = step;
    fact.stepLabel = stepLabel(step);
  }
  return fact;
}

/** The pipeline's endpoint (named in its default input) and the model it serves. */
export async function liveModel(ctx: BuildContext): Promise<LiveModelFact> {
  const endpointName = ctx.pipeline.defaultInput.endpointName;
  if (typeof endpointName !== 'string' || !endpointName)
    return { pipeline: ctx.pipeline.name, exists: false };
  const endpoint = await describeEndpoint(ctx, endpointName);
  if (!endpoint) return { pipeline: ctx.pipeline.name, exists: false };
  const fact = endpointFactOf(endpoint);
  if (fact.endpointConfigName) {
    const model = await servingModel(ctx, fact.endpointConfigName);
    if (model) fact.modelName = model;
  }
  return { pipeline: ctx.pipeline.name, exists: true, endpoint: fact };
}
