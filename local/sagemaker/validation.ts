// Checks a request body against the shape SageMaker declares for it, the way SageMaker's front end does:
// first the body must read as the shape (JSON types), else SerializationException; then
// every constraint is checked and all failures are reported at once in one ValidationException:
//   "2 validation errors detected: Value 'x_y' at 'modelName' failed to satisfy constraint: Member must
//    satisfy regular expression pattern: ^[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?; Value ..."
// Wording checked against real answers quoted in public issues (see test/sagemaker-conformance.test.ts).
import { isObject } from '../protocol';
import { SageMakerApiError, validationError } from './errors';

export interface StringShape {
  type: 'string';
  min?: number;
  max?: number;
  /** As SageMaker shows it in messages; matched against the whole value. */
  pattern?: string;
  enum?: readonly string[];
}
export interface NumberShape {
  type: 'integer' | 'long' | 'float';
  min?: number;
  max?: number;
}
export interface ListShape {
  type: 'list';
  member: Shape;
  min?: number;
  max?: number;
}
export interface MapShape {
  type: 'map';
  key: StringShape;
  value: StringShape;
  max?: number;
}
export interface StructureShape {
  type: 'structure';
  members: Record<string, Shape>;
  required?: readonly string[];
}
/** A structure (or list) we serve only as a pass-through: its JSON type is checked, not its members. */
export interface OpaqueShape {
  type: 'opaque';
  of: 'structure' | 'list';
}
export type Shape =
  | StringShape
  | NumberShape
  | ListShape
  | MapShape
  | StructureShape
  | OpaqueShape
  | { type: 'boolean' | 'timestamp' };

// ---- Building shapes -------------------------------------------------------------------------------------

export const str = (limits: Omit<StringShape, 'type'> = {}): StringShape => ({ type: 'string', ...limits });
export const oneOf = (values: readonly string[]): StringShape => ({ type: 'string', enum: values });
export const int = (limits: Omit<NumberShape, 'type'> = {}): NumberShape => ({ type: 'integer', ...limits });
export const long: NumberShape = { type: 'long' };
export const float = (limits: Omit<NumberShape, 'type'> = {}): NumberShape => ({ type: 'float', ...limits });
export const bool: Shape = { type: 'boolean' };
export const timestamp: Shape = { type: 'timestamp' };
export const list = (member: Shape, limits: { min?: number; max?: number } = {}): ListShape => ({
  type: 'list',
  member,
  ...limits,
});
export const map = (key: StringShape, value: StringShape, max: number): MapShape => ({
  type: 'map',
  key,
  value,
  max,
});
export const struct = (members: Record<string, Shape>, required: readonly string[] = []): StructureShape => ({
  type: 'structure',
  members,
  required,
});
export const opaque: OpaqueShape = { type: 'opaque', of: 'structure' };
export const opaqueList: OpaqueShape = { type: 'opaque', of: 'list' };

// ---- Messages -----------------------------------------------------------------------------------------

/** SageMaker names members as camelCase paths, list entries 1-based: 'productionVariants.1.member.instanceType'. */
const camel = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

/** How the Java service prints a value: maps as {k=v, ...}, lists as [a, b]. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(shown).join(', ')}]`;
  if (isObject(value))
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${shown(v)}`)
      .join(', ')}}`;
  return String(value);
}

const fullMatch = new Map<string, RegExp>();
function matches(pattern: string, value: string): boolean {
  let regex = fullMatch.get(pattern);
  if (!regex) {
    // SageMaker matches the whole value; its patterns may or may not carry ^ and $ already.
    regex = new RegExp(`^(?:${pattern.replace(/^\^/, '').replace(/\$$/, '')})$`, 'u');
    fullMatch.set(pattern, regex);
  }
  return regex.test(value);
}

interface Constraint {
  text: string;
  holds: (value: string) => boolean;
}

/** Every constraint of a string shape, in the order SageMaker lists them: max length, min length, pattern. */
function stringConstraints(shape: StringShape): Constraint[] {
  const { enum: allowed, max, min, pattern } = shape;
  if (allowed)
    return [
      {
        text: `Member must satisfy enum value set: [${allowed.join(', ')}]`,
        holds: (v) => allowed.includes(v),
      },
    ];
  const out: Constraint[] = [];
  if (max !== undefined)
    out.push({ text: `Member must have length less than or equal to ${max}`, holds: (v) => v.length <= max });
  if (min !== undefined)
    out.push({
      text: `Member must have length greater than or equal to ${min}`,
      holds: (v) => v.length >= min,
    });
  if (pattern !== undefined)
    out.push({
      text: `Member must satisfy regular expression pattern: ${pattern}`,
      holds: (v) => matches(pattern, v),
    });
  return out;
}

/** All constraints, for "Map value must satisfy constraint: [...]" (SageMaker lists them all). */
const allConstraints = (shape: StringShape): string =>
  `[${stringConstraints(shape)
    .map((c) => c.text)
    .join(', ')}]`;

/** The constraints of a string shape that `value` breaks. */
const brokenStringConstraints = (shape: StringShape, value: string): string[] =>
  stringConstraints(shape)
    .filter((c) => !c.holds(value))
    .map((c) => c.text);

// ---- Reading the body as the shape (SerializationException) ------------------------------------------------
// How AWS's JSON 1.1 front end answers a body it cannot read, measured against real Athena (same front end;
// aoyagikouhei/athena-local, docs of measurements and CHANGELOG 0.4.x, 2026-09-23): the message depends on
// the JSON value and the member's type; a decimal for an integer is truncated; unknown members are ignored.

const serializationError = (message: string): SageMakerApiError =>
  new SageMakerApiError('SerializationException', message);

type Target =
  'a String' | 'an Integer' | 'a Long' | 'a Float' | 'an Boolean' | 'a Timestamp' | 'list' | 'structure';

function cannotConvert(value: unknown, target: Target): SageMakerApiError {
  if (Array.isArray(value)) return serializationError('Start of list found where not expected');
  if (isObject(value)) return serializationError('Start of structure or map found where not expected.');
  if (target === 'list') return serializationError('Expected list or null');
  if (target === 'structure') return serializationError('Expected null');
  const kind =
    typeof value === 'string'
      ? 'STRING_VALUE'
      : typeof value === 'boolean'
        ? `${String(value).toUpperCase()}_VALUE`
        : 'NUMBER_VALUE';
  return serializationError(`${kind} can not be converted to ${target}`);
}

// ---- The walk ------------------------------------------------------------------------------------------

class Checker {
  readonly errors: string[] = [];

  fail(path: string, value: unknown, constraint: string): void {
    const at = value === undefined || value === null ? 'null' : `'${shown(value)}'`;
    this.errors.push(`Value ${at} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  /** The value as the service reads it (unknown members dropped, decimals truncated), constraints noted. */
  read(shape: Shape, value: unknown, path: string): unknown {
    switch (shape.type) {
      case 'string':
        if (typeof value !== 'string') throw cannotConvert(value, 'a String');
        for (const broken of brokenStringConstraints(shape, value)) this.fail(path, value, broken);
        return value;
      case 'integer':
      case 'long':
      case 'float':
        return this.readNumber(shape, value, path);
      case 'boolean':
        if (typeof value !== 'boolean') throw cannotConvert(value, 'an Boolean');
        return value;
      case 'timestamp':
        // The SDK sends epoch seconds.
        if (typeof value !== 'number' || !Number.isFinite(value)) throw cannotConvert(value, 'a Timestamp');
        return value;
      case 'opaque':
        if (shape.of === 'list' ? !Array.isArray(value) : !isObject(value))
          throw cannotConvert(value, shape.of === 'list' ? 'list' : 'structure');
        return value;
      case 'list':
        return this.readList(shape, value, path);
      case 'map':
        return this.readMap(shape, value, path);
      case 'structure':
        return this.readStructure(shape, value, path);
    }
  }

  private readNumber(shape: NumberShape, value: unknown, path: string): number {
    const target = shape.type === 'float' ? 'a Float' : shape.type === 'long' ? 'a Long' : 'an Integer';
    if (typeof value !== 'number' || !Number.isFinite(value)) throw cannotConvert(value, target);
    const read = shape.type === 'float' ? value : Math.trunc(value);
    if (shape.min !== undefined && read < shape.min)
      this.fail(path, read, `Member must have value greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && read > shape.max)
      this.fail(path, read, `Member must have value less than or equal to ${shape.max}`);
    return read;
  }

  private readList(shape: ListShape, value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) throw cannotConvert(value, 'list');
    // A null entry is dropped, as the service reads it.
    const items = value.filter((item) => item !== null && item !== undefined);
    if (shape.max !== undefined && items.length > shape.max)
      this.fail(path, items, `Member must have length less than or equal to ${shape.max}`);
    if (shape.min !== undefined && items.length < shape.min)
      this.fail(path, items, `Member must have length greater than or equal to ${shape.min}`);
    const member = shape.member;
    if (member.type !== 'string')
      return items.map((item, i) => this.read(member, item, `${path}.${i + 1}.member`));
    // Scalar entries are reported once for the whole list, with every constraint of the entry shape.
    let broken = false;
    for (const item of items) {
      if (typeof item !== 'string') throw cannotConvert(item, 'a String');
      broken ||= brokenStringConstraints(member, item).length > 0;
    }
    if (broken) this.fail(path, items, `Member must satisfy constraint: ${allConstraints(member)}`);
    return items;
  }

  private readMap(shape: MapShape, value: unknown, path: string): Record<string, string> {
    if (!isObject(value)) throw cannotConvert(value, 'structure');
    const entries = Object.entries(value).filter(([, item]) => item !== null && item !== undefined);
    let keyBroken = false;
    let valueBroken = false;
    for (const [key, item] of entries) {
      if (typeof item !== 'string') throw cannotConvert(item, 'a String');
      keyBroken ||= brokenStringConstraints(shape.key, key).length > 0;
      valueBroken ||= brokenStringConstraints(shape.value, item).length > 0;
    }
    const read = Object.fromEntries(entries) as Record<string, string>;
    if (shape.max !== undefined && entries.length > shape.max)
      this.fail(path, read, `Member must have length less than or equal to ${shape.max}`);
    if (keyBroken) this.fail(path, read, `Map key must satisfy constraint: ${allConstraints(shape.key)}`);
    if (valueBroken)
      this.fail(path, read, `Map value must satisfy constraint: ${allConstraints(shape.value)}`);
    return read;
  }

  private readStructure(shape: StructureShape, value: unknown, path: string): Record<string, unknown> {
    if (!isObject(value)) throw cannotConvert(value, 'structure');
    const read: Record<string, unknown> = {};
    // Members the shape doesn't declare are ignored, as the service does: they are neither checked nor kept.
    for (const [name, member] of Object.entries(shape.members)) {
      const memberPath = path ? `${path}.${camel(name)}` : camel(name);
      const item = value[name];
      if (item === undefined || item === null) {
        if (shape.required?.includes(name)) this.fail(memberPath, item, 'Member must not be null');
        continue;
      }
      read[name] = this.read(member, item, memberPath);
    }
    return read;
  }
}

/** The ValidationException for constraint failures, worded as SageMaker words it. */
export function constraintErrors(errors: readonly string[]): SageMakerApiError {
  const count = errors.length;
  return validationError(`${count} validation error${count === 1 ? '' : 's'} detected: ${errors.join('; ')}`);
}

/**
 * The body as SageMaker reads it for `shape`. Throws SerializationException when the body does not read as
 * the shape, or one ValidationException naming every failed constraint. `extraChecks` adds rules SageMaker
 * applies across members (e.g. instance counts).
 */
export function readRequest(
  shape: StructureShape,
  body: unknown,
  extraChecks?: (
    body: Record<string, unknown>,
    fail: (path: string, value: unknown, c: string) => void,
  ) => void,
): Record<string, unknown> {
  // A body that is not a JSON object gets a SerializationException without a message (a list names itself).
  if (!isObject(body))
    throw serializationError(Array.isArray(body) ? 'Start of list found where not expected' : '');
  const checker = new Checker();
  const read = checker.read(shape, body, '') as Record<string, unknown>;
  extraChecks?.(read, (path, value, c) => checker.fail(path, value, c));
  if (checker.errors.length > 0) throw constraintErrors(checker.errors);
  return read;
}
