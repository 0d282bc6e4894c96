// The recent builds as `list` shows them: each with who started it and the step it is in or ended in. One
// newest page of each build's history (kept once the build has finished, so a second list reads nothing
// again), asked at the same time, each within the answer's budget: a build whose page is late is listed
// without its step rather than holding up the list.

import type { ExecutionListItem } from '@aws-sdk/client-sfn';
import { definitionFor } from '../machine/definition';
import { machineRoles } from '../machine/roles';
import { roleLabel } from '../wording/steps';
import { describeExecution, newestHistory, summaryOf, type BuildContext } from './context';
import type { ListedBuild, StartedBy } from './facts';
import { parseObject, readHistory, startedByOf, type HistoryReading } from './history';
import { inTime, UnknownParts } from './in-time';

export async function listedBuild(ctx: BuildContext, item: ExecutionListItem): Promise<ListedBuild> {
  const build: ListedBuild = summaryOf(ctx.pipeline.name, item);
  const unknown = new UnknownParts();
  const events = await inTime(ctx, unknown, undefined, () => newestHistory(ctx, item));
  const reading = readHistory(events ?? []);
  const stepName =
    build.status === 'SUCCEEDED' ? undefined : (reading.failure?.step ?? reading.current?.name);
  if (stepName) {
    const machine = await inTime(ctx, unknown, undefined, () =>
      definitionFor(ctx, build.executionArn, reading.entered),
    );
    const role = machine ? machineRoles(machine).get(stepName) : undefined;
    build.stepLabel = roleLabel(role ?? reading.currentTask?.role, stepName);
  }
  const startedBy = await whoStarted(ctx, reading, build.executionArn);
  if (startedBy) build.startedBy = startedBy;
  return build;
}

/** Who started a build: from its history page, else its input (DescribeExecution), within the budget. */
export async function whoStarted(
  ctx: BuildContext,
  reading: HistoryReading,
  executionArn: string,
): Promise<StartedBy | undefined> {
  return (
    reading.startedBy ??
    inTime(ctx, new UnknownParts(), undefined, async () =>
      startedByOf(parseObject((await describeExecution(ctx, executionArn)).input)),
    )
  );
}
