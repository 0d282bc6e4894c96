// Task tokens for `.waitForTaskToken` tasks, and SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat as
// Step Functions answers them. A token is 32 random bytes plus the execution it belongs to, so it cannot be
// guessed; Step Functions' own tokens are opaque too. Answers (API reference, LocalStack's provider):
// - not a token at all: InvalidToken "Invalid Token: 'Invalid token'";
// - shaped like one but never issued: TaskDoesNotExist;
// - issued, but its task is over (decided, timed out, stopped): TaskTimedOut, whose message on AWS reads
//   "Provided task does not exist anymore". A second SendTaskSuccess on one token gets this.
// An outcome may arrive before the task starts waiting (the callback target answers at once): it is kept.

import { randomBytes } from 'node:crypto';
import { AwsError } from '../protocol';

/** SendTaskSuccess's limits, from the API reference. */
export const TOKEN_LIMITS = { tokenChars: 2048, outputChars: 256 * 1024, errorChars: 256, causeChars: 32768 };

const PREFIX = 'sbtt1.';

export type TaskOutcome = { ok: true; output: unknown } | { ok: false; error?: string; cause?: string };

interface TokenRecord {
  executionArn: string;
  /** Open until an outcome arrives or the task ends another way. */
  open: boolean;
  /** Bound to a waiting task: only then do heartbeats count. */
  bound: boolean;
  outcome?: TaskOutcome;
  settle?: (outcome: TaskOutcome | Error) => void;
  heartbeat?: () => void;
}

/** A task's error as the interpreter's Retry and Catch match it: by name. */
export function taskError(name: string | undefined, message: string | undefined): Error {
  return Object.assign(new Error(message ?? ''), { name: name ?? '' });
}

export class TaskTokens {
  private readonly records = new Map<string, TokenRecord>();

  /** A fresh token of `executionArn` (each read of `$$.Task.Token` issues one). */
  issue(executionArn: string): string {
    const token = `${PREFIX}${Buffer.from(executionArn).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
    this.records.set(token, { executionArn, open: true, bound: false });
    return token;
  }

  /** The tokens of `executionArn` found in a task's parameters, not yet bound to a task. */
  tokensIn(executionArn: string, parameters: unknown): string[] {
    const found: string[] = [];
    const visit = (value: unknown, depth: number): void => {
      if (depth > 32) return;
      if (typeof value === 'string') {
        const record = this.records.get(value);
        if (record && record.executionArn === executionArn && !record.bound) found.push(value);
      } else if (Array.isArray(value)) value.forEach((item) => visit(item, depth + 1));
      else if (value && typeof value === 'object') Object.values(value).forEach((v) => visit(v, depth + 1));
    };
    visit(parameters, 0);
    return found;
  }

  /**
   * Waits for the token's outcome: resolves with SendTaskSuccess's output, rejects with SendTaskFailure's
   * error, with States.HeartbeatTimeout when heartbeats stop for `heartbeatMs`, or with an abort when `signal`
   * fires (the task timed out or was stopped). Whatever ends the wait closes the token.
   */
  wait(token: string, signal: AbortSignal, heartbeatMs?: number): Promise<unknown> {
    const record = this.records.get(token);
    if (!record) return Promise.reject(new Error('unknown task token'));
    record.bound = true;
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (outcome: TaskOutcome | Error): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        record.open = false;
        record.settle = undefined;
        record.heartbeat = undefined;
        if (outcome instanceof Error) reject(outcome);
        else if (outcome.ok) resolve(outcome.output);
        else reject(taskError(outcome.error, outcome.cause));
      };
      const onAbort = (): void => finish(taskError('AbortError', 'the task ended'));
      const arm = (): void => {
        if (heartbeatMs === undefined) return;
        clearTimeout(timer);
        timer = setTimeout(() => finish(taskError('States.HeartbeatTimeout', '')), heartbeatMs);
      };
      if (record.outcome) return finish(record.outcome);
      if (!record.open || signal.aborted) return finish(taskError('AbortError', 'the task ended'));
      signal.addEventListener('abort', onAbort, { once: true });
      record.settle = finish;
      record.heartbeat = arm;
      arm();
    });
  }

  /** The task is over without an outcome from anyone (it never waited, or its execution ended). */
  close(token: string): void {
    const record = this.records.get(token);
    if (record && !record.outcome) record.open = false;
  }

  /** Every token of an execution that ended: later sends get TaskTimedOut. */
  closeExecution(executionArn: string): void {
    for (const [token, record] of this.records) {
      if (record.executionArn === executionArn) {
        record.settle?.(taskError('AbortError', 'the execution ended'));
        this.close(token);
      }
    }
  }

  succeed(token: string, output: unknown): void {
    this.deliver(token, { ok: true, output });
  }

  fail(token: string, error?: string, cause?: string): void {
    this.deliver(token, {
      ok: false,
      ...(error !== undefined ? { error } : {}),
      ...(cause !== undefined ? { cause } : {}),
    });
  }

  heartbeat(token: string): void {
    this.openRecord(token).heartbeat?.();
  }

  private deliver(token: string, outcome: TaskOutcome): void {
    const record = this.openRecord(token);
    record.open = false;
    if (record.settle) record.settle(outcome);
    else record.outcome = outcome;
  }

  private openRecord(token: string): TokenRecord {
    const record = this.records.get(token);
    if (!record) {
      if (token.startsWith(PREFIX)) throw new AwsError('TaskDoesNotExist', 'Task Does Not Exist');
      throw new AwsError('InvalidToken', "Invalid Token: 'Invalid token'");
    }
    if (!record.open || record.outcome) {
      throw new AwsError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    return record;
  }
}
