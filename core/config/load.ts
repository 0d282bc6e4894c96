// Reads and validates the config named by SAGEBUILD_CONFIG. Every failure is a ConfigError naming the file and
// the field, because the person reading it is an operator fixing a deployment.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type * as z from 'zod/mini';
import { ConfigError } from '../errors';
import { configSchema, type SageBuildConfig } from './schema';

export const CONFIG_ENV = 'SAGEBUILD_CONFIG';

/** How many problems one error message lists before summarising the rest. */
const MAX_LISTED = 5;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SageBuildConfig {
  const setting = env[CONFIG_ENV]?.trim();
  if (!setting) {
    throw new ConfigError(
      `${CONFIG_ENV} is not set. Set it to the path of the SageBuild config JSON file. ` +
        'Deployed Lambdas never fall back to a local config, so it must be set there too.',
    );
  }
  const path = resolve(setting);
  return parseConfig(parseJson(readText(path), path), path);
}

/** Validates a config object; `source` names where it came from in error messages (a path, or "local runner"). */
export function parseConfig(value: unknown, source: string): SageBuildConfig {
  const result = configSchema.safeParse(value, { error: describeIssue });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({ field: issueField(issue), message: issue.message }));
  const listed = problems.slice(0, MAX_LISTED).map((p) => (p.field ? `${p.field}: ${p.message}` : p.message));
  const more = problems.length - listed.length;
  const summary = listed.join('; ') + (more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : '');
  throw new ConfigError(`Invalid SageBuild config (${source}): ${summary}`, problems[0]?.field);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'the file does not exist'
        : code === 'EISDIR'
          ? 'it is a directory, not a file'
          : code === 'EACCES' || code === 'EPERM'
            ? 'the file is not readable (permission denied)'
            : `the file could not be read (${code ?? 'unknown error'})`;
    throw new ConfigError(`Cannot read SageBuild config (${path}): ${why}. Check ${CONFIG_ENV}.`);
  }
}

function parseJson(text: string, path: string): unknown {
  if (text.trim() === '') throw new ConfigError(`Invalid SageBuild config (${path}): the file is empty.`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `Invalid SageBuild config (${path}): not valid JSON, ${jsonErrorPlace(text, error)}.`,
    );
  }
}

/** Turns V8's "... at position 42" into a line and column, which is what an editor shows. */
function jsonErrorPlace(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return `at line ${lineColumn[1]}, column ${lineColumn[2]} (${message})`;
  const position = /position (\d+)/.exec(message);
  if (!position) return message;
  const before = text.slice(0, Number(position[1])).split('\n');
  const column = (before[before.length - 1]?.length ?? 0) + 1;
  return `at line ${before.length}, column ${column} (${message})`;
}

/** "pipelines[0].stateMachineArn"; for an unknown key, the key itself rather than its parent. */
function issueField(issue: z.core.$ZodIssue): string | undefined {
  const path =
    issue.code === 'unrecognized_keys' && issue.keys.length === 1
      ? [...issue.path, issue.keys[0]]
      : issue.path;
  return (
    path.reduce<string>((field, part) => {
      if (typeof part === 'number') return `${field}[${part}]`;
      return field ? `${field}.${String(part)}` : String(part);
    }, '') || undefined
  );
}

/** Messages for zod's built-in checks, phrased for someone editing a JSON file. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${typeName(issue.expected)}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `must have at least ${issue.minimum} entries`
        : `must be at least ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `must have at most ${issue.maximum} entries`
        : `must be at most ${issue.maximum}`;
    case 'unrecognized_keys':
      // A single unknown key is named by the field itself (see issueField).
      return issue.keys.length === 1
        ? 'is not a known field (check the spelling)'
        : `has unknown fields ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    default:
      return undefined;
  }
}

function typeName(expected: string): string {
  const names: Record<string, string> = {
    int: 'a whole number',
    number: 'a number',
    string: 'a string',
    boolean: 'true or false',
    array: 'a list',
    object: 'an object',
    record: 'an object',
  };
  return names[expected] ?? expected;
}
