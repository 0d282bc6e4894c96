// Renders docs/health-chart.png from the simulator: the local AWS with prod's past builds, then a deploy of a
// model that fails one request in ten, and three hours later on the local clock prod's endpoint health as
// Slack shows it (slack/cards/health-chart.ts). `npx tsx tools/health-chart.ts [out.png]`.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../local/polyfills';
import { SageBuild } from '../core/sagebuild';
import { LocalAws } from '../local/local-aws';
import { localConfig } from '../local/local-config';
import { loadReferencePipelines } from '../local/reference-pipelines';
import { renderHealthChart } from '../slack/cards/health-chart';

async function main(): Promise<void> {
  const out = process.argv[2] ?? join(__dirname, '..', 'docs', 'health-chart.png');
  let offset = 0;
  const clock = { now: () => Date.now() + offset, fromReal: (realMs: number) => realMs + offset };
  const local = await LocalAws.start({ timeScale: 3000, clock });
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  process.env.AWS_REGION = local.region;
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const pipelines = await loadReferencePipelines(local, { past: true });
  const core = new SageBuild(localConfig(pipelines, local.region), { now: () => new Date(clock.now()) });
  try {
    const started = await core.start({
      pipeline: 'prod',
      requester: { id: 'cli:docs', displayName: 'the docs' },
      idempotencyKey: `docs-${Date.now()}`,
      overrides: { 'hyperparameters.sagebuild_simulate': 'serving-errors' },
    });
    await local.stepFunctions.waitFor(started.executionArn);
    offset += 3 * 3600_000;
    const fact = await core.health('prod');
    writeFileSync(out, renderHealthChart(fact.series24h));
    console.log(`Wrote ${out}`);
  } finally {
    core.close();
    await local.close();
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exitCode = 1;
});
