// GetMetricData's request, read as strictly as CloudWatch reads it: required members, Id rules, one of
// MetricStat or Expression per query, periods CloudWatch accepts, known statistics, StartTime before EndTime.

import { fieldReaders, isObject, type Input } from '../protocol';
import { CloudWatchError, invalidValue, validationError } from './errors';

export interface MetricQuery {
  id: string;
  label?: string;
  returnData: boolean;
  /** Absent for a metric math Expression, which the local CloudWatch does not evaluate. */
  stat?: {
    namespace: string;
    metricName: string;
    dimensions: { name: string; value: string }[];
    periodSeconds: number;
    statistic: Statistic;
  };
}

export type Statistic =
  { kind: 'SampleCount' | 'Average' | 'Sum' | 'Minimum' | 'Maximum' } | { kind: 'percentile'; p: number };

export interface MetricDataRequest {
  queries: MetricQuery[];
  startMs: number;
  endMs: number;
  scanBy: 'TimestampAscending' | 'TimestampDescending';
  maxDatapoints: number;
  nextToken?: string;
}

/** Limits from the CloudWatch API reference (GetMetricData, MetricDataQuery, Metric, Dimension). */
export const LIMITS = {
  queries: 500,
  dimensions: 30,
  nameChars: 255,
  dimensionValueChars: 1024,
  idChars: 255,
  defaultMaxDatapoints: 100_800,
} as const;

const ID_PATTERN = /^[a-z][a-zA-Z0-9_]*$/;
const HIGH_RESOLUTION_PERIODS = [1, 5, 10, 20, 30];
const SIMPLE_STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;

const fields = fieldReaders(validationError);

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined)
    throw new CloudWatchError('MissingParameter', `The parameter ${name} is required.`);
  return value;
}

function boundedString(input: Input, key: string, path: string, max: number): string {
  const value = required(fields.optionalString(input, key), path);
  if (value.length < 1 || value.length > max) {
    throw invalidValue(`The parameter ${path} must be between 1 and ${max} characters long.`);
  }
  return value;
}

function statisticOf(raw: string, path: string): Statistic {
  if ((SIMPLE_STATISTICS as readonly string[]).includes(raw)) {
    return { kind: raw as (typeof SIMPLE_STATISTICS)[number] };
  }
  const percentile = /^p(\d{1,2}(?:\.\d{1,10})?|100(?:\.0{1,10})?)$/.exec(raw);
  const p = percentile ? Number(percentile[1]) : NaN;
  // Trimmed and windowed statistics (tm99, wm90, IQM, ...) exist in CloudWatch but are not simulated here.
  if (!(p > 0 && p <= 100)) throw invalidValue(`The value ${raw} for parameter ${path} is invalid.`);
  return { kind: 'percentile', p };
}

function readPeriod(stat: Input, path: string): number {
  const period = required(fields.optionalNumber(stat, 'Period'), path);
  if (!Number.isInteger(period) || period < 1) {
    throw invalidValue(`The parameter ${path} must be greater than 0.`);
  }
  if (period % 60 !== 0 && !HIGH_RESOLUTION_PERIODS.includes(period)) {
    throw invalidValue(`The parameter ${path} must be 1, 5, 10, 20, 30, or a multiple of 60.`);
  }
  return period;
}

function readDimensions(metric: Input, path: string): { name: string; value: string }[] {
  const list = fields.optionalArray(metric, 'Dimensions') ?? [];
  if (list.length > LIMITS.dimensions) {
    throw invalidValue(
      `The collection ${path}.Dimensions must not have more than ${LIMITS.dimensions} members.`,
    );
  }
  const dimensions = list.map((item, i) => {
    const at = `${path}.Dimensions.member.${i + 1}`;
    if (!isObject(item)) throw validationError(`The parameter ${at} must be a structure.`);
    return {
      name: boundedString(item, 'Name', `${at}.Name`, LIMITS.nameChars),
      value: boundedString(item, 'Value', `${at}.Value`, LIMITS.dimensionValueChars),
    };
  });
  const names = dimensions.map((d) => d.name);
  if (new Set(names).size !== names.length) {
    throw new CloudWatchError(
      'InvalidParameterCombination',
      `No metric may have more than one dimension with the same name (${path}.Dimensions).`,
    );
  }
  return dimensions;
}

function readQuery(item: unknown, index: number): MetricQuery {
  const path = `MetricDataQueries.member.${index + 1}`;
  if (!isObject(item)) throw validationError(`The parameter ${path} must be a structure.`);
  const id = required(fields.optionalString(item, 'Id'), `${path}.Id`);
  if (id.length > LIMITS.idChars || !ID_PATTERN.test(id)) {
    throw validationError(
      `The value for parameter ${path}.Id is not matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.`,
    );
  }
  const stat = fields.optionalObject(item, 'MetricStat');
  const expression = fields.optionalString(item, 'Expression');
  if (stat && expression !== undefined) {
    throw validationError(
      `The parameters ${path}.Expression and ${path}.MetricStat are mutually exclusive and you have specified both.`,
    );
  }
  // CloudWatch's own message for a query with neither ends in a newline.
  if (!stat && expression === undefined)
    throw validationError(`The parameter ${path}.MetricStat is required.\n`);
  const label = fields.optionalString(item, 'Label');
  const returnData = item.ReturnData === undefined || item.ReturnData === null ? true : item.ReturnData;
  if (typeof returnData !== 'boolean')
    throw validationError(`The parameter ${path}.ReturnData must be a boolean.`);
  const query: MetricQuery = { id, returnData, ...(label !== undefined ? { label } : {}) };
  if (!stat) return query;
  const metricPath = `${path}.MetricStat.Metric`;
  const metric = required(fields.optionalObject(stat, 'Metric'), metricPath);
  query.stat = {
    namespace: boundedString(metric, 'Namespace', `${metricPath}.Namespace`, LIMITS.nameChars),
    metricName: boundedString(metric, 'MetricName', `${metricPath}.MetricName`, LIMITS.nameChars),
    dimensions: readDimensions(metric, metricPath),
    periodSeconds: readPeriod(stat, `${path}.MetricStat.Period`),
    statistic: statisticOf(
      required(fields.optionalString(stat, 'Stat'), `${path}.MetricStat.Stat`),
      `${path}.MetricStat.Stat`,
    ),
  };
  return query;
}

/** Epoch seconds on the wire (the JSON protocol's timestamp form). */
function readTime(input: Input, key: string): number {
  const seconds = required(fields.optionalNumber(input, key), key);
  return seconds * 1000;
}

export function readMetricDataRequest(input: Input): MetricDataRequest {
  const list = required(fields.optionalArray(input, 'MetricDataQueries'), 'MetricDataQueries');
  if (list.length === 0)
    throw new CloudWatchError('MissingParameter', 'The parameter MetricDataQueries is required.');
  if (list.length > LIMITS.queries) {
    throw invalidValue(
      `The collection MetricDataQueries must not contain more than ${LIMITS.queries} items.`,
    );
  }
  const queries = list.map(readQuery);
  const ids = queries.map((q) => q.id);
  if (new Set(ids).size !== ids.length) {
    throw validationError('The values for parameter id in MetricDataQueries are not unique.');
  }
  const startMs = readTime(input, 'StartTime');
  const endMs = readTime(input, 'EndTime');
  if (!(startMs < endMs))
    throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
  const scanBy = fields.optionalString(input, 'ScanBy') ?? 'TimestampDescending';
  if (scanBy !== 'TimestampAscending' && scanBy !== 'TimestampDescending') {
    throw validationError(
      `1 validation error detected: Value '${scanBy}' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]`,
    );
  }
  const maxDatapoints = fields.optionalNumber(input, 'MaxDatapoints') ?? LIMITS.defaultMaxDatapoints;
  if (!Number.isInteger(maxDatapoints) || maxDatapoints < 1) {
    throw invalidValue('The parameter MaxDatapoints must be greater than 0.');
  }
  const nextToken = fields.optionalString(input, 'NextToken');
  return {
    queries,
    startMs,
    endMs,
    scanBy,
    maxDatapoints,
    ...(nextToken !== undefined ? { nextToken } : {}),
  };
}
