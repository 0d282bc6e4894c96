// A state machine's own definition: fetched once per cold start (DescribeStateMachine, or
// DescribeStateMachineForExecution for the version a build ran), cached, and walked. SageBuild learns what
// each state does from it, so any team's machine works unchanged.

import { DescribeStateMachineCommand, DescribeStateMachineForExecutionCommand } from '@aws-sdk/client-sfn';
import { callAws } from '../aws/translate-error';
import type { BuildContext } from '../builds/context';
import { AccessDenied, AwsCredentialsInvalid } from '../errors';

/** Real definitions are at most 1 MB; anything larger is not parsed. */
export const MAX_DEFINITION_CHARS = 1_048_576;
/**
 * States (nested ones included) SageBuild reads a machine's roles and steps for. A 1 MB definition can hold
 * some 25,000 states; past this many the core speaks from state names instead of walking the machine on a
 * cold start inside Alexa's time budget.
 */
export const MAX_MACHINE_STATES = 15_000;
/** A refused lookup (e.g. a role without states:DescribeStateMachine) is retried after this long. */
const RETRY_AFTER_MS = 5 * 60 * 1000;
/** Definitions kept at most (machines, and builds that ran an older version); the oldest go first. */
export const MAX_CACHED_DEFINITIONS = 100;

/** The parts of an Amazon States Language state SageBuild reads. */
export interface AslState {
  Type: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: { Next?: string }[];
  Catch?: { Next?: string }[];
  Branches?: AslMachine[];
  ItemProcessor?: AslMachine;
  Iterator?: AslMachine;
  Comment?: string;
}

export interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
}

/** A state with where it sits: at the top, or inside a Parallel branch or a Map's processor. */
export interface PlacedState {
  name: string;
  state: AslState;
  /** The Parallel or Map state this one runs inside, if any. */
  parent?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMachine(value: unknown): value is AslMachine {
  return (
    isObject(value) &&
    typeof value.StartAt === 'string' &&
    isObject(value.States) &&
    Object.values(value.States).every((s) => isObject(s) && typeof s.Type === 'string')
  );
}

/**
 * The definition, or undefined when it is not JSON ASL SageBuild can read: JSONata-only, over 1 MB (checked
 * before parsing), or with more than MAX_MACHINE_STATES states.
 */
export function parseDefinition(text: string | undefined): AslMachine | undefined {
  if (!text || text.length > MAX_DEFINITION_CHARS) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  return isMachine(parsed) && !hasMoreStatesThan(parsed, MAX_MACHINE_STATES) ? parsed : undefined;
}

/** Counts states, nested ones included, stopping as soon as there are more than `limit`. */
function hasMoreStatesThan(machine: AslMachine, limit: number): boolean {
  let count = 0;
  const pending = [machine];
  for (let next = pending.pop(); next; next = pending.pop()) {
    for (const state of Object.values(next.States)) {
      count += 1;
      if (count > limit) return true;
      pending.push(...innerMachines(state));
    }
  }
  return false;
}

/** The machines a Parallel or Map state runs. */
export function innerMachines(state: AslState): AslMachine[] {
  if (state.Type === 'Parallel') return (state.Branches ?? []).filter(isMachine);
  if (state.Type === 'Map') return [state.ItemProcessor ?? state.Iterator].filter(isMachine);
  return [];
}

/**
 * Every state, nested ones included, each with the Parallel or Map it runs in: a state, then what runs inside
 * it, then the next. Walked with a stack of its own, so deep nesting can't overflow the call stack.
 */
export function allStates(machine: AslMachine, parent?: string): PlacedState[] {
  const placed: PlacedState[] = [];
  const toPlace = (inner: AslMachine, within?: string): PlacedState[] =>
    Object.entries(inner.States).map(([name, state]) =>
      within === undefined ? { name, state } : { name, state, parent: within },
    );
  const pending = toPlace(machine, parent).reverse();
  for (let next = pending.pop(); next; next = pending.pop()) {
    placed.push(next);
    const inside = innerMachines(next.state).flatMap((inner) => toPlace(inner, next?.name));
    for (let i = inside.length - 1; i >= 0; i -= 1) pending.push(inside[i] as PlacedState);
  }
  return placed;
}

/** The states a state can go to next: Next, Choices, Default, then Catch targets. */
export function successors(state: AslState): string[] {
  const next = [
    state.Next,
    ...(state.Choices ?? []).map((c) => c.Next),
    state.Default,
    ...(state.Catch ?? []).map((c) => c.Next),
  ];
  return [...new Set(next.filter((n): n is string => typeof n === 'string'))];
}

/**
 * Whether `to` can follow `from`, following every transition. Searches from `from` and stops as soon as it
 * finds `to`; `visits` counts the states it looked at, for a caller that bounds its total work.
 * `stateOf` finds a state by name (names are unique across a whole machine, nested ones included).
 */
export function leadsTo(
  stateOf: (name: string) => AslState | undefined,
  from: string,
  to: string,
  visits: { count: number } = { count: 0 },
): boolean {
  const seen = new Set<string>();
  const pending = [from];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    visits.count += 1;
    const state = stateOf(name);
    for (const next of state ? successors(state) : []) {
      if (next === to) return true;
      if (!seen.has(next)) {
        seen.add(next);
        pending.push(next);
      }
    }
  }
  return false;
}

interface CacheEntry {
  machine?: AslMachine;
  at: number;
}

/**
 * A refusal that asking again soon won't change: no permission, bad keys, no such machine or build. A timeout,
 * an aborted call (the answer's time budget ran out), throttling or an outage is not one.
 */
function isRefusal(error: unknown): boolean {
  if (error instanceof AccessDenied || error instanceof AwsCredentialsInvalid) return true;
  const name = (error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && (/DoesNotExist$/.test(name) || name === 'InvalidArn');
}

/**
 * Definitions by state machine ARN and by execution ARN, per SageBuild instance. A build's definition never
 * changes; a machine's may (an update), so a history naming a state the cached one lacks asks again.
 */
export class DefinitionCache {
  private readonly entries = new Map<string, Promise<CacheEntry>>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The definition, cached; undefined (and no error) when it can't be read. An unreadable definition or a
   * refusal is asked again after RETRY_AFTER_MS; a call that timed out or was aborted is not kept at all, so
   * the next answer asks again.
   */
  async get(key: string, fetch: () => Promise<string | undefined>): Promise<AslMachine | undefined> {
    const cached = this.entries.get(key);
    if (cached) {
      const entry = await cached;
      if (entry.machine || this.now() - entry.at < RETRY_AFTER_MS) return entry.machine;
    }
    const pending: Promise<CacheEntry> = fetch().then(
      (text) => ({ machine: parseDefinition(text), at: this.now() }),
      // Knowing the machine makes answers better, never possible: without it the core speaks from names.
      (error: unknown) => {
        if (!isRefusal(error) && this.entries.get(key) === pending) this.entries.delete(key);
        return { at: this.now() };
      },
    );
    this.entries.delete(key);
    this.entries.set(key, pending);
    if (this.entries.size > MAX_CACHED_DEFINITIONS) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return (await pending).machine;
  }

  get size(): number {
    return this.entries.size;
  }
}

function cacheOf(ctx: BuildContext): DefinitionCache {
  return ctx.definitions ?? new DefinitionCache();
}

/** The pipeline's state machine as it is now. */
export function currentDefinition(ctx: BuildContext): Promise<AslMachine | undefined> {
  const arn = ctx.pipeline.stateMachineArn;
  return cacheOf(ctx).get(arn, async () => {
    const described = await callAws('Step Functions', 'states:DescribeStateMachine', () =>
      ctx.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }), { abortSignal: ctx.signal }),
    );
    return described.definition;
  });
}

/** The definition a build ran (the machine may have been updated since it started). */
export function definitionForBuild(ctx: BuildContext, executionArn: string): Promise<AslMachine | undefined> {
  return cacheOf(ctx).get(executionArn, async () => {
    const described = await callAws('Step Functions', 'states:DescribeStateMachineForExecution', () =>
      ctx.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }), {
        abortSignal: ctx.signal,
      }),
    );
    return described.definition;
  });
}

const namesByMachine = new WeakMap<AslMachine, Set<string>>();

/** Every state's name, nested ones included, worked out once per definition (definitions are cached). */
function stateNamesOf(machine: AslMachine): Set<string> {
  let names = namesByMachine.get(machine);
  if (!names) {
    names = new Set(allStates(machine).map((s) => s.name));
    namesByMachine.set(machine, names);
  }
  return names;
}

/**
 * The definition that explains a build's history: the cached current one when it knows every state the
 * history names, else the build's own version (one more call, only after the machine was changed).
 */
export async function definitionFor(
  ctx: BuildContext,
  executionArn: string,
  stateNames: Iterable<string>,
): Promise<AslMachine | undefined> {
  const current = await currentDefinition(ctx);
  if (!current) return undefined;
  const known = stateNamesOf(current);
  for (const name of stateNames) {
    if (!known.has(name)) return (await definitionForBuild(ctx, executionArn)) ?? current;
  }
  return current;
}
