// `npm run bench:cold`: what each Lambda costs at a cold start, bundled as `npm run build` makes it, and, to
// compare, unbundled: the same entry with our code bundled and node_modules required at run time from this
// repository's (dist/unbundled/<name>.js), as a zip with node_modules would run.
//   size      the bundle, raw and gzipped; unbundled, our code plus what it loads from node_modules.
//   load      require() of the handler's module in a fresh `node` process, above bare `node -e 0`: both in
//             one loop, interleaved, so drift in machine load hits every side alike.
//   answer    a fresh process requires the handler and calls it once (Lambda's init and first invoke), with
//             the requests of test/bundles.test.ts: "is my build done", a signed `/sagebuild status prod`,
//             a finished build's status event. The local AWS, DynamoDB (dynalite) and the fake Slack and Alexa
//             APIs answer from this process.
// Medians of BENCH_COLD_RUNS fresh processes (default 15). Prints numbers next to targets; asserts nothing.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ResponseEnvelope } from 'ask-sdk-model';
import { startFakeAlexaApi } from '../local/alexa/fake-api';
import { spokenText } from '../local/alexa/speech';
import { LocalAws } from '../local/local-aws';
import { localConfig } from '../local/local-config';
import { loadReferencePipelines } from '../local/reference-pipelines';
import { startFakeSlackApi } from '../local/slack/fake-slack-api';
import { FORM, functionUrlEvent } from '../local/slack/requests';
import { SageBuild } from '../core/sagebuild';
import { startDynalite } from '../slack/store/dynalite';
import { createTable } from '../slack/store/dynamodb-store';
import { bundleLambda } from '../tools/bundle';
import { buildLambdas, LAMBDAS, type LambdaBundle } from '../tools/build';
import {
  alexaEnvelope,
  finishedBuild,
  kb,
  lambdaEnv,
  median,
  ms,
  runHandler,
  statusCommand,
  timeNode,
} from './support/lambda';

// For the core in this process, which starts the build the notifier hears about.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'bench';
process.env.AWS_SECRET_ACCESS_KEY = 'bench';

const REPO = resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
if (!Number.isInteger(RUNS) || RUNS < 1)
  throw new Error('BENCH_COLD_RUNS must be a whole number of runs, 1 or more');
const SIGNING_SECRET = 'bench-signing-secret';
const BOT_TOKEN = 'xoxb-0000000000-0000000000000-benchbottoken000';

type Name = LambdaBundle['name'];

interface Target {
  maxBytes: number;
  /** Load time above bare node. */
  maxLoadMs?: number;
}

/** The budgets, in decimal kilobytes and megabytes as they were set. */
const TARGETS: Record<Name, Target> = {
  skill: { maxBytes: 400_000, maxLoadMs: 60 },
  'slack-bot': { maxBytes: 1_200_000, maxLoadMs: 150 },
  notifier: { maxBytes: 400_000 },
};

interface Variant {
  name: Name;
  kind: 'bundled' | 'unbundled';
  file: string;
  bytes: number;
  /** Bundled: the bundle gzipped, as it ships. */
  gzipBytes?: number;
  /** Unbundled: what its require() loads from node_modules. */
  nodeModules?: { files: number; bytes: number };
  loads: number[];
  firstCalls: number[];
  answers: number[];
}

/** What an unbundled handler loads from node_modules: files and bytes, from require.cache in a fresh process. */
function nodeModulesLoaded(file: string, env: NodeJS.ProcessEnv): { files: number; bytes: number } {
  const code = `require(${JSON.stringify(file)});
const files = Object.keys(require.cache).filter((f) => f.includes('/node_modules/'));
const bytes = files.reduce((sum, f) => sum + require('node:fs').statSync(f).size, 0);
process.stdout.write(JSON.stringify({ files: files.length, bytes }));`;
  const run = spawnSync(process.execPath, ['-e', code], { env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`loading ${file} failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { files: number; bytes: number };
}

/** Each round: bare node, then every handler, in an order that turns each round. Returns bare node's times. */
function measureLoads(variants: Variant[], cwd: string, env: NodeJS.ProcessEnv): number[] {
  const bare: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    bare.push(timeNode('0', cwd, env));
    for (let i = 0; i < variants.length; i += 1) {
      const v = variants[(run + i) % variants.length] as Variant;
      v.loads.push(timeNode(`require(${JSON.stringify(v.file)})`, cwd, env));
    }
  }
  return bare;
}

/** Lays out rows in columns: the first two left-aligned, the rest right-aligned but the last. */
function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column < 2 || column === row.length - 1
          ? cell.padEnd(widths[column] ?? 0)
          : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
}

const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');

function printTable(variants: Variant[], bareMs: number): void {
  const rows = [
    [
      'Lambda',
      'build',
      'raw',
      'gzipped',
      'from node_modules',
      'load',
      'first call',
      'first answer',
      'targets',
    ],
  ];
  for (const v of variants) {
    const load = median(v.loads) - bareMs;
    const target = TARGETS[v.name];
    const targets =
      v.kind === 'unbundled'
        ? ''
        : [
            `size < ${target.maxBytes / 1000} KB ${mark(v.bytes < target.maxBytes)}`,
            ...(target.maxLoadMs === undefined
              ? []
              : [`load < ${target.maxLoadMs} ms ${mark(load < target.maxLoadMs)}`]),
          ].join(', ');
    rows.push([
      v.name,
      v.kind,
      kb(v.bytes),
      v.gzipBytes === undefined ? '' : kb(v.gzipBytes),
      v.nodeModules ? `${kb(v.nodeModules.bytes)} in ${v.nodeModules.files} files` : '',
      ms(load),
      ms(median(v.firstCalls)),
      ms(median(v.answers)),
      targets,
    ]);
  }
  const [header = '', ...lines] = table(rows);
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const line of lines) console.log(line);
  console.log();
  console.log(`Medians of ${RUNS} fresh processes. raw: the bundle, or our code alone when unbundled.`);
  console.log('load: require() of the handler module, above bare `node -e 0`.');
  console.log(
    'first call: the first handler call; first answer: require + first call, timed inside the process.',
  );
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'sagebuild-bench-cold-'));
  // The bundles in a temp folder, each index.js alone with no node_modules above it; the unbundled ones in
  // the repository, so that their require() finds its node_modules.
  const built = await buildLambdas(join(work, 'build'));
  const unbundledDir = join(REPO, 'dist', 'unbundled');
  mkdirSync(unbundledDir, { recursive: true });
  const unbundled = await Promise.all(
    LAMBDAS.map(({ name, entry }) =>
      bundleLambda(join(REPO, entry), join(unbundledDir, `${name}.js`), undefined, { packages: 'external' }),
    ),
  );

  const local = await LocalAws.start({ timeScale: 3000 });
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  process.env.AWS_REGION = local.region;
  const [slack, alexa, dynamodb] = await Promise.all([
    startFakeSlackApi({ token: BOT_TOKEN }),
    startFakeAlexaApi(),
    startDynalite(local.region),
  ]);
  const config = localConfig(await loadReferencePipelines(local), local.region);
  const core = new SageBuild(config);
  try {
    const devBuild = await finishedBuild(core, local, 'dev');
    let configs = 0;
    /** A config file of its own per run: the notifier's table is fresh, so every run posts a new card. */
    const envFor = async (name: Name): Promise<NodeJS.ProcessEnv> => {
      configs += 1;
      const storeTable = `bench-cold-${configs}`;
      if (name === 'notifier') await createTable(dynamodb.client, storeTable);
      const path = join(work, `config-${configs}.json`);
      writeFileSync(path, JSON.stringify({ ...config, slack: { ...config.slack, storeTable } }));
      return lambdaEnv(path, local, {
        AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
      });
    };
    const eventFor = (name: Name, run: string): unknown =>
      name === 'skill'
        ? alexaEnvelope(config, alexa.url, 'is my build done')
        : name === 'slack-bot'
          ? functionUrlEvent(statusCommand(slack, run), FORM, SIGNING_SECRET)
          : devBuild;

    const loadEnv = await envFor('skill');
    const fresh = { loads: [], firstCalls: [], answers: [] };
    const variants: Variant[] = [
      ...built.map((b): Variant => ({
        name: b.name,
        kind: 'bundled',
        file: b.outfile,
        bytes: b.bytes,
        gzipBytes: b.gzipBytes,
        ...structuredClone(fresh),
      })),
      ...unbundled.map((u, i): Variant => ({
        name: LAMBDAS[i]?.name as Name,
        kind: 'unbundled',
        file: u.outfile,
        bytes: u.bytes,
        nodeModules: nodeModulesLoaded(u.outfile, loadEnv),
        ...structuredClone(fresh),
      })),
    ];

    console.log(`Timing ${variants.length} handlers in ${RUNS} fresh processes each (BENCH_COLD_RUNS)...`);
    const bare = measureLoads(variants, work, loadEnv);
    const answered = new Map<Name, string>();
    for (let run = 0; run < RUNS; run += 1) {
      for (let i = 0; i < variants.length; i += 1) {
        const v = variants[(run + i) % variants.length] as Variant;
        const env = await envFor(v.name);
        const slackCalls = slack.calls.length;
        const result = await runHandler(v.file, eventFor(v.name, `cold-${run}-${i}`), { cwd: work, env });
        const first = result.times[0] ?? NaN;
        v.firstCalls.push(first);
        v.answers.push(result.requireMs + first);
        if (v.kind === 'bundled' && !answered.has(v.name)) {
          const calls = slack.calls.slice(slackCalls).map((c) => `${c.method} ${c.outcome}`);
          answered.set(v.name, summary(result.response, calls));
        }
      }
    }

    console.log(`Bare \`node -e 0\`: ${ms(median(bare))}`);
    console.log();
    printTable(variants, median(bare));
    console.log();
    console.log('What the bundles answered (first run):');
    for (const [name, said] of answered) console.log(`  ${name.padEnd(10)} ${said}`);
  } finally {
    core.close();
    await Promise.all([slack.close(), alexa.close(), dynamodb.close()]);
    await local.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** One line of what a handler answered, to show the numbers are of real answers. */
function summary(answer: unknown, slackCalls: string[]): string {
  const response = answer as Partial<ResponseEnvelope> & { statusCode?: number; body?: string };
  if (response?.response) return `said: ${spokenText(response.response.outputSpeech)}`;
  if (response?.statusCode) return `${response.statusCode}: ${response.body ?? ''}`;
  return `Slack calls: ${slackCalls.join(', ')}`;
}

main().catch((error: unknown) => {
  console.error(`bench:cold failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
