// Every failure the core reports, as typed classes. Each front maps them to a sentence (see core/wording).

export abstract class SageBuildError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class ConfigError extends SageBuildError {
  readonly code = 'ConfigError';
  constructor(
    message: string,
    /** The offending field, e.g. "pipelines[0].stateMachineArn". */
    readonly field?: string,
  ) {
    super(message);
  }
}

export class PipelineNotFound extends SageBuildError {
  readonly code = 'PipelineNotFound';
  constructor(
    readonly requested: string,
    readonly known: string[],
    /** The closest known name, when the request looks like a typo. */
    readonly suggestion?: string,
  ) {
    super(`No pipeline called "${requested}". Known pipelines: ${known.join(', ')}.`);
  }
}

/** Several pipelines are configured and the request did not say which one. */
export class PipelineAmbiguous extends SageBuildError {
  readonly code = 'PipelineAmbiguous';
  constructor(readonly known: string[]) {
    super(`Which pipeline? Known pipelines: ${known.join(', ')}.`);
  }
}

export class NoBuildsYet extends SageBuildError {
  readonly code = 'NoBuildsYet';
  constructor(readonly pipeline: string) {
    super(`The ${pipeline} pipeline has no builds yet.`);
  }
}

export class BuildNotFound extends SageBuildError {
  readonly code = 'BuildNotFound';
  constructor(
    readonly pipeline: string,
    readonly build: string,
  ) {
    super(`No build called "${build}" in the ${pipeline} pipeline.`);
  }
}

export class NoFailedBuild extends SageBuildError {
  readonly code = 'NoFailedBuild';
  constructor(readonly pipeline: string) {
    super(`The ${pipeline} pipeline has no failed build.`);
  }
}

export class BuildAlreadyRunning extends SageBuildError {
  readonly code = 'BuildAlreadyRunning';
  constructor(
    readonly pipeline: string,
    readonly executionArn: string,
    /** The running build's name (not `name`, which every Error has). */
    readonly buildName: string,
    readonly startedAt: Date,
  ) {
    super(`A ${pipeline} build (${buildName}) is already running.`);
  }
}

/**
 * Another start of the pipeline holds its start claim: that build is starting (its StartExecution may still be
 * on its way) or already running, and ListExecutions may not show it yet.
 */
export class BuildAlreadyStarting extends SageBuildError {
  readonly code = 'BuildAlreadyStarting';
  constructor(
    readonly pipeline: string,
    /** The other start's build (execution) name. */
    readonly buildName: string,
    /** When the other start claimed the pipeline. */
    readonly since: Date,
  ) {
    super(`A ${pipeline} build (${buildName}) is already starting or running.`);
  }
}

/**
 * A start was sent to AWS but its answer did not come in time: the build may or may not have started. The
 * fronts say how to find out; they never say "try again" (a new request would be a second build).
 */
export class StartOutcomeUnknown extends SageBuildError {
  readonly code = 'StartOutcomeUnknown';
  constructor(
    readonly pipeline: string,
    /** The build (execution) name the start asked for: what to look for. */
    readonly buildName: string,
    readonly executionArn: string,
  ) {
    super(`No answer in time to the start of ${pipeline} build ${buildName}: it may have started.`);
  }
}

export class NothingToStop extends SageBuildError {
  readonly code = 'NothingToStop';
  constructor(
    readonly pipeline: string,
    readonly build?: string,
  ) {
    super(build ? `The build ${build} is not running.` : `No ${pipeline} build is running.`);
  }
}

/** The build actions a person may be refused: starting and stopping. */
export type GuardedAction = 'start' | 'stop';

/** Everything the access rules guard: the build actions, and subscribing a Slack channel to a pipeline's cards. */
export type AccessAction = GuardedAction | 'subscribe' | 'rollback';

export class NotAuthorized extends SageBuildError {
  readonly code = 'NotAuthorized';
  constructor(
    readonly action: AccessAction,
    readonly pipeline: string,
    readonly requester: string,
  ) {
    super(`${requester} may not ${action} ${pipeline} builds.`);
  }
}

export class InvalidInput extends SageBuildError {
  readonly code = 'InvalidInput';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A start setting the pipeline's `allowedInputKeys` doesn't list; `allowed` may be empty. */
export class InputKeyNotAllowed extends InvalidInput {
  constructor(
    readonly key: string,
    readonly allowed: readonly string[],
    readonly pipeline?: string,
  ) {
    super(`"${key}" can't be changed for this pipeline. Allowed: ${allowed.join(', ') || 'none'}.`, key);
  }
}

/**
 * A request that is not one its service sends (a malformed Alexa envelope, another skill's ID): refused before
 * any handler runs. `reason` names the broken part and never quotes the request.
 */
export class RequestRefused extends SageBuildError {
  readonly code = 'RequestRefused';
  constructor(readonly reason: string) {
    super(`Request refused: ${reason}.`);
    // Not a fault in SageBuild: the Lambda runtime's error line needs no stack frames.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** AWS could not be reached, timed out, kept throttling, or failed on its side. */
export class AwsUnavailable extends SageBuildError {
  readonly code = 'AwsUnavailable';
  constructor(
    readonly service: 'Step Functions' | 'SageMaker' | 'CloudWatch',
    readonly reason: 'timeout' | 'throttled' | 'unreachable' | 'server-error',
    readonly detail?: string,
  ) {
    super(`${service} is not answering (${reason}).`);
  }
}

/** AWS refused SageBuild's credentials themselves: missing, expired or wrong keys (not a missing permission). */
export class AwsCredentialsInvalid extends SageBuildError {
  readonly code = 'AwsCredentialsInvalid';
  constructor(readonly detail?: string) {
    super("AWS did not accept SageBuild's credentials.");
  }
}

/** IAM denied a call: names the missing action so an operator can fix the role. */
export class AccessDenied extends SageBuildError {
  readonly code = 'AccessDenied';
  constructor(
    /** e.g. "states:StopExecution" */
    readonly action: string,
    readonly detail?: string,
  ) {
    super(`Access denied: the role lacks ${action}.`);
  }
}

/** Why a rollback was refused before anything changed: a sentence each, in core/wording/errors.ts. */
export type RollbackRefusal =
  /** A build is in its deploy steps, or the endpoint is Creating or Updating. */
  | 'deploying'
  /** The target build's endpoint config, or the model behind it, was deleted. */
  | 'config-missing'
  | 'model-missing'
  /** No successful build before the one live, or the named build never deployed. */
  | 'no-earlier-build'
  /** The endpoint does not exist, or serves a config no recent build made. */
  | 'no-endpoint'
  | 'live-build-unknown'
  /** The named build is the one live already. */
  | 'already-live'
  /** A button asked to roll back a build that is no longer live (someone rolled back or deployed since). */
  | 'not-live';

export class RollbackRefused extends SageBuildError {
  readonly code = 'RollbackRefused';
  constructor(
    readonly reason: RollbackRefusal,
    readonly pipeline: string,
    /** The build or resource the refusal is about, quoted back in the sentence. */
    readonly subject?: string,
    /** For 'deploying': the build that is deploying, or the endpoint's status. */
    readonly detail?: string,
  ) {
    super(`Rollback of ${pipeline} refused: ${reason}${subject ? ` (${subject})` : ''}.`);
  }
}

/** Someone who is not among the pipeline's `approval.approvers` asked to approve or reject its gate. */
export class NotAnApprover extends SageBuildError {
  readonly code = 'NotAnApprover';
  constructor(
    readonly pipeline: string,
    readonly requester: string,
    /** False when the pipeline's config names no approvers at all: nobody may, not only this person. */
    readonly hasApprovers = true,
  ) {
    super(`${requester} may not approve or reject ${pipeline} deploys.`);
  }
}

/** No build of the pipeline (or not the named build) waits at an approval gate, and none was decided lately. */
export class NoApprovalWaiting extends SageBuildError {
  readonly code = 'NoApprovalWaiting';
  constructor(
    readonly pipeline: string,
    readonly build?: string,
  ) {
    super(
      build
        ? `The build ${build} is not waiting for approval.`
        : `No ${pipeline} build is waiting for approval.`,
    );
  }
}

/** The pipeline's endpoint does not exist (never deployed, or deleted): there is no health to report. */
export class EndpointNotFound extends SageBuildError {
  readonly code = 'EndpointNotFound';
  constructor(
    readonly pipeline: string,
    /** The endpoint looked for, when the builds or the config name one. */
    readonly endpointName?: string,
  ) {
    super(`The ${pipeline} pipeline has no endpoint${endpointName ? ` ${endpointName}` : ''}.`);
  }
}

/** The endpoint exists but serves no model yet (still creating, or its first deploy failed). */
export class EndpointNotServing extends SageBuildError {
  readonly code = 'EndpointNotServing';
  constructor(
    readonly pipeline: string,
    readonly endpointName: string,
    /** SageMaker's EndpointStatus, e.g. Creating or Failed. */
    readonly status: string,
  ) {
    super(`The endpoint ${endpointName} serves no model yet (${status}).`);
  }
}

export function isSageBuildError(error: unknown): error is SageBuildError {
  return error instanceof SageBuildError;
}

/** A build asked for by when it started or where it stands ("yesterday's", "the previous one") that isn't there. */
export class BuildRefNotFound extends SageBuildError {
  readonly code = 'BuildRefNotFound';
  constructor(
    readonly pipeline: string,
    /** What was asked for, as the wording names it: "from yesterday", "before the latest one". */
    readonly wanted: BuildRefWanted,
    /** When the pipeline's newest build started, so the answer can say what there is instead. */
    readonly latestStartedAt?: Date,
  ) {
    super(`No ${pipeline} build matches ${wanted}.`);
  }
}

/** The build references that can find nothing: a time of day, or the one before the latest. */
export type BuildRefWanted =
  'previous' | 'today' | 'yesterday' | 'this morning' | 'this afternoon' | 'this evening' | 'last night';
