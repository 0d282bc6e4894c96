// Bundles a Lambda handler into one self-contained file with esbuild: nothing from node_modules is needed at
// run time. `module` before `main` picks the ES builds, which tree-shake (the two AWS SDK clients alone: about
// 330 KiB instead of 880). Credentials come from Lambda's environment only (tools/lambda-credentials.ts). The
// metafile next to the bundle says what takes the room.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

export interface BundleResult {
  outfile: string;
  bytes: number;
  gzipBytes: number;
  metafile: Metafile;
  /** Where the metafile was written (next to the bundle); esbuild.github.io/analyze reads it. */
  metafilePath: string;
}

export async function bundleLambda(
  entry: string,
  outfile: string,
  metafilePath: string = outfile.replace(/\.[cm]?js$/, '') + '.meta.json',
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
    metafile: true,
    logLevel: 'warning',
  });
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

// `tsx tools/bundle.ts <entry> <outfile>`: the same bundle from a shell (the ASK CLI build hook).
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
