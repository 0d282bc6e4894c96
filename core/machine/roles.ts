// What each state does, from its Resource and its shape, whatever it is called: "TrainingJob", "Train Step"
// and "sm-train" are all the training. The wording speaks of a step by its role first.

import { allStates, reachability, type AslMachine, type AslState } from './definition';

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
  const reach = reachability((name) => byName.get(name));
  for (const { name } of placed) {
    if (roles.get(name) !== 'endpoint-check') continue;
    const loop = loopThrough(name, reach);
    // A polling loop waits: a describeEndpoint that comes round again through a Wait.
    if (![...loop].some((member) => byName.get(member)?.Type === 'Wait')) continue;
    for (const member of loop) {
      const role = roles.get(member);
      if (role === 'endpoint-check' || role === 'wait' || role === 'choice')
        roles.set(member, 'endpoint-wait');
    }
  }
  return roles;
}

/** The states on a cycle through `start`: reachable from it, and reaching it again. */
function loopThrough(start: string, reach: (from: string) => Set<string>): Set<string> {
  const fromStart = reach(start);
  if (!fromStart.has(start)) return new Set();
  return new Set([...fromStart].filter((name) => name === start || reach(name).has(start)));
}
