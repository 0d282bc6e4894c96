// Bundles a Lambda handler into one self-contained file with esbuild: nothing from node_modules is needed at
// run time. `module` before `main` picks the ES builds, which tree-shake (the two AWS SDK clients alone: about
// 330 KiB instead of 880). Credentials come from Lambda's environment only (tools/lambda-credentials.ts). The
// metafile next to the bundle says what takes the room. Library files the handler can never reach are left out
// (tools/unreachable.ts): the AWS SDK's event streams in every bundle, and whatever `options.unreachable` adds.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { PLUGIN_NAME, SDK_UNREACHABLE, unreachablePlugin, type Unreachable } from './unreachable';

export interface BundleResult {
  outfile: string;
  bytes: number;
  gzipBytes: number;
  metafile: Metafile;
  /** Where the metafile was written (next to the bundle); esbuild.github.io/analyze reads it. */
  metafilePath: string;
}

export interface BundleOptions {
  /** Library files this handler never reaches, beyond SDK_UNREACHABLE: left out, loudly (tools/unreachable.ts). */
  unreachable?: readonly Unreachable[];
  /**
   * 'external': only our code is bundled, and node_modules are required at run time from beside the output
   * (bench/cold.ts compares that with the bundle). Nothing is left out then.
   */
  packages?: 'external';
}

export async function bundleLambda(
  entry: string,
  outfile: string,
  metafilePath: string = outfile.replace(/\.[cm]?js$/, '') + '.meta.json',
  options: BundleOptions = {},
): Promise<BundleResult> {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    mainFields: ['module', 'main'],
    alias: { '@aws-sdk/credential-provider-node': join(__dirname, 'lambda-credentials.ts') },
    legalComments: 'none',
    ...(options.packages === 'external'
      ? { packages: 'external' as const }
      : { plugins: [unreachablePlugin([...SDK_UNREACHABLE, ...(options.unreachable ?? [])])] }),
    metafile: true,
    logLevel: 'warning',
  });
  // esbuild does not print what plugins report at the end of a build.
  for (const warning of result.warnings.filter((w) => w.pluginName === PLUGIN_NAME)) {
    console.warn(`bundle ${entry}: ${warning.text}`);
  }
  mkdirSync(dirname(metafilePath), { recursive: true });
  writeFileSync(metafilePath, JSON.stringify(result.metafile));
  const code = readFileSync(outfile);
  return {
    outfile,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    metafile: result.metafile,
    metafilePath,
  };
}

// `tsx tools/bundle.ts <entry> <outfile>`: the same bundle of any entry from a shell, with the defaults only (the
// deployed Lambdas are built by tools/build.ts, with what each leaves out).
if (require.main === module) {
  const [entry, outfile] = process.argv.slice(2);
  if (!entry || !outfile) {
    console.error('usage: tsx tools/bundle.ts <entry.ts> <outfile.js>');
    process.exit(2);
  }
  bundleLambda(entry, outfile).then(
    (r) =>
      console.log(
        `${r.outfile}: ${(r.bytes / 1024).toFixed(1)} KiB (${(r.gzipBytes / 1024).toFixed(1)} KiB gzipped)`,
      ),
    (error: unknown) => {
      console.error(`bundle failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
