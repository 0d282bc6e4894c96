// The first start of each pipeline in this process says what will make the next build fail (names SageMaker
// needs new each build, taken from fixed values). Later starts say nothing more. The definition comes from the
// cached reader (core/machine/definition.ts), so a start and the status questions after it share one read.

import type { SFNClient } from '@aws-sdk/client-sfn';
import type { BuildContext } from '../builds/context';
import type { StartWarning } from '../builds/facts';
import { currentDefinition } from './definition';
import { fixedNameFindings } from './fixed-names';

// Keyed by the SageBuild instance's client, so each instance (each Lambda cold start) checks once.
const checked = new WeakMap<SFNClient, Set<string>>();

/** Warnings for the pipeline's first start in this SageBuild; [] afterwards, and when nothing is wrong. */
export async function firstStartWarnings(ctx: BuildContext): Promise<StartWarning[]> {
  const seen = checked.get(ctx.sfn) ?? new Set<string>();
  checked.set(ctx.sfn, seen);
  const key = `${ctx.pipeline.name}\n${ctx.pipeline.stateMachineArn}`;
  if (seen.has(key)) return [];
  seen.add(key);
  // Undefined when the machine can't be described: a warning is never worth failing a start.
  const definition = await currentDefinition(ctx);
  const findings = definition === undefined ? [] : fixedNameFindings(definition, ctx.pipeline.defaultInput);
  return findings.length > 0 ? [{ kind: 'fixed-names', findings }] : [];
}
