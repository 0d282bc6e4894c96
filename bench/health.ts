// `npm run bench:core -- --health`: what an endpoint-health answer costs against the local AWS (real SDK
// clients over HTTP, prod's seeded past: a busy endpoint with a day of traffic). Prints the AWS calls per
// answer (first and repeated, health and since-deploy) and answer latency p50/p99. Asserts nothing.

import { SageBuild } from '../core/sagebuild';
import { LocalAws } from '../local/local-aws';
import { localConfig } from '../local/local-config';
import { loadReferencePipelines } from '../local/reference-pipelines';

const SAMPLES = 200;
const COLD_SAMPLES = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms (n=${times.length})`;
}

/** The calls one answer made, grouped: "states:ListExecutions, sagemaker:DescribeEndpoint, ...". */
function callsLine(calls: string[]): string {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(call, (counts.get(call) ?? 0) + 1);
  return [...counts].map(([call, n]) => (n > 1 ? `${call} x${n}` : call)).join(', ');
}

async function timed(answer: () => Promise<unknown>, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const started = performance.now();
    await answer();
    times.push(performance.now() - started);
  }
  return times;
}

export async function healthBench(): Promise<void> {
  const local = await LocalAws.start();
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  const pipelines = await loadReferencePipelines(local, { past: true });
  const config = localConfig(pipelines, local.region);
  const core = new SageBuild(config);
  const callsOf = async (answer: () => Promise<unknown>): Promise<string[]> => {
    const before = local.callCount;
    await answer();
    return local.callsSince(before);
  };
  try {
    console.log('Endpoint health (local AWS, prod with a day of simulated traffic)');
    const first = await callsOf(() => core.health('prod'));
    const again = await callsOf(() => core.health('prod'));
    const since = await callsOf(() => core.sinceDeploy('prod'));
    console.log(`  AWS calls, first health answer:    ${first.length} (${callsLine(first)})`);
    console.log(`  AWS calls, health asked again:     ${again.length} (${callsLine(again)})`);
    console.log(`  AWS calls, since-deploy (warm):    ${since.length} (${callsLine(since)})`);
    console.log(
      `  health answer, warm:               ${summary(await timed(() => core.health('prod'), SAMPLES))}`,
    );
    console.log(
      `  since-deploy answer, warm:         ${summary(await timed(() => core.sinceDeploy('prod'), SAMPLES))}`,
    );
    const cold = await timed(async () => {
      // A new core: nothing cached, new connections, as a cold Lambda answers.
      const fresh = new SageBuild(config);
      try {
        await fresh.health('prod');
      } finally {
        fresh.close();
      }
    }, COLD_SAMPLES);
    console.log(`  health answer, new core each time: ${summary(cold)}`);
  } finally {
    core.close();
    await local.close();
  }
}
