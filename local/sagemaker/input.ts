// Reads fields of a request whose shape validation.ts already checked, so the readers only narrow types.
// They still raise SageMaker's ValidationException if a field is missing, as a guard for direct callers.
import { fieldReaders, isObject, mapDates, type Input } from '../protocol';
import { validationError } from './errors';

export { isObject, type Input };

const fields = fieldReaders(validationError);

export const { optionalString, requireString, optionalNumber, optionalObject, optionalArray } = fields;

/** A string-to-string map such as HyperParameters (its values were checked to be strings). */
export function optionalStringMap(input: Input, path: string): Record<string, string> | undefined {
  return optionalObject(input, path) as Record<string, string> | undefined;
}

/** A list of structures such as ProductionVariants (its entries were checked to be structures). */
export function objectList(input: Input, path: string): Input[] {
  return (optionalArray(input, path) ?? []).filter(isObject);
}

/**
 * A deep copy of plain data, so callers and stored resources never share objects. Unlike structuredClone,
 * Dates come back as this realm's Date (under jest, structuredClone's Dates fail `instanceof Date`).
 * Undefined members are left out, as they would be on the wire.
 */
export function copy<T>(value: T): T {
  return mapDates(value, (date) => new Date(date.getTime())) as T;
}
