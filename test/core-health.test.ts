// Endpoint health end to end: the core's real SDK clients against the local AWS, whose CloudWatch reports
// the traffic the simulated endpoints serve (busy, idle, failing after a deploy).

import { EndpointNotFound } from '../core/errors';
import type { SageBuild } from '../core/sagebuild';
import { coreOnClock, deploy, movableClock, type MovableClock } from './support/health';
import { startLocalStack, type LocalStack } from './support/local-stack';

describe('health of a busy endpoint (prod, with its past builds)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ past: true });
  });
  afterAll(() => stack.close());

  it('names the live build and reports the last hour and a day of hourly buckets', async () => {
    const before = stack.local.callCount;
    const fact = await stack.core.health('prod');
    const calls = stack.local.callsSince(before);
    expect(calls.filter((c) => c === 'cloudwatch:GetMetricData')).toHaveLength(1);
    expect(fact.endpointName).toBe('churn-prod');
    expect(fact.variantName).toBe('AllTraffic');
    expect(fact.status).toBe('InService');
    expect(fact.live.build).toBe('prod-nightly-4');
    expect(fact.live.startedBy?.displayName).toBe('the nightly schedule');
    expect(fact.live.since!.getTime()).toBeLessThan(Date.now() - 3600_000);
    const hour = fact.lastHour;
    expect(hour.requests).toBeGreaterThan(1000);
    expect(hour.errorRate).toBeLessThan(1);
    expect(hour.latencyP50Ms).toBeGreaterThan(10);
    expect(hour.latencyP99Ms).toBeGreaterThan(hour.latencyP50Ms!);
    expect(hour.cpuPercent).toBeGreaterThan(0);
    expect(hour.memoryPercent).toBeGreaterThan(0);
    expect(fact.problem).toBeUndefined();
    expect(fact.sinceDeploy).toBeUndefined();
    expect(fact.series24h).toHaveLength(24);
    expect(fact.series24h.at(-1)!.requests).toBe(hour.requests);
    expect(fact.series24h.every((p) => p.requests > 0 && p.latencyP50Ms !== undefined)).toBe(true);
  });

  it('asked again, reads only the endpoint and CloudWatch (the build histories are kept)', async () => {
    await stack.core.health('prod');
    const before = stack.local.callCount;
    await stack.core.health('prod');
    expect(stack.local.callsSince(before)).toEqual([
      'states:ListExecutions',
      'sagemaker:DescribeEndpoint',
      'cloudwatch:GetMetricData',
    ]);
  });
});

describe('health after deploys (time moved on the local clock)', () => {
  let stack: LocalStack;
  let clock: MovableClock;
  let core: SageBuild;
  beforeAll(async () => {
    clock = movableClock();
    stack = await startLocalStack({ clock });
    core = coreOnClock(stack, clock);
  });
  afterAll(async () => {
    core.close();
    await stack.close();
  });

  it('an endpoint nobody calls has no requests, only its instances', async () => {
    await deploy(stack, 'dev', 'no-traffic');
    clock.advance(90);
    const fact = await core.health('dev');
    expect(fact.lastHour.requests).toBeUndefined();
    expect(fact.lastHour.latencyP99Ms).toBeUndefined();
    expect(fact.lastHour.memoryPercent).toBeGreaterThan(0);
    expect(fact.problem).toBeUndefined();
    expect(fact.series24h.every((p) => p.requests === 0)).toBe(true);
  });

  it('a deploy that fails one request in ten is clearly worse, error rate first', async () => {
    await deploy(stack, 'prod');
    clock.advance(120);
    const good = await deploy(stack, 'prod', 'serving-errors');
    clock.advance(40);
    const comparison = await core.sinceDeploy('prod');
    expect(comparison.build).toBe(good);
    expect(comparison.worse).toBe(true);
    expect(comparison.why).toBe('error-rate');
    expect(comparison.after.requests).toBeGreaterThan(1000);
    expect(comparison.after.errorRate!).toBeGreaterThan(5);
    expect(comparison.before.errorRate!).toBeLessThan(1);
    const fact = await core.health('prod');
    expect(fact.problem?.kind).toBe('server-errors');
    // Deployed 40 minutes ago: judged on the new model's traffic only, against the hour before the deploy.
    expect(fact.sinceDeploy!.from.getTime()).toBeGreaterThanOrEqual(comparison.deployedAt.getTime());
    expect(fact.lastHour.requests).toBe(comparison.after.requests);
    expect(fact.lastHour.errorRate).toBeCloseTo(comparison.after.errorRate!);
    expect(fact.sinceDeploy!.before.errorRate!).toBeLessThan(1);
    expect(fact.series24h).toHaveLength(24);
    expect(fact.series24h.at(-1)!.requests).toBe(fact.lastHour.requests);
  });

  it('a deploy of an equally good model is not worse', async () => {
    await deploy(stack, 'prod');
    clock.advance(30);
    const comparison = await core.sinceDeploy('prod', 30);
    expect(comparison.worse).toBe(false);
    expect(comparison.why).toBeUndefined();
    expect(comparison.before.latencyP99Ms).toBeGreaterThan(comparison.after.latencyP99Ms!);
  });

  it('right after a deploy there is too little traffic to judge', async () => {
    await deploy(stack, 'prod', 'serving-errors');
    const comparison = await core.sinceDeploy('prod');
    expect(comparison.worse).toBe(false);
    expect(comparison.why).toBe('too-little-traffic');
  });
});

describe('health of an endpoint that does not exist', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  });
  afterAll(() => stack.close());

  it('is a friendly typed error, and CloudWatch is never asked', async () => {
    const before = stack.local.callCount;
    await expect(stack.core.health('prod')).rejects.toBeInstanceOf(EndpointNotFound);
    await expect(stack.core.sinceDeploy('prod')).rejects.toBeInstanceOf(EndpointNotFound);
    expect(stack.local.callsSince(before)).not.toContain('cloudwatch:GetMetricData');
  });
});
