// `npm run bench:approval`: how long a decision takes, against the local AWS, as the CLI and console make it.
//   1. From calling core.approve() to the moment the local AWS handles SendTaskSuccess (what the issue calls
//      "click to SendTaskSuccess" minus Slack's own hop), p50/p95/max over SAMPLES gated builds.
//   2. The whole approve() answer (claim, history read, SendTaskSuccess), and the AWS calls one decision makes.
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

const SAMPLES = Number(process.argv.includes('--quick') ? 5 : 30);
const requester = { id: 'cli:bench', displayName: 'bench' };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function main(): Promise<void> {
  const local = await LocalAws.start({ timeScale: 3000 });
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  const pipelines = await loadReferencePipelines(local, {
    approval: { approvers: ['cli:bench'], timeoutHours: 24 },
  });
  const core = new SageBuild(localConfig(pipelines, local.region));
  // When the local AWS handles SendTaskSuccess: its operation, timed where the request arrives.
  let handledAt = 0;
  const operations = local.stepFunctions.operations;
  const sendTaskSuccess = operations.SendTaskSuccess as (input: Record<string, unknown>) => unknown;
  operations.SendTaskSuccess = (input) => {
    handledAt = performance.now();
    return sendTaskSuccess(input);
  };

  const toSend: number[] = [];
  const answers: number[] = [];
  let calls: string[] = [];
  for (let sample = 0; sample < SAMPLES; sample += 1) {
    const started = await core.start({ pipeline: 'prod', requester, idempotencyKey: `bench-${sample}` });
    for (;;) {
      const waiting = await core.approvals('prod');
      if (waiting.some((fact) => fact.executionArn === started.executionArn)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const before = local.callCount;
    const t0 = performance.now();
    const result = await core.approve({ pipeline: 'prod', requester });
    const t1 = performance.now();
    if (result.outcome !== 'approved') throw new Error(`bench: approve said ${result.outcome}`);
    toSend.push(handledAt - t0);
    answers.push(t1 - t0);
    calls = local.callsSince(before);
    await local.stepFunctions.waitFor(started.executionArn);
  }
  const report = (label: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(
      `${label}: p50 ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))}, max ${ms(sorted.at(-1) ?? 0)} (${values.length} decisions)`,
    );
  };
  report('approve() called -> SendTaskSuccess handled', toSend);
  report('approve() answer, whole', answers);
  console.log(`AWS calls per decision: ${calls.length} (${calls.join(', ')})`);
  core.close();
  await local.close();
}

void main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exitCode = 1;
});
