// The one CloudWatch call behind a health answer: GetMetricData for an endpoint variant's metrics, each as
// a series of period buckets. SageMaker publishes invocations and latencies under AWS/SageMaker and the
// instances' CPU and memory under /aws/sagemaker/Endpoints, both by EndpointName and VariantName.

import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { callAws } from '../aws/translate-error';
import type { BuildContext } from '../builds/context';

export interface HealthContext extends BuildContext {
  cloudwatch: CloudWatchClient;
}

export interface VariantRef {
  endpointName: string;
  variantName: string;
}

const INVOCATIONS = 'AWS/SageMaker';
const INSTANCES = '/aws/sagemaker/Endpoints';

/** Each series the health answers read; the key is also the query Id CloudWatch echoes back. */
const METRICS = {
  requests: { namespace: INVOCATIONS, name: 'Invocations', stat: 'Sum' },
  errors4xx: { namespace: INVOCATIONS, name: 'Invocation4XXErrors', stat: 'Sum' },
  errors5xx: { namespace: INVOCATIONS, name: 'Invocation5XXErrors', stat: 'Sum' },
  latencyP50: { namespace: INVOCATIONS, name: 'ModelLatency', stat: 'p50' },
  latencyP99: { namespace: INVOCATIONS, name: 'ModelLatency', stat: 'p99' },
  cpu: { namespace: INSTANCES, name: 'CPUUtilization', stat: 'Average' },
  memory: { namespace: INSTANCES, name: 'MemoryUtilization', stat: 'Average' },
} as const;

export type MetricKey = keyof typeof METRICS;

/** Each metric's values by bucket start (epoch ms); a bucket without data is simply missing. */
export type MetricSeries = Record<MetricKey, Map<number, number>>;

export interface MetricWindow {
  start: Date;
  end: Date;
  periodSeconds: number;
}

/** Pages followed at most: one is the norm (a day of hourly buckets is under 200 datapoints). */
const MAX_PAGES = 3;

/** ModelLatency and OverheadLatency are published in microseconds. */
export const MICROSECONDS_PER_MS = 1000;

export async function readMetrics(
  ctx: HealthContext,
  variant: VariantRef,
  keys: readonly MetricKey[],
  window: MetricWindow,
): Promise<MetricSeries> {
  const dimensions = [
    { Name: 'EndpointName', Value: variant.endpointName },
    { Name: 'VariantName', Value: variant.variantName },
  ];
  const queries: MetricDataQuery[] = keys.map((key) => ({
    Id: key,
    MetricStat: {
      Metric: { Namespace: METRICS[key].namespace, MetricName: METRICS[key].name, Dimensions: dimensions },
      Period: window.periodSeconds,
      Stat: METRICS[key].stat,
    },
  }));
  const series = Object.fromEntries(
    (Object.keys(METRICS) as MetricKey[]).map((key) => [key, new Map<number, number>()]),
  ) as MetricSeries;
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await callAws('CloudWatch', 'cloudwatch:GetMetricData', () =>
      ctx.cloudwatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: window.start,
          EndTime: window.end,
          ScanBy: 'TimestampAscending',
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
        { abortSignal: ctx.signal },
      ),
    );
    for (const result of answer.MetricDataResults ?? []) {
      const values = series[result.Id as MetricKey];
      if (!values) continue;
      (result.Timestamps ?? []).forEach((at, i) => {
        const value = result.Values?.[i];
        if (typeof value === 'number') values.set(at.getTime(), value);
      });
    }
    nextToken = answer.NextToken;
    if (!nextToken) break;
  }
  return series;
}
