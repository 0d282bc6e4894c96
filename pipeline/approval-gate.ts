// The reference pipeline with an approval gate: a `.waitForTaskToken` task after the quality gate and before
// anything is deployed. Its token goes out as an EventBridge event (events:putEvents.waitForTaskToken) on the
// default bus, where the stack's rule hands it to the Slack notifier, the function that already receives the
// pipeline's status changes: no queue, topic or extra Lambda to run, and a person answers from the card.
// An approval (SendTaskSuccess) lets the build deploy; a rejection (SendTaskFailure with SageBuild.Rejected)
// or no decision within the hours set ends it as rejected, the endpoint untouched.

import { REJECTED_ERROR } from '../core/approvals/decision-record';
import type { JsonObject, JsonValue } from './index';

export const APPROVAL_STATE_NAMES = {
  waitForApproval: 'Wait for approval',
  approvalTimedOut: 'Approval timed out',
  deployRejected: 'Deploy rejected',
} as const;

/** The event the gate puts: what the notifier's rule matches. */
export const APPROVAL_EVENT = {
  source: 'sagebuild.approvals',
  detailType: 'SageBuild Approval Requested',
  busName: 'default',
} as const;

/** The state the gate goes before: the first that prepares the deploy. */
const GATE_BEFORE = 'Choose inference image';

export interface ApprovalGateOptions {
  /** After this many hours without a decision the gate closes as rejected. */
  timeoutHours: number;
}

/** The reference definition with the gate in it; the base definition is not changed. */
export function definitionWithApproval(base: JsonObject, options: ApprovalGateOptions): JsonObject {
  const copy = JSON.parse(JSON.stringify(base)) as JsonObject;
  const states = copy.States as Record<string, JsonObject>;
  if (!states[GATE_BEFORE]) throw new Error(`The reference definition has no "${GATE_BEFORE}" state.`);
  for (const state of Object.values(states)) redirect(state);
  const hours = options.timeoutHours;
  states[APPROVAL_STATE_NAMES.waitForApproval] = {
    Type: 'Task',
    Comment:
      'Waits for an approver: SageBuild answers with SendTaskSuccess (deploy) or SendTaskFailure (SageBuild.Rejected).',
    Resource: 'arn:aws:states:::events:putEvents.waitForTaskToken',
    Parameters: {
      Entries: [
        {
          EventBusName: APPROVAL_EVENT.busName,
          Source: APPROVAL_EVENT.source,
          DetailType: APPROVAL_EVENT.detailType,
          Detail: {
            'TaskToken.$': '$$.Task.Token',
            'executionArn.$': '$$.Execution.Id',
            'stateMachineArn.$': '$$.StateMachine.Id',
            'name.$': '$$.Execution.Name',
            stateName: APPROVAL_STATE_NAMES.waitForApproval,
          },
        },
      ],
    },
    TimeoutSeconds: hours * 3600,
    ResultPath: '$.approval',
    Catch: [
      {
        ErrorEquals: ['States.Timeout'],
        ResultPath: '$.approval',
        Next: APPROVAL_STATE_NAMES.approvalTimedOut,
      },
      { ErrorEquals: [REJECTED_ERROR], ResultPath: '$.approval', Next: APPROVAL_STATE_NAMES.deployRejected },
    ],
    Next: GATE_BEFORE,
  };
  states[APPROVAL_STATE_NAMES.approvalTimedOut] = {
    Type: 'Pass',
    Parameters: {
      Error: 'ApprovalTimedOut',
      Cause: `No approver decided within ${hours === 1 ? 'an hour' : `${hours} hours`}, so the deploy was rejected.`,
    },
    ResultPath: '$.approval',
    Next: APPROVAL_STATE_NAMES.deployRejected,
  };
  states[APPROVAL_STATE_NAMES.deployRejected] = {
    Type: 'Fail',
    Comment: 'The endpoint keeps its current model.',
    Error: 'DeployRejected',
    CausePath: '$.approval.Cause',
  };
  return copy;
}

/** Every transition into GATE_BEFORE now goes through the gate (Next, a Choice's rules and Default). */
function redirect(state: JsonObject): void {
  if (state.Next === GATE_BEFORE) state.Next = APPROVAL_STATE_NAMES.waitForApproval;
  if (state.Default === GATE_BEFORE) state.Default = APPROVAL_STATE_NAMES.waitForApproval;
  const choices = state.Choices as JsonValue[] | undefined;
  for (const choice of choices ?? []) {
    const rule = choice as JsonObject;
    if (rule.Next === GATE_BEFORE) rule.Next = APPROVAL_STATE_NAMES.waitForApproval;
  }
}
