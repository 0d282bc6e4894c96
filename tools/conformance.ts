// `npm run conformance`: runs the test suite and prints how much our strict stand-ins checked against the
// real services' rules (Block Kit payloads, SageMaker requests, history events) and how much they refused.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'sagebuild-conformance-'));
const log = join(dir, 'counts.jsonl');
const run = spawnSync('npx', ['jest', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, SAGEBUILD_CONFORMANCE_LOG: log },
});
const totals = new Map<string, number>();
let text = '';
try {
  text = readFileSync(log, 'utf8');
} catch {
  // No stand-in counted anything.
}
for (const line of text.split('\n').filter(Boolean)) {
  for (const [what, n] of Object.entries(JSON.parse(line) as Record<string, number>)) {
    totals.set(what, (totals.get(what) ?? 0) + n);
  }
}
rmSync(dir, { recursive: true, force: true });
console.log('\nWhat the strict stand-ins checked in this run:');
for (const [what, n] of [...totals].sort()) console.log(`  ${what.padEnd(48)} ${n}`);
process.exit(run.status ?? 1);
