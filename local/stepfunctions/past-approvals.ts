// Seeded past builds of a gated pipeline went through their gate: someone approved each one. While such a
// build replays, its gate is answered as soon as it opens, with a decision recorded as SageBuild records one,
// so the past history is one the real pipeline would have.

import { writeDecision } from '../../core/approvals/decision-record';
import type { Requester } from '../../core/builds/facts';
import { parseObject } from '../../core/builds/history';
import { tokenIn } from '../../core/approvals/gates';
import type { Clock } from '../clock';
import type { StepFunctionsService } from './service';

/** How often a replaying build is looked at for an open gate: replays run in a fraction of a second. */
const LOOK_EVERY_MS = 5;

/** Approves every gate `executionArn` reaches as `approver`, until the execution ends. */
export async function approveGatesWhileRunning(
  service: StepFunctionsService,
  executionArn: string,
  approver: Requester,
  clock: Clock,
): Promise<void> {
  const answered = new Set<string>();
  let finished = false;
  const done = service.waitFor(executionArn).finally(() => {
    finished = true;
  });
  while (!finished) {
    const events = service.getExecutionHistory({ executionArn, maxResults: 1000 }).events as {
      type: string;
      taskScheduledEventDetails?: { resource?: string; parameters?: string };
    }[];
    for (const event of events) {
      const details = event.taskScheduledEventDetails;
      if (event.type !== 'TaskScheduled' || !details?.resource?.endsWith('.waitForTaskToken')) continue;
      const token = tokenIn(parseObject(details.parameters));
      if (!token || answered.has(token)) continue;
      answered.add(token);
      const output = writeDecision({
        decision: 'approved',
        decidedBy: approver,
        decidedAt: new Date(clock.now()),
      });
      service.sendTaskSuccess({ taskToken: token, output });
    }
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS))]);
  }
  await done;
}
