// Counts what our strict stand-ins (fake Slack, local SageMaker, local Step Functions) held to the real
// services' rules, and what they refused, so a suite run can say how much it checked.
// With SAGEBUILD_CONFORMANCE_LOG naming a file, each process appends its counts there as one JSON line at exit.

import { appendFileSync } from 'node:fs';

const counts = new Map<string, number>();
let reporting = false;

/** One more `what` checked, e.g. "slack: block kit payloads" or "sagemaker: requests refused". */
export function countChecked(what: string, n = 1): void {
  counts.set(what, (counts.get(what) ?? 0) + n);
  const log = process.env.SAGEBUILD_CONFORMANCE_LOG;
  if (log && !reporting) {
    reporting = true;
    process.once('exit', () => {
      try {
        appendFileSync(log, `${JSON.stringify(Object.fromEntries(counts))}\n`);
      } catch {
        // Counting is a report, never a reason to fail a run.
      }
    });
  }
}

export function checkedCounts(): Record<string, number> {
  return Object.fromEntries(counts);
}
