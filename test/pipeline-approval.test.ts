// The reference definition with an approval gate (pipeline/approval-gate.ts): valid ASL, the gate between the
// quality gate and anything that deploys, closing as rejected after the configured hours; without the option
// the definition is the committed one, untouched.

import {
  APPROVAL_EVENT,
  APPROVAL_STATE_NAMES as A,
  definitionWithApproval,
  pipelineDefinition,
  PIPELINE_STATE_NAMES as S,
  referenceDefinition,
} from '../pipeline';

// asl-validator ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validateAsl = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

type State = Record<string, unknown> & { Next?: string; Default?: string; Choices?: { Next?: string }[] };
const statesOf = (definition: unknown) => (definition as { States: Record<string, State> }).States;
/** Every state a state can go to next (Next, Choice rules, Default, Catch). */
const nextOf = (state: State): string[] =>
  [
    state.Next,
    state.Default,
    ...(state.Choices ?? []).map((c) => c.Next),
    ...((state.Catch as { Next: string }[] | undefined) ?? []).map((c) => c.Next),
  ].filter((n): n is string => typeof n === 'string');

test('without the option the definition is the reference one', () => {
  expect(pipelineDefinition()).toBe(referenceDefinition);
  expect(JSON.stringify(referenceDefinition)).not.toContain(A.waitForApproval);
});

test('with it: valid ASL, and every way to the deploy goes through the gate', () => {
  const before = JSON.stringify(referenceDefinition);
  const gated = definitionWithApproval(referenceDefinition, { timeoutHours: 6 });
  expect(JSON.stringify(referenceDefinition)).toBe(before);
  const result = validateAsl(JSON.parse(JSON.stringify(gated)));
  expect(result.errors).toEqual([]);

  const states = statesOf(gated);
  const intoDeploy = Object.entries(states)
    .filter(([, state]) => nextOf(state).includes('Choose inference image'))
    .map(([name]) => name);
  expect(intoDeploy).toEqual([A.waitForApproval]);
  // The quality gate still comes first: it leads to the gate, which never leads back to it.
  expect(nextOf(states[S.checkQualityGate] as State)).toContain(A.waitForApproval);
  expect(states[A.waitForApproval]).toMatchObject({
    Type: 'Task',
    Resource: 'arn:aws:states:::events:putEvents.waitForTaskToken',
    TimeoutSeconds: 6 * 3600,
    ResultPath: '$.approval',
    Parameters: {
      Entries: [
        {
          EventBusName: APPROVAL_EVENT.busName,
          Source: APPROVAL_EVENT.source,
          DetailType: APPROVAL_EVENT.detailType,
          Detail: { 'TaskToken.$': '$$.Task.Token', 'executionArn.$': '$$.Execution.Id' },
        },
      ],
    },
  });
  expect(nextOf(states[A.waitForApproval] as State).sort()).toEqual(
    ['Choose inference image', A.approvalTimedOut, A.deployRejected].sort(),
  );
  expect(states[A.approvalTimedOut]).toMatchObject({
    Parameters: { Cause: 'No approver decided within 6 hours, so the deploy was rejected.' },
    Next: A.deployRejected,
  });
  expect(states[A.deployRejected]).toEqual(
    expect.objectContaining({ Type: 'Fail', Error: 'DeployRejected', CausePath: '$.approval.Cause' }),
  );
});
