// Reads one small page of execution history, newest first, for the facts a status answer needs: the
// current step, the SageMaker resource it works on, who started the build, and why it failed.

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { StartedBy } from './facts';

export interface TaskCall {
  resourceType: string;
  resource: string;
  parameters: Record<string, unknown>;
}

export interface HistoryReading {
  /** The newest state entered: where a running build is, or where a finished one ended. */
  current?: { name: string; type: string; enteredAt?: Date };
  /** The newest task call of the current state, e.g. the training job being waited on. */
  currentTask?: TaskCall;
  trainingJobName?: string;
  /** The endpoint a task of this page worked on: the build is deploying, or has deployed. */
  endpointName?: string;
  /** The newest endpoint status a task of this page saw, e.g. InService at the end of a build. */
  endpointStatus?: string;
  /** The endpoint named in the build's input, whatever the build is doing. */
  inputEndpointName?: string;
  startedBy?: StartedBy;
  failure?: { step?: string; error: string; cause?: string; trainingJobName?: string };
}

const ENTERED = /^(\w+)StateEntered$/;

export function readHistory(newestFirst: HistoryEvent[]): HistoryReading {
  const reading: HistoryReading = {};
  let pendingTask: TaskCall | undefined;
  for (const event of newestFirst) {
    const type = event.type ?? '';
    if (type === 'TaskScheduled') {
      const details = event.taskScheduledEventDetails;
      const call: TaskCall = {
        resourceType: details?.resourceType ?? '',
        resource: details?.resource ?? '',
        parameters: parseObject(details?.parameters),
      };
      pendingTask ??= call;
      reading.trainingJobName ??= stringField(call.parameters, 'TrainingJobName');
      reading.endpointName ??= stringField(call.parameters, 'EndpointName');
    }
    const entered = ENTERED.exec(type);
    if (entered && event.stateEnteredEventDetails?.name) {
      const name = event.stateEnteredEventDetails.name;
      const stateType = entered[1] as string;
      if (!reading.current && stateType !== 'Fail') {
        reading.current = { name, type: stateType, enteredAt: event.timestamp };
        if (stateType === 'Task') reading.currentTask = pendingTask;
      }
      const input = parseObject(event.stateEnteredEventDetails.input);
      reading.startedBy ??= startedByOf(input);
      reading.inputEndpointName ??= stringField(input, 'endpointName');
    }
    if (type === 'TaskSucceeded') {
      const output = parseObject(event.taskSucceededEventDetails?.output);
      reading.endpointStatus ??= stringField(output, 'EndpointStatus');
    }
    if (type === 'ExecutionStarted') {
      reading.startedBy ??= startedByOf(parseObject(event.executionStartedEventDetails?.input));
    }
  }
  const failure = failureOf(newestFirst);
  if (failure) reading.failure = failure;
  return reading;
}

/** The error, cause and failed step of a failed, timed-out or stopped execution. */
function failureOf(newestFirst: HistoryEvent[]): HistoryReading['failure'] {
  const end = newestFirst.find((e) =>
    ['ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut'].includes(e.type ?? ''),
  );
  if (!end) return undefined;
  const details = end.executionFailedEventDetails ?? end.executionAbortedEventDetails;
  const error =
    details?.error ?? (end.type === 'ExecutionTimedOut' ? 'States.Timeout' : (end.type ?? 'Failed'));
  const failure: NonNullable<HistoryReading['failure']> = {
    step: failedStep(newestFirst),
    error,
    cause: details?.cause,
  };
  const job = failedTrainingJob(newestFirst);
  if (job) failure.trainingJobName = job;
  return failure;
}

/** The training job of a failed training task, so SageMaker can be asked why when the cause doesn't say. */
function failedTrainingJob(newestFirst: HistoryEvent[]): string | undefined {
  const taskFailed = newestFirst.findIndex((e) => e.type === 'TaskFailed');
  if (taskFailed < 0) return undefined;
  const scheduled = newestFirst
    .slice(taskFailed)
    .find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails;
  if (!scheduled?.resource?.startsWith('createTrainingJob')) return undefined;
  return stringField(parseObject(scheduled.parameters), 'TrainingJobName');
}

/** The state where it went wrong: the task that failed, else the Map that failed, else the last state run. */
function failedStep(newestFirst: HistoryEvent[]): string | undefined {
  const enteredAfter = (index: number, stateType: string): string | undefined => {
    for (const event of newestFirst.slice(index)) {
      if (event.type === `${stateType}StateEntered`) return event.stateEnteredEventDetails?.name;
    }
    return undefined;
  };
  const aborted = newestFirst.find((e) => /StateAborted$/.test(e.type ?? ''));
  if (aborted) return aborted.stateExitedEventDetails?.name;
  const taskFailed = newestFirst.findIndex((e) => e.type === 'TaskFailed');
  if (taskFailed >= 0) return enteredAfter(taskFailed, 'Task');
  const mapFailed = newestFirst.findIndex((e) => e.type === 'MapStateFailed');
  if (mapFailed >= 0) {
    // A Map's iterations name it, and sit closer than its MapStateEntered in a small page.
    const iteration = newestFirst.slice(mapFailed).find((e) => e.type?.startsWith('MapIteration'));
    const details = iteration?.mapIterationFailedEventDetails ?? iteration?.mapIterationSucceededEventDetails;
    return (
      details?.name ?? iteration?.mapIterationStartedEventDetails?.name ?? enteredAfter(mapFailed, 'Map')
    );
  }
  // A Choice that routes to a Fail state only judged what a task found (e.g. the endpoint's status): name
  // that task. Fail and Pass states only report.
  const lastTask = newestFirst.find((e) => e.type === 'TaskStateEntered');
  const lastRun = newestFirst.find(
    (e) => ENTERED.test(e.type ?? '') && e.type !== 'FailStateEntered' && e.type !== 'PassStateEntered',
  );
  return (lastTask ?? lastRun)?.stateEnteredEventDetails?.name;
}

export function parseObject(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function stringField(object: Record<string, unknown>, field: string): string | undefined {
  const value = object[field];
  return typeof value === 'string' && value ? value : undefined;
}

export function startedByOf(input: Record<string, unknown>): StartedBy | undefined {
  const value = input.startedBy;
  if (!value || typeof value !== 'object') return undefined;
  const { id, displayName } = value as Record<string, unknown>;
  const who: StartedBy = {};
  if (typeof id === 'string') who.id = id;
  if (typeof displayName === 'string') who.displayName = displayName;
  return who.id || who.displayName ? who : undefined;
}
