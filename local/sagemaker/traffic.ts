// Simulated traffic on in-service endpoints: what SageMaker publishes to CloudWatch each minute for a
// variant (AWS/SageMaker invocations, errors and latencies; /aws/sagemaker/Endpoints CPU and memory). It is a
// pure function of the endpoint's deployments and the minute, so any window can be read back at any time,
// the same every time. The model a deploy put live decides the profile: `sagebuild_simulate=serving-errors`
// makes it fail and slow, `sagebuild_simulate=no-traffic` leaves it idle.

import { createHash } from 'node:crypto';

export type TrafficProfile = 'busy' | 'serving-errors' | 'no-traffic';

/** One deployment of a variant: from `at` (epoch ms) until the next one, serving with `profile`. */
export interface Deployment {
  at: number;
  profile: TrafficProfile;
}

/** What one variant of one endpoint served over its life, oldest deployment first. */
export interface VariantTimeline {
  endpointName: string;
  variantName: string;
  deployments: Deployment[];
  /** When the endpoint stopped serving (deleted), if it did. */
  endedAt?: number;
}

/**
 * One minute's published datum, as CloudWatch keeps a statistic set: values with their counts (a count of 1
 * per value for a plain gauge), so Sum, Average, SampleCount and percentiles can all be computed from it.
 */
export interface MinuteDatum {
  /** Start of the minute, epoch ms. */
  at: number;
  values: number[];
  counts: number[];
}

export const SAGEMAKER_NAMESPACE = 'AWS/SageMaker';
export const ENDPOINT_INSTANCE_NAMESPACE = '/aws/sagemaker/Endpoints';

const MINUTE_MS = 60_000;

interface Shape {
  requestsPerMinute: number;
  clientErrorShare: number;
  serverErrorShare: number;
  /** Median model latency in ms, and the spread of its log-normal distribution. */
  medianMs: number;
  sigma: number;
  cpuPercent: number;
  memoryPercent: number;
}

const SHAPES: Record<TrafficProfile, Shape> = {
  busy: {
    requestsPerMinute: 90,
    clientErrorShare: 0.004,
    serverErrorShare: 0.001,
    medianMs: 38,
    sigma: 0.35,
    cpuPercent: 34,
    memoryPercent: 41,
  },
  // A model that fails one request in ten and is about three times slower: a deploy that made things worse.
  'serving-errors': {
    requestsPerMinute: 90,
    clientErrorShare: 0.004,
    serverErrorShare: 0.1,
    medianMs: 110,
    sigma: 0.6,
    cpuPercent: 71,
    memoryPercent: 83,
  },
  'no-traffic': {
    requestsPerMinute: 0,
    clientErrorShare: 0,
    serverErrorShare: 0,
    medianMs: 0,
    sigma: 0,
    cpuPercent: 1.5,
    memoryPercent: 22,
  },
};

/** The metric names each namespace has for a variant; anything else has no data, as in CloudWatch. */
export const VARIANT_METRICS: Record<string, readonly string[]> = {
  [SAGEMAKER_NAMESPACE]: [
    'Invocations',
    'Invocation4XXErrors',
    'Invocation5XXErrors',
    'ModelLatency',
    'OverheadLatency',
  ],
  [ENDPOINT_INSTANCE_NAMESPACE]: ['CPUUtilization', 'MemoryUtilization'],
};

/** A stable number in [0, 1) for this endpoint, minute and purpose: the same question gets the same answer. */
function chance(endpointName: string, minute: number, purpose: string): number {
  const digest = createHash('sha1').update(`${endpointName}|${minute}|${purpose}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** A whole count near `mean`: the fraction rounds up with that chance, so small rates still show up. */
function countNear(mean: number, draw: number): number {
  const whole = Math.floor(mean);
  return whole + (draw < mean - whole ? 1 : 0);
}

/** Inverse of the standard normal distribution (Acklam's approximation, ample for simulated latencies). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    ((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + 2.938163982698783) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + 2.506628274631) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Latency strata per minute: each holds an equal share of the minute's requests. */
const LATENCY_STRATA = 50;

/** Each stratum's standard normal quantile, at its middle. */
const STRATA_Z = Array.from({ length: LATENCY_STRATA }, (_, i) => normalQuantile((i + 0.5) / LATENCY_STRATA));

/** A minute of latencies in microseconds (as SageMaker publishes them), spread log-normally. */
function latencyDatum(at: number, requests: number, medianMs: number, sigma: number, wobble: number) {
  return {
    at,
    values: STRATA_Z.map((z) => Math.round(medianMs * wobble * Math.exp(sigma * z) * 1000)),
    counts: STRATA_Z.map(() => requests / LATENCY_STRATA),
  };
}

/** The profile serving at `at`, or undefined when the variant was not serving then. */
function profileAt(timeline: VariantTimeline, at: number): TrafficProfile | undefined {
  if (timeline.endedAt !== undefined && at >= timeline.endedAt) return undefined;
  let serving: TrafficProfile | undefined;
  for (const deployment of timeline.deployments) {
    if (deployment.at <= at) serving = deployment.profile;
  }
  return serving;
}

/**
 * The datum a variant published for `metricName` in the minute starting at `minuteStart`, if any. A minute
 * is published once it is over (`now` past its end), only while the variant serves it whole, and
 * invocation metrics only when there were requests, as SageMaker does.
 */
export function variantDatum(
  timeline: VariantTimeline,
  metricName: string,
  minuteStart: number,
  now: number,
): MinuteDatum | undefined {
  if (minuteStart + MINUTE_MS > now) return undefined;
  const profile = profileAt(timeline, minuteStart);
  if (!profile || profileAt(timeline, minuteStart + MINUTE_MS - 1) === undefined) return undefined;
  const shape = SHAPES[profile];
  const minute = minuteStart / MINUTE_MS;
  const draw = (purpose: string) => chance(timeline.endpointName, minute, purpose);
  const gauge = (value: number) => ({ at: minuteStart, values: [value], counts: [1] });
  if (metricName === 'CPUUtilization') return gauge(round2(shape.cpuPercent * (0.85 + 0.3 * draw('cpu'))));
  if (metricName === 'MemoryUtilization')
    return gauge(round2(shape.memoryPercent * (0.97 + 0.06 * draw('mem'))));
  // Busier by day than by night (UTC), with some noise minute to minute.
  const hour = new Date(minuteStart).getUTCHours() + new Date(minuteStart).getUTCMinutes() / 60;
  const daily = 1 + 0.3 * Math.sin(((hour - 8) / 24) * 2 * Math.PI);
  const requests = countNear(shape.requestsPerMinute * daily * (0.85 + 0.3 * draw('rate')), draw('round'));
  if (requests === 0) return undefined;
  switch (metricName) {
    case 'Invocations':
      return gauge(requests);
    case 'Invocation4XXErrors':
      return gauge(Math.min(requests, countNear(requests * shape.clientErrorShare, draw('4xx'))));
    case 'Invocation5XXErrors':
      return gauge(Math.min(requests, countNear(requests * shape.serverErrorShare, draw('5xx'))));
    case 'ModelLatency':
      return latencyDatum(minuteStart, requests, shape.medianMs, shape.sigma, 0.9 + 0.2 * draw('lat'));
    case 'OverheadLatency':
      return latencyDatum(minuteStart, requests, 3, 0.25, 1);
    default:
      return undefined;
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
