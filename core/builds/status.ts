// "Is my build done?": at most three AWS calls, whatever the history's length. ListExecutions (latest build
// and, from the same page, the ETA), one newest-first page of history (current step, who started it), then
// one of DescribeTrainingJob, DescribeEndpoint or DescribeExecution, whichever the answer needs.

import { stepLabel } from '../wording/steps';
import { describeExecution, listExecutions, recentHistory, summaryOf, type BuildContext } from './context';
import type { ExecutionListItem } from '@aws-sdk/client-sfn';
import { etaFor, type EtaCache, type TypicalDuration } from './eta';
import type { BuildStatusFact, FailureFact, StartedBy, StepFact } from './facts';
import { readableCause } from './failure-reason';
import { readHistory, parseObject, startedByOf, type HistoryReading } from './history';
import { describeEndpoint, endpointFactOf, trainingFact } from './sagemaker-facts';
import { BuildNotFound, NoBuildsYet } from '../errors';
import { executionArnFor } from './names';

/** Enough recent builds for a median of the last five successes, in one page. */
const STATUS_PAGE = 20;

export async function buildStatus(ctx: BuildContext, etaCache: EtaCache): Promise<BuildStatusFact> {
  const recent = await listExecutions(ctx, STATUS_PAGE);
  const latest = recent[0];
  if (!latest) throw new NoBuildsYet(ctx.pipeline.name);
  return statusOf(ctx, latest, () => etaCache.remember(ctx.pipeline.name, recent));
}

/**
 * One named build's status (a card for an older build, a button on it): DescribeExecution instead of
 * ListExecutions. The ETA comes from the cache, or one ListExecutions when the cache is cold.
 */
export async function buildStatusOf(
  ctx: BuildContext,
  etaCache: EtaCache,
  build: string,
): Promise<BuildStatusFact> {
  const executionArn = build.startsWith('arn:')
    ? build
    : executionArnFor(ctx.pipeline.stateMachineArn, build);
  if (!executionArn.startsWith(ctx.pipeline.stateMachineArn.replace(':stateMachine:', ':execution:') + ':')) {
    throw new BuildNotFound(ctx.pipeline.name, build);
  }
  const described = await describeExecution(ctx, executionArn).catch((error: unknown) => {
    if ((error as Error).name === 'ExecutionDoesNotExist') throw new BuildNotFound(ctx.pipeline.name, build);
    throw error;
  });
  const item: ExecutionListItem = {
    executionArn,
    stateMachineArn: ctx.pipeline.stateMachineArn,
    name: described.name,
    status: described.status,
    startDate: described.startDate,
    stopDate: described.stopDate,
  };
  const typical = async () =>
    etaCache.cached(ctx.pipeline.name) ??
    etaCache.remember(ctx.pipeline.name, await listExecutions(ctx, STATUS_PAGE));
  return statusOf(ctx, item, typical, startedByOf(parseObject(described.input)));
}

async function statusOf(
  ctx: BuildContext,
  item: ExecutionListItem,
  typicalDuration: () => TypicalDuration | undefined | Promise<TypicalDuration | undefined>,
  knownStartedBy?: StartedBy,
): Promise<BuildStatusFact> {
  const reading = readHistory(await recentHistory(ctx, item.executionArn ?? ''));
  const fact: BuildStatusFact = { ...summaryOf(ctx.pipeline.name, item), elapsedMs: 0 };
  const end = fact.stoppedAt ?? ctx.now();
  fact.elapsedMs = Math.max(0, end.getTime() - fact.startedAt.getTime());
  const startedBy = knownStartedBy ?? reading.startedBy;
  if (startedBy) fact.startedBy = startedBy;
  const step = stepOf(reading, fact.status);
  if (step) fact.currentStep = step;

  if (fact.status === 'RUNNING') {
    const typical = await typicalDuration();
    if (typical) fact.eta = etaFor(typical, fact.elapsedMs);
    else fact.etaMissing = 'no-successful-builds';
    await addSageMakerFacts(ctx, reading, fact);
    return fact;
  }
  if (reading.endpointName && reading.endpointStatus) {
    fact.endpoint = { endpointName: reading.endpointName, status: reading.endpointStatus };
  }
  if (reading.failure && fact.status !== 'SUCCEEDED') {
    fact.failure = {
      pipeline: ctx.pipeline.name,
      executionArn: fact.executionArn,
      name: fact.name,
      status: fact.status as FailureFact['status'],
      error: reading.failure.error,
      reason: readableCause(reading.failure.cause) ?? reading.failure.error,
    };
    if (fact.stoppedAt) fact.failure.failedAt = fact.stoppedAt;
    if (reading.failure.step) {
      fact.failure.step = reading.failure.step;
      fact.failure.stepLabel = stepLabel(reading.failure.step);
    }
  }
  if (!fact.startedBy) {
    // The third call: only a finished build whose page did not say who started it gets here.
    const described = await describeExecution(ctx, fact.executionArn);
    const who = startedByOf(parseObject(described.input));
    if (who) fact.startedBy = who;
  }
  return fact;
}

/** The third call for a running build: the SageMaker resource its current step is working on. */
async function addSageMakerFacts(
  ctx: BuildContext,
  reading: HistoryReading,
  fact: BuildStatusFact,
): Promise<void> {
  const task = reading.currentTask;
  if (task?.resource.startsWith('createTrainingJob') && reading.trainingJobName) {
    const training = await trainingFact(ctx, reading.trainingJobName);
    if (training) fact.training = training;
    return;
  }
  if (reading.endpointName) {
    const endpoint = await describeEndpoint(ctx, reading.endpointName);
    if (endpoint) fact.endpoint = endpointFactOf(endpoint);
  }
}

function stepOf(reading: HistoryReading, status: string): StepFact | undefined {
  const failedStep = status !== 'SUCCEEDED' && status !== 'RUNNING' ? reading.failure?.step : undefined;
  const name = failedStep ?? reading.current?.name;
  if (!name) return undefined;
  const state = status === 'RUNNING' ? 'running' : failedStep ? 'failed' : 'done';
  const step: StepFact = { name, label: stepLabel(name), state };
  if (!failedStep && reading.current?.enteredAt) step.startedAt = reading.current.enteredAt;
  return step;
}

/**
 * The status plus what a status answer leaves out to stay within three calls: the training job's
 * metrics once training is over. The reference pipeline names the job after the build.
 */
export async function buildDetails(ctx: BuildContext, etaCache: EtaCache): Promise<BuildStatusFact> {
  const fact = await buildStatus(ctx, etaCache);
  if (!fact.training) {
    const training = await trainingFact(ctx, fact.name);
    if (training) fact.training = training;
  }
  return fact;
}
