// What each state does, from its Resource and its shape, whatever it is called: "TrainingJob", "Train Step"
// and "sm-train" are all the training. The wording speaks of a step by its role first.

import { allStates, successors, type AslMachine, type AslState } from './definition';

export type StepRole =
  | 'training'
  | 'tuning'
  | 'processing'
  | 'transform'
  | 'model'
  | 'endpoint-config'
  | 'create-endpoint'
  | 'update-endpoint'
  /** A describeEndpoint in a loop with Wait and Choice, and that loop's Wait and Choice states. */
  | 'endpoint-wait'
  /** A describeEndpoint outside a loop: does the endpoint exist yet? */
  | 'endpoint-check'
  | 'approval'
  | 'lambda'
  | 'task'
  | 'pass'
  | 'choice'
  | 'wait'
  | 'parallel'
  | 'map'
  | 'succeed'
  | 'fail';

const SAGEMAKER_ACTIONS: Record<string, StepRole> = {
  createtrainingjob: 'training',
  createhyperparametertuningjob: 'tuning',
  createprocessingjob: 'processing',
  createtransformjob: 'transform',
  createmodel: 'model',
  createendpointconfig: 'endpoint-config',
  createendpoint: 'create-endpoint',
  updateendpoint: 'update-endpoint',
  describeendpoint: 'endpoint-check',
};

const TYPE_ROLES: Record<string, StepRole> = {
  Pass: 'pass',
  Choice: 'choice',
  Wait: 'wait',
  Parallel: 'parallel',
  Map: 'map',
  Succeed: 'succeed',
  Fail: 'fail',
};

/**
 * A task's role from its Resource, as written in a definition ("arn:aws:states:::sagemaker:createModel")
 * or as history records it (resourceType "sagemaker", resource "createTrainingJob.sync").
 */
export function roleOfResource(resource: string, resourceType = ''): StepRole {
  const full = resourceType ? `${resourceType}:${resource}` : resource;
  if (/\.waitForTaskToken$/.test(full)) return 'approval';
  if (/(^|:)lambda(:|$)/.test(full)) return 'lambda';
  const sagemaker = /(?:^|:)sagemaker:([A-Za-z]+)(?:\.\w+)?$/.exec(full);
  if (sagemaker) return SAGEMAKER_ACTIONS[(sagemaker[1] as string).toLowerCase()] ?? 'task';
  return 'task';
}

export function roleOfState(state: AslState): StepRole {
  if (state.Type === 'Task') return roleOfResource(state.Resource ?? '');
  return TYPE_ROLES[state.Type] ?? 'task';
}

const rolesByMachine = new WeakMap<AslMachine, Map<string, StepRole>>();

/**
 * Every state's role, nested ones included, with each endpoint polling loop marked as waiting. Worked out
 * once per definition (definitions are cached).
 */
export function machineRoles(machine: AslMachine): Map<string, StepRole> {
  let roles = rolesByMachine.get(machine);
  if (!roles) {
    roles = findRoles(machine);
    rolesByMachine.set(machine, roles);
  }
  return roles;
}

function findRoles(machine: AslMachine): Map<string, StepRole> {
  const placed = allStates(machine);
  const roles = new Map(placed.map(({ name, state }) => [name, roleOfState(state)]));
  const byName = new Map(placed.map(({ name, state }) => [name, state]));
  for (const loop of loopsOf(byName)) {
    // A polling loop waits: a describeEndpoint that comes round again through a Wait.
    if (!loop.some((member) => roles.get(member) === 'endpoint-check')) continue;
    if (!loop.some((member) => byName.get(member)?.Type === 'Wait')) continue;
    for (const member of loop) {
      const role = roles.get(member);
      if (role === 'endpoint-check' || role === 'wait' || role === 'choice')
        roles.set(member, 'endpoint-wait');
    }
  }
  return roles;
}

/**
 * The machine's loops: each set of states that all lead to one another (a strongly connected component with
 * a transition inside it). Tarjan's algorithm with a stack of its own, so time grows with the number of
 * states and transitions, and a long chain of states can't overflow the call stack.
 */
export function loopsOf(byName: ReadonlyMap<string, AslState>): string[][] {
  const nextOf = (name: string): string[] => {
    const state = byName.get(name);
    return state ? successors(state).filter((next) => byName.has(next)) : [];
  };
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const loops: string[][] = [];
  for (const root of byName.keys()) {
    if (index.has(root)) continue;
    // Each frame: a state and how many of its successors have been followed.
    const frames: { name: string; next: string[]; at: number }[] = [];
    const open = (name: string): void => {
      index.set(name, index.size);
      low.set(name, index.get(name) as number);
      stack.push(name);
      onStack.add(name);
      frames.push({ name, next: nextOf(name), at: 0 });
    };
    open(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as (typeof frames)[number];
      if (frame.at < frame.next.length) {
        const next = frame.next[frame.at] as string;
        frame.at += 1;
        if (!index.has(next)) open(next);
        else if (onStack.has(next))
          low.set(frame.name, Math.min(low.get(frame.name) as number, index.get(next) as number));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent)
        low.set(parent.name, Math.min(low.get(parent.name) as number, low.get(frame.name) as number));
      if (low.get(frame.name) !== index.get(frame.name)) continue;
      const component: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        component.push(member);
        if (member === frame.name) break;
      }
      if (component.length > 1 || frame.next.includes(frame.name)) loops.push(component);
    }
  }
  return loops;
}
