// Reads request fields and rejects bad ones with SageMaker's own wording, which names members as camelCase
// dotted paths ("algorithmSpecification.trainingImage"), so errors look the same as against real AWS.
import { types } from 'node:util';
import { validationError } from './errors';

export type Input = Record<string, unknown>;

function memberPath(path: string): string {
  return path
    .split('.')
    .map((part) => part.charAt(0).toLowerCase() + part.slice(1))
    .join('.');
}

/** One failed constraint, worded as SageMaker words it. */
export function constraintError(path: string, value: unknown, constraint: string): Error {
  const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
  return validationError(
    `1 validation error detected: Value ${shown} at '${memberPath(path)}' failed to satisfy constraint: ${constraint}`,
  );
}

export function isObject(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lookup(input: Input, path: string): unknown {
  let value: unknown = input;
  for (const key of path.split('.')) {
    // Lists are walked by index: 'ProductionVariants.0.ModelName'.
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Input)[key];
  }
  return value;
}

function read<T>(input: Input, path: string, kind: string, is: (v: unknown) => v is T): T | undefined {
  const value = lookup(input, path);
  if (value === undefined || value === null) return undefined;
  if (!is(value)) throw constraintError(path, JSON.stringify(value), `Member must be ${kind}`);
  return value;
}

function required<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw constraintError(path, undefined, 'Member must not be null');
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

export const optionalString = (input: Input, path: string): string | undefined =>
  read(input, path, 'a string', isString);
export const requireString = (input: Input, path: string): string =>
  required(optionalString(input, path), path);
export const optionalNumber = (input: Input, path: string): number | undefined =>
  read(input, path, 'a number', isNumber);
export const optionalObject = (input: Input, path: string): Input | undefined =>
  read(input, path, 'a structure', isObject);
export const requireObject = (input: Input, path: string): Input =>
  required(optionalObject(input, path), path);
export const optionalArray = (input: Input, path: string): unknown[] | undefined =>
  read(input, path, 'a list', isArray);

/** A list of structures that must hold at least one entry (e.g. ProductionVariants). */
export function requireObjectList(input: Input, path: string): Input[] {
  const list = required(optionalArray(input, path), path);
  if (list.length === 0)
    throw constraintError(path, '[]', 'Member must have length greater than or equal to 1');
  return list.map((item, i) => {
    if (!isObject(item))
      throw constraintError(`${path}.${i}`, JSON.stringify(item), 'Member must be a structure');
    return item;
  });
}

/** A string-to-string map such as HyperParameters: real SageMaker rejects numbers and booleans in it. */
export function optionalStringMap(input: Input, path: string): Record<string, string> | undefined {
  const map = optionalObject(input, path);
  if (!map) return undefined;
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'string') {
      throw constraintError(`${path}.${key}`, JSON.stringify(value), 'Map value must be a string');
    }
  }
  return map as Record<string, string>;
}

export function optionalEnum<T extends string>(
  input: Input,
  path: string,
  allowed: readonly T[],
): T | undefined {
  const value = optionalString(input, path);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw constraintError(path, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as T;
}

/**
 * A deep copy of plain data, so callers and stored resources never share objects. Unlike structuredClone,
 * Dates come back as this realm's Date (under jest, structuredClone's Dates fail `instanceof Date`).
 */
export function copy<T>(value: T): T {
  if (types.isDate(value)) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map(copy) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, copy(inner)])) as T;
  }
  return value;
}
