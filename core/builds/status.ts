// "Is my build done?": a few AWS calls, whatever the history's length or the machine. ListExecutions (latest
// build and, from the same page, the ETA), one newest-first page of history (current step, the SageMaker
// names its tasks used, who started it), the machine's definition (cached: once per cold start), then one
// SageMaker Describe or DescribeExecution, whichever the answer needs.

import { roleLabel } from '../wording/steps';
import { approvalStepLabel } from '../wording/approvals';
import { approverNames } from '../approvals/approvers';
import {
  describeExecution,
  historyUntil,
  listExecutions,
  recentHistory,
  summaryOf,
  type BuildContext,
} from './context';
import type { ExecutionListItem, HistoryEvent } from '@aws-sdk/client-sfn';
import { etaFor, type EtaCache, type TypicalDuration } from './eta';
import { enteredStatesOf } from './earlier-states';
import type { BuildStatusFact, FailureFact, StartedBy, StepFact, StepLineFact } from './facts';
import { readableCause } from './failure-reason';
import { withStopper } from './stop-cause';
import { readHistory, parseObject, startedByOf, type HistoryReading } from './history';
import { describeEndpoint, endpointFactOf, trainingFact } from './sagemaker-facts';
import { BuildNotFound, NoBuildsYet } from '../errors';
import { executionArnFor } from './names';
import { definitionFor, type AslMachine } from '../machine/definition';
import { machineRoles, type StepRole } from '../machine/roles';
import { markSteps, mainSteps } from '../machine/steps';

/** Enough recent builds for a median of the last five successes, in one page. */
const STATUS_PAGE = 20;
/**
 * A card lists every main step: its first page of history reaches further back than a spoken answer's, and
 * when even that does not reach the build's start, a bounded read-back (earlier-states.ts) tells the rest.
 */
const CARD_HISTORY_PAGE = 200;

interface Gathered {
  fact: BuildStatusFact;
  reading: HistoryReading;
}

export async function buildStatus(ctx: BuildContext, etaCache: EtaCache): Promise<BuildStatusFact> {
  return (await latestStatus(ctx, etaCache)).fact;
}

async function latestStatus(ctx: BuildContext, etaCache: EtaCache): Promise<Gathered> {
  const recent = await listExecutions(ctx, STATUS_PAGE);
  const latest = recent[0];
  if (!latest) throw new NoBuildsYet(ctx.pipeline.name);
  return statusOf(ctx, latest, () => etaCache.remember(ctx.pipeline.name, recent));
}

/**
 * One named build's status, with the machine's steps for its card (a card for an older build, a button on
 * it): DescribeExecution instead of ListExecutions. The ETA comes from the cache, or one ListExecutions when
 * the cache is cold.
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
  const gathered = await statusOf(ctx, item, typical, {
    knownStartedBy: startedByOf(parseObject(described.input)),
    withSteps: true,
  });
  return gathered.fact;
}

async function statusOf(
  ctx: BuildContext,
  item: ExecutionListItem,
  typicalDuration: () => TypicalDuration | undefined | Promise<TypicalDuration | undefined>,
  options: { knownStartedBy?: StartedBy; withSteps?: boolean } = {},
): Promise<Gathered> {
  const executionArn = item.executionArn ?? '';
  const events = await recentHistory(ctx, executionArn, options.withSteps ? CARD_HISTORY_PAGE : undefined);
  const reading = readHistory(events);
  const machine = await definitionFor(ctx, executionArn, reading.entered);
  const roles = machine ? machineRoles(machine) : undefined;
  const fact: BuildStatusFact = { ...summaryOf(ctx.pipeline.name, item), elapsedMs: 0 };
  const end = fact.stoppedAt ?? ctx.now();
  fact.elapsedMs = Math.max(0, end.getTime() - fact.startedAt.getTime());
  const startedBy = options.knownStartedBy ?? reading.startedBy;
  if (startedBy) fact.startedBy = startedBy;
  const step = stepOf(reading, fact.status, roles);
  if (step) fact.currentStep = step;
  // Waiting at a gate: whom for ("waiting for approval from Ana or Bo").
  if (step?.state === 'running' && roles?.get(step.name) === 'approval' && ctx.pipeline.approval) {
    step.label = approvalStepLabel(approverNames(ctx.pipeline));
  }
  if (options.withSteps && machine) {
    const steps = await stepsOf(ctx, machine, { reading, events }, fact);
    if (steps) fact.steps = steps;
  }

  if (fact.status === 'RUNNING') {
    const typical = await typicalDuration();
    if (typical) fact.eta = etaFor(typical, fact.elapsedMs);
    else fact.etaMissing = 'no-successful-builds';
    await addSageMakerFacts(ctx, reading, fact);
    return { fact, reading };
  }
  if (reading.endpointName && reading.endpointStatus) {
    fact.endpoint = { endpointName: reading.endpointName, status: reading.endpointStatus };
    if (reading.endpointFailureReason) fact.endpoint.failureReason = reading.endpointFailureReason;
  }
  if (reading.failure && fact.status !== 'SUCCEEDED') {
    fact.failure = await failureFactOf(ctx, fact, reading, roles);
  }
  if (fact.status === 'SUCCEEDED' && reading.endpointName && !fact.endpoint) {
    // The machine deployed without waiting for the endpoint (DS SDK machines do): ask how it went.
    const endpoint = await describeEndpoint(ctx, reading.endpointName);
    if (endpoint) fact.endpoint = endpointFactOf(endpoint);
  } else if (!fact.startedBy) {
    // Only a finished build whose page did not say who started it gets here.
    const described = await describeExecution(ctx, fact.executionArn);
    const who = startedByOf(parseObject(described.input));
    if (who) fact.startedBy = who;
  }
  return { fact, reading };
}

/**
 * The machine's main steps marked from the build's history. When the newest page does not reach back to the
 * start, the states entered before it are read back (bounded, cached once the build has finished), so no
 * step is marked done, and no alternative named, from a guess.
 */
async function stepsOf(
  ctx: BuildContext,
  machine: AslMachine,
  newest: { reading: HistoryReading; events: HistoryEvent[] },
  fact: BuildStatusFact,
): Promise<StepLineFact[] | undefined> {
  const { reading } = newest;
  const steps = mainSteps(machine);
  if (steps.length === 0) return undefined;
  if (reading.complete) return markSteps(steps, reading, fact.status);
  const earlier = await enteredStatesOf(ctx, fact.executionArn, fact.stoppedAt, newest.events);
  const whole: HistoryReading = {
    ...reading,
    entered: new Set([...reading.entered, ...earlier.entered]),
    complete: earlier.complete,
  };
  return markSteps(steps, whole, fact.status);
}

/** What failed and why, SageMaker's reason first: a Fail state's fixed cause only when SageMaker has none. */
export async function failureFactOf(
  ctx: BuildContext,
  build: { executionArn: string; name: string; status: string; stoppedAt?: Date },
  reading: HistoryReading,
  roles: Map<string, StepRole> | undefined,
): Promise<FailureFact> {
  const failure = reading.failure;
  const error = failure?.error ?? build.status;
  const fact: FailureFact = {
    pipeline: ctx.pipeline.name,
    executionArn: build.executionArn,
    name: build.name,
    status: build.status as FailureFact['status'],
    error,
    reason: failure?.sageMakerReason ?? readableCause(failure?.cause) ?? error,
  };
  if (failure?.sageMakerReason) fact.reasonFromSageMaker = true;
  const job = failure?.trainingJobName;
  if (job && !failure?.sageMakerReason && build.status !== 'ABORTED') {
    // The history did not carry SageMaker's reason (e.g. a Fail state with a fixed cause): ask SageMaker.
    const reason = (await trainingFact(ctx, job))?.failureReason;
    if (reason) {
      fact.reason = reason;
      fact.reasonFromSageMaker = true;
    }
  }
  if (build.stoppedAt) fact.failedAt = build.stoppedAt;
  if (failure?.step) {
    fact.step = failure.step;
    fact.stepLabel = labelFor(failure.step, reading, roles);
  }
  return withStopper(fact, failure?.cause);
}

/** The role the definition gives a state, else the role of the task it called in this history. */
function labelFor(name: string, reading: HistoryReading, roles: Map<string, StepRole> | undefined): string {
  const role = roles?.get(name) ?? (reading.current?.name === name ? reading.currentTask?.role : undefined);
  return roleLabel(role, name);
}

/** The SageMaker fact for a running build: the training job it waits on, or the endpoint it deploys. */
async function addSageMakerFacts(
  ctx: BuildContext,
  reading: HistoryReading,
  fact: BuildStatusFact,
): Promise<void> {
  const task = reading.currentTask;
  const job = task?.role === 'training' ? task.parameters.TrainingJobName : undefined;
  if (typeof job === 'string' && job) {
    const training = await trainingFact(ctx, job);
    if (training) fact.training = training;
    return;
  }
  if (reading.endpointName) {
    const endpoint = await describeEndpoint(ctx, reading.endpointName);
    if (endpoint) fact.endpoint = endpointFactOf(endpoint);
  }
}

function stepOf(
  reading: HistoryReading,
  status: string,
  roles: Map<string, StepRole> | undefined,
): StepFact | undefined {
  const failedStep = status !== 'SUCCEEDED' && status !== 'RUNNING' ? reading.failure?.step : undefined;
  const name = failedStep ?? reading.current?.name;
  if (!name) return undefined;
  const state = status === 'RUNNING' ? 'running' : failedStep ? 'failed' : 'done';
  const step: StepFact = { name, label: labelFor(name, reading, roles), state };
  if (!failedStep && reading.current?.enteredAt) step.startedAt = reading.current.enteredAt;
  return step;
}

/**
 * The status plus what a status answer leaves out to stay within a few calls: the training job's metrics
 * once training is over. The job is the one the history's training task named, wherever it sits.
 */
export async function buildDetails(ctx: BuildContext, etaCache: EtaCache): Promise<BuildStatusFact> {
  const { fact, reading } = await latestStatus(ctx, etaCache);
  if (!fact.training) {
    const job = reading.trainingJobName ?? (await trainingJobFromHistory(ctx, fact.executionArn));
    const training = job ? await trainingFact(ctx, job) : undefined;
    if (training) fact.training = training;
  }
  return fact;
}

/** The training job a build's history names, reading back page by page only as far as it takes. */
async function trainingJobFromHistory(ctx: BuildContext, executionArn: string): Promise<string | undefined> {
  let job: string | undefined;
  await historyUntil(ctx, executionArn, (events) => {
    job = readHistory(events).trainingJobName;
    return job !== undefined;
  });
  return job;
}
