// Reads a page of execution history, newest first, for the facts an answer needs: the step the build is in
// (the innermost state entered and not yet left, inside Parallel and Map too), the SageMaker resources its
// tasks named (from the TaskScheduled parameters, whatever the machine calls them), who started the build,
// and why it failed, SageMaker's own reason first.

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { roleOfResource, type StepRole } from '../machine/roles';
import type { StartedBy } from './facts';
import { readableCause, sageMakerReason } from './failure-reason';

export interface TaskCall {
  resourceType: string;
  resource: string;
  role: StepRole;
  parameters: Record<string, unknown>;
}

export interface EnteredState {
  name: string;
  type: string;
  enteredAt?: Date;
}

export interface HistoryReading {
  /** Running: the innermost open state. Finished: the last state entered that did work or decided. */
  current?: EnteredState;
  /** The task call of the current state, e.g. the training job being waited on. */
  currentTask?: TaskCall;
  /**
   * When the build's current step began: the current state's entry, or a polling loop's first entry of it.
   * `atLeast`: the page ends inside the loop, so the step began at `at` or earlier.
   */
  currentSince?: { at: Date; atLeast: boolean };
  /** Every state this page saw entered, and those of them still open (entered, not left). */
  entered: Set<string>;
  open: Set<string>;
  /** Whether the page reaches back to ExecutionStarted, so `entered` is the whole story. */
  complete: boolean;
  trainingJobName?: string;
  modelName?: string;
  endpointConfigName?: string;
  /** The endpoint a task of this page worked on: the build is deploying, or has deployed. */
  endpointName?: string;
  /** The newest endpoint status a task of this page saw, e.g. InService at the end of a build. */
  endpointStatus?: string;
  endpointFailureReason?: string;
  startedBy?: StartedBy;
  failure?: {
    step?: string;
    error: string;
    cause?: string;
    /** SageMaker's own reason (a failed job's or endpoint's FailureReason), when the history holds it. */
    sageMakerReason?: string;
    /** The training job of a failed training task, so SageMaker can be asked why when the history doesn't say. */
    trainingJobName?: string;
  };
}

const ENTERED = /^(\w+)StateEntered$/;
const EXITED = /^(\w+)StateExited$/;
/** States that only report an outcome: never "the step the build is in". */
const OUTCOME_TYPES = new Set(['Fail', 'Succeed']);
/** Containers: the step is what runs inside them, unless nothing does. */
const CONTAINER_TYPES = new Set(['Parallel', 'Map']);

export function readHistory(newestFirst: HistoryEvent[]): HistoryReading {
  const reading: HistoryReading = { entered: new Set(), open: new Set(), complete: false };
  const openStates = openStatesOf(newestFirst);
  for (const state of openStates) reading.open.add(state.name);
  const tasks = taskCallsByState(newestFirst);
  for (const event of newestFirst) {
    const type = event.type ?? '';
    if (type === 'ExecutionStarted') {
      reading.complete = true;
      reading.startedBy ??= startedByOf(parseObject(event.executionStartedEventDetails?.input));
    }
    if (type === 'TaskScheduled') noteResources(reading, taskCallOf(event));
    if (type === 'TaskSucceeded') {
      const output = parseObject(event.taskSucceededEventDetails?.output);
      if (reading.endpointStatus === undefined && typeof output.EndpointStatus === 'string') {
        reading.endpointStatus = output.EndpointStatus;
        const reason = output.FailureReason;
        if (typeof reason === 'string' && reason) reading.endpointFailureReason = reason;
      }
    }
    const entered = ENTERED.exec(type);
    const name = event.stateEnteredEventDetails?.name;
    if (entered && name) {
      reading.entered.add(name);
      reading.startedBy ??= startedByOf(parseObject(event.stateEnteredEventDetails?.input));
    }
  }
  const current = innermost(openStates) ?? lastDecisive(newestFirst);
  if (current) {
    reading.current = current;
    const since = stepSince(newestFirst, current.name);
    if (since) reading.currentSince = since;
    const task = tasks.get(current.name);
    if (current.type === 'Task' && task) reading.currentTask = task;
  }
  const failure = failureOf(newestFirst, openStates, reading);
  if (failure) reading.failure = failure;
  return reading;
}

/** The SageMaker names a task's parameters give, newest first: the first seen of each kind wins. */
function noteResources(reading: HistoryReading, call: TaskCall): void {
  const name = (field: string) => stringField(call.parameters, field);
  switch (call.role) {
    case 'training':
      reading.trainingJobName ??= name('TrainingJobName');
      return;
    case 'model':
      reading.modelName ??= name('ModelName');
      return;
    case 'endpoint-config':
      reading.endpointConfigName ??= name('EndpointConfigName');
      return;
    case 'create-endpoint':
    case 'update-endpoint':
    case 'endpoint-wait':
    case 'endpoint-check':
      reading.endpointName ??= name('EndpointName');
      return;
    default:
      return;
  }
}

function taskCallOf(event: HistoryEvent): TaskCall {
  const details = event.taskScheduledEventDetails;
  const resourceType = details?.resourceType ?? '';
  const resource = details?.resource ?? '';
  return {
    resourceType,
    resource,
    role: roleOfResource(resource, resourceType),
    parameters: parseObject(details?.parameters),
  };
}

/**
 * Each task state's newest call. A TaskScheduled belongs to the Task state entered just before it: the one
 * its previousEventId names (real histories chain events that way inside Parallel branches), else the
 * nearest older TaskStateEntered.
 */
function taskCallsByState(newestFirst: HistoryEvent[]): Map<string, TaskCall> {
  const byId = new Map(newestFirst.map((e) => [e.id, e]));
  const calls = new Map<string, TaskCall>();
  newestFirst.forEach((event, index) => {
    if (event.type !== 'TaskScheduled') return;
    const previous = byId.get(event.previousEventId);
    const owner =
      previous?.type === 'TaskStateEntered'
        ? previous
        : newestFirst.slice(index + 1).find((e) => e.type === 'TaskStateEntered');
    const name = owner?.stateEnteredEventDetails?.name;
    if (name && !calls.has(name)) calls.set(name, taskCallOf(event));
  });
  return calls;
}

/**
 * States entered and not left, newest first. Walking back in time, each exit is owed an entry of the same
 * name; an entry nobody owes is still open. Aborted events are not exits: real Step Functions records them
 * with no details at all, older local histories with a name, and either way the state was never left.
 */
function openStatesOf(newestFirst: HistoryEvent[]): EnteredState[] {
  const owed = new Map<string, number>();
  const open: EnteredState[] = [];
  for (const event of newestFirst) {
    const type = event.type ?? '';
    if (EXITED.test(type)) {
      const name = event.stateExitedEventDetails?.name;
      if (name) owed.set(name, (owed.get(name) ?? 0) + 1);
      continue;
    }
    const entered = ENTERED.exec(type);
    const name = event.stateEnteredEventDetails?.name;
    if (!entered || !name) continue;
    const debt = owed.get(name) ?? 0;
    if (debt > 0) owed.set(name, debt - 1);
    else open.push({ name, type: entered[1] as string, enteredAt: event.timestamp });
  }
  return open;
}

/**
 * When the step of state `name` began. A state a loop keeps entering (an endpoint poll: wait, check, decide,
 * wait again) began its step at the loop's first round, not at its latest entry. Walking back in time, the
 * states entered between its newest two entries are the loop's body; each older entry of it with only body
 * states in between is an earlier round, and any other state means the loop began at the round after it.
 */
function stepSince(newestFirst: HistoryEvent[], name: string): { at: Date; atLeast: boolean } | undefined {
  let since: Date | undefined;
  let body: Set<string> | undefined;
  let between = new Set<string>();
  for (const event of newestFirst) {
    if (event.type === 'ExecutionStarted') break;
    const entered = event.stateEnteredEventDetails?.name;
    if (!entered || !ENTERED.test(event.type ?? '')) continue;
    if (since === undefined) {
      if (entered !== name) continue;
      if (!event.timestamp) return undefined;
      since = event.timestamp;
      continue;
    }
    if (entered !== name) {
      between.add(entered);
      if (body && !body.has(entered)) return { at: since, atLeast: false };
      continue;
    }
    if (body && [...between].some((state) => !body?.has(state))) return { at: since, atLeast: false };
    body ??= between;
    between = new Set();
    if (!event.timestamp) return undefined;
    since = event.timestamp;
  }
  if (!since) return undefined;
  // A state entered once is its own step; a loop whose rounds fill the page may have begun before it.
  const reachedStart = newestFirst.some((e) => e.type === 'ExecutionStarted');
  return { at: since, atLeast: body !== undefined && !reachedStart };
}

/** The innermost open state: the newest that is not a container, else the newest container. */
function innermost(open: EnteredState[]): EnteredState | undefined {
  const working = open.filter((s) => !OUTCOME_TYPES.has(s.type));
  return working.find((s) => !CONTAINER_TYPES.has(s.type)) ?? working[0];
}

/** A finished build's last state that did work or decided (not the Fail or Succeed state that reported). */
function lastDecisive(newestFirst: HistoryEvent[]): EnteredState | undefined {
  for (const event of newestFirst) {
    const entered = ENTERED.exec(event.type ?? '');
    const name = event.stateEnteredEventDetails?.name;
    if (entered && name && !OUTCOME_TYPES.has(entered[1] as string)) {
      return { name, type: entered[1] as string, enteredAt: event.timestamp };
    }
  }
  return undefined;
}

/** The error, cause, failed step and SageMaker's reason of a failed, timed-out or stopped execution. */
function failureOf(
  newestFirst: HistoryEvent[],
  open: EnteredState[],
  reading: HistoryReading,
): HistoryReading['failure'] {
  const end = newestFirst.find((e) =>
    ['ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut'].includes(e.type ?? ''),
  );
  if (!end) return undefined;
  const details = end.executionFailedEventDetails ?? end.executionAbortedEventDetails;
  const error =
    details?.error ?? (end.type === 'ExecutionTimedOut' ? 'States.Timeout' : (end.type ?? 'Failed'));
  const failure: NonNullable<HistoryReading['failure']> = { error, cause: details?.cause };
  const step =
    end.type === 'ExecutionAborted' || end.type === 'ExecutionTimedOut'
      ? (innermost(open)?.name ?? abortedStateName(newestFirst) ?? failedStep(newestFirst))
      : failedStep(newestFirst);
  if (step) failure.step = step;
  const failedTask = failedTaskOf(newestFirst);
  if (failedTask) {
    const reason = sageMakerReason(failedTask.cause);
    if (reason) failure.sageMakerReason = reason;
    if (failedTask.call?.role === 'training') {
      const job = stringField(failedTask.call.parameters, 'TrainingJobName');
      if (job) failure.trainingJobName = job;
    }
  }
  // An endpoint that failed (seen by the machine's own describeEndpoint) says why better than the machine.
  if (!failure.sageMakerReason && reading.endpointStatus === 'Failed' && reading.endpointFailureReason) {
    failure.sageMakerReason = readableCause(reading.endpointFailureReason);
  }
  return failure;
}

/** Older local histories named the stopped state on its aborted event. */
function abortedStateName(newestFirst: HistoryEvent[]): string | undefined {
  return newestFirst.find((e) => /StateAborted$/.test(e.type ?? ''))?.stateExitedEventDetails?.name;
}

/** The newest failed task call: its cause and, from the TaskScheduled before it, what it called. */
function failedTaskOf(newestFirst: HistoryEvent[]): { cause?: string; call?: TaskCall } | undefined {
  const index = newestFirst.findIndex((e) => e.type === 'TaskFailed');
  if (index < 0) return undefined;
  const scheduled = newestFirst.slice(index).find((e) => e.type === 'TaskScheduled');
  return {
    cause: newestFirst[index]?.taskFailedEventDetails?.cause,
    call: scheduled ? taskCallOf(scheduled) : undefined,
  };
}

/** The state where it went wrong: the task that failed, else the Map that failed, else the last state run. */
function failedStep(newestFirst: HistoryEvent[]): string | undefined {
  const enteredAfter = (index: number, stateType: string): string | undefined => {
    for (const event of newestFirst.slice(index)) {
      if (event.type === `${stateType}StateEntered`) return event.stateEnteredEventDetails?.name;
    }
    return undefined;
  };
  const taskFailed = newestFirst.findIndex((e) => e.type === 'TaskFailed');
  const endAt = newestFirst.findIndex((e) => e.type === 'ExecutionFailed');
  // A task failure caught long before (e.g. "does the endpoint exist?") is not what failed the build.
  const caughtEarlier =
    taskFailed >= 0 && newestFirst.slice(endAt + 1, taskFailed).some((e) => e.type === 'TaskStateEntered');
  if (taskFailed >= 0 && !caughtEarlier) return enteredAfter(taskFailed, 'Task');
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
