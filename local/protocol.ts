// The AWS JSON wire protocol as the v3 SDK speaks it: errors as {"__type", "message"}, times as epoch seconds.

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

/** Dates and epoch-ms times become epoch seconds, the only time form the SDK parses correctly. */
export function toWire(value: unknown): unknown {
  if (isDate(value)) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner !== undefined) out[key] = toWire(inner);
    }
    return out;
  }
  return value;
}

/** Realm-safe: structuredClone (and jest's sandbox) make Dates that fail `instanceof Date`. */
export function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

export function requireString(
  input: Record<string, unknown>,
  field: string,
  type = 'ValidationException',
): string {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new AwsError(
      type,
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

export function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsError('ValidationException', `'${field}' must be a string`);
  return value;
}

/** A page size within AWS's bounds for the operation. */
export function pageSize(input: Record<string, unknown>, fallback: number, max: number): number {
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

/** Opaque page tokens: the position after the last item returned, so new items never shift a page. */
export function encodeToken(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeToken<T>(token: unknown, errorType = 'InvalidToken'): T | undefined {
  if (token === undefined || token === null || token === '') return undefined;
  if (typeof token !== 'string') throw new AwsError(errorType, 'Invalid Token: not a string');
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    throw new AwsError(errorType, `Invalid Token: '${token.slice(0, 40)}'`);
  }
}
