// How data reaches a state machine's states, as far as the definition alone tells: which states see the
// execution input as their `$`, and what a path or intrinsic in a parameter refers to. Pure and bounded; what
// can't be known (a path into a previous state's result) is reported as unknown, never guessed.

import type { PathSegment } from '../config/input-path';

/** Nested Parallel/Map states deeper than this are not looked into (real machines nest two or three). */
const MAX_DEPTH = 8;
const MAX_STATES = 2000;

export type Json = Record<string, unknown>;

/** Where a state's `$` points: a path into the execution input, or undefined when that is unknown. */
export type Base = PathSegment[] | undefined;

/** What a visitor learns of each state. */
export interface StateVisit {
  name: string;
  state: Json;
  /** Where the state's effective input (after InputPath) points in the execution input, if known. */
  base: Base;
  jsonata: boolean;
}

interface Walk {
  visit: (visit: StateVisit) => void;
  seen: number;
  jsonata: boolean;
}

/** Calls `visit` for every state, Parallel branches and Map iterations included. */
export function walkStates(definition: unknown, visit: (visit: StateVisit) => void): void {
  if (!isObject(definition)) return;
  walkMachine({ visit, seen: 0, jsonata: definition.QueryLanguage === 'JSONata' }, definition, [], 0);
}

/** One machine or branch: its states, with `$` of its first state at `base`. */
function walkMachine(walk: Walk, machine: Json, base: Base, depth: number): void {
  const states = machine.States;
  if (!isObject(states) || depth > MAX_DEPTH) return;
  const bases = statesBases(states, typeof machine.StartAt === 'string' ? machine.StartAt : '', base);
  for (const [name, state] of Object.entries(states)) {
    walk.seen += 1;
    if (!isObject(state) || walk.seen > MAX_STATES) continue;
    const jsonata = state.QueryLanguage ? state.QueryLanguage === 'JSONata' : walk.jsonata;
    const effective = jsonata ? undefined : narrowed(bases.get(name), state.InputPath);
    walk.visit({ name, state, base: effective, jsonata });
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      // Each branch starts from the Parallel's effective input (Parameters replace it with unknowns).
      const branchBase = state.Parameters === undefined ? effective : undefined;
      state.Branches.filter(isObject).forEach((branch) => walkMachine(walk, branch, branchBase, depth + 1));
    }
    if (state.Type === 'Map') {
      // An iteration's input is one item, never the execution input: only $$.Execution.Input resolves there.
      const processor = isObject(state.ItemProcessor) ? state.ItemProcessor : state.Iterator;
      if (isObject(processor)) walkMachine(walk, processor, undefined, depth + 1);
    }
  }
}

/**
 * For each state, where its raw input points in the execution input: known for the first state, and for a
 * state all of whose predecessors pass their input on (a Choice, a Wait, or a Task whose ResultPath puts the
 * result beside the input). Starts from "all known" and drops what a predecessor spoils, until nothing changes.
 */
function statesBases(states: Json, startAt: string, base: Base): Map<string, Base> {
  const edges = new Map<string, { to: string; keeps: boolean }[]>();
  for (const [name, state] of Object.entries(states)) {
    if (isObject(state)) edges.set(name, successors(state));
  }
  const known = new Set(base === undefined ? [] : edges.keys());
  for (let changed = true; changed;) {
    changed = false;
    for (const [from, outs] of edges) {
      for (const { to, keeps } of outs) {
        if (known.has(to) && (!known.has(from) || !keeps)) {
          known.delete(to);
          changed = true;
        }
      }
    }
  }
  const reachable = new Set<string>([startAt]);
  for (const name of reachable) edges.get(name)?.forEach(({ to }) => reachable.add(to));
  return new Map(
    [...edges.keys()].map((name) => [name, known.has(name) && reachable.has(name) ? base : undefined]),
  );
}

/** Where a state can go next, and whether what it passes on still holds its raw input unchanged. */
function successors(state: Json): { to: string; keeps: boolean }[] {
  const outs: { to: string; keeps: boolean }[] = [];
  const passes = passesInputOn(state);
  if (typeof state.Next === 'string') outs.push({ to: state.Next, keeps: passes });
  if (typeof state.Default === 'string') outs.push({ to: state.Default, keeps: passes });
  for (const choice of Array.isArray(state.Choices) ? state.Choices : []) {
    if (isObject(choice) && typeof choice.Next === 'string') outs.push({ to: choice.Next, keeps: passes });
  }
  for (const caught of Array.isArray(state.Catch) ? state.Catch : []) {
    if (isObject(caught) && typeof caught.Next === 'string') {
      outs.push({ to: caught.Next, keeps: keepsBeside(caught.ResultPath) && !('Output' in caught) });
    }
  }
  return outs;
}

function passesInputOn(state: Json): boolean {
  if (!isWhole(state.OutputPath) || 'Output' in state) return false;
  switch (state.Type) {
    case 'Choice':
    case 'Wait':
      return isWhole(state.InputPath);
    case 'Pass':
      if (state.Result === undefined && state.Parameters === undefined && isWhole(state.InputPath)) {
        return isWhole(state.ResultPath) || keepsBeside(state.ResultPath);
      }
      return keepsBeside(state.ResultPath);
    case 'Task':
    case 'Parallel':
    case 'Map':
      return keepsBeside(state.ResultPath);
    default:
      return false;
  }
}

/** A ResultPath that keeps the raw input: null (result dropped) or "$.x" (result beside the input). */
function keepsBeside(resultPath: unknown): boolean {
  return resultPath === null || (typeof resultPath === 'string' && resultPath.startsWith('$.'));
}

function isWhole(path: unknown): boolean {
  return path === undefined || path === '$';
}

/** The effective input after InputPath: "$.Training" moves the base down to Training. */
function narrowed(base: Base, inputPath: unknown): Base {
  if (base === undefined || isWhole(inputPath)) return base;
  if (inputPath === null || typeof inputPath !== 'string') return undefined;
  const ref = parseReference(inputPath);
  return ref && ref.root === '$' ? [...base, ...ref.segments] : undefined;
}

/** The path references inside an intrinsic call, skipping its quoted string arguments. */
export function intrinsicReferences(expression: string): string[] {
  const refs: string[] = [];
  for (let i = 0; i < expression.length; i += 1) {
    const char = expression[i];
    if (char === "'") {
      for (i += 1; i < expression.length && expression[i] !== "'"; i += 1) if (expression[i] === '\\') i += 1;
    } else if (char === '$') {
      let end = i;
      while (end < expression.length && !/[\s,)]/.test(expression[end] as string)) {
        if (expression[end] === '[' && /['"]/.test(expression[end + 1] ?? '')) {
          const close = expression.indexOf(`${expression[end + 1]}]`, end + 2);
          end = close < 0 ? expression.length : close + 2;
        } else end += 1;
      }
      refs.push(expression.slice(i, end));
      i = end - 1;
    }
  }
  return refs;
}

/** "$" or "$$" then .key, ['key'], ["key"] or [n] parts; undefined for anything else (wildcards, filters). */
export function parseReference(text: string): { root: '$' | '$$'; segments: PathSegment[] } | undefined {
  const root = text.startsWith('$$') ? '$$' : text.startsWith('$') ? '$' : undefined;
  if (!root) return undefined;
  const segments: PathSegment[] = [];
  const part = /\.([^.[\]'"\s*()]+)|\[(?:'([^']*)'|"([^"]*)"|(\d{1,4}))\]/y;
  part.lastIndex = root.length;
  while (part.lastIndex < text.length) {
    const match = part.exec(text);
    if (!match) return undefined;
    const [, dotted, single, double, index] = match;
    segments.push(index !== undefined ? Number(index) : ((dotted ?? single ?? double) as string));
  }
  return { root, segments };
}

export function valueAt(input: unknown, path: PathSegment[]): unknown {
  let node = input;
  for (const segment of path) {
    if (typeof segment === 'number' ? !Array.isArray(node) : !isObject(node)) return undefined;
    const holder = node as Record<string | number, unknown>;
    if (!Object.hasOwn(holder, segment)) return undefined;
    node = holder[segment];
  }
  return node;
}

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The execution-input paths a parameter's expression reads ("$$.Execution.Input['Training'].RoleArn", or
 * "$.roleArn" where `$` is known), inside an intrinsic too. Unknown references are left out.
 */
export function executionInputReads(expression: string, base: Base): PathSegment[][] {
  const trimmed = expression.trim();
  const refs = trimmed.startsWith('States.') ? intrinsicReferences(trimmed) : [trimmed];
  return refs.flatMap((text) => {
    const ref = parseReference(text);
    if (!ref) return [];
    if (ref.root === '$') return base === undefined ? [] : [[...base, ...ref.segments]];
    const [first, second, ...rest] = ref.segments;
    return first === 'Execution' && second === 'Input' ? [rest] : [];
  });
}
