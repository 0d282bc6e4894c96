// The AWS JSON wire protocol as the v3 SDK speaks it: errors as {"__type", "message"}, times as epoch seconds.
// Also what every local service shares for reading requests: field readers with AWS's validation wording,
// page tokens, and the walk that re-encodes Dates.

export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export type Input = Record<string, unknown>;

/** Realm-safe: structuredClone (and jest's sandbox) make Dates that fail `instanceof Date`. */
export function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

/**
 * A copy of plain data with every Date replaced by `fn(date)` and undefined members left out: the one walk
 * behind the wire encoding (epoch seconds) and Step Functions' task outputs (epoch ms).
 */
export function mapDates(value: unknown, fn: (date: Date) => unknown): unknown {
  if (isDate(value)) return fn(value);
  if (Array.isArray(value)) return value.map((item: unknown) => mapDates(item, fn));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner !== undefined) out[key] = mapDates(inner, fn);
    }
    return out;
  }
  return value;
}

/** Dates become epoch seconds, the only time form the SDK parses correctly. */
export function toWire(value: unknown): unknown {
  return mapDates(value, (date) => date.getTime() / 1000);
}

// ---- Request fields -------------------------------------------------------------------------------------

/** Makes the error a service raises for a failed member constraint (its ValidationException). */
export type ValidationErrorFactory = (message: string) => Error;

/** AWS names members as camelCase dotted paths: "AlgorithmSpecification.TrainingImage" → "algorithmSpecification.trainingImage". */
function memberPath(path: string): string {
  return path
    .split('.')
    .map((part) => part.charAt(0).toLowerCase() + part.slice(1))
    .join('.');
}

/** One failed constraint, worded as AWS's JSON services word it. */
export function constraintMessage(path: string, value: unknown, constraint: string): string {
  const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
  return `1 validation error detected: Value ${shown} at '${memberPath(path)}' failed to satisfy constraint: ${constraint}`;
}

export function isObject(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a dotted path; lists are walked by index ('ProductionVariants.0.ModelName'). */
function lookup(input: Input, path: string): unknown {
  let value: unknown = input;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Input)[key];
  }
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

/** Request field readers that raise `fail(message)` with AWS's wording for a missing or mistyped member. */
export function fieldReaders(fail: ValidationErrorFactory) {
  const constraintError = (path: string, value: unknown, constraint: string): Error =>
    fail(constraintMessage(path, value, constraint));
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
  const optionalString = (input: Input, path: string): string | undefined =>
    read(input, path, 'a string', isString);
  const optionalObject = (input: Input, path: string): Input | undefined =>
    read(input, path, 'a structure', isObject);
  const optionalArray = (input: Input, path: string): unknown[] | undefined =>
    read(input, path, 'a list', isArray);
  return {
    constraintError,
    required,
    optionalString,
    /** A string member that must be present and not empty. */
    requireString(input: Input, path: string): string {
      const value = required(optionalString(input, path), path);
      if (value.length === 0) {
        throw constraintError(path, value, 'Member must have length greater than or equal to 1');
      }
      return value;
    },
    optionalNumber: (input: Input, path: string): number | undefined =>
      read(input, path, 'a number', isNumber),
    optionalObject,
    requireObject: (input: Input, path: string): Input => required(optionalObject(input, path), path),
    optionalArray,
  };
}

const stepFunctionsFields = fieldReaders((message) => new AwsError('ValidationException', message));
export const requireString = stepFunctionsFields.requireString;
export const optionalString = stepFunctionsFields.optionalString;

/** A page size within AWS's bounds for the operation. */
export function pageSize(input: Input, fallback: number, max: number): number {
  const value = input.maxResults ?? input.MaxResults;
  if (value === undefined || value === null || value === 0) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value '${String(value)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
    );
  }
  return value;
}

// ---- Page tokens ----------------------------------------------------------------------------------------

/**
 * Opaque page tokens: the position after the last item returned (so new items never shift a page), tagged
 * with what they page (`scope`: the operation and its resource) so a token from elsewhere is refused.
 */
export function encodeToken(scope: string, position: unknown): string {
  return Buffer.from(JSON.stringify({ scope, position })).toString('base64url');
}

export const invalidToken: ValidationErrorFactory = (message) => new AwsError('InvalidToken', message);

/**
 * The position in a token `encodeToken(scope, …)` made, or undefined when there is no token. Anything
 * else (garbage, a token of another operation or resource, a position of the wrong shape) raises
 * `fail(message)`: InvalidToken by default, as Step Functions answers.
 */
export function decodeToken<P>(
  token: unknown,
  scope: string,
  isPosition: (position: unknown) => position is P,
  fail: ValidationErrorFactory = invalidToken,
): P | undefined {
  if (token === undefined || token === null || token === '') return undefined;
  if (typeof token !== 'string') throw fail('Invalid Token: the nextToken must be a string.');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
  } catch {
    decoded = undefined;
  }
  if (isObject(decoded) && decoded.scope === scope && isPosition(decoded.position)) return decoded.position;
  throw fail(`Invalid Token: '${token.slice(0, 40)}' is not a token this operation returned.`);
}

/** A whole number from 0 up: the commonest token position (an offset, an id, a sequence number). */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
