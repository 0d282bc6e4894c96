// "Did the last deploy make things worse?": the window since the endpoint's serving config went live against
// the same length of time just before it, from one GetMetricData call whose period is the window, so the
// two buckets are exactly "before" and "after".

import type { DeploymentCache } from '../builds/lineage';
import { InvalidInput } from '../errors';
import type { DeployComparisonFact, DeployWindow } from './facts';
import { liveEndpoint } from './live-endpoint';
import { MICROSECONDS_PER_MS, readMetrics, type HealthContext, type MetricSeries } from './metrics';
import { deployVerdict, percentOf } from './problem';

export const DEFAULT_WINDOW_MINUTES = 60;
export const MAX_WINDOW_MINUTES = 180;
const MINUTE_MS = 60_000;

export function assertWindowMinutes(minutes: number): void {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_WINDOW_MINUTES) {
    throw new InvalidInput(
      `the window must be a whole number of minutes from 1 to ${MAX_WINDOW_MINUTES}.`,
      'minutes',
    );
  }
}

function windowAt(series: MetricSeries, from: number, to: number): DeployWindow {
  const requests = series.requests.get(from) ?? 0;
  const failed = (series.errors4xx.get(from) ?? 0) + (series.errors5xx.get(from) ?? 0);
  const window: DeployWindow = { from: new Date(from), to: new Date(to), requests };
  const errorRate = percentOf(failed, requests);
  if (errorRate !== undefined) window.errorRate = errorRate;
  const p99 = series.latencyP99.get(from);
  if (p99 !== undefined) window.latencyP99Ms = p99 / MICROSECONDS_PER_MS;
  return window;
}

export async function deployComparison(
  ctx: HealthContext,
  cache: DeploymentCache,
  minutes = DEFAULT_WINDOW_MINUTES,
): Promise<DeployComparisonFact> {
  assertWindowMinutes(minutes);
  const { variant, live } = await liveEndpoint(ctx, cache);
  const now = ctx.now().getTime();
  // The first whole minute after the deploy, so no minute of the old model counts as "after".
  const deployedAt = live.since ?? new Date(now);
  const cut = Math.ceil(deployedAt.getTime() / MINUTE_MS) * MINUTE_MS;
  const windowMs = minutes * MINUTE_MS;
  const end = Math.max(cut + MINUTE_MS, Math.min(now, cut + windowMs));
  const series = await readMetrics(ctx, variant, ['requests', 'errors4xx', 'errors5xx', 'latencyP99'], {
    start: new Date(cut - windowMs),
    end: new Date(end),
    periodSeconds: minutes * 60,
  });
  const before = windowAt(series, cut - windowMs, cut);
  const after = windowAt(series, cut, Math.min(end, now));
  const verdict = deployVerdict(before, after);
  return {
    pipeline: ctx.pipeline.name,
    endpointName: variant.endpointName,
    deployedAt,
    ...(live.build ? { build: live.build } : {}),
    ...(live.startedBy ? { startedBy: live.startedBy } : {}),
    before,
    after,
    worse: verdict.worse,
    ...(verdict.why ? { why: verdict.why } : {}),
  };
}
