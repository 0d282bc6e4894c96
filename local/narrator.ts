// Narrates builds in the local console as they happen: started, each new step, and how they ended.
// Steps come from the local AWS's own history events, so watching costs no API calls; the sentences are
// the core's notices, the same ones a chat channel gets.

import type { BuildStatus } from '../core/builds/facts';
import { readableCause } from '../core/builds/failure-reason';
import { parseObject, startedByOf } from '../core/builds/history';
import { buildChangeNotice, stepNotice, type BuildChange } from '../core/wording/notices';
import { stepLabel } from '../core/wording/steps';
import type { ExecutionStatusChangeEvent } from './events';
import type { LocalAws } from './local-aws';

/** State types worth a line: the work, not the plumbing (Choice, Pass, Map iterations). */
const NARRATED = /^(Task|Wait|Succeed)StateEntered$/;
const MARKS: Record<string, string> = { RUNNING: '▶', SUCCEEDED: '✔', ABORTED: '■' };

export function narrateBuilds(
  local: LocalAws,
  pipelineOf: (arn: string) => string,
  print: (line: string) => void,
): () => void {
  const seenSteps = new Map<string, Set<string>>();
  const unsubscribeHistory = local.onHistoryEvent((execution, event) => {
    const name = event.stateEnteredEventDetails?.name as string | undefined;
    if (!name || !NARRATED.test(event.type) || execution.status !== 'RUNNING') return;
    const seen = seenSteps.get(execution.arn) ?? new Set<string>();
    seenSteps.set(execution.arn, seen);
    if (seen.has(name)) return; // the endpoint wait loop repeats: say each step once
    seen.add(name);
    print(`  ${stepNotice(pipelineOf(execution.stateMachineArn), execution.name, stepLabel(name))}`);
  });
  const unsubscribeEvents = local.events.subscribe((event) => {
    print(`${MARKS[event.detail.status] ?? '✖'} ${buildChangeNotice(changeOf(event, pipelineOf))}`);
    if (event.detail.status !== 'RUNNING') seenSteps.delete(event.detail.executionArn);
  });
  return () => {
    unsubscribeHistory();
    unsubscribeEvents();
  };
}

function changeOf(event: ExecutionStatusChangeEvent, pipelineOf: (arn: string) => string): BuildChange {
  const { name, status, startDate, stopDate, input, error, cause } = event.detail;
  const change: BuildChange = {
    pipeline: pipelineOf(event.detail.stateMachineArn),
    name,
    status: status as BuildStatus,
  };
  const startedBy = startedByOf(parseObject(input));
  if (startedBy) change.startedBy = startedBy;
  if (stopDate !== null) change.durationMs = stopDate - startDate;
  const reason = readableCause(cause ?? undefined) ?? error ?? undefined;
  if (reason && status !== 'SUCCEEDED') change.reason = reason;
  return change;
}
