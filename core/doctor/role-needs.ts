// What each deployed Lambda's IAM role must be allowed to do, as (action, resource) pairs to simulate. The
// actions are the calls the code makes (core/builds, core/machine, core/claims, slack/store, slack/secrets);
// the resources are the config's, with sample names where the real ones are made per build.

import type { SageBuildConfig } from '../config/schema';
import { executionArnFor, executionName } from '../builds/names';
import { STACK_OUTPUTS, type DeployedStack } from './stack';

export interface LambdaRole {
  /** The check's title, e.g. "Slack bot role". */
  title: string;
  /** The CloudFormation stack output holding the role's ARN. */
  output: string;
  /** Starts and stops builds, claiming the pipeline for each start (the notifier only reads). */
  controlsBuilds: boolean;
  /** Reads the Slack tokens and keeps cards in DynamoDB. */
  usesSlack: boolean;
}

export const LAMBDA_ROLES: readonly LambdaRole[] = [
  { title: 'Skill role', output: 'SkillRoleArn', controlsBuilds: true, usesSlack: false },
  { title: 'Slack bot role', output: 'SlackBotRoleArn', controlsBuilds: true, usesSlack: true },
  { title: 'Notifier role', output: 'NotifierRoleArn', controlsBuilds: false, usesSlack: true },
];

export interface Need {
  /** e.g. "states:StopExecution" */
  action: string;
  resource: string;
  /** The resource in words, e.g. "executions of sagebuild-prod". */
  what: string;
}

/** Where the stack's own resources are: the role's account, the stack's region, and its Slack table and secret. */
export interface StackPlace {
  partition: string;
  region: string;
  account: string;
  /** The stack's table (its StoreTableName output), else the config's. */
  storeTable?: string;
  /** The stack's start claims table (its StartClaimsTableName output), else the config's. */
  claimsTable?: string;
  /** The stack's tokens secret: its full ARN if known, else its name (SlackSecretName output). */
  secretArn?: string;
  secretName?: string;
}

/** The place of a role (arn:aws:iam::123456789012:role/...) in a stack. */
export function placeOf(
  roleArn: string,
  stack: Pick<DeployedStack, 'region' | 'outputs' | 'secretArn'>,
): StackPlace {
  const [, partition = 'aws', , , account = ''] = roleArn.split(':');
  const storeTable = stack.outputs.get(STACK_OUTPUTS.storeTableName);
  const claimsTable = stack.outputs.get(STACK_OUTPUTS.startClaimsTableName);
  const secretName = stack.outputs.get(STACK_OUTPUTS.slackSecretName);
  return {
    partition,
    region: stack.region,
    account,
    ...(storeTable ? { storeTable } : {}),
    ...(claimsTable ? { claimsTable } : {}),
    ...(stack.secretArn ? { secretArn: stack.secretArn } : {}),
    ...(secretName ? { secretName } : {}),
  };
}

export function roleNeeds(role: LambdaRole, config: SageBuildConfig, place: StackPlace): Need[] {
  const needs = config.pipelines.flatMap((pipeline) => {
    const machine = pipeline.stateMachineArn;
    const machineName = machine.split(':').pop() ?? machine;
    // Builds are named "<pipeline>-<hash>", so a policy scoped to "<pipeline>-*" is judged as it would be.
    const build = executionName(pipeline.name, 'sagebuild-doctor');
    const execution = executionArnFor(machine, build);
    const [, partition, , region, account] = machine.split(':');
    // SageMaker ARNs carry lowercased names; training job, model and endpoint config are named after the build.
    const sagemaker = (kind: string, name: string) =>
      `arn:${partition}:sagemaker:${region}:${account}:${kind}/${name.toLowerCase()}`;
    const endpoint = pipeline.defaultInput.endpointName;
    const onMachine = (action: string): Need => ({
      action,
      resource: machine,
      what: `the state machine ${machineName}`,
    });
    const onExecutions = (action: string): Need => ({
      action,
      resource: execution,
      what: `executions of ${machineName}`,
    });
    const list: Need[] = [
      onMachine('states:ListExecutions'),
      // core/machine/definition.ts: the machine's steps, and the version a build ran.
      onMachine('states:DescribeStateMachine'),
      onExecutions('states:DescribeExecution'),
      onExecutions('states:GetExecutionHistory'),
      onExecutions('states:DescribeStateMachineForExecution'),
      {
        action: 'sagemaker:DescribeTrainingJob',
        resource: sagemaker('training-job', build),
        what: `${pipeline.name} training jobs`,
      },
      {
        action: 'sagemaker:DescribeEndpointConfig',
        resource: sagemaker('endpoint-config', build),
        what: `${pipeline.name} endpoint configs`,
      },
    ];
    if (typeof endpoint === 'string') {
      list.push({
        action: 'sagemaker:DescribeEndpoint',
        resource: sagemaker('endpoint', endpoint),
        what: `the endpoint ${endpoint}`,
      });
    }
    if (role.controlsBuilds) {
      list.push(onMachine('states:StartExecution'), onExecutions('states:StopExecution'));
    }
    return list;
  });
  if (role.controlsBuilds) needs.push(...claimsNeeds(config, place));
  if (role.controlsBuilds && config.pipelines.some((p) => p.approval)) {
    // core/approvals/decide.ts: IAM scopes a Task state's token to no resource, so these are judged on "*".
    for (const action of ['states:SendTaskSuccess', 'states:SendTaskFailure']) {
      needs.push({ action, resource: '*', what: 'approval gates' });
    }
  }
  // core/health: GetMetricData has no resource type, so IAM judges it on "*".
  if (role.controlsBuilds)
    needs.push({ action: 'cloudwatch:GetMetricData', resource: '*', what: 'endpoint metrics' });
  if (role.usesSlack && config.slack) needs.push(...slackNeeds(config.slack, place));
  return needs;
}

/** core/claims/dynamodb-claims.ts: a conditional PutItem takes a claim, GetItem reads it, DeleteItem releases. */
function claimsNeeds(config: SageBuildConfig, place: StackPlace): Need[] {
  const tableName = place.claimsTable ?? config.aws.startClaimsTable;
  if (!tableName) return [];
  return tableNeeds(tableName, ['PutItem', 'GetItem', 'DeleteItem'], place);
}

function tableNeeds(tableName: string, operations: string[], place: StackPlace): Need[] {
  const { partition, region, account } = place;
  const table = `arn:${partition}:dynamodb:${region}:${account}:table/${tableName}`;
  const what = `the table ${tableName}`;
  return operations.map((op) => ({ action: `dynamodb:${op}`, resource: table, what }));
}

function slackNeeds(slack: NonNullable<SageBuildConfig['slack']>, place: StackPlace): Need[] {
  const tableName = place.storeTable ?? slack.storeTable;
  const needs = tableNeeds(tableName, ['GetItem', 'PutItem', 'DeleteItem', 'Query'], place);
  const secretId = slack.tokensSecretId ?? place.secretName;
  if (secretId) {
    needs.push({
      action: 'secretsmanager:GetSecretValue',
      resource: place.secretArn ?? secretArnPattern(secretId, place),
      what: `the secret ${secretId}`,
    });
  }
  return needs;
}

/**
 * A secret's ARN ends in "-" and six random characters. Without the full ARN, "??????" stands for them: it
 * matches the "name-??????" and "name-*" patterns that policies written by name use.
 */
function secretArnPattern(secretId: string, { partition, region, account }: StackPlace): string {
  if (!secretId.startsWith('arn:'))
    return `arn:${partition}:secretsmanager:${region}:${account}:secret:${secretId}-??????`;
  return /-[A-Za-z0-9]{6}$/.test(secretId) ? secretId : `${secretId}-??????`;
}
