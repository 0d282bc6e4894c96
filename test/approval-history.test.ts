// Reading approval gates out of a history (core/approvals/gates.ts), on events shaped as Step Functions records
// them: the token from TaskScheduled's parameters wherever it sits, each gate's end followed back through
// previousEventId, and nothing from a string that is no token.

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { readGates, tokenIn } from '../core/approvals/gates';
import { writeDecision } from '../core/approvals/decision-record';

const at = (s: number) => new Date(Date.UTC(2026, 11, 4, 12, 0, s));

function scheduled(
  id: number,
  previous: number,
  parameters: unknown,
  resource = 'putEvents.waitForTaskToken',
) {
  return {
    id,
    previousEventId: previous,
    timestamp: at(id),
    type: 'TaskScheduled',
    taskScheduledEventDetails: {
      resourceType: 'events',
      resource,
      region: 'us-east-1',
      parameters: JSON.stringify(parameters),
      timeoutInSeconds: 3600,
    },
  } satisfies HistoryEvent;
}

const entered = (id: number, name: string): HistoryEvent => ({
  id,
  previousEventId: id - 1,
  timestamp: at(id),
  type: 'TaskStateEntered',
  stateEnteredEventDetails: { name, input: '{"qualityGate":null}' },
});

test('the token is found at any depth, also inside a JSON string, and only under a token key', () => {
  expect(tokenIn({ Entries: [{ Detail: { TaskToken: 'tok-1' } }] })).toBe('tok-1');
  expect(tokenIn({ FunctionName: 'f', Payload: { request: { taskToken: 'tok-2' } } })).toBe('tok-2');
  expect(tokenIn({ MessageBody: JSON.stringify({ task_token: 'tok-3' }) })).toBe('tok-3');
  expect(tokenIn({ token: 'not-a-task-token-key', TaskToken: 'has space' })).toBeUndefined();
  expect(tokenIn({ TaskToken: 'x'.repeat(2049) })).toBeUndefined();
});

test('an open gate, a decided one and a timed-out one, each ended through its own chain of events', () => {
  const decision = writeDecision({
    decision: 'rejected',
    decidedBy: { id: 'cli:bo', displayName: 'Bo' },
    decidedAt: at(9),
    reason: 'AUC dropped',
  });
  const events: HistoryEvent[] = [
    entered(1, 'First gate'),
    scheduled(2, 1, { Entries: [{ Detail: { TaskToken: 'tok-a' } }] }),
    { id: 3, previousEventId: 2, timestamp: at(3), type: 'TaskStarted' },
    { id: 4, previousEventId: 3, timestamp: at(4), type: 'TaskSubmitted' },
    {
      id: 5,
      previousEventId: 4,
      timestamp: at(5),
      type: 'TaskFailed',
      taskFailedEventDetails: {
        resourceType: 'events',
        resource: 'putEvents.waitForTaskToken',
        error: 'SageBuild.Rejected',
        cause: decision,
      },
    },
    entered(6, 'Second gate'),
    scheduled(7, 6, { Entries: [{ Detail: { TaskToken: 'tok-b' } }] }),
    { id: 8, previousEventId: 7, timestamp: at(8), type: 'TaskStarted' },
    { id: 9, previousEventId: 8, timestamp: at(9), type: 'TaskTimedOut' },
    entered(10, 'Third gate'),
    scheduled(11, 10, { Entries: [{ Detail: { TaskToken: 'tok-c' } }] }),
    { id: 12, previousEventId: 11, timestamp: at(12), type: 'TaskStarted' },
    // A training task is no gate.
    entered(13, 'Train'),
    scheduled(14, 13, { TrainingJobName: 'x' }, 'createTrainingJob.sync'),
  ];
  const gates = readGates([...events].reverse());
  expect(gates.map((g) => [g.stateName, g.token, g.end?.kind])).toEqual([
    ['Third gate', 'tok-c', undefined],
    ['Second gate', 'tok-b', 'timed-out'],
    ['First gate', 'tok-a', 'decided'],
  ]);
  const decided = gates[2]?.end;
  expect(decided?.kind === 'decided' && decided.record).toEqual({
    decision: 'rejected',
    decidedBy: { id: 'cli:bo', displayName: 'Bo' },
    decidedAt: at(9),
    reason: 'AUC dropped',
  });
  expect(gates[0]).toMatchObject({ timeoutSeconds: 3600, waitingSince: at(11) });
});
