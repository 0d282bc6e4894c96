// "How is the prod endpoint doing?": the live model, the last hour's numbers and a day of hourly buckets,
// from one GetMetricData call (hourly periods over the last 24 hours; the last one is the last hour).
// When the live model went live within the last hour, the hourly buckets are laid to start at the deploy
// instead, so the last (partial) bucket is exactly the traffic since the deploy and the one before it the
// hour before: health is judged on the new model, not on an hour mostly served by the old one.

import type { DeploymentCache } from '../builds/lineage';
import type { HealthFact, HealthNumbers, HealthPoint } from './facts';
import { liveEndpoint } from './live-endpoint';
import { MICROSECONDS_PER_MS, readMetrics, type HealthContext, type MetricSeries } from './metrics';
import { percentOf, problemOf } from './problem';

const HOUR_MS = 3600_000;
const MINUTE_MS = 60_000;
const HOURS = 24;

const ms = (micros: number | undefined) => (micros === undefined ? undefined : micros / MICROSECONDS_PER_MS);

function numbersAt(series: MetricSeries, at: number): HealthNumbers {
  const numbers: HealthNumbers = {
    requests: series.requests.get(at),
    errors4xx: series.errors4xx.get(at),
    errors5xx: series.errors5xx.get(at),
    latencyP50Ms: ms(series.latencyP50.get(at)),
    latencyP99Ms: ms(series.latencyP99.get(at)),
    cpuPercent: series.cpu.get(at),
    memoryPercent: series.memory.get(at),
  };
  const failed =
    numbers.errors4xx === undefined && numbers.errors5xx === undefined
      ? undefined
      : (numbers.errors4xx ?? 0) + (numbers.errors5xx ?? 0);
  numbers.errorRate = percentOf(failed, numbers.requests);
  // Leave out what CloudWatch had no data for, so "undefined" always means "no data".
  for (const key of Object.keys(numbers) as (keyof HealthNumbers)[]) {
    if (numbers[key] === undefined) delete numbers[key];
  }
  return numbers;
}

/**
 * The first whole minute after a deploy within the last hour (so no minute of the old model counts), when at
 * least one whole minute of the new model has passed; otherwise none.
 */
function recentDeployCut(since: Date | undefined, end: number): number | undefined {
  if (!since) return undefined;
  const cut = Math.ceil(since.getTime() / MINUTE_MS) * MINUTE_MS;
  return cut < end && cut > end - HOUR_MS ? cut : undefined;
}

export async function endpointHealth(ctx: HealthContext, cache: DeploymentCache): Promise<HealthFact> {
  const { variant, status, live } = await liveEndpoint(ctx, cache);
  const checkedAt = ctx.now();
  // Whole minutes: CloudWatch rounds a recent start down to the minute, and a minute is published once over.
  const end = Math.floor(checkedAt.getTime() / MINUTE_MS) * MINUTE_MS;
  const deployCut = recentDeployCut(live.since, end);
  // The start of the judged (last) bucket: the deploy's first whole minute, or an hour ago.
  const judgedAt = deployCut ?? end - HOUR_MS;
  const start = judgedAt - (HOURS - 1) * HOUR_MS;
  const series = await readMetrics(
    ctx,
    variant,
    ['requests', 'errors4xx', 'errors5xx', 'latencyP50', 'latencyP99', 'cpu', 'memory'],
    { start: new Date(start), end: new Date(end), periodSeconds: HOUR_MS / 1000 },
  );
  const series24h: HealthPoint[] = [];
  for (let hour = 0; hour < HOURS; hour += 1) {
    const at = start + hour * HOUR_MS;
    const point: HealthPoint = {
      at: new Date(at),
      requests: series.requests.get(at) ?? 0,
      errors: (series.errors4xx.get(at) ?? 0) + (series.errors5xx.get(at) ?? 0),
    };
    const p50 = ms(series.latencyP50.get(at));
    if (p50 !== undefined) point.latencyP50Ms = p50;
    series24h.push(point);
  }
  const lastHour = numbersAt(series, judgedAt);
  const problem = problemOf(lastHour);
  const sinceDeploy =
    deployCut === undefined
      ? undefined
      : { from: new Date(deployCut), before: numbersAt(series, judgedAt - HOUR_MS) };
  return {
    pipeline: ctx.pipeline.name,
    endpointName: variant.endpointName,
    status,
    variantName: variant.variantName,
    live,
    lastHour,
    ...(sinceDeploy ? { sinceDeploy } : {}),
    series24h,
    ...(problem ? { problem } : {}),
    checkedAt,
  };
}
