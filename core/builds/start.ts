// Starting a build: authorized, idempotent (the execution name comes from the request's key), and never a
// silent second build while one is running.

import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { callAws } from '../aws/translate-error';
import { assertAllowed } from '../config/authorize';
import { BuildAlreadyRunning } from '../errors';
import { describeExecution, listExecutions, rethrowMissingMachine, type BuildContext } from './context';
import type { Requester, StartResult } from './facts';
import { executionArnFor, executionName } from './names';
import { applyOverrides } from './overrides';

export interface StartRequest {
  overrides?: Record<string, string>;
  requester: Requester;
  /** Derived by the front from the request (Slack trigger id, Alexa request id): a retry reuses it. */
  idempotencyKey: string;
}

export async function startBuild(ctx: BuildContext, request: StartRequest): Promise<StartResult> {
  const { pipeline } = ctx;
  assertAllowed(pipeline, 'start', request.requester);
  const input = applyOverrides(pipeline.defaultInput, request.overrides ?? {}, pipeline.allowedInputKeys);
  input.startedBy = startedBy(request.requester);
  const name = executionName(pipeline.name, request.idempotencyKey);
  const executionArn = executionArnFor(pipeline.stateMachineArn, name);

  const running = await listExecutions(ctx, 10, 'RUNNING');
  const same = running.find((e) => e.name === name);
  if (same) return result(ctx, executionArn, name, same.startDate ?? ctx.now(), false);
  const other = running[0];
  if (other) {
    throw new BuildAlreadyRunning(
      pipeline.name,
      other.executionArn ?? '',
      other.name ?? '',
      other.startDate ?? ctx.now(),
    );
  }
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
    return result(ctx, started.executionArn ?? executionArn, name, started.startDate ?? ctx.now(), true);
  } catch (error) {
    // The same request came back after its build finished: report that build, start nothing.
    if ((error as Error).name === 'ExecutionAlreadyExists') {
      const existing = await describeExecution(ctx, executionArn);
      return result(ctx, executionArn, name, existing.startDate ?? ctx.now(), false);
    }
    return rethrowMissingMachine(ctx, error);
  }
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
