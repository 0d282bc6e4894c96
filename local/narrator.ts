// Narrates builds in the local console as they happen: started, each new step, and how they ended.
// Steps come from the local AWS's own history events, so watching costs no API calls.

import { readableCause } from '../core/builds/failure-reason';
import { spokenDuration } from '../core/wording/duration';
import { stepLabel } from '../core/wording/steps';
import type { ExecutionStatusChangeEvent } from './events';
import type { LocalAws } from './local-aws';

/** State types worth a line: the work, not the plumbing (Choice, Pass, Map iterations). */
const NARRATED = /^(Task|Wait|Succeed)StateEntered$/;

export function narrateBuilds(
  local: LocalAws,
  pipelineOf: (arn: string) => string,
  print: (line: string) => void,
) {
  const seenSteps = new Map<string, Set<string>>();
  const unsubscribeHistory = local.onHistoryEvent((execution, event) => {
    const name = event.stateEnteredEventDetails?.name as string | undefined;
    if (!name || !NARRATED.test(event.type) || execution.status !== 'RUNNING') return;
    const seen = seenSteps.get(execution.arn) ?? new Set<string>();
    seenSteps.set(execution.arn, seen);
    if (seen.has(name)) return; // the endpoint wait loop repeats: say each step once
    seen.add(name);
    print(`  ${pipelineOf(execution.stateMachineArn)} ${execution.name}: ${stepLabel(name)}`);
  });
  const unsubscribeEvents = local.events.subscribe((event) => {
    print(statusLine(event, pipelineOf(event.detail.stateMachineArn)));
    if (event.detail.status !== 'RUNNING') seenSteps.delete(event.detail.executionArn);
  });
  return () => {
    unsubscribeHistory();
    unsubscribeEvents();
  };
}

function statusLine(event: ExecutionStatusChangeEvent, pipeline: string): string {
  const { name, status, startDate, stopDate, input, error, cause } = event.detail;
  const took = stopDate ? ` after ${spokenDuration(stopDate - startDate)}` : '';
  switch (status) {
    case 'RUNNING':
      return `▶ ${pipeline} build ${name} started${startedBy(input)}.`;
    case 'SUCCEEDED':
      return `✔ ${pipeline} build ${name} succeeded${took}.`;
    case 'ABORTED':
      return `■ ${pipeline} build ${name} was stopped${took}.${cause ? ` ${cause}.` : ''}`;
    default:
      return `✖ ${pipeline} build ${name} ${status === 'TIMED_OUT' ? 'timed out' : 'failed'}${took}: ${
        readableCause(cause ?? undefined) ?? error ?? 'no reason given'
      }`;
  }
}

function startedBy(input: string): string {
  try {
    const who = (JSON.parse(input) as { startedBy?: { displayName?: string; id?: string } }).startedBy;
    const name = who?.displayName ?? who?.id;
    return name ? ` by ${name}` : '';
  } catch {
    return '';
  }
}
