// `npm run bench:core`: what a status answer costs and how much the local AWS can run.
//   1. AWS calls per "is my build done" answer, while training, while deploying, and once finished.
//   2. Status latency p50/p99 against the local AWS for histories of 10 and 10,000 events, and their ratio.
//   3. Builds per minute the local AWS runs at the default time scale, one at a time and many at once.
//   4. Reading a big machine's roles and steps (parse, loops, main steps), as a cold start does: up to 1 MB.
//   5. Status under slow AWS: every call delayed 1, 2 and 3 s (the local AWS's latency fault, over the wire),
//      answer time and what the answer holds; and warm answers with a small delay per call, showing how many
//      calls' worth of waiting an answer costs and how many calls overlapped.
// Prints numbers; asserts nothing. `--quick` skips the throughput run (it takes about two minutes);
// `--machines` runs only the big-machine reading, `--slow` only the slow-AWS runs, `--health` only the
// endpoint-health answers (bench/health.ts).

import '../local/polyfills';
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { parseConfig } from '../core/config/load';
import { MAX_MACHINE_STATES, parseDefinition } from '../core/machine/definition';
import { machineRoles } from '../core/machine/roles';
import { mainSteps } from '../core/machine/steps';
import type { BuildStatusFact } from '../core/builds/facts';
import { SageBuild } from '../core/sagebuild';
import { DEFAULT_TIME_SCALE } from '../local/clock';
import { LocalAws } from '../local/local-aws';
import { localConfig } from '../local/local-config';
import { loadReferencePipelines } from '../local/reference-pipelines';
import { exampleInput, referenceDefinition } from '../pipeline';
import { healthBench } from './health';
import { LONG_HISTORY_DEFINITION, turnsFor } from '../test/support/long-history';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'bench';
process.env.AWS_SECRET_ACCESS_KEY = 'bench';
process.env.AWS_REGION = 'us-east-1';

const LATENCY_SAMPLES = 300;
const requester = { id: 'cli:bench', displayName: 'bench' };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Polls `check` until it holds; fails with `what` if it has not within `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`bench: gave up after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Slow enough that the windows we sample stay open for a while: an endpoint update (6 simulated minutes)
 * lasts 1.2 s, a 10-minute training 2 s. Status answers take milliseconds, so neither window is missed.
 */
const CALLS_TIME_SCALE = 300;

async function callsPerAnswer(): Promise<void> {
  const local = await LocalAws.start({ timeScale: CALLS_TIME_SCALE });
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  const core = new SageBuild(localConfig(await loadReferencePipelines(local), local.region));
  const count = async (): Promise<string[]> => {
    const before = local.callCount;
    await core.status('dev');
    return local.callsSince(before);
  };
  const started = await core.start({
    pipeline: 'dev',
    requester,
    idempotencyKey: 'bench-calls',
    overrides: { 'hyperparameters.sagebuild_training_minutes': '10' },
  });
  await until('the dev build to be training', async () => (await core.status('dev')).training !== undefined);
  const training = await count();
  await local.stepFunctions.waitFor(started.executionArn).catch(() => undefined);
  const deployRun = await core.start({
    pipeline: 'dev',
    requester,
    idempotencyKey: 'bench-calls-2',
    overrides: { 'hyperparameters.sagebuild_training_minutes': '1' },
  });
  await until(
    'the dev endpoint to be Updating (did the build fail before deploying?)',
    async () => (await core.status('dev')).endpoint?.status === 'Updating',
  );
  const deploying = await count();
  await local.stepFunctions.waitFor(deployRun.executionArn);
  const finished = await count();
  const finishedAgain = await count();
  console.log('AWS calls per status answer');
  console.log(`  training:  ${training.length}  (${training.join(', ')})`);
  console.log(`  deploying: ${deploying.length}  (${deploying.join(', ')})`);
  console.log(`  finished:  ${finished.length}  (${finished.join(', ')})`);
  console.log(
    `  finished, asked again: ${finishedAgain.length}  (${finishedAgain.join(', ')}: history kept)`,
  );
  core.close();
  await local.close();
}

async function latencyByHistoryLength(): Promise<void> {
  const local = await LocalAws.start({ timeScale: DEFAULT_TIME_SCALE });
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  const sfn = new SFNClient({});
  const results: Record<number, { p50: number; p99: number; calls: number }> = {};
  for (const events of [10, 10_000]) {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: `history-${events}`,
        definition: LONG_HISTORY_DEFINITION,
        roleArn: 'arn:aws:iam::123456789012:role/bench',
      }),
    );
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        input: JSON.stringify({ n: 0, limit: turnsFor(events) }),
      }),
    );
    const execution = local.stepFunctions.executionsOf(stateMachineArn as string)[0];
    await until(
      `a ${events}-event history`,
      async () => execution?.events.at(-1)?.type === 'WaitStateEntered',
    );
    const core = new SageBuild(parseConfig({ pipelines: [{ name: 'bench', stateMachineArn }] }, 'bench'));
    await core.status(); // warm the connection
    const before = local.callCount;
    const times: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i += 1) {
      const start = process.hrtime.bigint();
      await core.status();
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    const calls = (local.callCount - before) / LATENCY_SAMPLES;
    results[events] = { p50: percentile(times, 50), p99: percentile(times, 99), calls };
    console.log(
      `  history of ${String(execution?.events.length).padStart(6)} events: p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms, ${calls} calls per answer (${LATENCY_SAMPLES} answers)`,
    );
    core.close();
    void executionArn;
  }
  const short = results[10];
  const long = results[10_000];
  if (short && long) {
    console.log(
      `  ratio 10,000 / 10 events: p50 ${(long.p50 / short.p50).toFixed(2)}x, p99 ${(long.p99 / short.p99).toFixed(2)}x`,
    );
  }
  sfn.destroy();
  await local.close();
}

async function buildsPerMinute(concurrent: number): Promise<void> {
  const local = await LocalAws.start({ timeScale: DEFAULT_TIME_SCALE });
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  const sfn = new SFNClient({});
  const definition = JSON.stringify(referenceDefinition);
  const arns: string[] = [];
  for (let i = 0; i < concurrent; i += 1) {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: `throughput-${i}`,
        definition,
        roleArn: 'arn:aws:iam::123456789012:role/bench',
      }),
    );
    arns.push(stateMachineArn as string);
  }
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  const runs = await Promise.all(
    arns.map((stateMachineArn, i) =>
      sfn.send(
        new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(exampleInput(`bench-${i}`)) }),
      ),
    ),
  );
  const done = await Promise.all(runs.map((run) => local.stepFunctions.waitFor(run.executionArn as string)));
  const minutes = (Date.now() - started) / 60_000;
  const cpu = process.cpuUsage(cpuBefore);
  const succeeded = done.filter((e) => e.status === 'SUCCEEDED').length;
  const events = done.reduce((sum, e) => sum + e.events.length, 0);
  console.log(
    `  ${concurrent} at once: ${succeeded}/${concurrent} succeeded in ${(minutes * 60).toFixed(1)} s → ${(succeeded / minutes).toFixed(1)} builds/min; ${events} history events; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
  );
  sfn.destroy();
  await local.close();
}

/**
 * `count` chained states (every tenth a Lambda task, the rest Pass), then an endpoint polling loop; each state
 * padded with a Comment so the whole text is about `chars` long.
 */
function bigDefinition(count: number, chars = 0): string {
  const build = (pad: number): string => {
    const states: Record<string, unknown> = {};
    for (let i = 1; i <= count; i += 1) {
      const state: Record<string, unknown> =
        i % 10 === 0 ? { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke' } : { Type: 'Pass' };
      if (pad > 0) state.Comment = 'x'.repeat(pad);
      states[`s${i}`] = { ...state, Next: i < count ? `s${i + 1}` : 'Poll' };
    }
    states.Poll = {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:sagemaker:describeEndpoint',
      Next: 'Wait',
    };
    states.Wait = { Type: 'Wait', Seconds: 60, Next: 'Ready?' };
    states['Ready?'] = {
      Type: 'Choice',
      Choices: [{ Variable: '$.EndpointStatus', StringEquals: 'InService', Next: 'Done' }],
      Default: 'Poll',
    };
    states.Done = { Type: 'Succeed' };
    return JSON.stringify({ StartAt: 's1', States: states });
  };
  const plain = build(0);
  const pad = Math.floor((chars - plain.length) / count) - '"Comment":"",'.length;
  return pad > 0 ? build(pad) : plain;
}

/** Milliseconds to parse a definition and read its roles and main steps, median of a few cold reads. */
function machineReading(): void {
  const cases: [string, string][] = [
    ['12,000 chained states', bigDefinition(12_000)],
    [`${MAX_MACHINE_STATES - 10} states, padded to 1 MB`, bigDefinition(MAX_MACHINE_STATES - 10, 1_000_000)],
    [`${MAX_MACHINE_STATES + 5_000} states (past the cap)`, bigDefinition(MAX_MACHINE_STATES + 5_000)],
  ];
  for (const [what, text] of cases) {
    const times: number[] = [];
    let steps = 0;
    for (let i = 0; i < 5; i += 1) {
      const start = process.hrtime.bigint();
      const machine = parseDefinition(text);
      if (machine) {
        machineRoles(machine);
        steps = mainSteps(machine).length;
      }
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    const read = steps > 0 ? `${steps} main steps` : 'not walked: speaks from names';
    console.log(
      `  ${what}, ${(text.length / 1024).toFixed(0)} KB: ${percentile(times, 50).toFixed(1)} ms (${read})`,
    );
  }
}

/** What a status answer under slow AWS held, as the bench prints it. */
function completeness(fact: BuildStatusFact): string {
  const held = [`state ${fact.status}`, 'start time'];
  if (fact.currentStep) held.push('step');
  if (fact.training) held.push('training job');
  if (fact.endpoint) held.push('endpoint');
  if (fact.eta) held.push('ETA');
  const missing = (fact as { incomplete?: string[] }).incomplete ?? [];
  return `${held.join(', ')}${missing.length > 0 ? `; said it couldn't get: ${missing.join(', ')}` : ''}`;
}

/** One status answer's time and what it held, or the error it gave. */
async function timedStatus(core: SageBuild, pipeline: string): Promise<{ ms: number; said: string }> {
  const start = process.hrtime.bigint();
  const said = await core.status(pipeline).then(completeness, (e: Error) => `no answer: ${e.name}`);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, said };
}

async function slowAws(): Promise<void> {
  const local = await LocalAws.start({ timeScale: CALLS_TIME_SCALE });
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  const config = localConfig(await loadReferencePipelines(local), local.region);
  const setup = new SageBuild(config);
  await setup.start({
    pipeline: 'dev',
    requester,
    idempotencyKey: 'bench-slow',
    overrides: { 'hyperparameters.sagebuild_training_minutes': '6000' },
  });
  await until('the dev build to be training', async () => (await setup.status('dev')).training !== undefined);
  setup.close();
  console.log(
    `Status under slow AWS (budget ${config.aws.budgetMs} ms, per call ${config.aws.timeoutMs} ms)`,
  );
  for (const delay of [1000, 2000, 3000]) {
    // A new core each time: a cold start, its machine definition not yet read.
    const core = new SageBuild(config);
    local.faults.set({ latencyMs: delay });
    local.faults.resetOverlap();
    const cold = await timedStatus(core, 'dev');
    const coldOverlap = local.faults.peakOverlap;
    local.faults.resetOverlap();
    const warm = await timedStatus(core, 'dev');
    console.log(
      `  ${delay / 1000} s per call: cold ${cold.ms.toFixed(0)} ms (${cold.said}; up to ${coldOverlap} calls at once)`,
    );
    console.log(
      `                 warm ${warm.ms.toFixed(0)} ms (${warm.said}; up to ${local.faults.peakOverlap} calls at once)`,
    );
    local.faults.set({});
    core.close();
    // Calls the core gave up on still wait out their delay at the local AWS: let them end first.
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  const delay = 100;
  console.log(`Warm answers with ${delay} ms per call (calls' worth of waiting = time / ${delay} ms)`);
  const core = new SageBuild(config);
  await core.status('dev');
  const build = (await core.status('dev')).name;
  local.faults.set({ latencyMs: delay });
  for (const [what, ask] of [
    ['status, training', () => core.status('dev')],
    ['status of a named build', () => core.statusOf('dev', build)],
  ] as const) {
    const times: number[] = [];
    local.faults.resetOverlap();
    const before = local.callCount;
    for (let i = 0; i < 10; i += 1) {
      const start = process.hrtime.bigint();
      await ask();
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    const calls = (local.callCount - before) / 10;
    console.log(
      `  ${what}: p50 ${percentile(times, 50).toFixed(0)} ms, ${calls} calls, up to ${local.faults.peakOverlap} at once`,
    );
  }
  local.faults.set({});
  core.close();
  await local.close();
}

async function main(): Promise<void> {
  if (process.argv.includes('--health')) {
    await healthBench();
    return;
  }
  if (process.argv.includes('--slow')) {
    await slowAws();
    return;
  }
  console.log('Reading a big machine (parse, roles, main steps; median of 5 cold reads)');
  machineReading();
  if (process.argv.includes('--machines')) return;
  await callsPerAnswer();
  console.log('Status latency by history length (local AWS, real SDK clients over HTTP)');
  await latencyByHistoryLength();
  await slowAws();
  if (process.argv.includes('--quick')) return;
  console.log(
    `Builds per minute at the default time scale (${DEFAULT_TIME_SCALE}x: 45-minute training in 45 s)`,
  );
  await buildsPerMinute(1);
  await buildsPerMinute(100);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
