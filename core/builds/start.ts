// Starting a build: authorized, idempotent (the execution name comes from the request's key), and never a
// silent second build while one is running, even when two people press start at the same moment.
//
// ListExecutions is eventually consistent and StartExecution can be slow, so "nothing running" is not enough:
// each start first claims the pipeline (core/claims) under its build's name. A second start within the
// claim's time is told which build is starting; a retry of the same request holds the same claim. A start
// whose answer does not come in time keeps its claim (it may have started) and says so: StartOutcomeUnknown.

import { StartExecutionCommand, type ExecutionListItem } from '@aws-sdk/client-sfn';
import { callAws } from '../aws/translate-error';
import {
  START_CLAIM_TTL_MS,
  type ClaimOutcome,
  type StartClaim,
  type StartClaims,
} from '../claims/start-claims';
import { assertAllowed } from '../config/authorize';
import {
  AwsUnavailable,
  BuildAlreadyRunning,
  BuildAlreadyStarting,
  isSageBuildError,
  StartOutcomeUnknown,
} from '../errors';
import { requestLog } from '../log/request';
import {
  describeExecution,
  listExecutions,
  rethrowMissingMachine,
  stopExecution,
  type BuildContext,
} from './context';
import type { Requester, StartResult } from './facts';
import { firstStartWarnings } from '../machine/first-start-check';
import { executionArnFor, executionName } from './names';
import { buildInput } from './overrides';

export interface StartRequest {
  overrides?: Record<string, string>;
  requester: Requester;
  /** Derived by the front from the request (Slack trigger id, Alexa request id): a retry reuses it. */
  idempotencyKey: string;
}

const RUNNING_PAGE = 10;
/** A claim's release is one small write: a few milliseconds, this at most. */
const RELEASE_MS = 500;

export async function startBuild(
  ctx: BuildContext,
  request: StartRequest,
  claims: StartClaims,
): Promise<StartResult> {
  const { pipeline } = ctx;
  assertAllowed(pipeline, 'start', request.requester);
  const name = executionName(pipeline.name, request.idempotencyKey);
  const overrides = request.overrides ?? {};
  const input = buildInput(pipeline.defaultInput, overrides, pipeline.allowedInputKeys, name, pipeline.name);
  input.startedBy = startedBy(request.requester);
  const executionArn = executionArnFor(pipeline.stateMachineArn, name);

  const claim = await claimPipeline(ctx, claims, name);
  try {
    const running = await listExecutions(ctx, RUNNING_PAGE, 'RUNNING');
    const same = running.find((e) => e.name === name);
    if (same) return result(ctx, executionArn, name, same.startDate ?? ctx.now(), false);
    const other = running[0];
    if (other) throw alreadyRunning(ctx, other);
  } catch (error) {
    // Nothing was asked of Step Functions yet: the claim must not block the next start.
    await claim.release();
    throw error;
  }
  let startedAt: Date;
  try {
    const started = await callAws('Step Functions', 'states:StartExecution', () =>
      ctx.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: pipeline.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
        { abortSignal: ctx.signal },
      ),
    );
    startedAt = started.startDate ?? ctx.now();
  } catch (error) {
    // The same request came back after its build finished: report that build, start nothing.
    if ((error as Error).name === 'ExecutionAlreadyExists') {
      await claim.release();
      const existing = await describeExecution(ctx, executionArn);
      return result(ctx, executionArn, name, existing.startDate ?? ctx.now(), false);
    }
    // The request went out and no answer came back: the build may be starting. Keep the claim, and say so.
    if (mayHaveStarted(error)) throw new StartOutcomeUnknown(pipeline.name, name, executionArn);
    await claim.release();
    return rethrowMissingMachine(ctx, error);
  }
  await yieldToEarlierStart(ctx, name, executionArn);
  const warnings = await firstStartWarnings(ctx);
  return { ...result(ctx, executionArn, name, startedAt, true), ...(warnings.length ? { warnings } : {}) };
}

interface HeldClaim {
  release(): Promise<void>;
}

/**
 * Claims the pipeline for `name`, or says which build holds it. A claims store that cannot be reached does not
 * stop people from starting builds: the start goes on with ListExecutions as its only guard, and a log line says so.
 */
async function claimPipeline(ctx: BuildContext, claims: StartClaims, name: string): Promise<HeldClaim> {
  const key = ctx.pipeline.stateMachineArn;
  const claim = (replacing?: string) =>
    claims.claim(key, name, START_CLAIM_TTL_MS, { replacing, signal: ctx.signal });
  let outcome: ClaimOutcome;
  try {
    outcome = await claim();
    if (!outcome.taken && (await holderFinished(ctx, outcome.heldBy))) {
      outcome = await claim(outcome.heldBy.holder);
    }
  } catch (error) {
    if (isSageBuildError(error)) throw error;
    requestLog().warn('start claim unavailable: starting with ListExecutions as the only guard', { error });
    return { release: async () => undefined };
  }
  if (!outcome.taken) {
    throw new BuildAlreadyStarting(ctx.pipeline.name, outcome.heldBy.holder, outcome.heldBy.claimedAt);
  }
  return {
    // Its own short deadline, not the answer's: a start given up for lack of time must still give its claim back.
    release: () =>
      claims.release(key, name, AbortSignal.timeout(RELEASE_MS)).catch((error: unknown) => {
        // It runs out on its own within a minute.
        requestLog().warn('start claim not released', { error });
      }),
  };
}

/**
 * Whether the claim's build is over (a build that failed in seconds must not block the next start for the
 * claim's minute). Running: that build is the answer. Not found yet, or no answer: it is still starting.
 */
async function holderFinished(ctx: BuildContext, claim: StartClaim): Promise<boolean> {
  const executionArn = executionArnFor(ctx.pipeline.stateMachineArn, claim.holder);
  const described = await describeExecution(ctx, executionArn).catch(() => undefined);
  if (described?.status === 'RUNNING') {
    throw new BuildAlreadyRunning(
      ctx.pipeline.name,
      executionArn,
      claim.holder,
      described.startDate ?? claim.claimedAt,
    );
  }
  return described !== undefined;
}

/**
 * Whether a failed StartExecution may still have started the build: no answer in time (our timeout or the
 * answer's budget), or a server error after the request arrived. Throttling and refusals mean it did not;
 * connection failures are taken to mean so too (almost always the connection never opened).
 */
function mayHaveStarted(error: unknown): boolean {
  if (!(error instanceof AwsUnavailable)) return false;
  return error.reason === 'timeout' || error.reason === 'server-error';
}

/**
 * Two starts can both see "nothing running" and both start (without a shared claim, or once one ran out).
 * Each then looks again: every running build but the earliest (ties broken by name, so both sides agree)
 * stops itself and reports the other. This build has started: a look that fails leaves it running, reported.
 */
async function yieldToEarlierStart(ctx: BuildContext, name: string, executionArn: string): Promise<void> {
  let running: ExecutionListItem[];
  try {
    running = await listExecutions(ctx, RUNNING_PAGE, 'RUNNING');
  } catch (error) {
    requestLog().warn('started, but could not look for a start at the same moment', { error });
    return;
  }
  const winner = [...running].sort(byStartThenName)[0];
  if (!winner || winner.name === name || !running.some((e) => e.name === name)) return;
  await stopExecution(ctx, executionArn, 'DuplicateBuild', `${winner.name} started at the same moment.`);
  throw alreadyRunning(ctx, winner);
}

function byStartThenName(a: ExecutionListItem, b: ExecutionListItem): number {
  const byStart = (a.startDate?.getTime() ?? 0) - (b.startDate?.getTime() ?? 0);
  return byStart || (a.name ?? '').localeCompare(b.name ?? '');
}

function alreadyRunning(ctx: BuildContext, other: ExecutionListItem): BuildAlreadyRunning {
  return new BuildAlreadyRunning(
    ctx.pipeline.name,
    other.executionArn ?? '',
    other.name ?? '',
    other.startDate ?? ctx.now(),
  );
}

function startedBy(requester: Requester): { id: string; displayName?: string } {
  return requester.displayName
    ? { id: requester.id, displayName: requester.displayName }
    : { id: requester.id };
}

function result(
  ctx: BuildContext,
  executionArn: string,
  name: string,
  startedAt: Date,
  created: boolean,
): StartResult {
  return { pipeline: ctx.pipeline.name, executionArn, name, startedAt, created };
}
