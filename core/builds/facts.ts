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
  builds: BuildSummary[];
}

export interface LiveModelFact {
  pipeline: string;
  endpoint?: EndpointFact;
  /** False when the endpoint does not exist yet. */
  exists: boolean;
}
