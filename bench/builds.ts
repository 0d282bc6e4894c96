// `npm run bench:builds`: what the answers about builds people name cost against the local AWS with its seeded
// past: AWS calls per answer (first ask, then again with finished histories kept) and latency p50/p99 for
// list (one line per build), why (told against now), status of a build by name and by day word.
// Prints numbers; asserts nothing.

import '../local/polyfills';
import { SageBuild } from '../core/sagebuild';
import { LocalAws } from '../local/local-aws';
import { localConfig } from '../local/local-config';
import { loadReferencePipelines } from '../local/reference-pipelines';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'bench';
process.env.AWS_SECRET_ACCESS_KEY = 'bench';
process.env.AWS_REGION = 'us-east-1';

const SAMPLES = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function main(): Promise<void> {
  const local = await LocalAws.start({ timeScale: 3000 });
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  const core = new SageBuild(localConfig(await loadReferencePipelines(local, { past: true }), local.region));
  const answers: [string, () => Promise<unknown>][] = [
    ['list prod (6 builds)', () => core.list('prod')],
    ['why prod (latest succeeded)', () => core.why('prod')],
    ['why dev (quality gate)', () => core.why('dev')],
    ['status prod-retrain-sam', () => core.status('prod', 'prod-retrain-sam')],
    ["status prod yesterday's", () => core.status('prod', "yesterday's")],
  ];
  console.log('answer                          calls(first)  calls(again)  p50 ms  p99 ms');
  for (const [name, ask] of answers) {
    const before = local.callCount;
    await ask();
    const first = local.callCount - before;
    const again = local.callCount;
    await ask();
    const second = local.callCount - again;
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i += 1) {
      const start = performance.now();
      await ask();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const p50 = percentile(times, 50).toFixed(1);
    const p99 = percentile(times, 99).toFixed(1);
    console.log(
      `${name.padEnd(32)}${String(first).padStart(12)}${String(second).padStart(14)}${p50.padStart(8)}${p99.padStart(8)}`,
    );
  }
  core.close();
  await local.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
