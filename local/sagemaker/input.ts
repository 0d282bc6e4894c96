// Reads request fields and rejects bad ones with SageMaker's own wording, which names members as camelCase
// dotted paths ("algorithmSpecification.trainingImage"), so errors look the same as against real AWS.
// The readers are protocol.ts's, raising SageMaker's ValidationException.
import { fieldReaders, isObject, mapDates, type Input } from '../protocol';
import { validationError } from './errors';

export { isObject, type Input };

const fields = fieldReaders(validationError);

/** One failed constraint, worded as SageMaker words it. */
export const constraintError = fields.constraintError;
export const { optionalString, requireString, optionalNumber, optionalObject, requireObject, optionalArray } =
  fields;
const required = fields.required;

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
 * Undefined members are left out, as they would be on the wire.
 */
export function copy<T>(value: T): T {
  return mapDates(value, (date) => new Date(date.getTime())) as T;
}
