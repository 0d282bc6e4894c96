// "Why did it fail?", told against now: which build the answer is about, and how it relates to the latest
// one. A failure older than the latest build is said to be older ("The latest prod build succeeded an hour
// ago. The last failure was Sam's build 7 hours ago: ..."), never as if it were current.

import type { ExecutionListItem } from '@aws-sdk/client-sfn';
import { definitionFor } from '../machine/definition';
import { machineRoles } from '../machine/roles';
import { NoBuildsYet } from '../errors';
import { listExecutions, recentHistory, summaryOf, type BuildContext } from './context';
import type { BuildSummary, FailureFact, StartedBy } from './facts';
import { readHistory } from './history';
import { whoStarted } from './listed';
import { inTime, UnknownParts } from './in-time';
import { endpointLineage, type DeploymentCache } from './lineage';
import { failureFactOf } from './status';

/** A failure with who started its build and when, so an older one can be named by person and day. */
export interface DatedFailure extends FailureFact {
  startedAt: Date;
  startedBy?: StartedBy;
}

export interface WhyFact {
  pipeline: string;
  /** The build the question is about: the one named, else the pipeline's latest. */
  build: BuildSummary;
  /** True when the person named the build ("why did yesterday's fail"). */
  named: boolean;
  /** How `build` failed or was stopped, when it did. */
  failure?: DatedFailure;
  /** The newest real failure before `build` (among the recent ones), when `build` itself did not fail. */
  earlier?: DatedFailure;
  /** After a quality-gate failure: the build whose model the endpoint still serves. */
  /** The build whose model the endpoint serves, its start told in `timeZone` (the team's; UTC when unset). */
  stillServing?: { name: string; startedAt: Date; startedBy?: StartedBy; timeZone?: string };
}

/** The error a quality gate fails a build with (the reference pipeline's QualityGateFailed and the like). */
const QUALITY_GATE = /quality.?gate/i;
const ENDED_BADLY = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);
const FAILED = new Set(['FAILED', 'TIMED_OUT']);
/** Recent builds looked through for the last failure. */
const PAGE = 20;

/** Why `named` (else the latest build) ended as it did, and the last failure before it when it didn't fail. */
export async function whyFact(
  ctx: BuildContext,
  named?: BuildSummary,
  deployments?: DeploymentCache,
): Promise<WhyFact> {
  const recent = await listExecutions(ctx, PAGE);
  const build = named ?? (recent[0] ? summaryOf(ctx.pipeline.name, recent[0]) : undefined);
  if (!build) throw new NoBuildsYet(ctx.pipeline.name);
  const fact: WhyFact = { pipeline: ctx.pipeline.name, build, named: named !== undefined };
  if (ENDED_BADLY.has(build.status)) fact.failure = await datedFailure(ctx, build);
  if (fact.failure && QUALITY_GATE.test(fact.failure.error)) {
    // The gate kept the model out: which one serves instead is part of the answer, when it comes in time.
    const lineage = await inTime(ctx, new UnknownParts(), undefined, () => endpointLineage(ctx, deployments));
    const live = lineage?.endpoint ? lineage.live : undefined;
    if (live) {
      fact.stillServing = { name: live.name, startedAt: live.startedAt };
      if (live.startedBy) fact.stillServing.startedBy = live.startedBy;
      if (ctx.timeZone) fact.stillServing.timeZone = ctx.timeZone;
    }
  }
  if (fact.failure?.status === 'FAILED' || fact.failure?.status === 'TIMED_OUT') return fact;
  const before = recent.find(
    (e) => FAILED.has(e.status ?? '') && (e.startDate ?? new Date(0)) < build.startedAt,
  );
  if (before)
    fact.earlier = await datedFailure(ctx, summaryOf(ctx.pipeline.name, before as ExecutionListItem));
  return fact;
}

async function datedFailure(ctx: BuildContext, build: BuildSummary): Promise<DatedFailure> {
  const reading = readHistory(await recentHistory(ctx, build.executionArn));
  const machine = await definitionFor(ctx, build.executionArn, reading.entered);
  const failure = await failureFactOf(ctx, build, reading, machine ? machineRoles(machine) : undefined);
  const dated: DatedFailure = { ...failure, startedAt: build.startedAt };
  const startedBy = await whoStarted(ctx, reading, build.executionArn);
  if (startedBy) dated.startedBy = startedBy;
  return dated;
}
