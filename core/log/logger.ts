// Structured logs: one JSON object per line on stdout, with "timestamp", "level" and "message" first, the shape
// Lambda's JSON log format passes through and filters by level. The fronts see only the narrow Logger
// interface. It is our own, 3 KiB minified with the request context (request.ts): Powertools' Logger adds
// 20.6 KiB to each bundle, which the notifier's 400 KB budget could not take, and we would still need the
// redaction and the request context. Redaction happens here, at the writer, so whatever a caller passes, no
// token, signing secret or full Alexa account ID reaches a line.

import { createHash } from 'node:crypto';
import { isSageBuildError } from '../errors';

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to each of its lines. */
  child(fields: LogFields): Logger;
}

const LEVELS = ['INFO', 'WARN', 'ERROR', 'SILENT'] as const;
export type LogLevel = (typeof LEVELS)[number];
/** The other names Powertools and Lambda's log-level setting use, as ours. */
const SYNONYMS: Record<string, LogLevel> = {
  TRACE: 'INFO',
  DEBUG: 'INFO',
  CRITICAL: 'ERROR',
  FATAL: 'ERROR',
};

/** Where lines go: process.stdout, or anything with write() (tests give a collector). */
export interface LogSink {
  write(text: string): unknown;
}

export interface LoggerOptions {
  /** Default: from the environment (levelFromEnv). */
  level?: LogLevel;
  /** Default: process.stdout, written to directly so Lambda's console wrapping leaves the JSON alone. */
  sink?: LogSink;
  fields?: LogFields;
  now?: () => Date;
}

/**
 * POWERTOOLS_LOG_LEVEL, LOG_LEVEL or AWS_LAMBDA_LOG_LEVEL when set; else INFO in Lambda, where each request's
 * line matters, and WARN elsewhere (npm start, tests), where only what went wrong should reach the console.
 */
export function levelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const set =
    (env.POWERTOOLS_LOG_LEVEL || env.LOG_LEVEL || env.AWS_LAMBDA_LOG_LEVEL)?.trim().toUpperCase() ?? '';
  const level =
    LEVELS.find((name) => name === set) ?? (Object.hasOwn(SYNONYMS, set) ? SYNONYMS[set] : undefined);
  return level ?? (env.AWS_LAMBDA_FUNCTION_NAME ? 'INFO' : 'WARN');
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LEVELS.indexOf(options.level ?? levelFromEnv());
  const sink = options.sink ?? process.stdout;
  const now = options.now ?? (() => new Date());
  const make = (bound: LogFields): Logger => {
    const at =
      (level: Exclude<LogLevel, 'SILENT'>) =>
      (message: string, fields?: LogFields): void => {
        if (LEVELS.indexOf(level) < threshold) return;
        const head = { timestamp: now().toISOString(), level, message };
        // The head's keys come first and cannot be overwritten by a field of the same name.
        sink.write(`${formatLine(Object.assign({ ...head }, bound, fields, head))}\n`);
      };
    return {
      info: at('INFO'),
      warn: at('WARN'),
      error: at('ERROR'),
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

/** One line of JSON: JSON.stringify escapes every newline, so a line is always one object. */
export function formatLine(record: LogFields): string {
  try {
    return JSON.stringify(redact(record));
  } catch {
    // A field whose toJSON throws must not cost the line.
    return JSON.stringify({ timestamp: record.timestamp, level: record.level, message: '[unloggable line]' });
  }
}

/** Keys whose values are never logged, whatever they hold (a request's headers and body included). */
const SECRET_KEY =
  /token|secret|signature|authori[sz]ation|password|cookie|credential|^headers$|^(raw)?body$/i;
/** Secrets that can hide in any text, a message or an error included. */
const SECRET_TEXT: RegExp[] = [
  /x(?:ox[a-z]|app)-[\w-]+/gi, // Slack tokens: bot, user, refresh, app-level
  /v0=[0-9a-f]{64}/gi, // Slack request signatures
  /Bearer\s+[\w.~+/-]+=*/gi,
  /eyJ[\w-]*\.[\w-]*\.[\w-]*/g, // JWTs, such as Alexa's apiAccessToken
];
/** Alexa's account, person and device IDs run to 200 characters: a short stable hash still tells them apart. */
const ALEXA_ID = /amzn1\.ask\.(account|person|device)\.[\w.-]+/g;
const REDACTED = '[redacted]';
const MAX_DEPTH = 6;

function redactText(text: string): string {
  const hidden = SECRET_TEXT.reduce((out, pattern) => out.replace(pattern, REDACTED), text);
  return hidden.replace(ALEXA_ID, (id, kind: string) => `amzn1.ask.${kind}.#${shortHash(id)}`);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** A copy fit to log: secret keys and texts hidden, errors as name and message, no cycles, bounded depth. */
export function redact(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return typeof value === 'function' ? undefined : value;
  if (value instanceof Error) return errorFields(value);
  const json = (value as { toJSON?: unknown }).toJSON;
  // Dates become their ISO text; SlackSecrets says "[redacted]" itself.
  if (typeof json === 'function') return redact(json.call(value), depth, seen);
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  const out: LogFields = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[key] = SECRET_KEY.test(key) ? REDACTED : redact(item, depth + 1, seen);
  }
  return out;
}

/**
 * An error as it is logged: its name and message (and a library's code), never its stack or payload. A core
 * error is named by its code: bundles are minified, so class names are not.
 */
export function errorFields(error: unknown): { name: string; message: string; code?: string } {
  if (isSageBuildError(error)) return { name: error.code, message: redactText(textOf(error.message)) };
  if (!(error instanceof Error)) return { name: typeof error, message: redactText(textOf(error)) };
  const code = (error as { code?: unknown }).code;
  return {
    name: textOf(error.name),
    message: redactText(textOf(error.message)),
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/** Anything as text, even a thrown value whose toString throws or that has no prototype: logging never fails. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
