// Starting a build: authorized, idempotent (the execution name comes from the request's key), and never a
// silent second build while one is running, even when two people press start at the same moment.

import { StartExecutionCommand, type ExecutionListItem } from '@aws-sdk/client-sfn';
import { callAws } from '../aws/translate-error';
import { assertAllowed } from '../config/authorize';
import { BuildAlreadyRunning } from '../errors';
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

export async function startBuild(ctx: BuildContext, request: StartRequest): Promise<StartResult> {
  const { pipeline } = ctx;
  assertAllowed(pipeline, 'start', request.requester);
  const name = executionName(pipeline.name, request.idempotencyKey);
  const overrides = request.overrides ?? {};
  const input = buildInput(pipeline.defaultInput, overrides, pipeline.allowedInputKeys, name);
  input.startedBy = startedBy(request.requester);
  const executionArn = executionArnFor(pipeline.stateMachineArn, name);

  const running = await listExecutions(ctx, RUNNING_PAGE, 'RUNNING');
  const same = running.find((e) => e.name === name);
  if (same) return result(ctx, executionArn, name, same.startDate ?? ctx.now(), false);
  const other = running[0];
  if (other) throw alreadyRunning(ctx, other);
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
      const existing = await describeExecution(ctx, executionArn);
      return result(ctx, executionArn, name, existing.startDate ?? ctx.now(), false);
    }
    return rethrowMissingMachine(ctx, error);
  }
  await yieldToEarlierStart(ctx, name, executionArn);
  const warnings = await firstStartWarnings(ctx);
  return { ...result(ctx, executionArn, name, startedAt, true), ...(warnings.length ? { warnings } : {}) };
}

/**
 * Two starts can both see "nothing running" and both start. Each then looks again: every running build
 * but the earliest (ties broken by name, so both sides agree) stops itself and reports the other.
 */
async function yieldToEarlierStart(ctx: BuildContext, name: string, executionArn: string): Promise<void> {
  const running = await listExecutions(ctx, RUNNING_PAGE, 'RUNNING');
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
