// The input a build starts with: the pipeline's default input, the overrides a person passed
// ("trainingInstanceType=ml.m5.2xlarge", "Create Model.ModelName=churn-{build}"), checked against the
// pipeline's allowed paths, and every "{build}" replaced by the build's name so that the names SageMaker needs
// new for each build (training job, model, endpoint config) can be made per build.

import {
  formatInputPath,
  isPathProblem,
  parseInputPath,
  pathMatches,
  type InputPath,
} from '../config/input-path';
import { InputKeyNotAllowed, InvalidInput } from '../errors';

type Json = Record<string, unknown>;

/** Replaced by the build's name (the execution name) in every string of the input. */
export const BUILD_PLACEHOLDER = '{build}';

/** Enough for any realistic start; a chat line can't make the core do unbounded work. */
export const MAX_OVERRIDES = 20;
/** SageMaker's longest string fields (S3 URIs, image URIs) are at most 1024 characters. */
export const MAX_OVERRIDE_VALUE_CHARS = 1024;

export function isAllowedKey(key: string, allowed: readonly string[]): boolean {
  const path = parseInputPath(key);
  if (isPathProblem(path)) return false;
  return allowed.some((text) => {
    const pattern = parseInputPath(text, { allowWildcard: true });
    // The config schema refuses bad patterns; one that slips through allows nothing.
    return !isPathProblem(pattern) && pathMatches(path, pattern);
  });
}

/** The input for build `buildName`: overrides applied, then "{build}" replaced everywhere. */
export function buildInput(
  defaults: Json,
  overrides: Record<string, string>,
  allowed: readonly string[],
  buildName: string,
  pipeline?: string,
): Json {
  return withBuildName(applyOverrides(defaults, overrides, allowed, pipeline), buildName) as Json;
}

/** Returns a new input with the overrides applied; numbers stay numbers where the default is a number. */
export function applyOverrides(
  defaults: Json,
  overrides: Record<string, string>,
  allowed: readonly string[],
  /** Named in the refusal of a key it doesn't allow. */
  pipeline?: string,
): Json {
  const entries = Object.entries(overrides);
  if (entries.length > MAX_OVERRIDES) {
    throw new InvalidInput(`That's more than ${MAX_OVERRIDES} settings for one build.`);
  }
  const input = JSON.parse(JSON.stringify(defaults)) as Json;
  for (const [key, raw] of entries) {
    const path = parsedKey(key);
    if (!isAllowedKey(key, allowed)) throw new InputKeyNotAllowed(key, allowed, pipeline);
    if (raw.length > MAX_OVERRIDE_VALUE_CHARS) {
      throw new InvalidInput(
        `The value of "${key}" is longer than ${MAX_OVERRIDE_VALUE_CHARS} characters.`,
        key,
      );
    }
    // An empty value is a setting left unfinished ("max_depth="), never a value to train with.
    if (raw.trim() === '') throw new InvalidInput(`"${key}" needs a value.`, key);
    setAt(input, path, key, raw);
  }
  return input;
}

function parsedKey(key: string): InputPath {
  const path = parseInputPath(key);
  if (!isPathProblem(path)) return path;
  // The key is bounded before it is quoted back.
  const shown = key.length > 60 ? `${key.slice(0, 60)}…` : key;
  throw new InvalidInput(`"${shown}" is not a valid input key: it ${path.problem}.`, shown);
}

/** Sets `raw` at `path`, creating missing objects on the way; list positions must already exist. */
function setAt(input: Json, path: InputPath, key: string, raw: string): void {
  const notASetting = () =>
    new InvalidInput(`"${formatInputPath(path)}" does not name a setting of this pipeline.`, key);
  let node: unknown = input;
  path.segments.forEach((segment, i) => {
    const last = i === path.segments.length - 1;
    if (typeof segment === 'number') {
      if (!Array.isArray(node) || segment >= node.length) throw notASetting();
    } else if (!node || typeof node !== 'object' || Array.isArray(node)) {
      throw notASetting();
    }
    const parent = node as Record<string | number, unknown>;
    const current = Object.hasOwn(parent, segment) ? parent[segment] : undefined;
    if (last) {
      parent[segment] = coerce(key, raw, current);
    } else if (current === undefined && typeof segment === 'string') {
      node = parent[segment] = {};
    } else {
      node = current;
    }
  });
}

function coerce(key: string, raw: string, current: unknown): unknown {
  if (typeof current === 'boolean') {
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw new InvalidInput(`"${key}" must be true or false.`, key);
  }
  if (current !== null && typeof current === 'object') {
    throw new InvalidInput(`"${key}" holds several settings; name one of them, like ${key}.<name>.`, key);
  }
  if (typeof current !== 'number') return raw;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new InvalidInput(`"${key}" must be a number.`, key);
  if (Number.isInteger(current) && !Number.isInteger(value)) {
    throw new InvalidInput(`"${key}" must be a whole number.`, key);
  }
  return value;
}

/** A copy of `value` with "{build}" replaced by `buildName` in every string. */
export function withBuildName(value: unknown, buildName: string): unknown {
  if (typeof value === 'string') return value.replaceAll(BUILD_PLACEHOLDER, buildName);
  if (Array.isArray(value)) return value.map((item) => withBuildName(item, buildName));
  if (value && typeof value === 'object') {
    // defineProperty, not assignment: a "__proto__" key in the data stays a plain own key.
    const copy: Json = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(copy, key, {
        value: withBuildName(item, buildName),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  }
  return value;
}

/** True when some string in `value` holds "{build}". */
export function mentionsBuild(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(BUILD_PLACEHOLDER);
  if (Array.isArray(value)) return value.some(mentionsBuild);
  if (value && typeof value === 'object') return Object.values(value).some(mentionsBuild);
  return false;
}
