// The local Step Functions' callback pattern over the wire: `.waitForTaskToken` tasks (EventBridge PutEvents and
// Lambda), SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat with AWS's errors, HeartbeatSeconds and
// TimeoutSeconds in scaled time, and the history AWS records (callback/test_callback in LocalStack's snapshots,
// recorded on AWS: TaskScheduled with the token in its parameters, TaskStarted, TaskSubmitted, then
// TaskSucceeded, TaskFailed or TaskTimedOut).

import {
  CreateStateMachineCommand,
  GetExecutionHistoryCommand,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { LocalAws } from '../local/local-aws';
import type { BusEvent } from '../local/events';
import type { PutEventsEvent } from '../local/stepfunctions/events-tasks';
import { TEST_TIME_SCALE, waitFor } from './support/local-stack';

const ROLE = 'arn:aws:iam::123456789012:role/StepFunctionsCallbacks';
let local: LocalAws;
let sfn: SFNClient;
let machines = 0;
const heard: BusEvent[] = [];

beforeAll(async () => {
  local = await LocalAws.start({ timeScale: TEST_TIME_SCALE });
  sfn = new SFNClient({ endpoint: local.endpoint, maxAttempts: 1 });
  local.events.subscribeAll((event) => heard.push(event));
});

afterAll(async () => {
  sfn.destroy();
  await local.close();
});

function gate(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::events:putEvents.waitForTaskToken',
        Parameters: {
          Entries: [
            {
              Source: 'test.callbacks',
              DetailType: 'Decision Requested',
              Detail: { 'TaskToken.$': '$$.Task.Token', 'build.$': '$$.Execution.Name' },
            },
          ],
        },
        ResultPath: '$.decision',
        End: true,
        ...extra,
      },
    },
  };
}

async function startGate(extra: Record<string, unknown> = {}): Promise<{ arn: string; token: string }> {
  machines += 1;
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: `callbacks-${machines}`,
      roleArn: ROLE,
      definition: JSON.stringify(gate(extra)),
    }),
  );
  const name = `build-${machines}`;
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, name, input: '{"model":"m1"}' }),
  );
  const event = await waitFor(() =>
    heard.find(
      (e): e is PutEventsEvent =>
        e['detail-type'] === 'Decision Requested' && (e.detail as { build?: string }).build === name,
    ),
  );
  return { arn: executionArn as string, token: (event.detail as { TaskToken: string }).TaskToken };
}

async function history(executionArn: string): Promise<HistoryEvent[]> {
  await local.stepFunctions.waitFor(executionArn);
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events ?? [];
}

/** Awaits a call's rejection and returns it (never passes when the call succeeds). */
async function refusal(call: Promise<unknown>): Promise<Error> {
  return call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (error: Error) => error,
  );
}

test('the event carries an unguessable token; SendTaskSuccess lets the task through with its output', async () => {
  const { arn, token } = await startGate();
  expect(token.length).toBeGreaterThan(60);
  expect(token.length).toBeLessThanOrEqual(2048);
  const event = heard.find((e) => (e.detail as { TaskToken?: string }).TaskToken === token) as PutEventsEvent;
  expect(event).toMatchObject({ version: '0', source: 'test.callbacks', region: 'us-east-1', resources: [] });

  await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
  const events = await history(arn);
  expect(events.map((e) => e.type)).toEqual([
    'ExecutionStarted',
    'TaskStateEntered',
    'TaskScheduled',
    'TaskStarted',
    'TaskSubmitted',
    'TaskSucceeded',
    'TaskStateExited',
    'ExecutionSucceeded',
  ]);
  expect(events.map((e) => e.previousEventId)).toEqual([0, 0, 2, 3, 4, 5, 6, 7]);
  const scheduled = events[2]?.taskScheduledEventDetails;
  expect(scheduled).toMatchObject({ resourceType: 'events', resource: 'putEvents.waitForTaskToken' });
  expect(JSON.parse(scheduled?.parameters ?? '{}').Entries[0].Detail.TaskToken).toBe(token);
  const submitted = JSON.parse(events[4]?.taskSubmittedEventDetails?.output ?? '{}');
  expect(submitted).toEqual({ Entries: [{ EventId: event.id }], FailedEntryCount: 0 });
  expect(JSON.parse(events[5]?.taskSucceededEventDetails?.output ?? '')).toEqual({ approved: true });
  expect(JSON.parse(events[7]?.executionSucceededEventDetails?.output ?? '')).toEqual({
    model: 'm1',
    decision: { approved: true },
  });

  // The task is over: a second answer on the same token is TaskTimedOut, and changes nothing.
  const again = await refusal(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })));
  expect(again).toBeInstanceOf(TaskTimedOut);
  expect(again.message).toBe("Task Timed Out: 'Provided task does not exist anymore'");
  const failure = await refusal(sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'X' })));
  expect(failure).toBeInstanceOf(TaskTimedOut);
  expect((await history(arn)).length).toBe(8);
});

test('SendTaskFailure fails the task with its error and cause', async () => {
  const { arn, token } = await startGate();
  await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected', cause: 'AUC dropped' }));
  const events = await history(arn);
  expect(events.slice(-2).map((e) => e.type)).toEqual(['TaskFailed', 'ExecutionFailed']);
  expect(events.at(-2)?.taskFailedEventDetails).toEqual({
    resourceType: 'events',
    resource: 'putEvents.waitForTaskToken',
    error: 'Rejected',
    cause: 'AUC dropped',
  });
  expect(events.at(-1)?.executionFailedEventDetails).toEqual({ error: 'Rejected', cause: 'AUC dropped' });
});

test('TimeoutSeconds closes the task as TaskTimedOut (States.Timeout); the token then answers TaskTimedOut', async () => {
  // 60 simulated seconds: 20 real milliseconds at the test time scale.
  const { arn, token } = await startGate({ TimeoutSeconds: 60 });
  const events = await history(arn);
  expect(events.slice(-3).map((e) => e.type)).toEqual(['TaskSubmitted', 'TaskTimedOut', 'ExecutionFailed']);
  expect(events.at(-2)?.taskTimedOutEventDetails).toEqual({
    resourceType: 'events',
    resource: 'putEvents.waitForTaskToken',
    error: 'States.Timeout',
  });
  expect(events[2]?.taskScheduledEventDetails?.timeoutInSeconds).toBe(60);
  expect(
    await refusal(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))),
  ).toBeInstanceOf(TaskTimedOut);
});

test('heartbeats keep a task with HeartbeatSeconds open; when they stop it times out with States.HeartbeatTimeout', async () => {
  // 3,000 simulated seconds = one real second between heartbeats at most: three quick ones fit easily.
  const { arn, token } = await startGate({ HeartbeatSeconds: 3000 });
  for (let beat = 0; beat < 3; beat += 1) {
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
  }
  const events = await history(arn);
  expect(events[2]?.taskScheduledEventDetails?.heartbeatInSeconds).toBe(3000);
  expect(events.at(-2)?.type).toBe('TaskTimedOut');
  expect(events.at(-2)?.taskTimedOutEventDetails?.error).toBe('States.HeartbeatTimeout');
  expect(await refusal(sfn.send(new SendTaskHeartbeatCommand({ taskToken: token })))).toBeInstanceOf(
    TaskTimedOut,
  );
});

test('tokens that are not ones, or were never issued, get InvalidToken and TaskDoesNotExist; bad output is refused', async () => {
  const invalid = await refusal(sfn.send(new SendTaskSuccessCommand({ taskToken: 'guess', output: '{}' })));
  expect(invalid).toBeInstanceOf(InvalidToken);
  expect(invalid.message).toBe("Invalid Token: 'Invalid token'");

  const { arn, token } = await startGate();
  const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${'A'.repeat(43)}`;
  expect(
    await refusal(sfn.send(new SendTaskSuccessCommand({ taskToken: forged, output: '{}' }))),
  ).toBeInstanceOf(TaskDoesNotExist);
  const notJson = await refusal(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: 'yes' })));
  expect(notJson.name).toBe('InvalidOutput');
  const long = await refusal(
    sfn.send(new SendTaskSuccessCommand({ taskToken: 'x'.repeat(2049), output: '{}' })),
  );
  expect(long.name).toBe('ValidationException');
  expect(long.message).not.toContain('xxxx');
  // None of these touched the task: it still waits, and the real token still works once.
  await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '"ok"' }));
  expect((await history(arn)).at(-1)?.type).toBe('ExecutionSucceeded');
});

test('a Lambda .waitForTaskToken task hands the token to the function; a stop closes it', async () => {
  let received: string | undefined;
  local.registerFunction('ask-a-person', (payload) => {
    received = (payload as { token: string }).token;
    return { queued: true };
  });
  machines += 1;
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: `callbacks-${machines}`,
      roleArn: ROLE,
      definition: JSON.stringify({
        StartAt: 'Ask',
        States: {
          Ask: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: 'ask-a-person', Payload: { 'token.$': '$$.Task.Token' } },
            End: true,
          },
        },
      }),
    }),
  );
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
  const token = await waitFor(() => received);
  local.stepFunctions.stopExecution({ executionArn });
  const events = await history(executionArn as string);
  expect(events.map((e) => e.type).slice(-2)).toEqual(['TaskStateAborted', 'ExecutionAborted']);
  expect(events.find((e) => e.type === 'TaskScheduled')?.taskScheduledEventDetails?.resource).toBe(
    'invoke.waitForTaskToken',
  );
  expect(
    await refusal(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))),
  ).toBeInstanceOf(TaskTimedOut);
});
