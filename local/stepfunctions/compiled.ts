// A state machine definition, validated and prepared once: building an interpreter costs 200-300 ms.

import '../polyfills';
import { StateMachine } from 'aws-local-stepfunctions';
import { AwsError } from '../protocol';

type StateDef = Record<string, unknown>;

export interface TaskStateInfo {
  resource: string;
  timeoutSeconds?: number;
  /** Read from the state's input when the task starts (a reference path). */
  timeoutSecondsPath?: string;
  heartbeatSeconds?: number;
}

/** Where a state sits: at the top level, or in one branch of a Parallel or in a Map's iterations. */
export interface StateScope {
  parent?: { state: string; type: 'Parallel' | 'Map'; branch: number };
}

/**
 * The longest timer Node keeps (2^31-1 ms, about 24.8 days). The interpreter's own task timer is set to it
 * so that it never fires: aws-local-stepfunctions gives every Task without TimeoutSeconds a 60-real-second
 * timeout (TaskStateAction's DEFAULT_TIMEOUT_SECONDS), which real Step Functions does not. The executor
 * applies TimeoutSeconds itself, in scaled time.
 */
const NEVER_SECONDS = 2_147_483;

export interface CompiledMachine {
  interpreter: StateMachine;
  /** Every Task state, nested ones (Map, Parallel) included: each is served locally, never by real AWS. */
  tasks: Map<string, TaskStateInfo>;
  /** Wait states with a fixed Seconds, which the time scale shortens. */
  waits: Map<string, number>;
  /** Retry intervals per state, in seconds, which the time scale shortens. */
  retries: Map<string, number[]>;
  /** InputPath then ItemsPath per Map state, to report each Map's length in history. */
  mapItemsPaths: Map<string, [string, string]>;
  /** Every state's place, to chain history events per branch and iteration as AWS does. */
  scopes: Map<string, StateScope>;
  /** The definition's top-level TimeoutSeconds, applied by the executor in scaled time. */
  timeoutSeconds?: number;
}

export function compileDefinition(definition: string): CompiledMachine {
  let parsed: { States?: Record<string, StateDef>; StartAt?: string; TimeoutSeconds?: unknown };
  try {
    parsed = JSON.parse(definition) as typeof parsed;
  } catch (error) {
    throw new AwsError(
      'InvalidDefinition',
      `Invalid State Machine Definition: '${(error as Error).message}'`,
    );
  }
  // The runnable copy differs from what was validated only in its timers (see NEVER_SECONDS).
  const runnable = withoutTimers(JSON.parse(definition) as StateDef);
  let interpreter: StateMachine;
  try {
    new StateMachine(parsed as never, { validationOptions: { checkArn: false } });
    interpreter = new StateMachine(runnable as never, { validationOptions: { noValidate: true } });
  } catch (error) {
    throw new AwsError(
      'InvalidDefinition',
      `Invalid State Machine Definition: '${(error as Error).message}'`,
    );
  }
  const compiled: CompiledMachine = {
    interpreter,
    tasks: new Map(),
    waits: new Map(),
    retries: new Map(),
    mapItemsPaths: new Map(),
    scopes: new Map(),
    timeoutSeconds: numberOr(parsed.TimeoutSeconds),
  };
  collectStates(parsed.States ?? {}, compiled, {});
  return compiled;
}

/** A copy whose Task timers never fire and with no execution timer: the executor keeps time. */
function withoutTimers(definition: StateDef): StateDef {
  delete definition.TimeoutSeconds;
  const visit = (states: Record<string, StateDef> | undefined): void => {
    for (const state of Object.values(states ?? {})) {
      if (state.Type === 'Task') {
        state.TimeoutSeconds = NEVER_SECONDS;
        delete state.TimeoutSecondsPath;
        delete state.HeartbeatSeconds;
        delete state.HeartbeatSecondsPath;
      }
      const processor = (state.ItemProcessor ?? state.Iterator) as
        { States?: Record<string, StateDef> } | undefined;
      visit(processor?.States);
      for (const branch of (Array.isArray(state.Branches) ? state.Branches : []) as {
        States?: Record<string, StateDef>;
      }[]) {
        visit(branch.States);
      }
    }
  };
  visit(definition.States as Record<string, StateDef> | undefined);
  return definition;
}

const numberOr = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

function collectStates(states: Record<string, StateDef>, into: CompiledMachine, scope: StateScope): void {
  for (const [name, state] of Object.entries(states)) {
    into.scopes.set(name, scope);
    if (state.Type === 'Task' && typeof state.Resource === 'string') {
      into.tasks.set(name, {
        resource: state.Resource,
        timeoutSeconds: numberOr(state.TimeoutSeconds),
        timeoutSecondsPath:
          typeof state.TimeoutSecondsPath === 'string' ? state.TimeoutSecondsPath : undefined,
        heartbeatSeconds: numberOr(state.HeartbeatSeconds),
      });
    }
    if (state.Type === 'Wait' && typeof state.Seconds === 'number') into.waits.set(name, state.Seconds);
    if (Array.isArray(state.Retry)) {
      into.retries.set(
        name,
        (state.Retry as { IntervalSeconds?: number }[]).map((retrier) => retrier.IntervalSeconds ?? 1),
      );
    }
    if (state.Type === 'Map') {
      const path = (key: string): string => (typeof state[key] === 'string' ? (state[key] as string) : '$');
      into.mapItemsPaths.set(name, [path('InputPath'), path('ItemsPath')]);
      const processor = (state.ItemProcessor ?? state.Iterator) as
        { States?: Record<string, StateDef> } | undefined;
      collectStates(processor?.States ?? {}, into, { parent: { state: name, type: 'Map', branch: 0 } });
    }
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      (state.Branches as { States?: Record<string, StateDef> }[]).forEach((branch, index) => {
        collectStates(branch.States ?? {}, into, {
          parent: { state: name, type: 'Parallel', branch: index },
        });
      });
    }
  }
}

/** Resolves a simple JSONPath ("$.a.b[0]") against a value; anything fancier yields undefined. */
export function resolveSimplePath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  if (!path.startsWith('$.')) return undefined;
  let current: unknown = value;
  for (const part of path.slice(2).split('.')) {
    const match = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!match) return undefined;
    current = (current as Record<string, unknown> | undefined)?.[match[1] as string];
    for (const index of (match[2] ?? '').match(/\d+/g) ?? []) {
      current = Array.isArray(current) ? current[Number(index)] : undefined;
    }
  }
  return current;
}
