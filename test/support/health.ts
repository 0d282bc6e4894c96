// Helpers for endpoint-health tests: a clock the local CloudWatch and the core share, which a test moves
// forward to let simulated traffic pass, and a finished deploy of a pipeline with a chosen serving behaviour.

import type { Clock } from '../../local/clock';
import { SageBuild } from '../../core/sagebuild';
import { localConfig } from '../../local/local-config';
import { newKey, tester, type LocalStack } from './local-stack';

export interface MovableClock extends Clock {
  /** Moves this clock `minutes` ahead of real time (on top of earlier moves). */
  advance(minutes: number): void;
}

export function movableClock(): MovableClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    fromReal: (realMs) => realMs + offset,
    advance(minutes) {
      offset += minutes * 60_000;
    },
  };
}

/** A core on the stack's pipelines whose "now" is `clock`. */
export function coreOnClock(stack: LocalStack, clock: Clock): SageBuild {
  return new SageBuild(localConfig(stack.pipelines, stack.local.region), {
    now: () => new Date(clock.now()),
  });
}

/** Runs a build of `pipeline` to the end; `simulate` sets the model's sagebuild_simulate behaviour. */
export async function deploy(stack: LocalStack, pipeline: string, simulate?: string): Promise<string> {
  const started = await stack.core.start({
    pipeline,
    requester: tester,
    idempotencyKey: newKey(),
    overrides: simulate ? { 'hyperparameters.sagebuild_simulate': simulate } : {},
  });
  await stack.local.stepFunctions.waitFor(started.executionArn);
  return started.name;
}
