// Narrates builds in the local console as they happen: started, each new step, and how they ended.
// Steps come from the local AWS's own history events, so watching costs no API calls; the sentences are
// the core's notices, the same ones a chat channel gets.

import type { BuildStatus } from '../core/builds/facts';
import { readableCause } from '../core/builds/failure-reason';
import { parseObject, startedByOf } from '../core/builds/history';
import { readStopCause } from '../core/builds/stop-cause';
import { buildChangeNotice, stepNotice, type BuildChange } from '../core/wording/notices';
import { parseDefinition } from '../core/machine/definition';
import { machineRoles, type StepRole } from '../core/machine/roles';
import { roleLabel } from '../core/wording/steps';
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
  // Each machine's roles, read once from its definition: a team's "sm-train" is narrated as training.
  const roles = new Map<string, Map<string, StepRole>>();
  const rolesOf = (stateMachineArn: string): Map<string, StepRole> => {
    let known = roles.get(stateMachineArn);
    if (!known) {
      const { definition } = local.stepFunctions.describeStateMachine({ stateMachineArn });
      const machine = parseDefinition(typeof definition === 'string' ? definition : undefined);
      known = machine ? machineRoles(machine) : new Map<string, StepRole>();
      roles.set(stateMachineArn, known);
    }
    return known;
  };
  const unsubscribeHistory = local.onHistoryEvent((execution, event) => {
    const name = event.stateEnteredEventDetails?.name as string | undefined;
    if (!name || !NARRATED.test(event.type) || execution.status !== 'RUNNING') return;
    const seen = seenSteps.get(execution.arn) ?? new Set<string>();
    seenSteps.set(execution.arn, seen);
    const label = roleLabel(rolesOf(execution.stateMachineArn).get(name), name);
    // The endpoint wait loop repeats, and its states share one phrase: say each once.
    if (seen.has(label)) return;
    seen.add(label);
    print(`  ${stepNotice(pipelineOf(execution.stateMachineArn), execution.name, label)}`);
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
  // A stop SageBuild made names who stopped it once, and gives only the reason the person gave.
  const stop = status === 'ABORTED' ? readStopCause(cause ?? undefined) : undefined;
  if (stop) {
    change.stoppedBy = stop.stoppedBy;
    if (stop.reason) change.reason = stop.reason;
    return change;
  }
  const reason = readableCause(cause ?? undefined) ?? error ?? undefined;
  if (reason && status !== 'SUCCEEDED') change.reason = reason;
  return change;
}
