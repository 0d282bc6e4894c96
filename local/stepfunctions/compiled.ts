// A state machine definition, validated and prepared once: building an interpreter costs 200-300 ms.

import '../polyfills';
import { StateMachine } from 'aws-local-stepfunctions';
import { AwsError } from '../protocol';

type StateDef = Record<string, unknown>;

export interface TaskStateInfo {
  resource: string;
  timeoutSeconds?: number;
}

export interface CompiledMachine {
  interpreter: StateMachine;
  /** Every Task state, nested ones (Map, Parallel) included: each is served locally, never by real AWS. */
  tasks: Map<string, TaskStateInfo>;
  /** Wait states with a fixed Seconds, which the time scale shortens. */
  waits: Map<string, number>;
  /** Retry intervals per state, in seconds, which the time scale shortens. */
  retries: Map<string, number[]>;
  /** ItemsPath per Map state, to report each Map's length in history. */
  mapItemsPaths: Map<string, string>;
}

export function compileDefinition(definition: string): CompiledMachine {
  let parsed: { States?: Record<string, StateDef>; StartAt?: string };
  try {
    parsed = JSON.parse(definition) as typeof parsed;
  } catch (error) {
    throw new AwsError(
      'InvalidDefinition',
      `Invalid State Machine Definition: '${(error as Error).message}'`,
    );
  }
  let interpreter: StateMachine;
  try {
    interpreter = new StateMachine(parsed as never, { validationOptions: { checkArn: false } });
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
  };
  collectStates(parsed.States ?? {}, compiled);
  return compiled;
}

function collectStates(states: Record<string, StateDef>, into: CompiledMachine): void {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task' && typeof state.Resource === 'string') {
      const timeout = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
      into.tasks.set(name, { resource: state.Resource, timeoutSeconds: timeout });
    }
    if (state.Type === 'Wait' && typeof state.Seconds === 'number') into.waits.set(name, state.Seconds);
    if (Array.isArray(state.Retry)) {
      into.retries.set(
        name,
        (state.Retry as { IntervalSeconds?: number }[]).map((retrier) => retrier.IntervalSeconds ?? 1),
      );
    }
    if (state.Type === 'Map') {
      into.mapItemsPaths.set(name, typeof state.ItemsPath === 'string' ? state.ItemsPath : '$');
      const processor = (state.ItemProcessor ?? state.Iterator) as
        { States?: Record<string, StateDef> } | undefined;
      collectStates(processor?.States ?? {}, into);
    }
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      for (const branch of state.Branches as { States?: Record<string, StateDef> }[]) {
        collectStates(branch.States ?? {}, into);
      }
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
