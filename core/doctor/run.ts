// Runs groups of checks side by side, each with a deadline, so one slow service never holds up the others and
// the doctor never hangs. A group that throws or runs out of time becomes a failed line, never a stack trace.

import { fail, type Check } from './check';

export interface CheckGroup {
  /** The title of the line printed if the group fails as a whole. */
  title: string;
  run(signal: AbortSignal): Promise<Check[]>;
}

/** Starts every group now; the promises resolve in any order, each to its group's lines. */
export function startGroups(groups: readonly CheckGroup[], timeoutMs: number): Promise<Check[]>[] {
  return groups.map((group) => runGroup(group, timeoutMs));
}

async function runGroup(group: CheckGroup, timeoutMs: number): Promise<Check[]> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Check[]>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve([
        fail(
          group.title,
          `No answer within ${Math.round(timeoutMs / 1000)} s. Check your network, then run the doctor again.`,
        ),
      ]);
    }, timeoutMs);
  });
  const checks = group.run(controller.signal).catch((error: unknown) => {
    const e = error as { name?: string; message?: string };
    return [
      fail(group.title, `The check itself failed (${e.name ?? 'Error'}: ${e.message ?? String(error)}).`),
    ];
  });
  try {
    return await Promise.race([checks, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
