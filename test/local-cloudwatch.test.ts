// The local CloudWatch held to the real one: the pinned SDK client (JSON 1.0, awsQueryCompatible) talks to it
// unmodified, GetMetricData answers in CloudWatch's shape from the metrics the simulated endpoints publish, and
// bad requests get CloudWatch's own error classes and Query codes.

import {
  CloudWatchClient,
  GetMetricDataCommand,
  InvalidNextToken,
  InvalidParameterValueException,
  ValidationException,
  type GetMetricDataCommandInput,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { startLocalStack, type LocalStack } from './support/local-stack';

let stack: LocalStack;
let cloudwatch: CloudWatchClient;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
let end: Date;

beforeAll(async () => {
  stack = await startLocalStack({ past: true });
  cloudwatch = new CloudWatchClient({});
  end = new Date(Math.floor(Date.now() / MINUTE) * MINUTE);
});

afterAll(async () => {
  cloudwatch?.destroy();
  await stack?.close();
});

const PROD = [
  { Name: 'EndpointName', Value: 'churn-prod' },
  { Name: 'VariantName', Value: 'AllTraffic' },
];

function query(id: string, metricName: string, stat: string, period = 3600, namespace = 'AWS/SageMaker') {
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: namespace, MetricName: metricName, Dimensions: PROD },
      Period: period,
      Stat: stat,
    },
  } satisfies MetricDataQuery;
}

function lastHours(
  hours: number,
  queries: MetricDataQuery[],
  extra: Partial<GetMetricDataCommandInput> = {},
) {
  return cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(end.getTime() - hours * HOUR),
      EndTime: end,
      MetricDataQueries: queries,
      ...extra,
    }),
  );
}

/** The error a request is refused with, as the SDK raised it. */
async function refusal(queries: MetricDataQuery[], extra: Partial<GetMetricDataCommandInput> = {}) {
  const error = await lastHours(1, queries, extra).then(
    () => undefined,
    (e: unknown) => e as Error & { Code?: string; $fault?: string },
  );
  expect(error).toBeDefined();
  return error as Error & { Code?: string; $fault?: string };
}

/** GetMetricData as the pinned client sends it, by hand: JSON 1.0 under CloudWatch's service target. */
function postRaw(body: object): Promise<Response> {
  return fetch(stack.local.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'GraniteServiceVersion20100801.GetMetricData',
    },
    body: JSON.stringify(body),
  });
}

describe('the wire', () => {
  test('speaks JSON 1.0 under the GraniteServiceVersion20100801 target, as the pinned client does', async () => {
    const res = await postRaw({
      StartTime: (end.getTime() - HOUR) / 1000,
      EndTime: end.getTime() / 1000,
      MetricDataQueries: [query('inv', 'Invocations', 'Sum')],
    });
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    const body = (await res.json()) as { MetricDataResults: { Timestamps: unknown[] }[]; Messages: [] };
    // Timestamps are epoch seconds on the wire, the only form the SDK reads right.
    expect(body.MetricDataResults[0]?.Timestamps).toEqual([(end.getTime() - HOUR) / 1000]);
    expect(body.Messages).toEqual([]);
  });

  test('errors carry the modelled shape and the Query code header', async () => {
    const res = await postRaw({
      StartTime: 2,
      EndTime: 1,
      MetricDataQueries: [query('a', 'Invocations', 'Sum')],
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-query-error')).toBe('InvalidParameterValue;Sender');
    expect(await res.json()).toEqual({
      __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException',
      message: 'The parameter StartTime must be less than the parameter EndTime.',
    });
  });

  test('each call is recorded as the IAM action cloudwatch:GetMetricData', async () => {
    const before = stack.local.callCount;
    await lastHours(1, [query('inv', 'Invocations', 'Sum')]);
    expect(stack.local.callsSince(before)).toEqual(['cloudwatch:GetMetricData']);
  });
});

describe('GetMetricData', () => {
  test('answers in CloudWatch shape: label from the metric, newest first by default, Complete', async () => {
    const out = await lastHours(3, [query('inv', 'Invocations', 'Sum')]);
    expect(out.MetricDataResults).toHaveLength(1);
    const [result] = out.MetricDataResults ?? [];
    expect(result).toMatchObject({ Id: 'inv', Label: 'Invocations', StatusCode: 'Complete' });
    expect(result?.Timestamps?.map((t) => t.getTime())).toEqual(
      [1, 2, 3].map((h) => end.getTime() - h * HOUR),
    );
    expect(result?.Values?.every((v) => v > 1000)).toBe(true);
    expect(out.NextToken).toBeUndefined();
  });

  test('an hour is the sum of its minutes, and percentiles are ordered', async () => {
    const out = await lastHours(
      1,
      [
        query('hour', 'Invocations', 'Sum'),
        query('minutes', 'Invocations', 'Sum', 60),
        query('median', 'ModelLatency', 'p50'),
        query('tail', 'ModelLatency', 'p99'),
        query('average', 'ModelLatency', 'Average'),
      ],
      { ScanBy: 'TimestampAscending' },
    );
    const values: Record<string, number[]> = Object.fromEntries(
      (out.MetricDataResults ?? []).map((r) => [r.Id ?? '', r.Values ?? []]),
    );
    expect(values.minutes).toHaveLength(60);
    expect(values.hour?.[0]).toBe(values.minutes?.reduce((a, b) => a + b, 0));
    // ModelLatency is in microseconds: tens of milliseconds.
    expect(values.median?.[0]).toBeGreaterThan(10_000);
    expect(values.tail?.[0]).toBeGreaterThan(values.median?.[0] as number);
    expect(values.average?.[0]).toBeGreaterThan(values.median?.[0] as number);
  });

  test('unknown metrics, namespaces and dimension sets have no data, as in CloudWatch', async () => {
    const out = await lastHours(1, [
      query('nothing', 'Nonsense', 'Sum'),
      query('elsewhere', 'Invocations', 'Sum', 3600, 'AWS/Lambda'),
      {
        Id: 'partial',
        MetricStat: {
          Metric: { Namespace: 'AWS/SageMaker', MetricName: 'Invocations', Dimensions: PROD.slice(0, 1) },
          Period: 3600,
          Stat: 'Sum',
        },
      },
    ]);
    for (const result of out.MetricDataResults ?? []) {
      expect(result).toMatchObject({ Timestamps: [], Values: [], StatusCode: 'Complete' });
    }
  });

  test('instance metrics come from /aws/sagemaker/Endpoints', async () => {
    const out = await lastHours(1, [
      query('cpu', 'CPUUtilization', 'Average', 3600, '/aws/sagemaker/Endpoints'),
      query('memory', 'MemoryUtilization', 'Maximum', 3600, '/aws/sagemaker/Endpoints'),
    ]);
    for (const result of out.MetricDataResults ?? []) {
      expect(result.Values?.[0]).toBeGreaterThan(0);
      expect(result.Values?.[0]).toBeLessThan(100);
    }
  });

  test('pages by MaxDatapoints with a NextToken only its own request accepts', async () => {
    const queries = [query('minutes', 'Invocations', 'Sum', 60)];
    const first = await lastHours(1, queries, { MaxDatapoints: 45 });
    expect(first.MetricDataResults?.[0]?.Values).toHaveLength(45);
    expect(first.MetricDataResults?.[0]?.StatusCode).toBe('PartialData');
    expect(first.NextToken).toBeDefined();
    const second = await lastHours(1, queries, { MaxDatapoints: 45, NextToken: first.NextToken });
    expect(second.MetricDataResults?.[0]?.Values).toHaveLength(15);
    expect(second.MetricDataResults?.[0]?.StatusCode).toBe('Complete');
    expect(second.NextToken).toBeUndefined();
    const elsewhere = await refusal([query('other', 'Invocations', 'Sum', 60)], {
      MaxDatapoints: 45,
      NextToken: first.NextToken,
    });
    expect(elsewhere).toBeInstanceOf(InvalidNextToken);
  });
});

describe('refusals, with CloudWatch error classes and Query codes', () => {
  test('a period that is not 1, 5, 10, 20, 30 or a multiple of 60', async () => {
    const error = await refusal([query('a', 'Invocations', 'Sum', 61)]);
    expect(error).toBeInstanceOf(InvalidParameterValueException);
    expect(error.Code).toBe('InvalidParameterValue');
    expect(error.$fault).toBe('client');
    expect(error.message).toContain('MetricDataQueries.member.1.MetricStat.Period');
  });

  test('ids that repeat, or break the pattern', async () => {
    const repeated = await refusal([query('a', 'Invocations', 'Sum'), query('a', 'ModelLatency', 'p99')]);
    expect(repeated).toBeInstanceOf(ValidationException);
    expect(repeated.Code).toBe('ValidationError');
    expect(repeated.message).toBe('The values for parameter id in MetricDataQueries are not unique.');
    const capital = await refusal([query('Requests', 'Invocations', 'Sum')]);
    expect(capital).toBeInstanceOf(ValidationException);
    expect(capital.message).toContain('^[a-z][a-zA-Z0-9_]*$');
  });

  test('a query with neither MetricStat nor Expression, or with both', async () => {
    const neither = await refusal([{ Id: 'a' }]);
    expect(neither).toBeInstanceOf(ValidationException);
    expect(neither.message).toBe('The parameter MetricDataQueries.member.1.MetricStat is required.\n');
    const both = await refusal([{ ...query('a', 'Invocations', 'Sum'), Expression: 'a * 2' }]);
    expect(both.message).toContain('mutually exclusive');
  });

  test('an unknown statistic, too many queries, and a start after the end', async () => {
    expect(await refusal([query('a', 'Invocations', 'Median')])).toBeInstanceOf(
      InvalidParameterValueException,
    );
    const many = Array.from({ length: 501 }, (_, i) => query(`q${i}`, 'Invocations', 'Sum'));
    expect((await refusal(many)).Code).toBe('InvalidParameterValue');
    const backwards = await refusal([query('a', 'Invocations', 'Sum')], {
      StartTime: end,
      EndTime: new Date(end.getTime() - HOUR),
    });
    expect(backwards.message).toBe('The parameter StartTime must be less than the parameter EndTime.');
  });

  test('a refused request changes nothing and the next one is answered', async () => {
    await refusal([query('a', 'Invocations', 'Sum', 7)]);
    const out = await lastHours(1, [query('a', 'Invocations', 'Sum')]);
    expect(out.MetricDataResults?.[0]?.Values).toHaveLength(1);
  });
});
