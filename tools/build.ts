// `npm run build`: one minified bundle per Lambda under dist/<name>/index.js (handler `index.handler`), with
// its esbuild metafile in dist/meta/<name>.meta.json, so each Lambda's asset folder holds only its code. The
// Slack bot leaves out the Bolt receivers and OAuth it never uses on Lambda (tools/unreachable.ts): 1.9 MiB
// of bundle otherwise.

import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleLambda, type BundleOptions, type BundleResult } from './bundle';
import { SLACK_LAMBDA_UNREACHABLE, SLACK_WEB_UNREACHABLE } from './unreachable';

const REPO = resolve(__dirname, '..');

export interface LambdaBundle {
  /** dist/<name>/index.js; also the CDK construct's name. */
  name: 'skill' | 'slack-bot' | 'notifier';
  /** The TypeScript entry, relative to the repository. */
  entry: string;
  /** How it is bundled beyond the defaults. */
  options?: BundleOptions;
}

export const LAMBDAS: readonly LambdaBundle[] = [
  { name: 'skill', entry: 'skill/lambda.ts' },
  {
    name: 'slack-bot',
    entry: 'slack/lambda.ts',
    options: { unreachable: [...SLACK_LAMBDA_UNREACHABLE, ...SLACK_WEB_UNREACHABLE] },
  },
  { name: 'notifier', entry: 'slack/notifier-lambda.ts', options: { unreachable: SLACK_WEB_UNREACHABLE } },
];

export interface BuiltLambda extends BundleResult {
  name: LambdaBundle['name'];
  /** The folder to deploy: it holds index.js alone. */
  dir: string;
}

/** Bundles one Lambda into `outDir`/<name>/index.js (default: the repository's dist/). */
export async function buildLambda(
  name: LambdaBundle['name'],
  outDir: string = join(REPO, 'dist'),
): Promise<BuiltLambda> {
  const lambda = LAMBDAS.find((l) => l.name === name);
  if (!lambda) throw new Error(`no Lambda named ${name}`);
  const dir = join(outDir, name);
  rmSync(dir, { recursive: true, force: true });
  const built = await bundleLambda(
    join(REPO, lambda.entry),
    join(dir, 'index.js'),
    join(outDir, 'meta', `${name}.meta.json`),
    lambda.options,
  );
  return { ...built, name, dir };
}

/** Bundles every Lambda into `outDir` (default: the repository's dist/). */
export async function buildLambdas(outDir: string = join(REPO, 'dist')): Promise<BuiltLambda[]> {
  return Promise.all(LAMBDAS.map(({ name }) => buildLambda(name, outDir)));
}

// `tsx tools/build.ts [outDir] [name ...]`: every Lambda, or the named ones. The CDK app (infra/app.ts) builds them
// itself with buildLambdas, the skill's included.
if (require.main === module) {
  const [outDir, ...names] = process.argv.slice(2);
  const unknown = names.filter((name) => !LAMBDAS.some((l) => l.name === name));
  if (unknown.length) {
    console.error(`unknown Lambda ${unknown.join(', ')}; known: ${LAMBDAS.map((l) => l.name).join(', ')}`);
    process.exit(2);
  }
  const dir = outDir ? resolve(outDir) : undefined;
  (names.length
    ? Promise.all(names.map((name) => buildLambda(name as LambdaBundle['name'], dir)))
    : buildLambdas(dir)
  ).then(
    (built) => {
      for (const b of built) {
        console.log(
          `${b.name}: ${(b.bytes / 1024).toFixed(1)} KiB (${(b.gzipBytes / 1024).toFixed(1)} KiB gzipped) -> ${b.outfile}`,
        );
      }
    },
    (error: unknown) => {
      console.error(`build failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
