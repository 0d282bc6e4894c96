// How long a running build has left, from the median duration of recent successful builds. The builds come
// from the same ListExecutions page the status answer reads anyway, so the estimate costs no extra call.

import type { ExecutionListItem } from '@aws-sdk/client-sfn';
import type { EtaFact } from './facts';

export const ETA_SAMPLE = 5;
const CACHE_TTL_MS = 10 * 60 * 1000;

export interface TypicalDuration {
  typicalDurationMs: number;
  basedOn: number;
}

export function typicalDuration(newestFirst: ExecutionListItem[]): TypicalDuration | undefined {
  const durations = newestFirst
    .filter((e) => e.status === 'SUCCEEDED' && e.startDate && e.stopDate)
    .slice(0, ETA_SAMPLE)
    .map((e) => (e.stopDate as Date).getTime() - (e.startDate as Date).getTime());
  if (durations.length === 0) return undefined;
  return { typicalDurationMs: median(durations), basedOn: durations.length };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function etaFor(typical: TypicalDuration, elapsedMs: number): EtaFact {
  return { ...typical, remainingMs: Math.max(0, typical.typicalDurationMs - elapsedMs) };
}

/** Remembers each pipeline's typical duration for a while, for pages that hold no successful build. */
export class EtaCache {
  private readonly entries = new Map<string, { value: TypicalDuration; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The remembered typical duration, while fresh. */
  cached(pipeline: string): TypicalDuration | undefined {
    const cached = this.entries.get(pipeline);
    return cached && this.now() - cached.at < CACHE_TTL_MS ? cached.value : undefined;
  }

  remember(pipeline: string, newestFirst: ExecutionListItem[]): TypicalDuration | undefined {
    const fresh = typicalDuration(newestFirst);
    if (fresh) {
      this.entries.set(pipeline, { value: fresh, at: this.now() });
      return fresh;
    }
    return this.cached(pipeline);
  }
}
