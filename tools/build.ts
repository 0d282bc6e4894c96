// `npm run build`: one minified bundle per Lambda under dist/<name>/index.js (handler `index.handler`), with
// its esbuild metafile in dist/meta/<name>.meta.json, so each Lambda's asset folder holds only its code.

import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleLambda, type BundleResult } from './bundle';

const REPO = resolve(__dirname, '..');

export interface LambdaBundle {
  /** dist/<name>/index.js; also the CDK construct's name. */
  name: 'skill' | 'slack-bot' | 'notifier';
  /** The TypeScript entry, relative to the repository. */
  entry: string;
}

export const LAMBDAS: readonly LambdaBundle[] = [
  { name: 'skill', entry: 'skill/lambda.ts' },
  { name: 'slack-bot', entry: 'slack/lambda.ts' },
  { name: 'notifier', entry: 'slack/notifier-lambda.ts' },
];

export interface BuiltLambda extends BundleResult {
  name: LambdaBundle['name'];
  /** The folder to deploy: it holds index.js alone. */
  dir: string;
}

/** Bundles every Lambda into `outDir` (default: the repository's dist/). */
export async function buildLambdas(outDir: string = join(REPO, 'dist')): Promise<BuiltLambda[]> {
  return Promise.all(
    LAMBDAS.map(async ({ name, entry }) => {
      const dir = join(outDir, name);
      rmSync(dir, { recursive: true, force: true });
      const built = await bundleLambda(
        join(REPO, entry),
        join(dir, 'index.js'),
        join(outDir, 'meta', `${name}.meta.json`),
      );
      return { ...built, name, dir };
    }),
  );
}

if (require.main === module) {
  buildLambdas().then(
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
