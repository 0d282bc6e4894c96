// How health reads: the worst number first, each kind of trouble in plain words, voice without build names,
// and the verdict on a deploy. Facts are built by hand here; test/health-fronts.test.ts runs them end to end.

import type { DeployComparisonFact, HealthFact } from '../core/health/facts';
import { deployComparisonAnswer, healthAnswer, healthSpeech } from '../core/wording';

const now = new Date('2026-12-05T12:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

function fact(overrides: Partial<HealthFact> = {}): HealthFact {
  return {
    pipeline: 'prod',
    endpointName: 'churn-prod',
    status: 'InService',
    variantName: 'AllTraffic',
    live: {
      build: 'prod-3f2a1c9d0b1e',
      since: minutesAgo(90),
      startedBy: { id: 'slack:U0ANA', displayName: 'Ana Lima' },
    },
    lastHour: {
      requests: 5230,
      errors4xx: 12,
      errors5xx: 2,
      errorRate: (14 / 5230) * 100,
      latencyP50Ms: 38.2,
      latencyP99Ms: 1250,
      cpuPercent: 34,
      memoryPercent: 41,
    },
    series24h: [],
    checkedAt: now,
    ...overrides,
  };
}

test('each kind of trouble leads, in words a person can check', () => {
  const cases: [HealthFact['problem'], string][] = [
    [{ kind: 'server-errors', value: 9.84 }, '9.8% of requests failed with server errors'],
    [{ kind: 'latency', value: 1250 }, 'the slowest 1 in 100 requests took 1.3 s or more'],
    [{ kind: 'client-errors', value: 12.4 }, '12% of requests were refused as bad requests'],
    [{ kind: 'memory', value: 93.2 }, 'memory use is at 93%'],
    [{ kind: 'cpu', value: 97 }, 'CPU use is at 97%'],
  ];
  for (const [problem, clause] of cases) {
    const text = healthAnswer(fact({ problem }), now);
    expect(text.split('\n')[0]).toBe(`Something is wrong: ${clause} in the last hour.`);
  }
});

test('voice is brief, worst number first, and never reads the hex build name', () => {
  const spoken = healthSpeech(fact({ problem: { kind: 'latency', value: 1250 } }), now);
  expect(spoken).toBe(
    "The prod endpoint needs attention: the slowest 1 in 100 requests took 1.3 seconds or more in the last hour. It has served Ana Lima's build for an hour and 30 minutes.",
  );
  expect(spoken).not.toContain('3f2a1c9d0b1e');
});

test('an idle endpoint says so, with what its instances do', () => {
  const idle = fact({ lastHour: { cpuPercent: 1.5, memoryPercent: 22 } });
  expect(healthAnswer(idle, now).split('\n')[1]).toBe('Last hour: no requests. CPU 1.5%, memory 22%.');
  expect(healthSpeech(idle, now)).toMatch(
    /^The prod endpoint is in service but had no requests in the last hour\./,
  );
});

test('the deploy verdict names what got worse, or why there is none yet', () => {
  const base: DeployComparisonFact = {
    pipeline: 'prod',
    endpointName: 'churn-prod',
    deployedAt: minutesAgo(40),
    build: 'prod-5',
    before: { from: minutesAgo(100), to: minutesAgo(40), requests: 5400, errorRate: 0.4, latencyP99Ms: 86 },
    after: { from: minutesAgo(40), to: now, requests: 3600, errorRate: 10.2, latencyP99Ms: 440 },
    worse: true,
    why: 'error-rate',
  };
  expect(deployComparisonAnswer(base, now)).toBe(
    'Since the deploy of prod-5 40 minutes ago, 10% of requests failed, up from 0.4% before it.',
  );
  expect(deployComparisonAnswer({ ...base, why: 'latency' }, now)).toBe(
    'Since the deploy of prod-5 40 minutes ago, the slowest requests take 440 ms, up from 86 ms before it (p99).',
  );
  expect(
    deployComparisonAnswer(
      { ...base, worse: false, why: 'too-little-traffic', after: { ...base.after, requests: 12 } },
      now,
    ),
  ).toBe(
    'Since the deploy of prod-5 40 minutes ago there have been 12 requests: too few to tell yet whether it made things worse.',
  );
  const { why: _why, ...fine } = base;
  expect(
    deployComparisonAnswer({ ...fine, worse: false, after: { ...base.after, errorRate: 0.3 } }, now),
  ).toBe('Since the deploy of prod-5 40 minutes ago: no worse than before it (3,600 requests, 0.3% failed).');
});
