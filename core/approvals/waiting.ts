// Which builds wait at an approval gate now: the pipeline's running builds (one small ListExecutions page), one
// newest-first page of each one's history (a waiting task's events are the newest), and who started it.

import type { ExecutionListItem, HistoryEvent } from '@aws-sdk/client-sfn';
import {
  describeExecution,
  historyUntil,
  listExecutions,
  recentHistory,
  type BuildContext,
} from '../builds/context';
import { parseObject, startedByOf } from '../builds/history';
import type { ApprovalFact } from './facts';
import { approverNames } from './approvers';
import { qualityGateIn, readGates, type GateReading } from './gates';

/** Running builds looked at: a pipeline rarely has more than one, and answers must stay bounded. */
const RUNNING_PAGE = 10;
/** Newest events read per build: a waiting gate's TaskScheduled is among the last few, Parallel branches aside. */
const HISTORY_PAGE = 50;

/** A gate with its token: stays inside the core, never reaches a front. */
export interface FoundGate {
  fact: ApprovalFact;
  gate: GateReading;
}

export interface BuildRef {
  executionArn: string;
  name: string;
  startDate: Date;
  running: boolean;
}

export function buildRefOf(item: ExecutionListItem): BuildRef {
  return {
    executionArn: item.executionArn ?? '',
    name: item.name ?? '',
    startDate: item.startDate ?? new Date(0),
    running: (item.status ?? 'RUNNING') === 'RUNNING',
  };
}

/** Every gate open now in the pipeline, newest build first. */
export async function openGates(ctx: BuildContext): Promise<FoundGate[]> {
  const running = await listExecutions(ctx, RUNNING_PAGE, 'RUNNING');
  const perBuild = await Promise.all(running.map((item) => gatesOf(ctx, buildRefOf(item))));
  return perBuild.flat().filter((found) => !found.gate.end);
}

/**
 * The gates of one build, newest first (open or not): from its newest history page, or, with `searchBack`, from
 * as many pages back (bounded) as it takes to find one: a build that went on after its gate (the endpoint's
 * polling loop) soon has hundreds of newer events.
 */
export async function gatesOf(
  ctx: BuildContext,
  build: BuildRef,
  options: { searchBack?: boolean } = {},
): Promise<FoundGate[]> {
  let events: HistoryEvent[];
  if (options.searchBack) {
    events = [];
    await historyUntil(ctx, build.executionArn, (page) => {
      events.push(...page);
      return readGates(events).length > 0;
    });
  } else {
    events = await recentHistory(ctx, build.executionArn, HISTORY_PAGE);
  }
  const gates = readGates(events).filter((gate) => build.running || gate.end);
  if (gates.length === 0) return [];
  const startedBy = startedByIn(events) ?? (await startedByOfBuild(ctx, build.executionArn));
  return gates.map((gate) => {
    const fact: ApprovalFact = {
      pipeline: ctx.pipeline.name,
      build: build.name,
      executionArn: build.executionArn,
      stateName: gate.stateName,
      startedAt: build.startDate,
      waitingSince: gate.waitingSince,
      approvers: approverNames(ctx.pipeline),
    };
    if (startedBy) fact.startedBy = startedBy;
    if (gate.timeoutSeconds !== undefined) {
      fact.closesAt = new Date(gate.waitingSince.getTime() + gate.timeoutSeconds * 1000);
    }
    const quality = qualityGateIn(gate.input);
    if (quality) fact.qualityGate = quality;
    return { fact, gate };
  });
}

function startedByIn(events: HistoryEvent[]): ApprovalFact['startedBy'] {
  const started = events.find((event) => event.type === 'ExecutionStarted');
  const input = started?.executionStartedEventDetails?.input;
  return input ? startedByOf(parseObject(input)) : undefined;
}

async function startedByOfBuild(ctx: BuildContext, executionArn: string): Promise<ApprovalFact['startedBy']> {
  const described = await describeExecution(ctx, executionArn);
  return startedByOf(parseObject(described.input));
}
