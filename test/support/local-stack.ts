// A local AWS on a random port with the reference pipelines, and a core whose unmodified SDK clients reach
// it through AWS_ENDPOINT_URL, exactly as on a laptop.

import { SageBuild } from '../../core/sagebuild';
import { LocalAws, type LocalAwsOptions } from '../../local/local-aws';
import { localConfig } from '../../local/local-config';
import {
  loadReferencePipelines,
  type LocalApproval,
  type LocalPipeline,
} from '../../local/reference-pipelines';
import type { Requester } from '../../core/builds/facts';

/** Fast enough that a whole build (45 simulated minutes of training) takes about a second. */
export const TEST_TIME_SCALE = 3000;

export interface LocalStack {
  local: LocalAws;
  pipelines: LocalPipeline[];
  core: SageBuild;
  close(): Promise<void>;
}

export async function startLocalStack(
  options: LocalAwsOptions & { past?: boolean; approval?: LocalApproval } = {},
): Promise<LocalStack> {
  const local = await LocalAws.start({ timeScale: TEST_TIME_SCALE, ...options });
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  const pipelines = await loadReferencePipelines(local, {
    past: options.past ?? false,
    ...(options.approval ? { approval: options.approval } : {}),
  });
  const core = new SageBuild(localConfig(pipelines, local.region));
  return {
    local,
    pipelines,
    core,
    async close() {
      core.close();
      await local.close();
    },
  };
}

export const tester: Requester = { id: 'cli:tester', displayName: 'Tess Ter' };

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let keys = 0;
/** A fresh idempotency key per start request, as each front derives one per request. */
export function newKey(): string {
  keys += 1;
  return `test-request-${process.pid}-${Date.now()}-${keys}`;
}

/** A long dev build started and then stopped by someone using Alexa (no display name), once it is training. */
export async function alexaStartsThenStops(
  stack: LocalStack,
  reason?: string,
): Promise<{ executionArn: string; name: string }> {
  const alexa: Requester = { id: 'alexa:amzn1.ask.account.LOCAL-root' };
  const started = await stack.core.start({
    pipeline: 'dev',
    requester: alexa,
    idempotencyKey: newKey(),
    overrides: { 'hyperparameters.sagebuild_training_minutes': '600' },
  });
  await waitFor(async () => ((await stack.core.status('dev')).training ? true : undefined));
  await stack.core.stop({ pipeline: 'dev', requester: alexa, ...(reason ? { reason } : {}) });
  await stack.local.stepFunctions.waitFor(started.executionArn);
  return started;
}
