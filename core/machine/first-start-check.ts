// The first start of each pipeline in this process reads the state machine's definition once and says what
// will make the next build fail (names SageMaker needs new each build, taken from fixed values). Later starts
// say nothing more. A stand-in until the machine's definition has a cached reader of its own; then only
// `readDefinition` changes.

import { DescribeStateMachineCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { callAws } from '../aws/translate-error';
import type { BuildContext } from '../builds/context';
import type { StartWarning } from '../builds/facts';
import { fixedNameFindings } from './fixed-names';
import { parseDefinition } from './input-flow';

// Keyed by the SageBuild instance's client, so each instance (each Lambda cold start) checks once.
const checked = new WeakMap<SFNClient, Set<string>>();

/** Warnings for the pipeline's first start in this SageBuild; [] afterwards, and when nothing is wrong. */
export async function firstStartWarnings(ctx: BuildContext): Promise<StartWarning[]> {
  const seen = checked.get(ctx.sfn) ?? new Set<string>();
  checked.set(ctx.sfn, seen);
  const key = `${ctx.pipeline.name}\n${ctx.pipeline.stateMachineArn}`;
  if (seen.has(key)) return [];
  seen.add(key);
  const definition = await readDefinition(ctx);
  const findings = definition === undefined ? [] : fixedNameFindings(definition, ctx.pipeline.defaultInput);
  return findings.length > 0 ? [{ kind: 'fixed-names', findings }] : [];
}

/** The parsed definition, or undefined when it can't be read: a warning is never worth failing a start. */
async function readDefinition(ctx: BuildContext): Promise<unknown> {
  try {
    const { definition } = await callAws('Step Functions', 'states:DescribeStateMachine', () =>
      ctx.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: ctx.pipeline.stateMachineArn }), {
        abortSignal: ctx.signal,
      }),
    );
    return parseDefinition(definition);
  } catch {
    return undefined;
  }
}
