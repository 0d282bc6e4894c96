// A build's model next to the model that was live when it finished: the final metrics of both training
// jobs (DescribeTrainingJob's FinalMetricDataList), the jobs found in the builds' histories, never guessed
// from names, so a team's own machine compares the same way. The quality gate's metric comes first.

import type { ExecutionListItem } from '@aws-sdk/client-sfn';
import { BuildNotFound, NoBuildsYet } from '../errors';
import { describeExecution, listExecutions, type BuildContext } from './context';
import type { MetricComparison, ModelComparisonFact } from './facts';
import {
  deploymentOf,
  endpointLineage,
  LINEAGE_BUILDS,
  type BuildDeployment,
  type DeploymentCache,
} from './lineage';
import { executionArnFor } from './names';
import { trainingFact } from './sagemaker-facts';

/** The pipeline's latest build (or the named one) next to the model live when it finished. */
export async function compareWithLive(
  ctx: BuildContext,
  build: string | undefined,
  cache?: DeploymentCache,
): Promise<ModelComparisonFact> {
  const subject = await deploymentOf(ctx, await buildItem(ctx, build), cache);
  return compareDeployment(ctx, subject, cache);
}

export async function compareDeployment(
  ctx: BuildContext,
  subject: BuildDeployment,
  cache?: DeploymentCache,
): Promise<ModelComparisonFact> {
  const fact: ModelComparisonFact = { pipeline: ctx.pipeline.name, build: subject.name, metrics: [] };
  if (!subject.trainingJobName) return fact;
  fact.trainingJobName = subject.trainingJobName;
  const baseline = await baselineOf(ctx, subject, cache);
  const [mine, theirs] = await Promise.all([
    trainingFact(ctx, subject.trainingJobName),
    baseline?.trainingJobName ? trainingFact(ctx, baseline.trainingJobName) : undefined,
  ]);
  if (baseline?.trainingJobName && theirs) {
    fact.live = { build: baseline.name, trainingJobName: baseline.trainingJobName };
    if (baseline.startedBy) fact.live.startedBy = baseline.startedBy;
  }
  fact.metrics = sideBySide(
    mine?.metrics ?? [],
    fact.live ? (theirs?.metrics ?? []) : [],
    subject.gateMetric ?? baseline?.gateMetric,
  );
  return fact;
}

/**
 * The model live when `subject` finished. If `subject` made the endpoint's config, the build deployed before
 * it; if it finished after the live build (or runs still), the live build; if it is older, the newest
 * successful build that finished before it did.
 */
async function baselineOf(
  ctx: BuildContext,
  subject: BuildDeployment,
  cache?: DeploymentCache,
): Promise<BuildDeployment | undefined> {
  const lineage = await endpointLineage(ctx, cache);
  const live = lineage.live;
  if (live?.executionArn === subject.executionArn) return lineage.previous;
  const finished = subject.stoppedAt?.getTime() ?? Number.POSITIVE_INFINITY;
  if (live && finished >= (live.stoppedAt?.getTime() ?? 0)) return live;
  const successes = await listExecutions(ctx, LINEAGE_BUILDS, 'SUCCEEDED');
  for (const item of successes) {
    if (item.executionArn === subject.executionArn) continue;
    if ((item.stopDate?.getTime() ?? Number.POSITIVE_INFINITY) > finished) continue;
    const earlier = await deploymentOf(ctx, item, cache);
    if (earlier.endpointConfigName && earlier.trainingJobName) return earlier;
  }
  return undefined;
}

/** The gate's metric first, then the build's others in the training job's order. */
export function sideBySide(
  mine: { name: string; value: number }[],
  theirs: { name: string; value: number }[],
  gateMetric: string | undefined,
): MetricComparison[] {
  const live = new Map(theirs.map((m) => [m.name, m.value]));
  const rows: MetricComparison[] = mine.map((m) => {
    const row: MetricComparison = { name: m.name, value: m.value, gate: m.name === gateMetric };
    const liveValue = live.get(m.name);
    if (liveValue !== undefined) row.liveValue = liveValue;
    return row;
  });
  return [...rows.filter((r) => r.gate), ...rows.filter((r) => !r.gate)];
}

async function buildItem(ctx: BuildContext, build: string | undefined): Promise<ExecutionListItem> {
  if (build === undefined) {
    const [latest] = await listExecutions(ctx, 1);
    if (!latest) throw new NoBuildsYet(ctx.pipeline.name);
    return latest;
  }
  const executionArn = build.startsWith('arn:')
    ? build
    : executionArnFor(ctx.pipeline.stateMachineArn, build);
  // Another pipeline's build is not this pipeline's to compare.
  if (!executionArn.startsWith(executionArnFor(ctx.pipeline.stateMachineArn, ''))) {
    throw new BuildNotFound(ctx.pipeline.name, build);
  }
  try {
    const described = await describeExecution(ctx, executionArn);
    return {
      executionArn,
      stateMachineArn: ctx.pipeline.stateMachineArn,
      name: described.name,
      status: described.status,
      startDate: described.startDate,
      stopDate: described.stopDate,
    };
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') throw new BuildNotFound(ctx.pipeline.name, build);
    throw error;
  }
}
