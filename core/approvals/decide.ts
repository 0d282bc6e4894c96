// Approve or reject the gate a build waits at. Only approvers; one decision per gate however many arrive at
// once (a claim first, then SendTaskSuccess / SendTaskFailure with the token from the history); a gate that has
// closed or was decided changes nothing and the result says so, with who decided and when.

import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { callAws } from '../aws/translate-error';
import { describeExecution, listExecutions, type BuildContext } from '../builds/context';
import type { Requester } from '../builds/facts';
import { executionArnFor } from '../builds/names';
import {
  DECISION_CLAIM_TTL_MS,
  decisionClaimHolder,
  decisionClaimKey,
  decisionOfHolder,
} from '../claims/decision-claims';
import type { StartClaims } from '../claims/start-claims';
import { BuildNotFound, NoApprovalWaiting } from '../errors';
import { assertApprover } from './approvers';
import { MAX_REASON_CHARS, REJECTED_ERROR, writeDecision } from './decision-record';
import type { DecisionResult } from './facts';
import { buildRefOf, gatesOf, openGates, type BuildRef, type FoundGate } from './waiting';

export interface DecisionRequest {
  decision: 'approved' | 'rejected';
  requester: Requester;
  /** A build name or execution ARN; none: the pipeline's newest waiting build. */
  build?: string;
  reason?: string;
}

/** Step Functions' answers for a token whose task is over (or unknown): the gate is no longer open. */
const GATE_OVER = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

export async function decide(
  ctx: BuildContext,
  claims: StartClaims,
  request: DecisionRequest,
): Promise<DecisionResult> {
  // Who may decide comes first: a refused person learns nothing about the gate and changes nothing.
  assertApprover(ctx.pipeline, request.requester);
  const found = await gateToDecide(ctx, request.build);
  if (found.gate.end) return settled(found);
  // A state that waits without handing out its token ($$.Task.Token) can only be decided by whoever has it.
  if (!found.gate.token) throw new NoApprovalWaiting(ctx.pipeline.name, request.build ?? found.fact.build);

  const key = decisionClaimKey(found.fact.executionArn, found.gate.scheduledEventId);
  const holder = decisionClaimHolder(request.decision);
  const claim = await claims.claim(key, holder, DECISION_CLAIM_TTL_MS, { signal: ctx.signal });
  if (!claim.taken) {
    // Someone else's decision is on its way or made: the history says whose, once it is recorded.
    const again = await reread(ctx, found);
    if (again.gate.end) return settled(again);
    return {
      outcome: 'already-decided',
      approval: again.fact,
      decision: decisionOfHolder(claim.heldBy.holder),
    };
  }

  const decidedAt = ctx.now();
  const reason = request.reason?.replace(/\s+/g, ' ').trim().slice(0, MAX_REASON_CHARS) || undefined;
  const record = writeDecision({
    decision: request.decision,
    decidedBy: request.requester,
    decidedAt,
    reason,
  });
  try {
    await send(ctx, found.gate.token, request.decision, record);
  } catch (error) {
    if (GATE_OVER.has((error as Error).name)) return settled(await reread(ctx, found));
    // The outcome is unknown (e.g. no answer in time): let a retry claim again; Step Functions decides once.
    await claims.release(key, holder).catch(() => undefined);
    throw error;
  }
  const result: DecisionResult = {
    outcome: request.decision,
    approval: found.fact,
    decidedBy: request.requester,
    decidedAt,
  };
  if (reason) result.reason = reason;
  return result;
}

/**
 * How a build's gate ended, for a card to say so (who decided and when, or that it closed): read from the
 * history, deciding nothing. Undefined while the gate is still open.
 */
export async function gateOutcome(ctx: BuildContext, build: string): Promise<DecisionResult | undefined> {
  const found = await gateToDecide(ctx, build);
  return found.gate.end ? settled(found) : undefined;
}

async function send(
  ctx: BuildContext,
  taskToken: string,
  decision: 'approved' | 'rejected',
  record: string,
): Promise<void> {
  if (decision === 'approved') {
    await callAws('Step Functions', 'states:SendTaskSuccess', () =>
      ctx.sfn.send(new SendTaskSuccessCommand({ taskToken, output: record }), { abortSignal: ctx.signal }),
    );
    return;
  }
  await callAws('Step Functions', 'states:SendTaskFailure', () =>
    ctx.sfn.send(new SendTaskFailureCommand({ taskToken, error: REJECTED_ERROR, cause: record }), {
      abortSignal: ctx.signal,
    }),
  );
}

/**
 * The gate a request means: the named build's newest gate, else the pipeline's newest open gate, else the
 * latest build's newest gate if it has one (so a second click learns the first decided). None: NoApprovalWaiting.
 */
async function gateToDecide(ctx: BuildContext, build: string | undefined): Promise<FoundGate> {
  if (build !== undefined) {
    const gates = await gatesOf(ctx, await buildRef(ctx, build), { searchBack: true });
    const open = gates.find((found) => !found.gate.end);
    const newest = open ?? gates[0];
    if (!newest) throw new NoApprovalWaiting(ctx.pipeline.name, build);
    return newest;
  }
  const open = await openGates(ctx);
  if (open[0]) return open[0];
  const [latest] = await listExecutions(ctx, 1);
  const decided = latest ? (await gatesOf(ctx, buildRefOf(latest), { searchBack: true }))[0] : undefined;
  if (!decided) throw new NoApprovalWaiting(ctx.pipeline.name);
  return decided;
}

async function buildRef(ctx: BuildContext, build: string): Promise<BuildRef> {
  const executionArn = build.startsWith('arn:')
    ? build
    : executionArnFor(ctx.pipeline.stateMachineArn, build);
  if (!executionArn.startsWith(ctx.pipeline.stateMachineArn.replace(':stateMachine:', ':execution:') + ':')) {
    throw new BuildNotFound(ctx.pipeline.name, build);
  }
  const described = await describeExecution(ctx, executionArn).catch((error: unknown) => {
    if ((error as Error).name === 'ExecutionDoesNotExist') throw new BuildNotFound(ctx.pipeline.name, build);
    throw error;
  });
  return {
    executionArn,
    name: described.name ?? build,
    startDate: described.startDate ?? new Date(0),
    running: described.status === 'RUNNING',
  };
}

/** The same gate, read again from the history. */
async function reread(ctx: BuildContext, found: FoundGate): Promise<FoundGate> {
  const ref = await buildRef(ctx, found.fact.executionArn);
  const gates = await gatesOf(ctx, ref, { searchBack: true });
  const same = gates.find((g) => g.gate.scheduledEventId === found.gate.scheduledEventId);
  if (same) return same;
  // The build ended and its gate is beyond the newest page: closed, as far as anyone can decide now.
  return { ...found, gate: { ...found.gate, end: { kind: 'aborted', at: ctx.now() } } };
}

/** The answer for a gate that is no longer open: decided (by whom, when, which way) or closed. */
function settled(found: FoundGate): DecisionResult {
  const end = found.gate.end;
  if (end?.kind === 'decided') {
    const result: DecisionResult = {
      outcome: 'already-decided',
      approval: found.fact,
      decision: end.record.decision,
      decidedBy: end.record.decidedBy,
      decidedAt: end.record.decidedAt,
    };
    if (end.record.reason) result.reason = end.record.reason;
    return result;
  }
  if (end?.kind === 'succeeded' || end?.kind === 'failed') {
    // Decided outside SageBuild (the team's own tooling): which way is all the history says.
    return {
      outcome: 'already-decided',
      approval: found.fact,
      decision: end.kind === 'succeeded' ? 'approved' : 'rejected',
      decidedAt: end.at,
    };
  }
  const result: DecisionResult = { outcome: 'closed', approval: found.fact };
  if (end) result.closedBecause = end.kind === 'timed-out' ? 'timed-out' : 'build-ended';
  return result;
}
