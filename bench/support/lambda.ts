// Running a Lambda handler as Lambda would, for the benchmarks and the bundle test: a fresh plain `node`
// process (no tsx, no jest), an environment with the config file, the (local) AWS and nothing from this shell,
// and the handler called with the events Alexa, Slack and EventBridge send. The local AWS, fake Slack and
// fake Alexa answering it run in the caller's process.

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RequestEnvelope } from 'ask-sdk-model';
import type { SageBuildConfig } from '../../core/config/schema';
import type { SageBuild } from '../../core/sagebuild';
import { modelFor } from '../../interaction-models/build-model';
import { matchUtterance } from '../../interaction-models/matcher';
import {
  intentRequest,
  modelIntent,
  newSessionId,
  requestEnvelope,
  type Caller,
} from '../../local/alexa/envelope';
import type { ExecutionStatusChangeEvent } from '../../local/events';
import type { LocalAws } from '../../local/local-aws';
import { LOCAL_SKILL_ID } from '../../local/local-config';
import type { FakeSlack } from '../../local/slack/fake-slack-api';
import { slashCommandBody } from '../../local/slack/requests';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The environment a Lambda would have: the config file, the (local) AWS, and nothing from this shell. */
export function lambdaEnv(
  configPath: string,
  local: Pick<LocalAws, 'endpoint' | 'region'>,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    SAGEBUILD_CONFIG: configPath,
    AWS_ENDPOINT_URL: local.endpoint,
    AWS_REGION: local.region,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

/** Wall time of one `node -e <code>` run; synchronous, so nothing else in this process skews it. */
export function timeNode(code: string, cwd: string, env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, ['-e', code], { cwd, env, encoding: 'utf8', timeout: 30_000 });
  const elapsed = performance.now() - started;
  if (run.status !== 0) throw new Error(`node -e ${code} failed (${run.status}): ${run.stderr}`);
  return elapsed;
}

/**
 * Requires the handler and calls it `calls` times with the event, timing both from inside the process. The
 * result goes to a file: the handler's own logs may be on stdout.
 */
const CALLER_SCRIPT = `
const { performance } = require('node:perf_hooks');
const { writeFileSync } = require('node:fs');
const [bundle, eventJson, calls, resultPath, requestId] = process.argv.slice(1);
const event = JSON.parse(eventJson);
const context = { awsRequestId: requestId, functionName: 'sagebuild', getRemainingTimeInMillis: () => 8000 };
const started = performance.now();
const { handler } = require(bundle);
const requireMs = performance.now() - started;
(async () => {
  const times = [];
  let response;
  for (let i = 0; i < Number(calls); i += 1) {
    const began = performance.now();
    response = await handler(event, context);
    times.push(performance.now() - began);
  }
  writeFileSync(resultPath, JSON.stringify({ requireMs, times, response: response === undefined ? null : response }));
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });
`;

export interface HandlerRun<R> {
  /** Time to require the handler's module (Lambda's init). */
  requireMs: number;
  /** Each call's time until its promise resolved; the first is the cold one. */
  times: number[];
  /** The last call's answer. */
  response: R;
  /** What the process printed (the handler's logs). */
  stdout: string;
  stderr: string;
}

let runs = 0;

/** Calls `handler` of `bundle` with `event`, `calls` times, in a fresh `node` process. */
export function runHandler<R = unknown>(
  bundle: string,
  event: unknown,
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    calls?: number;
    timeoutMs?: number;
    /** The context's awsRequestId, the same for every call (default "bench"). */
    requestId?: string;
  },
): Promise<HandlerRun<R>> {
  runs += 1;
  const resultPath = join(tmpdir(), `sagebuild-handler-run-${process.pid}-${runs}.json`);
  const args = [
    '-e',
    CALLER_SCRIPT,
    bundle,
    JSON.stringify(event),
    String(options.calls ?? 1),
    resultPath,
    options.requestId ?? 'bench',
  ];
  // Asynchronous: the local AWS answering the handler runs in this process's event loop.
  return new Promise<HandlerRun<R>>((done, fail) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: options.env,
      timeout: options.timeoutMs ?? 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code, signal) => {
      if (code !== 0) return fail(new Error(`handler run failed (${code ?? signal}): ${stderr || stdout}`));
      const result = JSON.parse(readFileSync(resultPath, 'utf8')) as Omit<HandlerRun<R>, 'stdout' | 'stderr'>;
      done({ ...result, stdout, stderr });
    });
  }).finally(() => rmSync(resultPath, { force: true }));
}

/** The request Alexa sends for `utterance`: understood through the interaction model, one-shot session. */
export function alexaEnvelope(
  config: SageBuildConfig,
  apiEndpoint: string,
  utterance: string,
): RequestEnvelope {
  const model = modelFor(config);
  const skillId = config.alexa?.skillId ?? LOCAL_SKILL_ID;
  const match = matchUtterance(model, utterance);
  const caller: Caller = {
    skillId,
    userId: 'amzn1.ask.account.BENCH',
    deviceId: 'amzn1.ask.device.BENCH',
    locale: 'en-US',
    apiEndpoint,
    apiAccessToken: 'bench-token',
  };
  const intent = modelIntent(model, skillId, match.intent, match.slots);
  return requestEnvelope(
    caller,
    { sessionId: newSessionId(), isNew: true, attributes: {} },
    intentRequest('en-US', intent, 'STARTED'),
  );
}

/** The signed command the bot is timed on: `/sagebuild status <pipeline>`, its answer to response_url `id`. */
export function statusCommand(slack: FakeSlack, id: string, pipeline = 'prod'): string {
  return slashCommandBody({
    command: '/sagebuild',
    text: `status ${pipeline}`,
    user_id: 'U0BENCH',
    channel_id: 'C0DEVBUILDS',
    response_url: slack.responseUrl(id),
    trigger_id: `trigger-${id}`,
  });
}

/** Starts a build, lets it finish, and returns its final EventBridge status event, as the local AWS sent it. */
export async function finishedBuild(
  core: SageBuild,
  local: LocalAws,
  pipeline: string,
): Promise<ExecutionStatusChangeEvent> {
  const heard: ExecutionStatusChangeEvent[] = [];
  const unsubscribe = local.events.subscribe((event) => heard.push(event));
  try {
    const { executionArn } = await core.start({
      pipeline,
      requester: { id: 'cli:bench', displayName: 'Bench' },
      idempotencyKey: `bench-${process.pid}-${Date.now()}`,
    });
    await local.stepFunctions.waitFor(executionArn);
    const final = heard.find((e) => e.detail.executionArn === executionArn && e.detail.status !== 'RUNNING');
    if (!final) throw new Error(`no final status event for ${executionArn}`);
    return final;
  } finally {
    unsubscribe();
  }
}
