// The reference pipeline (pipeline/sagemaker-deploy.asl.json) as a Standard state machine, when the config asks
// for it with infra.referencePipeline: the state machine gets that pipeline's name from its stateMachineArn, and
// a role with exactly what the definition's tasks call. The SageMaker execution role it passes on comes from the
// pipeline's defaultInput.roleArn: an existing role, or one this stack makes (infra.createSageMakerRole). It logs
// every state with its data to a log group of its own, and traces with X-Ray.

import { RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { PipelineConfig } from '../core/config/schema';
import { ConfigError } from '../core/errors';
import { APPROVAL_EVENT, pipelineDefinition } from '../pipeline';
import { LOG_RETENTION } from './functions';
import { stateMachineArnParts, type DeploymentTarget } from './target';

/** The rule Step Functions manages in the account to learn when a `.sync` training job ends. */
export const SYNC_RULE = 'StepFunctionsGetEventsForSageMakerTrainingJobsRule';

export interface ReferencePipeline {
  stateMachine: StateMachine;
  role: Role;
  /** Where the state machine logs every state, with its data. */
  logGroup: LogGroup;
  /** Only with infra.createSageMakerRole. */
  sageMakerRole?: Role;
}

export function referencePipeline(
  scope: Construct,
  pipeline: PipelineConfig,
  index: number,
  target: DeploymentTarget,
  createSageMakerRole: boolean,
): ReferencePipeline {
  const where = (field: string) => `pipelines[${index}].${field}`;
  const arn = stateMachineArnParts(pipeline.stateMachineArn);
  if (arn.account !== target.account || arn.region !== target.region) {
    throw new ConfigError(
      `infra.referencePipeline: ${pipeline.name}'s state machine is in ${arn.account}/${arn.region}, ` +
        `but the stack deploys to ${target.account}/${target.region}.`,
      where('stateMachineArn'),
    );
  }
  const input = pipeline.defaultInput;
  const roleArn = iamRole(input.roleArn, where('defaultInput.roleArn'));
  const sageMakerRole = createSageMakerRole
    ? sageMakerExecutionRole(scope, pipeline, roleArn, target, where)
    : undefined;

  const sm = (type: string) =>
    `arn:${target.partition}:sagemaker:${target.region}:${target.account}:${type}/*`;
  const role = new Role(scope, 'ReferencePipelineRole', {
    assumedBy: new ServicePrincipal('states.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': target.account } },
    }),
    description: `SageBuild reference pipeline ${arn.name}: only what its tasks call`,
  });
  const statements = [
    // Train model (.sync): create, then poll or stop the job.
    new PolicyStatement({
      sid: 'TrainModel',
      actions: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'],
      resources: [sm('training-job')],
    }),
    new PolicyStatement({
      sid: 'TrainModelSync',
      actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      resources: [`arn:${target.partition}:events:${target.region}:${target.account}:rule/${SYNC_RULE}`],
    }),
    new PolicyStatement({ sid: 'SaveModel', actions: ['sagemaker:CreateModel'], resources: [sm('model')] }),
    new PolicyStatement({
      sid: 'CreateEndpointConfig',
      actions: ['sagemaker:CreateEndpointConfig'],
      resources: [sm('endpoint-config')],
    }),
    // Create endpoint / Update endpoint name both the endpoint and the config it switches to.
    new PolicyStatement({
      sid: 'DeployEndpoint',
      actions: ['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint'],
      resources: [sm('endpoint'), sm('endpoint-config')],
    }),
    new PolicyStatement({
      sid: 'CheckEndpoint',
      actions: ['sagemaker:DescribeEndpoint'],
      resources: [sm('endpoint')],
    }),
    // The Step Functions SageMaker integration reads tags of what it creates (AWS's policy puts "*" here).
    new PolicyStatement({
      sid: 'IntegrationReadsTags',
      actions: ['sagemaker:ListTags'],
      resources: ['training-job', 'model', 'endpoint-config', 'endpoint'].map(sm),
    }),
    new PolicyStatement({
      sid: 'PassSageMakerRole',
      actions: ['iam:PassRole'],
      resources: [sageMakerRole?.roleArn ?? roleArn.arn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }),
  ];
  if (pipeline.approval) {
    // The approval gate puts its request (with the task token) on the default bus, where the notifier's rule hears it.
    statements.push(
      new PolicyStatement({
        sid: 'AskForApproval',
        actions: ['events:PutEvents'],
        resources: [
          `arn:${target.partition}:events:${target.region}:${target.account}:event-bus/${APPROVAL_EVENT.busName}`,
        ],
      }),
    );
  }
  for (const statement of statements) role.addToPolicy(statement);

  // Every state's entry and exit with its input and output (hyperparameters, job names, endpoint statuses; no
  // secrets), a month long: why a build went the way it did, beyond the 25,000-event history. The vended-logs
  // prefix keeps CloudWatch Logs' resource policy for Step Functions' log delivery short.
  const logGroup = new LogGroup(scope, 'ReferencePipelineLogs', {
    logGroupName: `/aws/vendedlogs/states/${arn.name}`,
    retention: LOG_RETENTION,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const stateMachine = new StateMachine(scope, 'ReferencePipeline', {
    stateMachineName: arn.name,
    stateMachineType: StateMachineType.STANDARD,
    // The committed ASL as is (with the approval gate when the config has one): the core reads its state names aloud.
    definitionBody: DefinitionBody.fromString(JSON.stringify(pipelineDefinition(pipeline.approval))),
    role,
    logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
    // X-Ray: each build's states and SageMaker calls on one trace. CDK grants the role the xray actions, and the
    // log delivery actions the logs need: IAM scopes neither to a resource.
    tracingEnabled: true,
  });
  return { stateMachine, role, logGroup, ...(sageMakerRole ? { sageMakerRole } : {}) };
}

interface RoleArn {
  arn: string;
  partition: string;
  account: string;
  path: string;
  name: string;
}

function iamRole(value: unknown, field: string): RoleArn {
  const match =
    typeof value === 'string' ? /^arn:(aws[a-z-]*):iam::(\d{12}):role(\/.*\/|\/)([^/]+)$/.exec(value) : null;
  if (!match) {
    throw new ConfigError(
      `${field}: the reference pipeline needs the SageMaker execution role's ARN (arn:aws:iam::<account>:role/<name>).`,
      field,
    );
  }
  const [arn = '', partition = '', account = '', path = '/', name = ''] = match;
  return { arn, partition, account, path, name };
}

/** s3://bucket/prefix/ as ARNs and the prefix. */
function s3Location(value: unknown, field: string, partition: string) {
  const match =
    typeof value === 'string' ? /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?(.*)$/.exec(value) : null;
  if (!match) throw new ConfigError(`${field}: must be an s3://bucket/prefix/ location.`, field);
  const [, bucket = '', prefix = ''] = match;
  return {
    bucketArn: `arn:${partition}:s3:::${bucket}`,
    objectsArn: `arn:${partition}:s3:::${bucket}/${prefix}*`,
    prefix,
  };
}

/** <account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest] as the repository's ARN. */
function ecrRepository(value: unknown, field: string, partition: string): string {
  const match =
    typeof value === 'string'
      ? /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?:[:@].+)?$/.exec(value)
      : null;
  if (!match) throw new ConfigError(`${field}: must be an Amazon ECR image URI.`, field);
  const [, account = '', region = '', repository = ''] = match;
  return `arn:${partition}:ecr:${region}:${account}:repository/${repository}`;
}

/**
 * The role SageMaker works as: reads the training data, writes and reads the model artifacts, pulls the images
 * and logs. Scoped to the locations in the pipeline's defaultInput: a build that overrides them elsewhere
 * (allowedInputKeys) needs a role of the team's own.
 */
function sageMakerExecutionRole(
  scope: Construct,
  pipeline: PipelineConfig,
  roleArn: RoleArn,
  target: DeploymentTarget,
  where: (field: string) => string,
): Role {
  if (roleArn.account !== target.account) {
    throw new ConfigError(
      `${where('defaultInput.roleArn')}: infra.createSageMakerRole makes the role in ${target.account}, ` +
        `but the ARN names account ${roleArn.account}.`,
      where('defaultInput.roleArn'),
    );
  }
  const input = pipeline.defaultInput;
  const { partition } = target;
  const data = s3Location(input.trainingInputS3Uri, where('defaultInput.trainingInputS3Uri'), partition);
  const output = s3Location(input.outputS3Uri, where('defaultInput.outputS3Uri'), partition);
  const images = [input.trainingImage, input.inferenceImage ?? input.trainingImage].map((image, i) =>
    ecrRepository(
      image,
      where(i === 0 ? 'defaultInput.trainingImage' : 'defaultInput.inferenceImage'),
      partition,
    ),
  );
  const role = new Role(scope, 'SageMakerExecutionRole', {
    roleName: roleArn.name,
    path: roleArn.path,
    assumedBy: new ServicePrincipal('sagemaker.amazonaws.com'),
    description: `SageBuild: SageMaker training and hosting for pipeline ${pipeline.name}`,
  });
  const statements = [
    new PolicyStatement({ sid: 'ReadTrainingData', actions: ['s3:GetObject'], resources: [data.objectsArn] }),
    new PolicyStatement({
      sid: 'ListTrainingData',
      actions: ['s3:ListBucket'],
      resources: [data.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${data.prefix}*`] } },
    }),
    // Training writes model.tar.gz; the model (hosting) reads it back.
    new PolicyStatement({
      sid: 'ModelArtifacts',
      actions: ['s3:PutObject', 's3:GetObject'],
      resources: [output.objectsArn],
    }),
    new PolicyStatement({
      sid: 'PullImages',
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      resources: [...new Set(images)],
    }),
    // GetAuthorizationToken has no resource to scope to.
    new PolicyStatement({ sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
    new PolicyStatement({
      sid: 'Logs',
      actions: [
        'logs:CreateLogGroup',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'logs:DescribeLogStreams',
      ],
      resources: [`arn:${partition}:logs:${target.region}:${target.account}:log-group:/aws/sagemaker/*`],
    }),
    // PutMetricData has no resource either; the namespace condition is its scope.
    new PolicyStatement({
      sid: 'Metrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
    }),
  ];
  if (pipeline.approval) {
    // The approval gate puts its request (with the task token) on the default bus, where the notifier's rule hears it.
    statements.push(
      new PolicyStatement({
        sid: 'AskForApproval',
        actions: ['events:PutEvents'],
        resources: [
          `arn:${target.partition}:events:${target.region}:${target.account}:event-bus/${APPROVAL_EVENT.busName}`,
        ],
      }),
    );
  }
  for (const statement of statements) role.addToPolicy(statement);
  return role;
}
