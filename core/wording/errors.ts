// One friendly sentence for every failure the core reports. Unknown errors get a generic sentence: raw messages
// and stack traces can leak internals and mean nothing when spoken.
import {
  AccessDenied,
  AwsCredentialsInvalid,
  AwsUnavailable,
  BuildAlreadyRunning,
  BuildAlreadyStarting,
  BuildNotFound,
  BuildRefNotFound,
  ConfigError,
  InputKeyNotAllowed,
  InvalidInput,
  NoApprovalWaiting,
  NoBuildsYet,
  NotAnApprover,
  NoFailedBuild,
  NotAuthorized,
  NothingToStop,
  PipelineAmbiguous,
  PipelineNotFound,
  RollbackRefused,
  StartOutcomeUnknown,
  EndpointNotFound,
  EndpointNotServing,
} from '../errors';
import { relativeTime } from './duration';
import { readableReason, spokenList } from './sentences';
import { rollbackRefusedSentence } from './rollback';
import { statusWords } from './health';
import { buildRefNotFoundSentence } from './build-refs';
import { noApprovers } from './approvals';

const SERVICE_NAMES: Record<AwsUnavailable['service'], string> = {
  'Step Functions': 'AWS Step Functions',
  SageMaker: 'Amazon SageMaker',
  CloudWatch: 'Amazon CloudWatch',
};

function knownPipelines(known: string[]): string {
  if (known.length === 0) return 'No pipelines are set up yet.';
  if (known.length === 1) return `The only pipeline is ${known[0]}.`;
  return `The pipelines are ${spokenList(known)}.`;
}

/** How to find out whether a start went through: every front understands this question. */
function howToCheckStart(pipeline: string): string {
  return `Ask me in a minute whether the ${pipeline} build is running.`;
}

/** A start setting the pipeline doesn't let people change: what it does let them change, or that it takes none. */
function notAllowedSentence(error: InputKeyNotAllowed): string {
  const pipeline = error.pipeline ? `The ${error.pipeline} pipeline` : 'This pipeline';
  if (error.allowed.length === 0) {
    return `${pipeline} takes no settings at start, so I can't use "${error.key}". Nothing was started.`;
  }
  const which = error.pipeline ? `the ${error.pipeline} pipeline` : 'this pipeline';
  return `I can't use that input: "${error.key}" can't be changed for ${which}. Allowed: ${error.allowed.join(', ')}.`;
}

/** `now` is only used to say when a running build started. */
export function errorSentence(error: unknown, now: Date = new Date()): string {
  if (error instanceof PipelineNotFound) {
    const guess = error.suggestion ? ` Did you mean ${error.suggestion}?` : '';
    return `I don't know a pipeline called ${error.requested}.${guess} ${knownPipelines(error.known)}`;
  }
  if (error instanceof PipelineAmbiguous) return `Which pipeline: ${spokenList(error.known, 'or')}?`;
  if (error instanceof NoBuildsYet) return `The ${error.pipeline} pipeline has no builds yet.`;
  if (error instanceof BuildNotFound)
    return `I can't find a build called ${error.build} in the ${error.pipeline} pipeline.`;
  if (error instanceof BuildRefNotFound) return buildRefNotFoundSentence(error, now);
  if (error instanceof NoFailedBuild) return `I couldn't find a failed ${error.pipeline} build.`;
  if (error instanceof BuildAlreadyRunning) {
    return (
      `A ${error.pipeline} build is already running: ${error.buildName}, started ${relativeTime(error.startedAt, now)}. ` +
      `I didn't start another one.`
    );
  }
  if (error instanceof BuildAlreadyStarting) {
    return (
      `A ${error.pipeline} build is already starting: ${error.buildName}, requested ${relativeTime(error.since, now)}. ` +
      `I didn't start another one. ${howToCheckStart(error.pipeline)}`
    );
  }
  if (error instanceof StartOutcomeUnknown) {
    // Never "try again": the build may have started, and a new request would be a second build.
    return (
      `I asked AWS to start the ${error.pipeline} build ${error.buildName}, but its answer didn't come in time, ` +
      `so I can't tell yet whether it started. ${howToCheckStart(error.pipeline)}`
    );
  }
  if (error instanceof NothingToStop) {
    return error.build
      ? `The build ${error.build} isn't running, so there's nothing to stop.`
      : `No ${error.pipeline} build is running, so there's nothing to stop.`;
  }
  if (error instanceof NotAuthorized) {
    const what =
      error.action === 'subscribe'
        ? `change which channels hear about ${error.pipeline} builds`
        : error.action === 'rollback'
          ? `roll back the ${error.pipeline} endpoint`
          : `${error.action} ${error.pipeline} builds`;
    return `Sorry, you're not allowed to ${what}. Nothing was changed.`;
  }
  if (error instanceof RollbackRefused) return rollbackRefusedSentence(error);
  if (error instanceof NotAnApprover && !error.hasApprovers) {
    return noApprovers(error.pipeline);
  }
  if (error instanceof NotAnApprover) {
    return `Sorry, only the ${error.pipeline} pipeline's approvers can approve or reject its deploys. Nothing was changed.`;
  }
  if (error instanceof NoApprovalWaiting) {
    return error.build
      ? `The build ${error.build} isn't waiting for approval, so there's nothing to decide.`
      : `No ${error.pipeline} build is waiting for approval, so there's nothing to decide.`;
  }
  if (error instanceof EndpointNotFound) {
    return `The ${error.pipeline} pipeline has no endpoint yet, so there's no traffic to report. A successful build creates it.`;
  }
  if (error instanceof EndpointNotServing) {
    return `The ${error.pipeline} endpoint isn't serving a model yet (it's ${statusWords(error.status)}), so there's no traffic to report.`;
  }
  if (error instanceof InputKeyNotAllowed) return notAllowedSentence(error);
  if (error instanceof InvalidInput) return `I can't use that input: ${readableReason(error.message)}`;
  if (error instanceof AwsUnavailable) {
    const service = SERVICE_NAMES[error.service];
    if (error.reason === 'throttled')
      return `${service} is too busy right now. Please try again in a minute.`;
    if (error.reason === 'timeout')
      return `${service} is slow to answer right now. Please try again in a minute.`;
    return `I can't reach ${service} right now. Please try again in a minute.`;
  }
  if (error instanceof AccessDenied) {
    return `SageBuild's AWS role isn't allowed to call ${error.action}. Ask your AWS admin to add it.`;
  }
  if (error instanceof AwsCredentialsInvalid) {
    return "AWS didn't accept SageBuild's credentials: they may be missing or expired. Ask whoever runs SageBuild to renew them.";
  }
  if (error instanceof ConfigError) {
    // The message names a file path, which is for the operator's logs, not for chat or speech.
    const where = error.field ? ` in the setting ${error.field}` : '';
    return `SageBuild's configuration has a problem${where}. Ask whoever runs SageBuild to fix it.`;
  }
  return 'Sorry, something went wrong on my side. Please try again in a minute.';
}
