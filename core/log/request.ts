// One request's log context, wherever its code runs. A front's Lambda entry opens it (Lambda's request ID, the
// front), the front adds what it learns as soon as it knows it (the action, the user, the pipeline), and when
// the request ends the entry writes its one line: the outcome, the error it was about, the duration.
// AsyncLocalStorage carries the context through the SDKs and Bolt's middleware, so no function between the
// entry and a listener deep inside needs a logger argument; outside a request the calls below are harmless.

import { AsyncLocalStorage } from 'node:async_hooks';
import { isSageBuildError } from '../errors';
import { createLogger, errorFields, type LogFields, type Logger } from './logger';

/** answered: as asked. refused: the core said no (not allowed, no such pipeline). failed: something broke. */
export type Outcome = 'answered' | 'refused' | 'failed';

interface Scope {
  log: Logger;
  fields: LogFields;
  /** What the answer was about, when not a plain answer. */
  noted?: { outcome: Outcome; error: unknown };
}

const scopes = new AsyncLocalStorage<Scope>();

let processLog: Logger | undefined;

/** The process's logger: stdout, its level from the environment (read at first use, once tests set it). */
export function defaultLogger(): Logger {
  return (processLog ??= createLogger());
}

/**
 * The current request's logger, its lines carrying the request's fields so far (take it when logging, not
 * before); the process's logger outside a request.
 */
export function requestLog(): Logger {
  const scope = scopes.getStore();
  return scope ? scope.log.child({ ...scope.fields }) : defaultLogger();
}

/** Adds fields to the current request: its later lines and its outcome line carry them. */
export function annotate(fields: LogFields): void {
  const scope = scopes.getStore();
  if (!scope) return;
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) scope.fields[key] = value;
}

/** The request's answer is about `error` (a refusal, AWS not answering): its outcome line says so. */
export function noteError(error: unknown, outcome: Outcome = outcomeOf(error)): void {
  const scope = scopes.getStore();
  if (scope) scope.noted = { outcome, error };
}

/** Typed core errors that mean SageBuild or AWS could not do it, rather than that the request was refused. */
const FAILURES = new Set([
  'ConfigError',
  'AwsUnavailable',
  'AwsCredentialsInvalid',
  'AccessDenied',
  // A start sent without an answer back: not a refusal.
  'StartOutcomeUnknown',
]);

export function outcomeOf(error: unknown): Outcome {
  return isSageBuildError(error) && !FAILURES.has(error.code) ? 'refused' : 'failed';
}

/**
 * A Lambda handler whose every invocation is one request: its front and Lambda's request ID first, then what
 * the front learns, then its line (see inRequest).
 */
export function loggedLambda<E, R>(
  front: string,
  handle: (event: E, context: unknown) => Promise<R>,
  log: Logger = defaultLogger(),
): (event: E, context: unknown) => Promise<R> {
  return (event, context) => {
    const requestId = (context as { awsRequestId?: unknown } | null | undefined)?.awsRequestId;
    return inRequest(log, { front, requestId }, () => handle(event, context));
  };
}

/**
 * Runs one request in its own log context, then writes its line (INFO, or ERROR when it failed) with the
 * outcome and duration_ms. A thrown error is a failure whatever it is: Lambda reports it, or retries the
 * event. Inside a request already, it only adds `fields` to it.
 */
export async function inRequest<T>(log: Logger, fields: LogFields, work: () => Promise<T>): Promise<T> {
  if (scopes.getStore()) {
    annotate(fields);
    return work();
  }
  const scope: Scope = { log, fields: {} };
  const started = performance.now();
  return scopes.run(scope, async () => {
    annotate(fields);
    try {
      const result = await work();
      finish(scope, started);
      return result;
    } catch (error) {
      noteError(error, 'failed');
      finish(scope, started);
      throw error;
    }
  });
}

/** The request's line. Never throws: a line that cannot be written must not fail an answered request. */
function finish(scope: Scope, started: number): void {
  try {
    writeLine(scope, started);
  } catch {
    // Nothing sensible to do: the request itself went as it went.
  }
}

function writeLine(scope: Scope, started: number): void {
  const outcome = scope.noted?.outcome ?? 'answered';
  const line = {
    ...scope.fields,
    outcome,
    ...(scope.noted ? { error: errorFields(scope.noted.error) } : {}),
    duration_ms: Math.round(performance.now() - started),
  };
  if (outcome === 'failed') scope.log.error(`request ${outcome}`, line);
  else scope.log.info(`request ${outcome}`, line);
}
