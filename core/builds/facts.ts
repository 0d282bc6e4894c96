// Facts the core gathers about builds. Fronts render these; the wording module turns them into sentences.

import type { FixedNameFinding } from '../machine/fixed-names';

export type BuildStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

/** Who asked for something: the core never knows which front, only an identity it can check and name. */
export interface Requester {
  /** Stable id used for authorization, e.g. "slack:U0123" or "alexa:amzn1.ask.account.X" or "cli:ana". */
  id: string;
  /** A name to speak or show, e.g. "Ana". */
  displayName?: string;
  /** Groups the requester belongs to, e.g. ["slack-group:S0123"], for group-based access rules. */
  groups?: string[];
  /** Where the request came from, e.g. "slack:C0123", for channel-limited pipelines. */
  place?: string;
}

/** Who started a build, as recorded in the execution input (or "a schedule" when started outside SageBuild). */
export interface StartedBy {
  id?: string;
  displayName?: string;
}

export type StepState = 'done' | 'running' | 'waiting' | 'failed';

export interface StepFact {
  /** The state name as written in the pipeline, e.g. "Train model". */
  name: string;
  /** A label to read aloud, e.g. "training the model". */
  label: string;
  state: StepState;
  /** When the step began (a polling loop's first round), as far as the history read says. */
  startedAt?: Date;
  /** The history read ends inside the step's loop: it began at startedAt or earlier. */
  startedAtLeast?: boolean;
  endedAt?: Date;
}

/** `unknown`: the history read did not reach back far enough to say whether the step ran. */
export type StepLineState = StepState | 'skipped' | 'stopped' | 'unknown';

/** One of the machine's main steps, in its order, as a card lists them. */
export interface StepLineFact {
  /** The machine's own state name(s), e.g. "Train Step", "CreateEndpoint / UpdateEndpoint". */
  label: string;
  state: StepLineState;
  /** When the running step began, where the history says. */
  startedAt?: Date;
}

export interface TrainingFact {
  jobName: string;
  status: string; // InProgress | Completed | Failed | Stopping | Stopped
  secondaryStatus?: string; // Starting | Downloading | Training | Uploading | Completed ...
  secondaryStatusMessage?: string;
  metrics: { name: string; value: number }[];
  failureReason?: string;
}

export interface EndpointFact {
  endpointName: string;
  status: string; // Creating | Updating | InService | Failed | RollingBack | ...
  /** The endpoint config currently serving, and the model behind it where known. */
  endpointConfigName?: string;
  /** The config an update is moving the endpoint to, while it updates. */
  pendingConfigName?: string;
  modelName?: string;
  lastModified?: Date;
  failureReason?: string;
}

export interface EtaFact {
  /** Median duration of recent successful builds, in ms. */
  typicalDurationMs: number;
  /** How many successful builds the median is based on. */
  basedOn: number;
  /** Expected time left, in ms (never negative; 0 means "any moment now"). */
  remainingMs: number;
}

export interface BuildSummary {
  pipeline: string;
  executionArn: string;
  name: string;
  status: BuildStatus;
  startedAt: Date;
  stoppedAt?: Date;
}

export interface BuildStatusFact extends BuildSummary {
  /** Elapsed time in ms: until now when running, until stop otherwise. */
  elapsedMs: number;
  startedBy?: StartedBy;
  /** The step the build is in (running), or ended in (finished). */
  currentStep?: StepFact;
  /** Set while the build waits at an approval gate: for whom (names to show), since when. */
  awaitingApproval?: { approvers: string[]; since?: Date };
  /** The machine's main steps, marked from the history; present when the machine's definition is known. */
  steps?: StepLineFact[];
  training?: TrainingFact;
  endpoint?: EndpointFact;
  /** Present when running and there are successful builds to learn from; else etaMissing says why. */
  eta?: EtaFact;
  etaMissing?: 'no-successful-builds';
  /** For failed builds: the step, error and cause. */
  failure?: FailureFact;
  /** What AWS did not give in time (the answer's budget ran out, or it was slow or down): say so, in order. */
  incomplete?: UnknownPart[];
  /** The endpoint serves an earlier build's model because someone rolled it back (status answers only). */
  rollback?: RollbackRecord;
  /** This build's final metrics next to the model live when it finished (details answers only). */
  comparison?: ModelComparisonFact;
  /** The person named this build (by name, "previous", "yesterday's"): answers say whose it is, not "your". */
  named?: boolean;
}

/**
 * A part of a status answer AWS did not give in time: the step the build is in or ended in, why it failed or
 * who stopped it, the training job's progress, the endpoint's state, who started it, the estimate's basis,
 * the card's list of steps.
 */
export type UnknownPart = 'step' | 'reason' | 'training' | 'endpoint' | 'started-by' | 'eta' | 'steps';

export interface FailureFact {
  pipeline: string;
  executionArn: string;
  name: string;
  /** How the build ended: failed, timed out, or stopped by someone. */
  status: 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  failedAt?: Date;
  /** The step that failed, e.g. "Train model". */
  step?: string;
  stepLabel?: string;
  error: string;
  /** The cause, made readable: SageMaker's FailureReason when there is one, else the Fail state's cause. */
  reason: string;
  /** Who stopped a stopped build, as a person would say it ("Ana", "someone using Alexa"). */
  stoppedBy?: string;
  /** True when `reason` is SageMaker's own (a job's or an endpoint's FailureReason). */
  reasonFromSageMaker?: boolean;
}

export interface StartResult {
  pipeline: string;
  executionArn: string;
  name: string;
  startedAt: Date;
  /** False when the same request had already started this build (idempotent retry). */
  created: boolean;
  /** Things to fix before the next build, said on a pipeline's first start in this process. */
  warnings?: StartWarning[];
}

/** A machine that will fail its next build: it takes names SageMaker needs new each build from fixed values. */
export interface StartWarning {
  kind: 'fixed-names';
  findings: FixedNameFinding[];
}

export interface StopResult {
  pipeline: string;
  executionArn: string;
  name: string;
  stoppedAt: Date;
}

export interface BuildListFact {
  pipeline: string;
  builds: ListedBuild[];
}

/** A build as `list` shows it: who started it, and the step it is in or ended in, where the history says. */
export interface ListedBuild extends BuildSummary {
  startedBy?: StartedBy;
  /** The step it is in (running) or failed or was stopped in, as a label: "training the model". */
  stepLabel?: string;
}

export interface LiveModelFact {
  pipeline: string;
  endpoint?: EndpointFact;
  /** False when the endpoint does not exist yet. */
  exists: boolean;
  /** The build that made the config the endpoint serves, when a recent one did. */
  build?: string;
  /** Set when that config is there because someone rolled the endpoint back to it. */
  rollback?: RollbackRecord;
}

/** A successful build whose endpoint config a rollback would put back (or took away). */
export interface DeployedBuildFact {
  name: string;
  startedBy?: StartedBy;
  startedAt: Date;
  /** The zone its start is told in ("of yesterday 14:05"): the team's, from the config; UTC when unset. */
  timeZone?: string;
  finishedAt?: Date;
  endpointConfigName: string;
  modelName?: string;
}

/** What a rollback would do, checked and not yet done: the question asked before it. */
export interface RollbackPlan {
  pipeline: string;
  endpointName: string;
  /** The build whose model the endpoint serves now, when a recent build made its config. */
  from?: DeployedBuildFact;
  to: DeployedBuildFact;
}

export interface RollbackResult extends RollbackPlan {
  rolledBackAt: Date;
  rolledBackBy: StartedBy;
  /** False when the rollback could not be written on the endpoint's tags (status won't show who did it). */
  recorded: boolean;
}

/** A rollback as the endpoint's tags record it, while the endpoint still serves (or moves to) that config. */
export interface RollbackRecord {
  by: StartedBy;
  at: Date;
  /** The build whose model it went back to, and the one it replaced. */
  build: string;
  fromBuild?: string;
  endpointConfigName: string;
  /** True while the endpoint is still updating to that config. */
  inProgress: boolean;
}

/** A rollback the endpoint settled from: for the announcement in the channels, whichever front did it. */
export interface RollbackNewsFact {
  pipeline: string;
  endpointName: string;
  /** done: the endpoint serves the rolled-back model. failed: it doesn't (SageMaker's reason when it gave one). */
  outcome: 'done' | 'failed';
  /** The endpoint's status as it settled: InService, Failed or UpdateRollbackFailed. */
  endpointStatus: string;
  record: RollbackRecord;
  /** The build whose model it went back to, when still among the recent builds. */
  to?: DeployedBuildFact;
  failureReason?: string;
  /** The same for every event of this rollback (a hash, 64 characters): what announcements dedupe on. */
  key: string;
}

/** One final metric of a build's training job, next to the live model's. */
export interface MetricComparison {
  name: string;
  value?: number;
  liveValue?: number;
  /** The quality gate's metric: listed first. */
  gate: boolean;
}

/**
 * A build's model next to the model that was live when it finished (the build that made the endpoint's
 * config then). `live` is absent for the first model ever, or when no earlier build's training is known.
 */
export interface ModelComparisonFact {
  pipeline: string;
  build: string;
  trainingJobName?: string;
  live?: { build: string; trainingJobName: string; startedBy?: StartedBy };
  /** The gate's metric first, then the build's other metrics in the training job's order. */
  metrics: MetricComparison[];
}
