// Writes the skill package's per-locale interaction models: `npx tsx interaction-models/generate.ts`.
// The pipelines come from the config at SAGEBUILD_CONFIG (a deployment's own names), or, when it is unset, from
// the local reference pipelines (the committed files). `--check` writes nothing and exits 1 when a file differs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CONFIG_ENV, loadConfig } from '../core/config/load';
import { localPipelineNames, modelFiles, REPO_ROOT } from './files';

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function main(args: string[]): number {
  const check = args.includes('--check');
  const fromConfig = Boolean(process.env[CONFIG_ENV]?.trim());
  const pipelines = fromConfig ? loadConfig().pipelines : localPipelineNames();
  const source = fromConfig ? `${CONFIG_ENV}=${process.env[CONFIG_ENV]}` : 'the local reference pipelines';
  const stale = modelFiles(pipelines).filter(
    (file) => readOrEmpty(resolve(REPO_ROOT, file.path)) !== file.text,
  );
  if (check) {
    for (const file of stale) console.error(`out of date: ${file.path}`);
    if (stale.length > 0) console.error('Run `npx tsx interaction-models/generate.ts` to regenerate.');
    else console.log(`Interaction models are up to date (from ${source}).`);
    return stale.length > 0 ? 1 : 0;
  }
  for (const file of stale) {
    const path = resolve(REPO_ROOT, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text);
    console.log(`wrote ${file.path}`);
  }
  console.log(`${stale.length === 0 ? 'No changes' : `${stale.length} file(s) written`} (from ${source}).`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  // A bad config is an operator's fix: say what is wrong, without a stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
}
