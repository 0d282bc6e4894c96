// The machine's main steps in its own order, for a card: each work state (Task, Parallel, Map) is a step,
// alternatives (create or update the endpoint) share one, an endpoint polling loop is one, and the Pass,
// Choice and Wait states around them count as part of the step before. Marked from the history.

import type { BuildStatus, StepLineFact, StepLineState } from '../builds/facts';
import type { HistoryReading } from '../builds/history';
import { allStates, innerMachines, leadsTo, successors, type AslMachine, type AslState } from './definition';
import { machineRoles } from './roles';

export interface MainStep {
  /** The step's own states by name: one, or alternatives of which a build runs one. */
  names: string[];
  /** Every state that counts as being in this step, nested ones included. */
  states: string[];
  /** For a Parallel or Map: what runs inside, compactly. */
  inside?: string;
}

const WORK_TYPES = new Set(['Task', 'Parallel', 'Map']);
/**
 * States looked at, per state of the machine, while telling alternatives apart: past this the machine is
 * too tangled to list quickly, and the card shows only the step the build is in.
 */
const VISITS_PER_STATE = 50;
const OUTCOME_TYPES = new Set(['Succeed', 'Fail']);

/**
 * Top-level states in the order a build meets them: the longest path from StartAt to each (loops cut where
 * they turn back), ties broken by the order the definition lists them. A depth-first walk with a stack of its
 * own: a chain of thousands of states can't overflow the call stack.
 */
export function orderedStates(machine: AslMachine): string[] {
  const states = machine.States;
  const forward = new Map<string, string[]>();
  const mark = new Map<string, 'open' | 'done'>();
  const postorder: string[] = [];
  const frames: { name: string; next: string[]; at: number; ahead: string[] }[] = [];
  const open = (name: string): void => {
    mark.set(name, 'open');
    frames.push({ name, next: successors(states[name] as AslState), at: 0, ahead: [] });
  };
  if (Object.hasOwn(states, machine.StartAt)) open(machine.StartAt);
  while (frames.length > 0) {
    const frame = frames[frames.length - 1] as (typeof frames)[number];
    if (frame.at < frame.next.length) {
      const next = frame.next[frame.at] as string;
      frame.at += 1;
      if (!Object.hasOwn(states, next) || mark.get(next) === 'open') continue; // a loop turning back
      frame.ahead.push(next);
      if (!mark.has(next)) open(next);
      continue;
    }
    frames.pop();
    forward.set(frame.name, frame.ahead);
    mark.set(frame.name, 'done');
    postorder.push(frame.name);
  }
  const rank = new Map<string, number>();
  for (const name of postorder.reverse()) {
    const here = rank.get(name) ?? 0;
    for (const next of forward.get(name) ?? []) rank.set(next, Math.max(rank.get(next) ?? 0, here + 1));
  }
  const listed = listingOrder(machine);
  return postorder.sort(
    (a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0) || (listed.get(a) ?? 0) - (listed.get(b) ?? 0),
  );
}

/** Each top-level state's place in the definition's own listing. */
function listingOrder(machine: AslMachine): Map<string, number> {
  return new Map(Object.keys(machine.States).map((name, i) => [name, i]));
}

/** "sm-train, logging": each branch of a Parallel (or a Map's processor) by its work states' names. */
function insideOf(machine: AslMachine, name: string): string | undefined {
  const state = machine.States[name];
  if (!state) return undefined;
  const branches = innerMachines(state)
    .map((inner) => {
      const work = orderedStates(inner).filter((n) => WORK_TYPES.has(inner.States[n]?.Type ?? ''));
      // A Parallel's branch is named even when it only passes data on; a Map that only decides says nothing.
      return (work.length > 0 || state.Type === 'Map' ? work : [inner.StartAt]).join(' then ');
    })
    .filter((branch) => branch !== '');
  if (branches.length === 0) return undefined;
  return state.Type === 'Map' ? `${branches.join(', ')} for each item` : branches.join(', ');
}

const stepsByMachine = new WeakMap<AslMachine, MainStep[]>();

/**
 * The machine's main steps, worked out once per definition (definitions are cached); none when the machine
 * is too tangled to list within a bounded amount of work.
 */
export function mainSteps(machine: AslMachine): MainStep[] {
  let steps = stepsByMachine.get(machine);
  if (!steps) {
    steps = findMainSteps(machine);
    stepsByMachine.set(machine, steps);
  }
  return steps;
}

function findMainSteps(machine: AslMachine): MainStep[] {
  const roles = machineRoles(machine);
  const stateOf = (name: string) => (Object.hasOwn(machine.States, name) ? machine.States[name] : undefined);
  const visits = { count: 0 };
  const maxVisits = VISITS_PER_STATE * Math.max(1, roles.size);
  // Once over budget every pair counts as connected, so no search runs; the caller then gives up.
  const leads = (from: string, to: string) => visits.count > maxVisits || leadsTo(stateOf, from, to, visits);
  const listed = listingOrder(machine);
  const steps: MainStep[] = [];
  let pollingStep: MainStep | undefined;
  let workStep: MainStep | undefined;
  for (const name of orderedStates(machine)) {
    const state = machine.States[name];
    if (!state || OUTCOME_TYPES.has(state.Type)) continue;
    const nested = innerMachines(state).flatMap((inner) => allStates(inner).map((s) => s.name));
    if (roles.get(name) === 'endpoint-wait') {
      if (pollingStep) pollingStep.states.push(name);
      else {
        pollingStep = { names: [name], states: [name] };
        steps.push(pollingStep);
      }
      continue;
    }
    const last = steps[steps.length - 1];
    if (!WORK_TYPES.has(state.Type)) {
      // Pass, Choice, Wait: part of the step before (they check or shape what it did); a leading one is its own.
      if (last) last.states.push(name);
      else steps.push({ names: [name], states: [name] });
      continue;
    }
    // Neither reaches the other: alternatives, of which a build runs one (create or update the endpoint).
    const alternative =
      last !== undefined &&
      last === workStep &&
      last.names.every((other) => !leads(other, name) && !leads(name, other));
    if (visits.count > maxVisits) return [];
    if (alternative) {
      last.names.push(name);
      last.names.sort((a, b) => (listed.get(a) ?? 0) - (listed.get(b) ?? 0));
      last.states.push(name, ...nested);
      continue;
    }
    const step: MainStep = { names: [name], states: [name, ...nested] };
    const inside = insideOf(machine, name);
    if (inside) step.inside = inside;
    steps.push(step);
    workStep = step;
  }
  return steps;
}

/**
 * Each main step marked from a build's history: done, running, failed (or stopped), skipped when the build
 * went another way, waiting when it has not got there yet. When the history read does not reach back to the
 * start, a step before the first one seen is unknown: it may have run, or been skipped.
 */
export function markSteps(steps: MainStep[], reading: HistoryReading, status: BuildStatus): StepLineFact[] {
  const indexOf = (state: string | undefined): number =>
    state === undefined ? -1 : steps.findIndex((step) => step.states.includes(state));
  const running = status === 'RUNNING' || status === 'PENDING_REDRIVE';
  const currentAt = running ? indexOf(reading.current?.name) : -1;
  const failedAt =
    !running && status !== 'SUCCEEDED' ? indexOf(reading.failure?.step ?? reading.current?.name) : -1;
  const seen = steps.map((step) => step.states.filter((s) => reading.entered.has(s)));
  const firstSeen = seen.findIndex((names) => names.length > 0);
  const lines = steps.map((step, i): StepLineFact => {
    const ran = step.names.filter((n) => reading.entered.has(n));
    const label = labelOf(step, ran.length === 1 ? ran : step.names);
    let state: StepLineState;
    if (i === currentAt) state = 'running';
    else if (i === failedAt) state = status === 'ABORTED' ? 'stopped' : 'failed';
    else if (seen[i]?.length) state = 'done';
    else if (!reading.complete && (firstSeen < 0 || i < firstSeen)) state = 'unknown';
    else if (running && i > currentAt) state = 'waiting';
    else state = 'skipped';
    const line: StepLineFact = { label, state };
    if (state === 'running' && reading.current?.enteredAt) line.startedAt = reading.current.enteredAt;
    return line;
  });
  return lines;
}

function labelOf(step: MainStep, names: string[]): string {
  const label = names.join(' / ');
  return step.inside ? `${label} (${step.inside})` : label;
}
