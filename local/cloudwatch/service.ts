// The local CloudWatch: GetMetricData over the metrics the simulated resources publish. Periods start at
// StartTime rounded down to the minute, as CloudWatch rounds recent start times; only periods with data are
// returned; results page by MaxDatapoints with a NextToken bound to the request it came from.

import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import { countChecked } from '../conformance';
import { decodeToken, encodeToken, isCount, type Input } from '../protocol';
import type { MinuteDatum } from '../sagemaker/traffic';
import { CloudWatchError } from './errors';
import { readMetricDataRequest, type MetricDataRequest, type MetricQuery } from './request';
import { statisticOf } from './statistics';

/** One series' minute data; undefined for a minute with nothing published. */
export type MinuteSeries = (minuteStart: number, now: number) => MinuteDatum | undefined;

/** Where metrics come from: the series for a namespace, name and exact set of dimensions, if it exists. */
export interface MetricSource {
  series(
    namespace: string,
    metricName: string,
    dimensions: { name: string; value: string }[],
  ): MinuteSeries | undefined;
}

const MINUTE_MS = 60_000;
/** CloudWatch keeps one-minute data for 15 days, and sub-minute data for 3 hours. */
const MINUTE_DATA_KEPT_MS = 15 * 24 * 3600_000;
const HIGH_RESOLUTION_KEPT_MS = 3 * 3600_000;

interface Point {
  query: number;
  at: number;
  value: number;
}

export class CloudWatchService {
  readonly operations: Record<string, (input: Input) => unknown>;

  constructor(
    private readonly source: MetricSource,
    private readonly clock: Clock,
  ) {
    this.operations = { GetMetricData: (input) => this.getMetricData(input) };
  }

  getMetricData(input: Input) {
    countChecked('cloudwatch: requests checked');
    let request: MetricDataRequest;
    let offset: number;
    try {
      request = readMetricDataRequest(input);
      offset =
        decodeToken(request.nextToken, fingerprint(input), isCount, (message) => {
          return new CloudWatchError('InvalidNextToken', message);
        }) ?? 0;
    } catch (error) {
      if (error instanceof CloudWatchError) countChecked('cloudwatch: requests refused');
      throw error;
    }
    const now = this.clock.now();
    const returned = request.queries.filter((q) => q.returnData);
    const points = returned.flatMap((query, index) => this.points(query, index, request, now));
    const page = points.slice(offset, offset + request.maxDatapoints);
    const end = offset + page.length;
    const more = end < points.length;
    return {
      MetricDataResults: returned.map((query, index) => {
        const mine = page.filter((p) => p.query === index);
        const unfinished = more && points.slice(end).some((p) => p.query === index);
        if (!query.stat) {
          return {
            Id: query.id,
            Label: query.label ?? query.id,
            Timestamps: [],
            Values: [],
            StatusCode: 'InternalError',
            Messages: [{ Code: 'InternalError', Value: 'Metric math is not simulated by the local AWS.' }],
          };
        }
        return {
          Id: query.id,
          Label: query.label ?? query.stat.metricName,
          Timestamps: mine.map((p) => new Date(p.at)),
          Values: mine.map((p) => p.value),
          StatusCode: unfinished ? 'PartialData' : 'Complete',
        };
      }),
      NextToken: more ? encodeToken(fingerprint(input), end) : undefined,
      Messages: [],
    };
  }

  /** One query's points, in ScanBy order. */
  private points(query: MetricQuery, index: number, request: MetricDataRequest, now: number): Point[] {
    const stat = query.stat;
    if (!stat) return [];
    const series = this.source.series(stat.namespace, stat.metricName, stat.dimensions);
    if (!series) return [];
    const periodMs = stat.periodSeconds * 1000;
    const kept = now - (stat.periodSeconds < 60 ? HIGH_RESOLUTION_KEPT_MS : MINUTE_DATA_KEPT_MS);
    const start = Math.floor(request.startMs / MINUTE_MS) * MINUTE_MS;
    const points: Point[] = [];
    for (let bucket = start; bucket < request.endMs && bucket < now; bucket += periodMs) {
      const bucketEnd = Math.min(bucket + periodMs, request.endMs);
      if (bucketEnd <= kept) continue;
      const data: MinuteDatum[] = [];
      for (let minute = Math.ceil(bucket / MINUTE_MS) * MINUTE_MS; minute < bucketEnd; minute += MINUTE_MS) {
        const datum = series(minute, now);
        if (datum) data.push(datum);
      }
      const value = statisticOf(stat.statistic, data);
      if (value !== undefined) points.push({ query: index, at: bucket, value });
    }
    return request.scanBy === 'TimestampDescending' ? points.reverse() : points;
  }
}

/** The request without its NextToken: a token only continues the request that made it. */
function fingerprint(input: Input): string {
  const { NextToken: _token, ...rest } = input;
  return `GetMetricData:${createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 32)}`;
}
