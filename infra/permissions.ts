// The IAM statements of each function, from the calls the code makes (core/builds, core/claims, slack/store,
// slack/secrets) and nothing more: named actions only, on the configured state machines, their executions, and SageMaker
// resources of the state machines' own account and region.

import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { SageBuildConfig } from '../core/config/schema';
import { stateMachineArnParts } from './target';

/** What a function may do with builds: watch them (the notifier), or also start and stop them (people). */
export type BuildAccess = 'watch' | 'control';

export function stateMachineArns(config: SageBuildConfig): string[] {
  return [...new Set(config.pipelines.map((p) => p.stateMachineArn))];
}

/** arn:<partition>:states:<region>:<account>:execution:<state machine name>:* for each state machine. */
export function executionArns(config: SageBuildConfig): string[] {
  return stateMachineArns(config).map((arn) => `${arn.replace(':stateMachine:', ':execution:')}:*`);
}

/** `<type>/*` in every account and region that holds a configured state machine. */
export function sageMakerArns(config: SageBuildConfig, type: string): string[] {
  const places = config.pipelines.map((p) => {
    const { partition, region, account } = stateMachineArnParts(p.stateMachineArn);
    return `arn:${partition}:sagemaker:${region}:${account}:${type}/*`;
  });
  return [...new Set(places)];
}

export function buildStatements(config: SageBuildConfig, access: BuildAccess): PolicyStatement[] {
  const control = access === 'control';
  return [
    new PolicyStatement({
      sid: control ? 'StartAndListBuilds' : 'ListBuilds',
      // DescribeStateMachine: core/machine/definition.ts reads the machine's definition to know its steps.
      actions: [
        ...(control ? ['states:StartExecution'] : []),
        'states:ListExecutions',
        'states:DescribeStateMachine',
      ],
      resources: stateMachineArns(config),
    }),
    new PolicyStatement({
      sid: control ? 'ReadAndStopBuilds' : 'ReadBuilds',
      actions: [
        'states:DescribeExecution',
        'states:GetExecutionHistory',
        // The definition a build ran, when the machine has changed since (its resource is the execution).
        'states:DescribeStateMachineForExecution',
        ...(control ? ['states:StopExecution'] : []),
      ],
      resources: executionArns(config),
    }),
    // core/builds/sagemaker-facts.ts: the training job's progress and the endpoint a build deployed.
    new PolicyStatement({
      sid: 'ReadTrainingJobs',
      actions: ['sagemaker:DescribeTrainingJob'],
      resources: sageMakerArns(config, 'training-job'),
    }),
    new PolicyStatement({
      sid: 'ReadEndpoints',
      actions: ['sagemaker:DescribeEndpoint'],
      resources: sageMakerArns(config, 'endpoint'),
    }),
    new PolicyStatement({
      sid: 'ReadEndpointConfigs',
      actions: ['sagemaker:DescribeEndpointConfig'],
      resources: sageMakerArns(config, 'endpoint-config'),
    }),
    ...rollbackStatements(config, access),
    ...(control && hasApprovalGates(config) ? [decisionStatement()] : []),
    ...(control ? [healthStatement()] : []),
  ];
}

/**
 * core/health: the fronts that answer "how is the endpoint doing" read its metrics with GetMetricData. On
 * "*": GetMetricData has no resource type, so "*" is the only resource AWS accepts for it; the statement
 * holds this one read-only action alone.
 */
export function healthStatement(): PolicyStatement {
  return new PolicyStatement({
    sid: 'ReadEndpointMetrics',
    actions: ['cloudwatch:GetMetricData'],
    resources: ['*'],
  });
}

/**
 * core/builds/rollback.ts and rollback-record.ts: people (control) roll an endpoint back (UpdateEndpoint
 * names both the endpoint and the config it goes to), after checking the config and its model
 * (DescribeEndpointConfig above, DescribeModel), and record it on the endpoint (AddTags); every function
 * reads the record back for status and cards (ListTags). Endpoints are the pipelines' own where the config
 * names them; configs and models are named by each build, so they are any in the pipelines' accounts.
 */
export function rollbackStatements(config: SageBuildConfig, access: BuildAccess): PolicyStatement[] {
  const endpoints = pipelineEndpointArns(config);
  const read = new PolicyStatement({
    sid: 'ReadRollbackRecords',
    actions: ['sagemaker:ListTags'],
    resources: endpoints,
  });
  if (access !== 'control') return [read];
  return [
    read,
    new PolicyStatement({
      sid: 'RollBackEndpoints',
      actions: ['sagemaker:UpdateEndpoint'],
      resources: [...endpoints, ...sageMakerArns(config, 'endpoint-config')],
    }),
    new PolicyStatement({
      sid: 'RecordRollbacks',
      actions: ['sagemaker:AddTags'],
      resources: endpoints,
    }),
    new PolicyStatement({
      sid: 'CheckRollbackModels',
      actions: ['sagemaker:DescribeModel'],
      resources: sageMakerArns(config, 'model'),
    }),
  ];
}

/**
 * Each pipeline's endpoint (SageMaker ARNs carry names in lower case) where its defaultInput names it; a
 * pipeline whose endpoint only its builds' histories name gets any endpoint of its account and region.
 */
export function pipelineEndpointArns(config: SageBuildConfig): string[] {
  const arns = config.pipelines.map((p) => {
    const { partition, region, account } = stateMachineArnParts(p.stateMachineArn);
    const name = p.defaultInput.endpointName;
    const resource = typeof name === 'string' && name ? name.toLowerCase() : '*';
    return `arn:${partition}:sagemaker:${region}:${account}:endpoint/${resource}`;
  });
  return [...new Set(arns)];
}

/** Whether any pipeline has an approval gate (config `approval`): only then may the fronts decide gates. */
export function hasApprovalGates(config: SageBuildConfig): boolean {
  return config.pipelines.some((p) => p.approval !== undefined);
}

/**
 * core/approvals/decide.ts: approve (SendTaskSuccess) or reject (SendTaskFailure) a gate, by its task token.
 * On "*": IAM cannot scope these two to a state machine for a token a Task state issued (their only resource
 * type is an activity), so the statement holds these two actions alone. Who may decide is the config's
 * `approval.approvers`, checked by the core before any call; the token comes from the history, never a person.
 */
export const DECISION_ACTIONS = ['states:SendTaskSuccess', 'states:SendTaskFailure'];

export function decisionStatement(): PolicyStatement {
  return new PolicyStatement({ sid: 'DecideApprovalGates', actions: DECISION_ACTIONS, resources: ['*'] });
}

/** slack/store/dynamodb-store.ts: GetItem, PutItem (conditional too), DeleteItem and Query, nothing else. */
export const STORE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
];

export function storeStatement(tableArn: string): PolicyStatement {
  return new PolicyStatement({ sid: 'SlackStore', actions: STORE_ACTIONS, resources: [tableArn] });
}

/** core/claims/dynamodb-claims.ts: a conditional PutItem takes a claim, GetItem reads its holder, DeleteItem releases. */
export const CLAIMS_ACTIONS = ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem'];

export function claimsStatement(tableArn: string): PolicyStatement {
  return new PolicyStatement({ sid: 'StartClaims', actions: CLAIMS_ACTIONS, resources: [tableArn] });
}

/** slack/secrets.ts reads the tokens once per cold start; DescribeSecret and the rest are not needed. */
export function secretStatement(secretArn: string): PolicyStatement {
  return new PolicyStatement({
    sid: 'SlackTokens',
    actions: ['secretsmanager:GetSecretValue'],
    resources: [secretArn],
  });
}

/** Lambda's own logging, to the function's log group only (instead of AWSLambdaBasicExecutionRole's "*"). */
export function logStatement(logGroupArn: string): PolicyStatement {
  return new PolicyStatement({
    sid: 'OwnLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroupArn],
  });
}
