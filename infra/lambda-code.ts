// Each Lambda's code asset: the esbuild bundle (tools/build.ts) and the deployment's config beside it, read at
// cold start from SAGEBUILD_CONFIG. Staged as plain files in <bundles>/staged/, named after their content, so
// no Docker is ever needed and the asset hash (from the folder's content) changes with the config.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { LambdaBundle } from '../tools/build';

export const CONFIG_FILE = 'sagebuild.config.json';
/** Where the config lands in the function: its code is unpacked in /var/task. */
export const DEPLOYED_CONFIG_PATH = `/var/task/${CONFIG_FILE}`;

export function lambdaCode(bundlesDir: string, name: LambdaBundle['name'], configJson: string): Code {
  const bundle = join(bundlesDir, name, 'index.js');
  if (!existsSync(bundle)) {
    throw new Error(`No Lambda bundle at ${bundle}: run npm run build (infra/app.ts does) first.`);
  }
  const code = readFileSync(bundle);
  const hash = createHash('sha256').update(code).update(configJson).digest('hex').slice(0, 16);
  const staging = join(bundlesDir, 'staged');
  const dir = join(staging, `${name}-${hash}`);
  if (!existsSync(dir)) {
    // Older stagings of this function are stale; CDK copies the current one into the cloud assembly.
    if (existsSync(staging)) {
      for (const old of readdirSync(staging).filter((d) => d.startsWith(`${name}-`))) {
        rmSync(join(staging, old), { recursive: true, force: true });
      }
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.js'), code);
    writeFileSync(join(dir, CONFIG_FILE), configJson);
  }
  return Code.fromAsset(dir);
}
