// `npm run bench:skill`: what the Alexa skill costs as it would be deployed, an esbuild bundle on Lambda.
//   1. The bundle's size, raw and gzipped (aim: under 400 KB).
//   2. The time to load the handler in a fresh Node process, against bare `node -e 0` (aim: < 60 ms more).
//   3. "is my build done" against the local AWS, in a fresh process: the first (cold) answer, then warm ones.
// The bundle runs from a copy in a temp folder, so a missing dependency shows up as a failure, not as a quiet
// require from this repo's node_modules. Prints numbers; asserts nothing.

import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ResponseEnvelope } from 'ask-sdk-model';
import type { SageBuildConfig } from '../core/config/schema';
import { modelFor } from '../interaction-models/build-model';
import { matchUtterance } from '../interaction-models/matcher';
import {
  intentRequest,
  modelIntent,
  newSessionId,
  requestEnvelope,
  type Caller,
} from '../local/alexa/envelope';
import { startFakeAlexaApi } from '../local/alexa/fake-api';
import { spokenText } from '../local/alexa/speech';
import { LocalAws } from '../local/local-aws';
import { LOCAL_SKILL_ID, localConfig } from '../local/local-config';
import { loadReferencePipelines } from '../local/reference-pipelines';
import { bundleLambda } from '../tools/bundle';

const REPO = resolve(__dirname, '..');
const LOAD_RUNS = 15;
const WARM_CALLS = 20;
const UTTERANCE = 'is my build done';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The environment a Lambda would have: the config file, the (local) AWS, and nothing from this shell. */
function lambdaEnv(configPath: string, local: LocalAws): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    SAGEBUILD_CONFIG: configPath,
    AWS_ENDPOINT_URL: local.endpoint,
    AWS_REGION: local.region,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** Wall time of one `node -e <code>` run; synchronous, so nothing else in this process skews it. */
function timeNode(code: string, cwd: string, env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, ['-e', code], { cwd, env, encoding: 'utf8', timeout: 30_000 });
  const elapsed = performance.now() - started;
  if (run.status !== 0) throw new Error(`node -e ${code} failed (${run.status}): ${run.stderr}`);
  return elapsed;
}

/** The request Alexa sends for the utterance: understood through the interaction model, one-shot session. */
function envelopeFor(config: SageBuildConfig, apiEndpoint: string) {
  const model = modelFor(config);
  const skillId = config.alexa?.skillId ?? LOCAL_SKILL_ID;
  const match = matchUtterance(model, UTTERANCE);
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

/** Loads the bundle in a fresh process and calls its handler: once cold, then WARM_CALLS times. */
const CALLER_SCRIPT = `
const { performance } = require('node:perf_hooks');
const event = JSON.parse(require('node:fs').readFileSync(process.argv[2], 'utf8'));
const { handler } = require(process.argv[1]);
const context = { awsRequestId: 'bench', functionName: 'sagebuild-skill', getRemainingTimeInMillis: () => 8000 };
(async () => {
  const times = [];
  let response;
  for (let i = 0; i <= ${WARM_CALLS}; i += 1) {
    const started = performance.now();
    response = await handler(event, context);
    times.push(performance.now() - started);
  }
  process.stdout.write(JSON.stringify({ times, response }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

function callHandler(
  bundle: string,
  eventPath: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ times: number[]; response: ResponseEnvelope }> {
  // Asynchronous: the local AWS answering the handler runs in this process's event loop.
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-e', CALLER_SCRIPT, bundle, eventPath], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? done(JSON.parse(stdout)) : fail(new Error(`handler run failed (${code}): ${stderr}`)),
    );
  });
}

async function main(): Promise<void> {
  const built = await bundleLambda(join(REPO, 'skill', 'lambda.ts'), join(REPO, 'dist', 'skill', 'index.js'));
  console.log(
    `Bundle ${built.outfile.slice(REPO.length + 1)} (metafile ${built.metafilePath.slice(REPO.length + 1)})`,
  );
  console.log(`  size: ${kb(built.bytes)} raw, ${kb(built.gzipBytes)} gzipped (aim: under 400 KB)`);

  const local = await LocalAws.start();
  const api = await startFakeAlexaApi();
  const dir = mkdtempSync(join(tmpdir(), 'sagebuild-bench-skill-'));
  try {
    const config = localConfig(await loadReferencePipelines(local), local.region);
    const configPath = join(dir, 'config.json');
    writeFileSync(configPath, JSON.stringify(config));
    const bundle = join(dir, 'index.js');
    copyFileSync(built.outfile, bundle);
    const env = lambdaEnv(configPath, local);

    // Interleaved, so drift in machine load hits both sides alike.
    const bare: number[] = [];
    const loaded: number[] = [];
    for (let i = 0; i < LOAD_RUNS; i += 1) {
      bare.push(timeNode('0', dir, env));
      loaded.push(timeNode(`require(${JSON.stringify(bundle)})`, dir, env));
    }
    const [bareMs, loadMs] = [median(bare), median(loaded)];
    console.log(`Load in a fresh process (median of ${LOAD_RUNS})`);
    console.log(`  node -e 0:          ${ms(bareMs)}`);
    console.log(`  require(bundle):    ${ms(loadMs)}`);
    console.log(`  handler load cost:  ${ms(loadMs - bareMs)} (aim: under 60 ms)`);

    const eventPath = join(dir, 'event.json');
    writeFileSync(eventPath, JSON.stringify(envelopeFor(config, api.url)));
    const { times, response } = await callHandler(bundle, eventPath, dir, env);
    const [first, ...warm] = times;
    console.log(`"${UTTERANCE}" against the local AWS (handler in a fresh process)`);
    console.log(`  first (cold):  ${ms(first as number)}`);
    console.log(
      `  warm p50:      ${ms(percentile(warm, 50))}   p99: ${ms(percentile(warm, 99))}  (${warm.length} calls)`,
    );
    console.log(`  progressive responses sent: ${api.directives.length}`);
    console.log(`  it said: ${spokenText(response.response.outputSpeech)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await api.close();
    await local.close();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:skill failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
