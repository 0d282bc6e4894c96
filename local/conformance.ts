// Counts what our strict stand-ins (fake Slack, local SageMaker, local Step Functions) held to the real
// services' rules, and what they refused, so a suite run can say how much it checked.
// With SAGEBUILD_CONFORMANCE_LOG naming a file, the counts are appended there as one JSON line: at exit in a
// plain process, after each test file under jest (test/support/conformance-report.ts).

import { appendFileSync } from 'node:fs';

const counts = new Map<string, number>();
let reporting = false;

/** One more `what` checked, e.g. "slack: block kit payloads" or "sagemaker: requests refused". */
export function countChecked(what: string, n = 1): void {
  counts.set(what, (counts.get(what) ?? 0) + n);
  if (process.env.SAGEBUILD_CONFORMANCE_LOG && !reporting && process.env.JEST_WORKER_ID === undefined) {
    reporting = true;
    process.once('exit', writeCheckedCounts);
  }
}

export function checkedCounts(): Record<string, number> {
  return Object.fromEntries(counts);
}

/** Appends the counts so far to SAGEBUILD_CONFORMANCE_LOG, once, and starts counting afresh. */
export function writeCheckedCounts(): void {
  const log = process.env.SAGEBUILD_CONFORMANCE_LOG;
  if (!log || counts.size === 0) return;
  try {
    appendFileSync(log, `${JSON.stringify(Object.fromEntries(counts))}\n`);
  } catch {
    // Counting is a report, never a reason to fail a run.
  }
  counts.clear();
}
