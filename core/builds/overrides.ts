// Input overrides a person may pass when starting a build ("trainingInstanceType=ml.m5.2xlarge",
// "hyperparameters.max_depth=6"), checked against the pipeline's allowed keys and applied to its default input.

import { InvalidInput } from '../errors';

type Json = Record<string, unknown>;

/** Keys that would reach Object.prototype: a chat message must never change every object in the process. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

export function isAllowedKey(key: string, allowed: readonly string[]): boolean {
  return allowed.some((pattern) =>
    pattern.endsWith('.*')
      ? key.startsWith(pattern.slice(0, -1)) && key.length > pattern.length - 1
      : key === pattern,
  );
}

/** Returns a new input with the overrides applied; numbers stay numbers where the default is a number. */
export function applyOverrides(
  defaults: Json,
  overrides: Record<string, string>,
  allowed: readonly string[],
): Json {
  const input = JSON.parse(JSON.stringify(defaults)) as Json;
  for (const [key, raw] of Object.entries(overrides)) {
    if (
      !/^[A-Za-z0-9_.:-]+$/.test(key) ||
      key.split('.').some((part) => part === '' || FORBIDDEN.has(part))
    ) {
      throw new InvalidInput(`"${key}" is not a valid input key.`, key);
    }
    if (!isAllowedKey(key, allowed)) {
      throw new InvalidInput(
        `"${key}" can't be changed for this pipeline. Allowed: ${allowed.join(', ')}.`,
        key,
      );
    }
    const path = key.split('.');
    const parent = path.slice(0, -1).reduce<Json>((node, part) => {
      const next = Object.hasOwn(node, part) ? node[part] : undefined;
      if (next === undefined) return (node[part] = {}) as Json;
      if (!next || typeof next !== 'object' || Array.isArray(next)) {
        throw new InvalidInput(`"${key}" does not name a setting of this pipeline.`, key);
      }
      return next as Json;
    }, input);
    const leaf = path[path.length - 1] as string;
    parent[leaf] = coerce(key, raw, Object.hasOwn(parent, leaf) ? parent[leaf] : undefined);
  }
  return input;
}

function coerce(key: string, raw: string, current: unknown): unknown {
  if (typeof current !== 'number') return raw;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new InvalidInput(`"${key}" must be a number.`, key);
  if (Number.isInteger(current) && !Number.isInteger(value)) {
    throw new InvalidInput(`"${key}" must be a whole number.`, key);
  }
  return value;
}
