// An answer's optional lookups. Once a build's state and start time are known (ListExecutions or
// DescribeExecution), everything else (its step, the training job, the endpoint, who started it) makes the
// answer better, never possible: when AWS is too slow or unavailable for one of them, the answer goes out
// with what is known and says what it could not get, instead of no answer at all.

import { AwsUnavailable } from '../errors';
import type { BuildContext } from './context';
import type { UnknownPart } from './facts';

/** What an answer could not get from AWS in time, noted as it goes, each part once. */
export class UnknownParts {
  private readonly parts = new Set<UnknownPart>();

  note(...parts: UnknownPart[]): void {
    for (const part of parts) this.parts.add(part);
  }

  has(part: UnknownPart): boolean {
    return this.parts.has(part);
  }

  /** In a fixed order, so the same gaps always read the same. */
  list(): UnknownPart[] {
    return UNKNOWN_ORDER.filter((part) => this.parts.has(part));
  }
}

const UNKNOWN_ORDER: UnknownPart[] = ['step', 'reason', 'training', 'endpoint', 'started-by', 'eta', 'steps'];

/**
 * `work`'s result, or undefined (with `part` noted as unknown) when the answer's time budget is spent before
 * it ends, or AWS is slow or unavailable for it (a timeout, throttling, an outage). Any other error, e.g. a
 * refused permission, is the answer's to report. A lookup the budget leaves no time for is not started.
 */
export async function inTime<T>(
  ctx: BuildContext,
  unknown: UnknownParts,
  part: UnknownPart | undefined,
  work: () => Promise<T>,
): Promise<T | undefined> {
  const late = (): undefined => {
    if (part) unknown.note(part);
    return undefined;
  };
  if (ctx.signal.aborted) return late();
  const running = work();
  // The SDK rejects its calls when the signal aborts; this makes sure the answer never waits past it anyway.
  let stopWaiting: (() => void) | undefined;
  const spent = new Promise<typeof LATE>((resolve) => {
    stopWaiting = () => resolve(LATE);
    ctx.signal.addEventListener('abort', stopWaiting, { once: true });
  });
  try {
    const first = await Promise.race([running, spent]);
    return first === LATE ? late() : (first as T);
  } catch (error) {
    if (error instanceof AwsUnavailable || ctx.signal.aborted) return late();
    throw error;
  } finally {
    if (stopWaiting) ctx.signal.removeEventListener('abort', stopWaiting);
    // A call the answer stopped waiting for still settles; its failure is already accounted for.
    running.catch(() => undefined);
  }
}

const LATE = Symbol('late');
