// "Is my build done?": a few AWS calls, whatever the history's length or the machine, made at the same time
// where one does not need another's answer. ListExecutions (latest build and, from the same page, the ETA)
// runs beside the machine's definition (cached: once per cold start); then one newest-first page of history
// (current step, the SageMaker names its tasks used, who started it; kept once the build has finished), then
// one SageMaker Describe or DescribeExecution, whichever the answer needs. Once the build's state and start
// time are known, the rest is asked within the answer's budget (in-time.ts): what did not come in time is
// named in the answer, never a reason for no answer.

import { roleLabel } from '../wording/steps';
import { approvalStepLabel } from '../wording/approvals';
import { approverNames } from '../approvals/approvers';
import {
  describeExecution,
  historyUntil,
  listExecutions,
  newestHistory,
  recentHistory,
  summaryOf,
  type BuildContext,
} from './context';
import type { DescribeExecutionCommandOutput, ExecutionListItem, HistoryEvent } from '@aws-sdk/client-sfn';
import { etaFor, type EtaCache, type TypicalDuration } from './eta';
import { enteredStatesOf } from './earlier-states';
import type { BuildStatusFact, FailureFact, StartedBy, StepFact, StepLineFact, UnknownPart } from './facts';
import { readableCause } from './failure-reason';
import { withStopper } from './stop-cause';
import { readHistory, parseObject, startedByOf, type HistoryReading } from './history';
import { inTime, UnknownParts } from './in-time';
import { describeEndpoint, endpointFactOf, trainingFact } from './sagemaker-facts';
import { BuildNotFound, NoBuildsYet } from '../errors';
import { executionArnFor } from './names';
import { currentDefinition, definitionFor, type AslMachine } from '../machine/definition';
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
  readDefinitionAhead(ctx);
  const recent = await listExecutions(ctx, STATUS_PAGE);
  const latest = recent[0];
  if (!latest) throw new NoBuildsYet(ctx.pipeline.name);
  const unknown = new UnknownParts();
  const history = inTime(ctx, unknown, undefined, () => newestHistory(ctx, latest));
  const typical = Promise.resolve(etaCache.remember(ctx.pipeline.name, recent));
  return statusOf(ctx, latest, { history, typical, unknown });
}

/**
 * Starts reading the machine's definition beside the call that finds the build, on a cold start: the cache
 * keeps the call in flight, so the answer that needs it later waits only for what is left of it.
 */
function readDefinitionAhead(ctx: BuildContext): void {
  if (ctx.definitions) currentDefinition(ctx).catch(() => undefined);
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
  readDefinitionAhead(ctx);
  const unknown = new UnknownParts();
  // A history kept from an earlier answer may be used only once DescribeExecution says the build has not run
  // on since; otherwise both calls go out at once.
  const early = ctx.finishedHistories?.has(executionArn)
    ? undefined
    : inTime(ctx, unknown, undefined, () => recentHistory(ctx, executionArn, CARD_HISTORY_PAGE));
  early?.catch(() => undefined); // Answered below; a missing build is DescribeExecution's to report.
  const described = await describeExecution(ctx, executionArn).catch((error: unknown) => {
    if ((error as Error).name === 'ExecutionDoesNotExist') throw new BuildNotFound(ctx.pipeline.name, build);
    throw error;
  });
  const item = listedAs(ctx, executionArn, described);
  const history = early
    ? early.then((events) => {
        if (events) ctx.finishedHistories?.remember(item, CARD_HISTORY_PAGE, events);
        return events;
      })
    : inTime(ctx, unknown, undefined, () => newestHistory(ctx, item, CARD_HISTORY_PAGE));
  const typical =
    item.status === 'RUNNING'
      ? inTime(ctx, unknown, 'eta', async () => {
          return (
            etaCache.cached(ctx.pipeline.name) ??
            etaCache.remember(ctx.pipeline.name, await listExecutions(ctx, STATUS_PAGE))
          );
        })
      : Promise.resolve(undefined);
  const gathered = await statusOf(ctx, item, {
    history,
    typical,
    unknown,
    knownStartedBy: startedByOf(parseObject(described.input)),
    withSteps: true,
  });
  return gathered.fact;
}

/** A DescribeExecution answer as ListExecutions would have listed the build. */
function listedAs(
  ctx: BuildContext,
  executionArn: string,
  described: DescribeExecutionCommandOutput,
): ExecutionListItem {
  const item: ExecutionListItem = {
    executionArn,
    stateMachineArn: ctx.pipeline.stateMachineArn,
    name: described.name,
    status: described.status,
    startDate: described.startDate,
    stopDate: described.stopDate,
  };
  if (described.redriveCount !== undefined) item.redriveCount = described.redriveCount;
  return item;
}

interface Lookups {
  /** The newest page of the build's history; undefined when it did not come in time. */
  history: Promise<HistoryEvent[] | undefined>;
  /** Recent successful builds' median duration, for a running build's ETA. */
  typical: Promise<TypicalDuration | undefined>;
  unknown: UnknownParts;
  knownStartedBy?: StartedBy;
  withSteps?: boolean;
}

/**
 * What a build's history would have told an answer, by how the build stands, when the history did not come
 * in time (a finished build's answer names no step, a succeeded one its endpoint).
 */
const TOLD_BY_HISTORY: Record<BuildStatusFact['status'], UnknownPart[]> = {
  RUNNING: ['step'],
  PENDING_REDRIVE: [],
  SUCCEEDED: ['endpoint'],
  FAILED: ['step', 'reason'],
  TIMED_OUT: ['step'],
  ABORTED: ['reason'],
};

async function statusOf(ctx: BuildContext, item: ExecutionListItem, lookups: Lookups): Promise<Gathered> {
  const { unknown } = lookups;
  const fact: BuildStatusFact = { ...summaryOf(ctx.pipeline.name, item), elapsedMs: 0 };
  const end = fact.stoppedAt ?? ctx.now();
  fact.elapsedMs = Math.max(0, end.getTime() - fact.startedAt.getTime());
  if (lookups.knownStartedBy) fact.startedBy = lookups.knownStartedBy;
  if (fact.status === 'RUNNING') {
    const typical = await lookups.typical;
    if (typical) fact.eta = etaFor(typical, fact.elapsedMs);
    else if (!unknown.has('eta')) fact.etaMissing = 'no-successful-builds';
  }
  const events = await lookups.history;
  if (!events) {
    unknown.note(...TOLD_BY_HISTORY[fact.status]);
    if (lookups.withSteps) unknown.note('steps');
    if (!fact.startedBy) unknown.note('started-by');
    return withUnknown({ fact, reading: readHistory([]) }, unknown);
  }
  const reading = readHistory(events);
  const machine = await inTime(ctx, unknown, undefined, () =>
    definitionFor(ctx, fact.executionArn, reading.entered),
  );
  const roles = machine ? machineRoles(machine) : undefined;
  const startedBy = lookups.knownStartedBy ?? reading.startedBy;
  if (startedBy) fact.startedBy = startedBy;
  const step = stepOf(reading, fact.status, roles);
  if (step) fact.currentStep = step;
  // Waiting at a gate: whom for ("waiting for approval from Ana or Bo").
  if (step?.state === 'running' && roles?.get(step.name) === 'approval' && ctx.pipeline.approval) {
    step.label = approvalStepLabel(approverNames(ctx.pipeline));
    fact.awaitingApproval = { approvers: approverNames(ctx.pipeline) };
    if (step.startedAt) fact.awaitingApproval.since = step.startedAt;
    // A person decides when it goes on: past builds can't say how long they will take, so no estimate.
    delete fact.eta;
    delete fact.etaMissing;
  }
  if (lookups.withSteps && machine) {
    const steps = await inTime(ctx, unknown, 'steps', () => stepsOf(ctx, machine, { reading, events }, fact));
    if (steps) fact.steps = steps;
  }

  if (fact.status === 'RUNNING') {
    await addSageMakerFacts(ctx, reading, fact, unknown);
    return withUnknown({ fact, reading }, unknown);
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
    const endpoint = await inTime(ctx, unknown, 'endpoint', () =>
      describeEndpoint(ctx, reading.endpointName as string),
    );
    if (endpoint) fact.endpoint = endpointFactOf(endpoint);
  } else if (!fact.startedBy) {
    // Only a finished build whose page did not say who started it gets here.
    const described = await inTime(ctx, unknown, 'started-by', () =>
      describeExecution(ctx, fact.executionArn),
    );
    const who = described && startedByOf(parseObject(described.input));
    if (who) fact.startedBy = who;
  }
  return withUnknown({ fact, reading }, unknown);
}

function withUnknown(gathered: Gathered, unknown: UnknownParts): Gathered {
  const parts = unknown.list();
  if (parts.length > 0) gathered.fact.incomplete = parts;
  return gathered;
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
    // The history did not carry SageMaker's reason (e.g. a Fail state with a fixed cause): ask SageMaker,
    // within the answer's budget. Too slow, and the machine's own cause is the reason given.
    const asked = await inTime(ctx, new UnknownParts(), undefined, () => trainingFact(ctx, job));
    const reason = asked?.failureReason;
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
  unknown: UnknownParts,
): Promise<void> {
  const task = reading.currentTask;
  const job = task?.role === 'training' ? task.parameters.TrainingJobName : undefined;
  if (typeof job === 'string' && job) {
    const training = await inTime(ctx, unknown, 'training', () => trainingFact(ctx, job));
    if (training) fact.training = training;
    return;
  }
  const endpointName = reading.endpointName;
  if (endpointName) {
    const endpoint = await inTime(ctx, unknown, 'endpoint', () => describeEndpoint(ctx, endpointName));
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
  if (!failedStep && reading.currentSince) {
    step.startedAt = reading.currentSince.at;
    if (reading.currentSince.atLeast) step.startedAtLeast = true;
  }
  return step;
}

/**
 * The status plus what a status answer leaves out to stay within a few calls: the training job's metrics
 * once training is over. The job is the one the history's training task named, wherever it sits.
 */
export async function buildDetails(ctx: BuildContext, etaCache: EtaCache): Promise<BuildStatusFact> {
  const { fact, reading } = await latestStatus(ctx, etaCache);
  if (fact.training || fact.incomplete?.includes('training')) return fact;
  const unknown = new UnknownParts();
  unknown.note(...(fact.incomplete ?? []));
  const training = await inTime(ctx, unknown, 'training', async () => {
    const job = reading.trainingJobName ?? (await trainingJobFromHistory(ctx, fact.executionArn));
    return job ? trainingFact(ctx, job) : undefined;
  });
  if (training) fact.training = training;
  return withUnknown({ fact, reading }, unknown).fact;
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

/** One named build's status with its training job's metrics, as `details` gives them for the latest build. */
export async function buildDetailsOf(
  ctx: BuildContext,
  etaCache: EtaCache,
  build: string,
): Promise<BuildStatusFact> {
  const fact = await buildStatusOf(ctx, etaCache, build);
  if (fact.training) return fact;
  const unknown = new UnknownParts();
  unknown.note(...(fact.incomplete ?? []));
  const training = await inTime(ctx, unknown, 'training', async () => {
    const job = await trainingJobFromHistory(ctx, fact.executionArn);
    return job ? trainingFact(ctx, job) : undefined;
  });
  if (training) fact.training = training;
  return withUnknown({ fact, reading: readHistory([]) }, unknown).fact;
}
