// Approval gates end to end on the local AWS: the reference pipeline with `approval` in its config waits before
// it deploys; approvers approve (the endpoint updates) or reject (the build fails with their reason); anyone
// else changes nothing; two decisions at once decide once; an undecided gate closes as rejected; and a team's
// own machine's approval state works the same way.

import { readFileSync } from 'node:fs';
import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { join } from 'node:path';
import { SageBuild } from '../core/sagebuild';
import { localConfig } from '../local/local-config';
import { LOCAL_PROD_APPROVAL, type LocalPipeline } from '../local/reference-pipelines';
import { NoApprovalWaiting, NotAnApprover } from '../core/errors';
import { approvalSentence, decisionSentence, status, whyFailed } from '../core/wording';
import { errorSentence } from '../core/wording/errors';
import type { Requester } from '../core/builds/facts';
import type { ApprovalFact } from '../core/approvals/facts';
import { parseCommand } from '../commands/parse';
import { approverNames } from '../core/approvals/approvers';
import { createClaimsTable } from '../core/claims/claims-table';
import { startDynalite, type LocalDynamoDb } from '../slack/store/dynalite';
import { LAMBDA_ROLES, placeOf, roleNeeds } from '../core/doctor/role-needs';
import { runCommandOutcome, words } from '../commands/run';
import { newKey, startLocalStack, tester, waitFor, type LocalStack } from './support/local-stack';

const ana: Requester = { id: 'cli:ana', displayName: 'Ana' };
const bo: Requester = { id: 'slack:U0BO', displayName: 'Bo', groups: ['slack-group:S0OWNERS'] };
const eve: Requester = { id: 'slack:U0EVE', displayName: 'Eve' };
const APPROVAL = {
  approvers: [
    { id: 'cli:ana', name: 'Ana' },
    { id: 'slack-group:S0OWNERS', name: 'Bo' },
  ],
  timeoutHours: 24,
};

/** What the local SageMaker says of the prod endpoint, over the wire as the core would ask. */
async function describeEndpoint(stack: LocalStack) {
  const sagemaker = new SageMakerClient({ endpoint: stack.local.endpoint, maxAttempts: 1 });
  try {
    return await sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-prod' }));
  } finally {
    sagemaker.destroy();
  }
}

/** Decisions (SendTask*) the local AWS answered since `count`. */
function decisionCalls(stack: LocalStack, count: number): string[] {
  return stack.local.callsSince(count).filter((call) => call.startsWith('states:SendTask'));
}

async function waitingBuild(stack: LocalStack, pipeline = 'prod'): Promise<ApprovalFact> {
  const started = await stack.core.start({ pipeline, requester: tester, idempotencyKey: newKey() });
  return waitFor(async () =>
    (await stack.core.approvals(pipeline)).find((fact) => fact.executionArn === started.executionArn),
  );
}

test('every kind of approver is named for people, each once, with no raw ID', () => {
  const approvers = [
    { id: 'slack:U0ANALIMA', name: 'Ana Lima' },
    'slack:U0LOCALUSER',
    'slack:U0OTHER',
    'slack-group:S0OWNERS',
    'cli:root',
    'cli:*',
    'alexa-person:amzn1.ask.person.ABC',
    'alexa:*',
  ];
  // Only the approval section matters to the names.
  const pipeline = { approval: { approvers, timeoutHours: 24 } } as Parameters<typeof approverNames>[0];
  const names = approverNames(pipeline);
  expect(names).toEqual([
    'Ana Lima',
    'a Slack member',
    'a Slack user group',
    'root on the command line',
    'anyone on the command line',
    'someone using Alexa',
    'anyone using Alexa',
  ]);
  expect(names.join(' ')).not.toMatch(/U0|S0|amzn1/);
});

describe('the reference pipeline with an approval gate', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ approval: APPROVAL });
  });
  afterAll(async () => stack.close());

  test('a build waits at the gate, and says for whom; approving lets it deploy, once, whoever clicks too', async () => {
    const fact = await waitingBuild(stack);
    expect(fact).toMatchObject({
      pipeline: 'prod',
      stateName: 'Wait for approval',
      approvers: ['Ana', 'Bo'],
      startedBy: { id: tester.id, displayName: tester.displayName },
      qualityGate: {
        metric: 'validation:auc',
        threshold: 0.8,
        comparison: 'GreaterThanOrEqual',
        passed: true,
      },
    });
    expect(fact.qualityGate?.value).toBeGreaterThanOrEqual(0.8);
    expect(fact.closesAt?.getTime()).toBe(fact.waitingSince.getTime() + 24 * 3600_000);
    // Every pipeline with a gate: only prod has one.
    expect((await stack.core.approvals()).map((f) => f.build)).toEqual([fact.build]);

    const twentyMinutesLater = new Date(fact.waitingSince.getTime() + 20 * 60_000);
    expect(approvalSentence(fact, twentyMinutesLater)).toBe(
      `The prod build ${fact.build}, started by Tess Ter, has been waiting for approval from Ana or Bo for ` +
        `20 minutes. validation AUC is ${Number(fact.qualityGate?.value?.toPrecision(4))}, which meets the quality ` +
        `gate (at least 0.8). Without a decision it closes as rejected in 23 hours and 40 minutes.`,
    );
    const waiting = await stack.core.status('prod');
    expect(waiting.currentStep?.label).toBe('waiting for approval from Ana or Bo');
    expect(status(waiting, new Date())).toContain('waiting for approval from Ana or Bo for');

    // Someone who is not an approver changes nothing, and no decision reaches Step Functions.
    const before = stack.local.callCount;
    const refused = await stack.core.approve({ pipeline: 'prod', requester: eve }).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(NotAnApprover);
    expect(errorSentence(refused)).toBe(
      "Sorry, only the prod pipeline's approvers can approve or reject its deploys. Nothing was changed.",
    );
    expect(decisionCalls(stack, before)).toEqual([]);
    expect((await stack.core.approvals('prod')).map((f) => f.build)).toEqual([fact.build]);

    // Two approvers (and a double click) at once: one decision reaches Step Functions.
    const results = await Promise.all([
      stack.core.approve({ pipeline: 'prod', requester: ana }),
      stack.core.approve({ pipeline: 'prod', requester: bo }),
      stack.core.approve({ pipeline: 'prod', requester: ana }),
    ]);
    const outcomes = results.map((r) => r.outcome).sort();
    expect(outcomes).toEqual(['already-decided', 'already-decided', 'approved']);
    expect(decisionCalls(stack, before)).toEqual(['states:SendTaskSuccess']);
    const winner = results.find((r) => r.outcome === 'approved');
    expect(decisionSentence(winner!, new Date())).toBe(
      `Approved. The prod build ${fact.build} goes on to deploy.`,
    );

    const record = await stack.local.stepFunctions.waitFor(fact.executionArn);
    expect(record.status).toBe('SUCCEEDED');
    const endpoint = await describeEndpoint(stack);
    expect(endpoint.EndpointStatus).toBe('InService');
    expect(endpoint.EndpointConfigName).toContain(fact.build);

    // Later, a retry: already decided, by whom and when, and still nothing sent.
    const later = await stack.core.approve({ pipeline: 'prod', requester: bo });
    expect(later).toMatchObject({ outcome: 'already-decided', decision: 'approved' });
    expect(later.decidedBy?.id).toBe(winner!.decidedBy?.id);
    expect(later.decidedAt?.toISOString()).toBe(winner!.decidedAt?.toISOString());
    const name = winner!.decidedBy?.displayName;
    expect(decisionSentence(later, later.decidedAt!)).toBe(
      `${name} already approved the prod build ${fact.build} just now. Nothing changed.`,
    );
    expect(decisionCalls(stack, before)).toEqual(['states:SendTaskSuccess']);
  });

  test('rejecting with a reason ends the build with that reason; the endpoint keeps its model', async () => {
    const servingBefore = (await describeEndpoint(stack)).EndpointConfigName;
    const fact = await waitingBuild(stack);
    const result = await stack.core.reject({ pipeline: 'prod', requester: bo, reason: 'AUC dropped' });
    expect(result).toMatchObject({ outcome: 'rejected', reason: 'AUC dropped', decidedBy: bo });
    expect(decisionSentence(result, new Date())).toBe(
      `Rejected. The prod build ${fact.build} stops before deploying; the live model keeps serving. ` +
        `The reason: AUC dropped.`,
    );
    const record = await stack.local.stepFunctions.waitFor(fact.executionArn);
    expect(record).toMatchObject({ status: 'FAILED', error: 'DeployRejected' });
    const failure = await stack.core.whyFailed('prod');
    expect(failure.reason).toBe('Rejected by Bo via SageBuild: AUC dropped');
    expect(whyFailed(failure, new Date())).toContain('Rejected by Bo via SageBuild: AUC dropped');
    const servingAfter = (await describeEndpoint(stack)).EndpointConfigName;
    expect(servingAfter).toBe(servingBefore);

    // Approving it now changes nothing and says who rejected it.
    const late = await stack.core.approve({ pipeline: 'prod', requester: ana, build: fact.build });
    expect(late).toMatchObject({ outcome: 'already-decided', decision: 'rejected', reason: 'AUC dropped' });
    expect(decisionSentence(late, late.decidedAt!)).toBe(
      `Bo already rejected the prod build ${fact.build} just now. The reason: AUC dropped. Nothing changed.`,
    );
  });

  test('the doctor checks that the deciding roles may send decisions, only when a pipeline has a gate', () => {
    const place = placeOf('arn:aws:iam::123456789012:role/x', { region: 'us-east-1', outputs: new Map() });
    const decisions = (config: typeof stack.core.config) =>
      Object.fromEntries(
        LAMBDA_ROLES.map((role) => [
          role.output,
          roleNeeds(role, config, place)
            .filter((need) => need.action.startsWith('states:SendTask'))
            .map((need) => `${need.action} on ${need.resource}`),
        ]),
      );
    const sends = ['states:SendTaskSuccess on *', 'states:SendTaskFailure on *'];
    expect(decisions(stack.core.config)).toEqual({
      SkillRoleArn: sends,
      SlackBotRoleArn: sends,
      NotifierRoleArn: [],
    });
    const ungated = {
      ...stack.core.config,
      pipelines: stack.core.config.pipelines.map(({ approval: _approval, ...p }) => p),
    };
    expect(decisions(ungated)).toEqual({ SkillRoleArn: [], SlackBotRoleArn: [], NotifierRoleArn: [] });
  });

  test('with nothing waiting, and for a pipeline without a gate, a decision is refused with a sentence', async () => {
    const none = await stack.core.approve({ pipeline: 'dev', requester: ana }).catch((e: Error) => e);
    // dev has no approvers at all: nobody may decide there, and the sentence says so rather than "only its approvers".
    expect(none).toBeInstanceOf(NotAnApprover);
    expect(errorSentence(none)).toBe(
      "The dev pipeline has no approvers in SageBuild's config, so its deploys can't be approved or rejected here. Nothing was changed.",
    );
    const build = await stack.core
      .reject({ pipeline: 'prod', requester: ana, build: 'prod-not-a-build' })
      .catch((e: Error) => e);
    expect((build as Error).name).toBe('BuildNotFound');
    expect(errorSentence(new NoApprovalWaiting('prod'))).toBe(
      "No prod build is waiting for approval, so there's nothing to decide.",
    );
  });
});

describe('the typed commands (CLI, console)', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ approval: APPROVAL });
  });
  afterAll(async () => stack.close());

  const run = (line: string, requester: Requester = ana) =>
    runCommandOutcome(words(line), { core: stack.core, requester });

  test('parse: a pipeline or build first, then the reason, quoted or not', () => {
    const pipelines = stack.core.pipelines;
    expect(parseCommand(words('approve'), pipelines)).toEqual({ kind: 'approve' });
    expect(parseCommand(words('approve production'), pipelines)).toEqual({
      kind: 'approve',
      pipeline: 'prod',
    });
    expect(parseCommand(words('approve prod-3f2a1c9d0b1e'), pipelines)).toEqual({
      kind: 'approve',
      pipeline: 'prod',
      build: 'prod-3f2a1c9d0b1e',
    });
    expect(parseCommand(words('reject prod "AUC dropped"'), pipelines)).toEqual({
      kind: 'reject',
      pipeline: 'prod',
      reason: 'AUC dropped',
    });
    expect(parseCommand(words('reject prod prod-3f2a AUC dropped'), pipelines)).toEqual({
      kind: 'reject',
      pipeline: 'prod',
      build: 'prod-3f2a',
      reason: 'AUC dropped',
    });
    expect(parseCommand(words('reject "not good enough"'), pipelines)).toEqual({
      kind: 'reject',
      reason: 'not good enough',
    });
    expect(parseCommand(words('approvals dev'), pipelines)).toEqual({ kind: 'approvals', pipeline: 'dev' });
  });

  test('approvals, a refused approve (exit code), reject with a reason, and a second reject', async () => {
    expect(await run('approvals')).toEqual({ text: 'Nothing is waiting for approval.', ok: true });
    const fact = await waitingBuild(stack);
    const listed = await run('approvals prod');
    expect(listed.ok).toBe(true);
    expect(listed.text).toMatch(
      new RegExp(
        `^The prod build ${fact.build}, started by Tess Ter, has been waiting for approval from Ana or Bo for `,
      ),
    );

    expect(await run('approve prod', eve)).toEqual({
      text: "Sorry, only the prod pipeline's approvers can approve or reject its deploys. Nothing was changed.",
      ok: false,
    });
    expect(await run('reject prod "AUC dropped"')).toEqual({
      text:
        `Rejected. The prod build ${fact.build} stops before deploying; the live model keeps serving. ` +
        'The reason: AUC dropped.',
      ok: true,
    });
    // The same decision again is ok (a retried script); the other one changed nothing and fails.
    expect((await run('reject prod')).ok).toBe(true);
    const approve = await run(`approve ${fact.build}`);
    expect(approve.ok).toBe(false);
    expect(approve.text).toMatch(/^Ana already rejected the prod build .* Nothing changed\.$/);
    await stack.local.stepFunctions.waitFor(fact.executionArn);
  });
});

describe('an undecided gate', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    // One hour of scaled time: about a second here.
    stack = await startLocalStack({ approval: { ...APPROVAL, timeoutHours: 1 } });
  });
  afterAll(async () => stack.close());

  test('closes as rejected after timeoutHours; a decision afterwards says it closed and sends nothing', async () => {
    // Before any build: nothing waits, and the core says so.
    const nothing = await stack.core.approve({ pipeline: 'prod', requester: ana }).catch((e: Error) => e);
    expect(nothing).toBeInstanceOf(NoApprovalWaiting);
    expect(await stack.core.approvals('prod')).toEqual([]);

    const fact = await waitingBuild(stack);
    const record = await stack.local.stepFunctions.waitFor(fact.executionArn);
    expect(record).toMatchObject({
      status: 'FAILED',
      error: 'DeployRejected',
      cause: 'No approver decided within an hour, so the deploy was rejected.',
    });
    const before = stack.local.callCount;
    const result = await stack.core.approve({ pipeline: 'prod', requester: ana });
    expect(result).toMatchObject({ outcome: 'closed', closedBecause: 'timed-out' });
    expect(decisionSentence(result, new Date())).toBe(
      `The approval for the prod build ${fact.build} has closed: it waited too long and closed as rejected. Nothing changed.`,
    );
    expect(decisionCalls(stack, before)).toEqual([]);
  });
});

describe("a team's own machine with its own approval state", () => {
  let stack: LocalStack;
  let core: SageBuild;
  beforeAll(async () => {
    stack = await startLocalStack();
    const definition = readFileSync(
      join(__dirname, 'fixtures', 'machines', 'team-approval.asl.json'),
      'utf8',
    );
    const { stateMachineArn } = stack.local.stepFunctions.createStateMachine({
      name: 'team-models',
      definition,
      roleArn: 'arn:aws:iam::123456789012:role/TeamModels',
    });
    const team: LocalPipeline<object> = {
      name: 'models',
      aliases: [],
      stateMachineArn,
      defaultInput: { model: 'churn-v7' },
      slackChannel: 'C0MODELS',
      approval: { approvers: ['cli:ana'], timeoutHours: 24 },
    };
    core = new SageBuild(localConfig([...stack.pipelines, team], stack.local.region));
  });
  afterAll(async () => {
    core.close();
    await stack.close();
  });

  test('its gate is found in the history and approved through SageBuild', async () => {
    const started = await core.start({ pipeline: 'models', requester: tester, idempotencyKey: newKey() });
    const fact = await waitFor(async () => (await core.approvals('models'))[0]);
    expect(fact).toMatchObject({
      pipeline: 'models',
      executionArn: started.executionArn,
      stateName: 'Ask the model owners',
      approvers: ['ana on the command line'],
    });
    expect(fact.qualityGate).toBeUndefined();
    const status = await core.status('models');
    // No names configured: the approver is named by how they decide, never by a raw ID.
    expect(status.currentStep?.label).toBe('waiting for approval from ana on the command line');
    const result = await core.approve({ pipeline: 'models', requester: ana });
    expect(result.outcome).toBe('approved');
    const record = await stack.local.stepFunctions.waitFor(started.executionArn);
    expect(record.status).toBe('SUCCEEDED');
    expect(JSON.parse(record.output ?? '{}')).toMatchObject({
      model: 'churn-v7',
      approval: { decision: 'approved', message: 'Approved by Ana via SageBuild' },
      registration: 'registered',
    });
  });
});

describe('two Lambda containers deciding at once (claims in DynamoDB)', () => {
  let stack: LocalStack;
  let dynamo: LocalDynamoDb;
  const cores: SageBuild[] = [];
  beforeAll(async () => {
    stack = await startLocalStack({ approval: APPROVAL });
    dynamo = await startDynalite();
    await createClaimsTable(dynamo.client, 'sagebuild-claims');
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    const config = {
      ...stack.core.config,
      aws: { ...stack.core.config.aws, startClaimsTable: 'sagebuild-claims' },
    };
    cores.push(new SageBuild(config), new SageBuild(config));
  });
  afterAll(async () => {
    for (const core of cores) core.close();
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    await dynamo.close();
    await stack.close();
  });

  test('one sends the decision, the other answers who decided', async () => {
    const fact = await waitingBuild(stack);
    const before = stack.local.callCount;
    const [first, second] = cores as [SageBuild, SageBuild];
    const results = await Promise.all([
      first.approve({ pipeline: 'prod', requester: ana }),
      second.reject({ pipeline: 'prod', requester: bo, reason: 'late' }),
    ]);
    expect(results.map((r) => r.outcome).filter((o) => o !== 'already-decided')).toHaveLength(1);
    expect(decisionCalls(stack, before)).toHaveLength(1);
    const record = await stack.local.stepFunctions.waitFor(fact.executionArn);
    const winner = results.find((r) => r.outcome !== 'already-decided');
    expect(record.status).toBe(winner?.outcome === 'approved' ? 'SUCCEEDED' : 'FAILED');
  });
});

describe('a machine whose waiting state hands out no token', () => {
  let stack: LocalStack;
  let core: SageBuild;
  beforeAll(async () => {
    stack = await startLocalStack();
    const { stateMachineArn } = stack.local.stepFunctions.createStateMachine({
      name: 'no-token',
      roleArn: 'arn:aws:iam::123456789012:role/NoToken',
      definition: JSON.stringify({
        StartAt: 'Wait for someone',
        States: {
          'Wait for someone': {
            Type: 'Task',
            Resource: 'arn:aws:states:::events:putEvents.waitForTaskToken',
            Parameters: {
              Entries: [{ Source: 'team.x', DetailType: 'Ping', Detail: { note: 'no token here' } }],
            },
            End: true,
          },
        },
      }),
    });
    const pipeline: LocalPipeline<object> = {
      name: 'notoken',
      aliases: [],
      stateMachineArn,
      defaultInput: {},
      slackChannel: 'C0NOTOKEN',
      approval: { approvers: ['cli:ana'], timeoutHours: 24 },
    };
    core = new SageBuild(localConfig([...stack.pipelines, pipeline], stack.local.region));
  });
  afterAll(async () => {
    core.close();
    await stack.close();
  });

  test('is listed as waiting, but a decision is refused (SageBuild has no token to send) and nothing is sent', async () => {
    const started = await core.start({ pipeline: 'notoken', requester: tester, idempotencyKey: newKey() });
    const fact = await waitFor(async () => (await core.approvals('notoken'))[0]);
    expect(fact.stateName).toBe('Wait for someone');
    const before = stack.local.callCount;
    const refused = await core.approve({ pipeline: 'notoken', requester: ana }).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(NoApprovalWaiting);
    expect(decisionCalls(stack, before)).toEqual([]);
    stack.local.stepFunctions.stopExecution({ executionArn: started.executionArn });
    await stack.local.stepFunctions.waitFor(started.executionArn);
  });
});

describe("a gated pipeline's seeded past (npm start)", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ past: true, approval: LOCAL_PROD_APPROVAL });
  });
  afterAll(async () => stack.close());

  test('its past builds went through the gate, approved by Ana Lima, and nothing waits now', async () => {
    const list = await stack.core.list('prod');
    expect(list.builds.map((b) => [b.name, b.status])).toEqual([
      ['prod-nightly-4', 'SUCCEEDED'],
      ['prod-retrain-sam', 'FAILED'],
      ['prod-nightly-3', 'SUCCEEDED'],
      ['prod-retrain-ana', 'SUCCEEDED'],
      ['prod-nightly-2', 'SUCCEEDED'],
      ['prod-nightly-1', 'SUCCEEDED'],
    ]);
    expect(await stack.core.approvals()).toEqual([]);
    // A decision now finds the latest build's gate decided already, by Ana, in the past.
    const late = await stack.core.approve({ pipeline: 'prod', requester: ana });
    expect(late).toMatchObject({
      outcome: 'already-decided',
      decision: 'approved',
      decidedBy: { id: 'slack:U0ANALIMA', displayName: 'Ana Lima' },
      approval: { build: 'prod-nightly-4' },
    });
    expect(late.decidedAt!.getTime()).toBeLessThan(Date.now() - 3600_000);
  });
});
