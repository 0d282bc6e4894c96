// `npm run doctor` against the real local AWS and the fake Slack API: every check's line on a healthy setup and
// on the usual breakages, the IAM decision mapping without any network, and the CLI itself as a child process.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { EvaluationResult, IAMClient, SimulatePrincipalPolicyCommandInput } from '@aws-sdk/client-iam';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { checkLine } from '../cli/doctor';
import type { SageBuildConfig } from '../core/config/schema';
import { awsChecks, checkAlexa, checkConfig, startGroups, type Check, type CheckGroup } from '../core/doctor';
import { decisionFor, roleCheck } from '../core/doctor/iam-decisions';
import { LAMBDA_ROLES, placeOf, roleNeeds, type Need } from '../core/doctor/role-needs';
import { checkRoles } from '../core/doctor/roles';
import { findStack, stackStatusProblem } from '../core/doctor/stack';
import { startFakeSlackApi, type FakeSlack } from '../local/slack/fake-slack-api';
import { writeSession } from '../local/session-file';
import { checkSlack } from '../slack/doctor-check';
import { cleanEnv } from './support/env';
import { startLocalStack, type LocalStack } from './support/local-stack';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from './support/slack';
import { runProcess, type ProcessRun } from './support/run-process';
import { dsSdkTrainingPipeline, trainingPipelineInput } from './fixtures/machines';

const REPO = resolve(__dirname, '..');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const MISSING_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:sagebuild-gone';
const SLACK_ENV = { SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET };

let stack: LocalStack;
let slack: FakeSlack;
let scratch: string;

beforeAll(async () => {
  [stack, slack] = await Promise.all([
    startLocalStack({ past: true }),
    startFakeSlackApi({ token: TEST_BOT_TOKEN }),
  ]);
  scratch = mkdtempSync(join(tmpdir(), 'sagebuild-doctor-'));
});

afterAll(async () => {
  await Promise.all([stack?.close(), slack?.close()]);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

afterEach(() => stack.local.faults.set({}));

/** Runs the AWS checks of `config` the way the CLI does, and returns every line. */
async function runAwsChecks(config: SageBuildConfig, extra: CheckGroup[] = []): Promise<Check[]> {
  const aws = awsChecks(config, { stackName: 'SageBuild' });
  try {
    return (await Promise.all(startGroups([...aws.groups, ...extra], 20_000))).flat();
  } finally {
    aws.close();
  }
}

function line(checks: Check[], title: string): Check {
  const found = checks.find((c) => c.title === title);
  if (!found) throw new Error(`no "${title}" line in:\n${checks.map(checkLine).join('\n')}`);
  return found;
}

/** The local config with its first pipeline pointed at `arn`. */
function withFirstArn(arn: string): SageBuildConfig {
  const [first, ...rest] = stack.core.config.pipelines;
  if (!first) throw new Error('no pipelines');
  return { ...stack.core.config, pipelines: [{ ...first, stateMachineArn: arn }, ...rest] };
}

describe('against the local AWS and the fake Slack API', () => {
  test('a healthy setup: every check passes, the roles are skipped because there is no CloudFormation', async () => {
    const config = stack.core.config;
    const checks = await runAwsChecks(config, [
      { title: 'Slack', run: () => checkSlack(config, { env: SLACK_ENV, slackApiUrl: slack.apiUrl }) },
      { title: 'Alexa skill', run: async () => [checkAlexa(config)] },
    ]);
    expect(checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(line(checks, 'prod state machine').detail).toBe(
      'sagebuild-prod (us-east-1) is ACTIVE and STANDARD.',
    );
    expect(line(checks, 'prod builds').detail).toMatch(
      /the latest is prod-nightly-4, succeeded, started 2 hours ago/,
    );
    expect(line(checks, 'dev builds').status).toBe('pass');
    expect(line(checks, 'Lambda roles')).toMatchObject({
      status: 'skip',
      detail: `CloudFormation did not answer at ${stack.local.endpoint} (AWS_ENDPOINT_URL), so the Lambdas' roles were not checked.`,
    });
    expect(line(checks, 'Slack tokens').detail).toContain('the environment');
    expect(line(checks, 'Slack bot').detail).toBe(
      'Slack accepts the bot token: bot @sagebuild (U0SAGEBUILD) in team T0SAGEBUILD, "SageBuild (local)".',
    );
    expect(line(checks, 'Alexa skill').detail).toContain('amzn1.ask.skill.sagebuild-local');
    expect(checks.map(checkLine).join('\n')).not.toContain(TEST_BOT_TOKEN);
  });

  test('a missing state machine: ✗ with its ARN and the field, and its builds are not listed', async () => {
    const checks = await runAwsChecks(withFirstArn(MISSING_ARN));
    expect(line(checks, 'prod state machine')).toEqual({
      status: 'fail',
      title: 'prod state machine',
      detail: `${MISSING_ARN} does not exist. Check pipelines[0].stateMachineArn (account and region too), or deploy the pipeline.`,
    });
    expect(line(checks, 'prod builds').status).toBe('skip');
    expect(line(checks, 'dev state machine').status).toBe('pass');
  });

  test('an EXPRESS state machine fails clearly: it keeps no execution history', async () => {
    const sfn = new SFNClient({});
    try {
      const { stateMachineArn } = await sfn.send(
        new CreateStateMachineCommand({
          name: 'sagebuild-express',
          type: 'EXPRESS',
          roleArn: 'arn:aws:iam::123456789012:role/sagebuild-express',
          definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }),
        }),
      );
      const checks = await runAwsChecks(withFirstArn(stateMachineArn ?? ''));
      expect(line(checks, 'prod state machine').status).toBe('fail');
      expect(line(checks, 'prod state machine').detail).toContain('is an EXPRESS state machine');
      expect(line(checks, 'prod builds').status).toBe('skip');
    } finally {
      sfn.destroy();
    }
  });

  test('the reference machine names everything per build: ✓ build names', async () => {
    const checks = await runAwsChecks(stack.core.config);
    expect(line(checks, 'prod build names')).toEqual({
      status: 'pass',
      title: 'prod build names',
      detail: 'Every name SageMaker needs new each build (training job, model, ...) is made per build.',
    });
  });

  test('a DS SDK TrainingPipeline fed fixed names: ✗ build names says which, and what to change', async () => {
    const sfn = new SFNClient({});
    try {
      const { stateMachineArn = '' } = await sfn.send(
        new CreateStateMachineCommand({
          name: 'churn-training-pipeline',
          roleArn: 'arn:aws:iam::123456789012:role/StepFunctionsWorkflowExecutionRole',
          definition: dsSdkTrainingPipeline.definition,
        }),
      );
      const [first, ...rest] = stack.core.config.pipelines;
      if (!first) throw new Error('no pipelines');
      const pipeline = { ...first, stateMachineArn, defaultInput: trainingPipelineInput('churn-2024') };
      const checks = await runAwsChecks({ ...stack.core.config, pipelines: [pipeline, ...rest] });
      expect(line(checks, 'prod state machine').status).toBe('pass');
      expect(line(checks, 'prod build names')).toEqual({
        status: 'fail',
        title: 'prod build names',
        detail:
          'Every prod build after the first will fail, because SageMaker needs new names each build but ' +
          'TrainingJobName in Training, ModelName in Create Model and EndpointConfigName in Configure Endpoint ' +
          'come from input values with no {build} (Training.TrainingJobName, Create Model.ModelName and ' +
          'Configure Endpoint.EndpointConfigName): put {build} in them, like "estimator-churn-2024-{build}".',
      });
      const perBuild = { ...pipeline, defaultInput: trainingPipelineInput('churn-{build}') };
      const fixed = await runAwsChecks({ ...stack.core.config, pipelines: [perBuild, ...rest] });
      expect(line(fixed, 'prod build names').status).toBe('pass');
    } finally {
      sfn.destroy();
    }
  });

  test('a missing machine: its build names are not checked', async () => {
    const checks = await runAwsChecks(withFirstArn(MISSING_ARN));
    expect(line(checks, 'prod build names')).toEqual({
      status: 'skip',
      title: 'prod build names',
      detail: 'Not checked: the state machine line above says why, or its definition is unreadable.',
    });
  });

  test('credentials that may not list executions: ✗ naming the action', async () => {
    stack.local.faults.set({ deny: ['states:ListExecutions'] });
    const checks = await runAwsChecks(stack.core.config);
    expect(line(checks, 'prod state machine').status).toBe('pass');
    expect(line(checks, 'prod builds')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('may not call states:ListExecutions on arn:aws:states:us-east-1:'),
    });
  });

  test('a bad Slack token: the tokens read fine, the bot line says what to do', async () => {
    const checks = await checkSlack(stack.core.config, {
      env: { ...SLACK_ENV, SLACK_BOT_TOKEN: 'xoxb-not-the-right-one' },
      slackApiUrl: slack.apiUrl,
    });
    expect(checks.map((c) => c.status)).toEqual(['pass', 'fail']);
    expect(checks[1]?.detail).toMatch(
      /^Slack refused the bot token \(invalid_auth\).*put its xoxb- token into SLACK_BOT_TOKEN\.$/,
    );
    expect(checks[1]?.detail).not.toContain('xoxb-not-the-right-one');
  });

  test('a token for another bot than slack.botUserId: ✗ with the ID to set', async () => {
    const config = { ...stack.core.config, slack: { ...stack.core.config.slack!, botUserId: 'U0SOMEONE' } };
    const [, bot] = await checkSlack(config, { env: SLACK_ENV, slackApiUrl: slack.apiUrl });
    expect(bot?.status).toBe('fail');
    expect(bot?.detail).toContain('Set slack.botUserId to U0SAGEBUILD.');
  });

  test('the secret read is a check: unreadable, or not filled in yet, with what to do', async () => {
    const config = {
      ...stack.core.config,
      slack: { ...stack.core.config.slack!, tokensSecretId: 'sagebuild/slack' },
    };
    // No tokens in the environment, so the secret is read: first from the local AWS, which has no Secrets Manager.
    const unreadable = await checkSlack(config, { env: { AWS_REGION: 'us-east-1' } });
    expect(unreadable.map((c) => c.status)).toEqual(['fail', 'skip']);
    expect(unreadable[0]?.detail).toBe(
      'The Slack secret sagebuild/slack could not be read (UnknownOperationException). Check your network, ' +
        'region and AWS credentials, then run the doctor again.',
    );
    // Then from a Secrets Manager whose secret holds an empty object, as a freshly deployed one does.
    const secrets = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ Name: 'sagebuild/slack', SecretString: '{}' }));
    });
    await new Promise<void>((done) => secrets.listen(0, '127.0.0.1', done));
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`;
    try {
      const [tokens] = await checkSlack(config, { env: { AWS_REGION: 'us-east-1' } });
      expect(tokens?.detail).toBe(
        'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET missing from secret sagebuild/slack. Put the tokens into it: ' +
          'aws secretsmanager put-secret-value --secret-id sagebuild/slack --secret-string ' +
          `'{"SLACK_BOT_TOKEN":"xoxb-…","SLACK_SIGNING_SECRET":"…"}'`,
      );
    } finally {
      delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
      secrets.close();
    }
  });

  test('no slack or alexa section: both are skipped', async () => {
    const { slack: _slack, alexa: _alexa, ...config } = stack.core.config;
    expect((await checkSlack(config)).map((c) => c.status)).toEqual(['skip']);
    expect(checkAlexa(config).status).toBe('skip');
  });

  test('an invalid config fails the first check with the field named', () => {
    const path = join(scratch, 'invalid.json');
    writeFileSync(path, JSON.stringify({ pipelines: [{ name: 'prod', stateMachineArn: 'nope' }] }));
    const { check, config } = checkConfig({ SAGEBUILD_CONFIG: path });
    expect(config).toBeUndefined();
    expect(check.status).toBe('fail');
    expect(check.detail).toContain('pipelines[0].stateMachineArn');
  });
});

describe('the IAM decision mapping (no network)', () => {
  const roleArn = 'arn:aws:iam::123456789012:role/SageBuild-SkillRole-ABC';
  const machine = 'arn:aws:states:us-east-1:123456789012:stateMachine:sagebuild-prod';
  const execution = 'arn:aws:states:us-east-1:123456789012:execution:sagebuild-prod:prod-0123456789ab';
  const needs: Need[] = [
    { action: 'states:ListExecutions', resource: machine, what: 'the state machine sagebuild-prod' },
    { action: 'states:StartExecution', resource: machine, what: 'the state machine sagebuild-prod' },
    { action: 'states:StopExecution', resource: execution, what: 'executions of sagebuild-prod' },
  ];
  const result = (
    action: string,
    resource: string,
    decision: EvaluationResult['EvalDecision'],
  ): EvaluationResult => ({ EvalActionName: action, EvalResourceName: resource, EvalDecision: decision });

  test('everything allowed: ✓ with the role name and how many calls', () => {
    const results = needs.map((n) => result(n.action, n.resource, 'allowed'));
    expect(roleCheck('Skill role', roleArn, needs, results)).toEqual({
      status: 'pass',
      title: 'Skill role',
      detail: 'SageBuild-SkillRole-ABC may make all 3 calls it needs (Step Functions).',
    });
  });

  test('denied actions are named with the resource and why; a missing answer counts as denied', () => {
    const results = [
      result('states:ListExecutions', machine, 'allowed'),
      result('states:StartExecution', machine, 'explicitDeny'),
    ];
    expect(roleCheck('Skill role', roleArn, needs, results)).toEqual({
      status: 'fail',
      title: 'Skill role',
      detail:
        'SageBuild-SkillRole-ABC is denied states:StartExecution on the state machine sagebuild-prod (a Deny ' +
        'statement, permissions boundary or SCP blocks it); states:StopExecution on executions of sagebuild-prod ' +
        "(IAM gave no answer for it). Allow them in the role's policy, then deploy the stack again.",
    });
  });

  test('resource-specific results win; action names match whatever their case', () => {
    const need = needs[2] as Need;
    const specific: EvaluationResult = {
      EvalActionName: 'STATES:stopexecution',
      EvalResourceName: '*',
      EvalDecision: 'allowed',
      ResourceSpecificResults: [{ EvalResourceName: execution, EvalResourceDecision: 'implicitDeny' }],
    };
    expect(decisionFor(need, [specific])).toBe('implicitDeny');
    expect(decisionFor(need, [result('states:StopExecution', machine, 'allowed')])).toBe('unanswered');
    const detail = roleCheck('Skill role', roleArn, [need], [specific]).detail;
    expect(detail).toContain(
      'states:StopExecution on executions of sagebuild-prod (no policy allows it). Allow it',
    );
  });

  test('each role needs what its code calls: only the notifier never starts or stops builds', () => {
    const config = {
      ...stack.core.config,
      slack: { ...stack.core.config.slack!, tokensSecretId: 'sagebuild/slack' },
    };
    const place = placeOf(roleArn, { region: 'us-east-1', outputs: new Map() });
    const actions = Object.fromEntries(
      LAMBDA_ROLES.map((role) => [role.output, new Set(roleNeeds(role, config, place).map((n) => n.action))]),
    );
    expect(actions.SkillRoleArn).toContain('states:StopExecution');
    expect(actions.SkillRoleArn).not.toContain('dynamodb:PutItem');
    expect(actions.SlackBotRoleArn).toContain('states:StartExecution');
    expect(actions.SlackBotRoleArn).toContain('secretsmanager:GetSecretValue');
    expect(actions.NotifierRoleArn).toContain('states:GetExecutionHistory');
    expect(actions.NotifierRoleArn).toContain('dynamodb:Query');
    expect(actions.NotifierRoleArn).not.toContain('states:StartExecution');
    expect(actions.NotifierRoleArn).not.toContain('states:StopExecution');
  });

  test("every role may read the machine's definition, and the version each build ran", () => {
    const config = { ...stack.core.config, pipelines: stack.core.config.pipelines.slice(0, 1) };
    const [pipeline] = config.pipelines;
    if (!pipeline) throw new Error('no pipelines');
    const machineName = pipeline.stateMachineArn.split(':').pop() ?? '';
    const executions = pipeline.stateMachineArn.replace(':stateMachine:', ':execution:');
    const place = placeOf(roleArn, { region: 'us-east-1', outputs: new Map() });
    for (const role of LAMBDA_ROLES) {
      const definitionNeeds = roleNeeds(role, config, place).filter((n) =>
        n.action.startsWith('states:DescribeStateMachine'),
      );
      expect({ role: role.title, needs: definitionNeeds }).toEqual({
        role: role.title,
        needs: [
          {
            action: 'states:DescribeStateMachine',
            resource: pipeline.stateMachineArn,
            what: `the state machine ${machineName}`,
          },
          {
            action: 'states:DescribeStateMachineForExecution',
            // A sample build's ARN: builds are named "<pipeline>-<hash>".
            resource: expect.stringMatching(
              new RegExp(
                `^${executions.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${pipeline.name}-[0-9a-f]{12}$`,
              ),
            ) as string,
            what: `executions of ${machineName}`,
          },
        ],
      });
    }
  });

  test('with aws.startClaimsTable, the skill and the bot need its claims calls; the notifier never starts', () => {
    const config = {
      ...stack.core.config,
      aws: { ...stack.core.config.aws, startClaimsTable: 'sagebuild-claims' },
    };
    const place = placeOf(roleArn, { region: 'us-east-1', outputs: new Map() });
    const claimsNeeds = (role: (typeof LAMBDA_ROLES)[number]) =>
      roleNeeds(role, config, place).filter((n) => n.resource.endsWith(':table/sagebuild-claims'));
    const table = 'arn:aws:dynamodb:us-east-1:123456789012:table/sagebuild-claims';
    const [skill, bot, notifier] = LAMBDA_ROLES.map(claimsNeeds);
    for (const needs of [skill, bot]) {
      expect(needs).toEqual(
        ['PutItem', 'GetItem', 'DeleteItem'].map((op) => ({
          action: `dynamodb:${op}`,
          resource: table,
          what: 'the table sagebuild-claims',
        })),
      );
    }
    expect(notifier).toEqual([]);
  });
});

describe('the roles check with stand-in CloudFormation and IAM clients', () => {
  const arnOf = (name: string) => `arn:aws:iam::123456789012:role/SageBuild-${name}`;
  const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:sagebuild/slack-AbC123';
  const outputs = [
    { OutputKey: 'SkillRoleArn', OutputValue: arnOf('Skill') },
    { OutputKey: 'SlackBotRoleArn', OutputValue: arnOf('SlackBot') },
    { OutputKey: 'NotifierRoleArn', OutputValue: arnOf('Notifier') },
    { OutputKey: 'SlackSecretName', OutputValue: 'sagebuild/slack' },
    { OutputKey: 'StoreTableName', OutputValue: 'sagebuild-cards' },
    { OutputKey: 'StartClaimsTableName', OutputValue: 'SageBuild-start-claims' },
  ];
  const signal = new AbortController().signal;

  /** The stack above, its secret among its resources. */
  const cloudFormation = {
    async send(command: unknown) {
      if (command instanceof DescribeStacksCommand) return { Stacks: [{ Outputs: outputs }] };
      const resources = [
        { ResourceType: 'AWS::DynamoDB::Table', PhysicalResourceId: 'sagebuild-cards' },
        { ResourceType: 'AWS::SecretsManager::Secret', PhysicalResourceId: secretArn },
      ];
      return { StackResourceSummaries: resources };
    },
  } as unknown as CloudFormationClient;

  /** Allows everything but StopExecution to the skill's role; knows no notifier role; notes what it was asked. */
  const asked: SimulatePrincipalPolicyCommandInput[] = [];
  const iam = {
    async send(command: { input: SimulatePrincipalPolicyCommandInput }) {
      asked.push(command.input);
      const { PolicySourceArn, ActionNames = [], ResourceArns = [] } = command.input;
      if (PolicySourceArn === arnOf('Notifier')) {
        throw Object.assign(new Error('The role cannot be found.'), { name: 'NoSuchEntityException' });
      }
      const denied = PolicySourceArn === arnOf('Skill');
      return {
        EvaluationResults: ActionNames.map((action) => ({
          EvalActionName: action,
          EvalResourceName: ResourceArns[0],
          EvalDecision: denied && action === 'states:StopExecution' ? 'implicitDeny' : 'allowed',
        })),
      };
    },
  } as unknown as IAMClient;

  test('one line per role: allowed, denied with the action, or gone', async () => {
    const lookup = await findStack(
      { cloudFormation, iam },
      { stackName: 'SageBuild', region: 'us-east-1' },
      signal,
    );
    expect(lookup).toMatchObject({ found: { secretArn } });
    const checks = await checkRoles(stack.core.config, iam, lookup, signal);
    expect(checks.map((c) => [c.title, c.status])).toEqual([
      ['Skill role', 'fail'],
      ['Slack bot role', 'pass'],
      ['Notifier role', 'fail'],
    ]);
    expect(checks[0]?.detail).toMatch(
      /^SageBuild-Skill is denied states:StopExecution on executions of sagebuild-prod and executions of sagebuild-dev \(no policy allows it\)\./,
    );
    expect(checks[1]?.detail).toBe(
      'SageBuild-SlackBot may make all 16 calls it needs (Step Functions, SageMaker, DynamoDB, CloudWatch, Secrets Manager).',
    );
    expect(checks[2]?.detail).toBe(
      `${arnOf('Notifier')} (the stack's NotifierRoleArn) does not exist. Deploy the stack again.`,
    );
    // The stack's own table and the secret's full ARN, which the policies name.
    const resources = asked
      .filter((a) => a.PolicySourceArn === arnOf('SlackBot'))
      .flatMap((a) => a.ResourceArns);
    expect(resources).toContain(secretArn);
    expect(resources).toContain('arn:aws:dynamodb:us-east-1:123456789012:table/sagebuild-cards');
    // The stack's start claims table, for the roles that start builds only.
    const claims = 'arn:aws:dynamodb:us-east-1:123456789012:table/SageBuild-start-claims';
    const claimsAskedFor = (role: string) =>
      asked.filter((a) => a.PolicySourceArn === arnOf(role) && a.ResourceArns?.includes(claims));
    expect(claimsAskedFor('Skill').flatMap((a) => a.ActionNames)).toEqual([
      'dynamodb:PutItem',
      'dynamodb:GetItem',
      'dynamodb:DeleteItem',
    ]);
    expect(claimsAskedFor('SlackBot')).toHaveLength(1);
    expect(claimsAskedFor('Notifier')).toEqual([]);
  });

  test('no such stack: skipped, saying how to name another', async () => {
    const missing = {
      send: async () => {
        throw Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' });
      },
    } as unknown as CloudFormationClient;
    const options = { stackName: 'Nope', region: 'eu-west-1', otherStackHint: '--stack <name>' };
    const lookup = await findStack({ cloudFormation: missing, iam }, options, signal);
    expect(await checkRoles(stack.core.config, iam, lookup, signal)).toEqual([
      {
        status: 'skip',
        title: 'Lambda roles',
        detail:
          "No CloudFormation stack named Nope in eu-west-1 (name yours with --stack <name>), so the Lambdas' roles were not checked.",
      },
    ]);
  });
});

describe('a stack in a state that cannot be trusted (no network)', () => {
  test('a failed or never-executed deploy fails the roles check; a deploy in progress skips it', () => {
    expect(stackStatusProblem('SageBuild', 'UPDATE_COMPLETE')).toBeUndefined();
    expect(stackStatusProblem('SageBuild', 'UPDATE_ROLLBACK_COMPLETE')).toBeUndefined();
    for (const status of [
      'ROLLBACK_COMPLETE',
      'CREATE_FAILED',
      'UPDATE_ROLLBACK_FAILED',
      'REVIEW_IN_PROGRESS',
    ]) {
      expect(stackStatusProblem('SageBuild', status)).toEqual({
        failed: expect.stringContaining(`The stack SageBuild is ${status}`),
      });
    }
    expect(stackStatusProblem('SageBuild', 'UPDATE_IN_PROGRESS')).toEqual({
      skipped: expect.stringContaining('run the doctor again when the deploy has finished'),
    });
  });

  test('the Slack tokens are skipped, not failed, when the stack that names their secret is unknown', async () => {
    const config = {
      ...stack.core.config,
      slack: { commandName: '/sagebuild', storeTable: 'sagebuild-slack' },
    };
    const checks = await checkSlack(config, {
      env: {},
      noSecretBecause: 'No CloudFormation stack named SageBuild.',
    });
    expect(checks.map((c) => [c.title, c.status])).toEqual([
      ['Slack tokens', 'skip'],
      ['Slack bot', 'skip'],
    ]);
    expect(checks[0]?.detail).toContain('No CloudFormation stack named SageBuild.');
  });
});

test('a group that never answers becomes a failed line at its deadline', async () => {
  const [lines] = startGroups([{ title: 'Stuck', run: () => new Promise<Check[]>(() => undefined) }], 50);
  expect(await lines).toEqual([expect.objectContaining({ status: 'fail', title: 'Stuck' })]);
});

describe('the doctor command (tsx cli/doctor.ts)', () => {
  function doctor(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<ProcessRun> {
    return runProcess(TSX, [join(REPO, 'cli', 'doctor.ts'), ...args], { cwd, env, timeoutMs: 40_000 });
  }

  function writeConfig(name: string, config: unknown): string {
    const path = join(scratch, name);
    writeFileSync(path, JSON.stringify(config));
    return path;
  }

  test('with an npm start session: every line, the roles skipped, exit 0', async () => {
    // A session as `npm start` leaves it; this test process stands in for it (its pid is alive).
    const root = mkdtempSync(join(scratch, 'session-'));
    writeSession(root, stack.local.endpoint, stack.core.config, {
      apiUrl: slack.apiUrl,
      botToken: TEST_BOT_TOKEN,
      signingSecret: TEST_SIGNING_SECRET,
    });
    const run = await doctor([], root, cleanEnv());
    expect(run.stderr).toBe(`(checking the local AWS at ${stack.local.endpoint}, started by npm start)\n`);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      '✓ Config',
      '✓ prod state machine',
      '✓ prod builds',
      '✓ prod build names',
      '✓ dev state machine',
      '✓ dev builds',
      '✓ dev build names',
      '– Lambda roles (skipped)',
      '✓ Slack tokens',
      '✓ Slack bot',
      '✓ Alexa skill',
      'All required checks passed (1 skipped).',
    ]);
    expect(lines[7]).toContain('The local AWS (npm start) has no CloudFormation or IAM.');
    expect(lines[8]).toContain('the npm start session');
    expect(run.stdout).not.toContain(TEST_BOT_TOKEN);
    expect(run.code).toBe(0);
  });

  test('a missing state machine: the ✗ line names the ARN, exit 1', async () => {
    const { slack: _slack, ...config } = withFirstArn(MISSING_ARN);
    const env = cleanEnv({
      SAGEBUILD_CONFIG: writeConfig('missing.json', config),
      AWS_ENDPOINT_URL: stack.local.endpoint,
    });
    const run = await doctor(['--stack', 'Other'], scratch, env);
    expect(run.stdout).toContain(`✗ prod state machine: ${MISSING_ARN} does not exist.`);
    expect(run.stdout).toContain('– Slack (skipped): The config has no slack section.');
    expect(run.stdout).toMatch(/\n1 check failed \(\d skipped\)\.\n$/);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
  });

  test('an invalid config: the field is named, no stack trace, exit 2', async () => {
    const path = writeConfig('invalid.json', {
      pipelines: [{ name: 'Prod!', stateMachineArn: MISSING_ARN }],
    });
    const run = await doctor([], scratch, cleanEnv({ SAGEBUILD_CONFIG: path }));
    expect(run.stdout).toMatch(
      /^✗ Config: Invalid SageBuild config \(.*invalid\.json\): pipelines\[0\]\.name: /,
    );
    expect(run.stderr).toContain('Set SAGEBUILD_CONFIG');
    expect(run.stdout + run.stderr).not.toContain('    at ');
    expect(run.code).toBe(2);
  });
});
