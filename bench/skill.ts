// `npm run bench:skill`: what the Alexa skill costs as it would be deployed, an esbuild bundle on Lambda.
//   1. The bundle's size, raw and gzipped (aim: under 400 KB).
//   2. The time to load the handler in a fresh Node process, against bare `node -e 0` (aim: < 60 ms more).
//   3. "is my build done" against the local AWS, in a fresh process: the first (cold) answer, then warm ones.
// The bundle runs from a copy in a temp folder, so a missing dependency shows up as a failure, not as a quiet
// require from this repo's node_modules. Prints numbers; asserts nothing.

import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ResponseEnvelope } from 'ask-sdk-model';
import { startFakeAlexaApi } from '../local/alexa/fake-api';
import { spokenText } from '../local/alexa/speech';
import { LocalAws } from '../local/local-aws';
import { localConfig } from '../local/local-config';
import { loadReferencePipelines } from '../local/reference-pipelines';
import { buildLambda } from '../tools/build';
import { alexaEnvelope, kb, lambdaEnv, median, ms, percentile, runHandler, timeNode } from './support/lambda';

const REPO = resolve(__dirname, '..');
const LOAD_RUNS = 15;
const WARM_CALLS = 20;
const UTTERANCE = 'is my build done';

async function main(): Promise<void> {
  // The same bundle as `npm run build` (dist/skill/index.js, its metafile in dist/meta/).
  const built = await buildLambda('skill');
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

    const { times, response } = await runHandler<ResponseEnvelope>(
      bundle,
      alexaEnvelope(config, api.url, UTTERANCE),
      { cwd: dir, env, calls: 1 + WARM_CALLS },
    );
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
