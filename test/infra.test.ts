// The CDK stack, checked on its synthesized template: what each front runs on, what each role may do (named
// actions on scoped resources only), how status changes reach the notifier, and what the config switches on.
// The Lambdas are bundled once into a temp dir; one test runs the real `cdk synth`, offline.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { parseConfig } from '../core/config/load';
import { ConfigError } from '../core/errors';
import {
  deployRefusal,
  deploymentConfigFrom,
  EXAMPLE_CONFIG,
  locateConfig,
  readDeploymentConfig,
  REPO,
} from '../infra/config-source';
import { deployArgs, nextSteps, OUTPUTS_FILE, stackNameIn } from '../infra/deploy';
import { OUTPUTS } from '../infra/outputs';
import { SageBuildStack } from '../infra/stack';
import { pipelineDefinition, referenceDefinition } from '../pipeline';
import { buildLambdas } from '../tools/build';

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DeletionPolicy?: string;
  Metadata?: Json;
}
interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const PROD_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:sagebuild-prod`;
const DEV_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:sagebuild-dev`;
const SKILL_ID = 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555';
const SAGEMAKER_ROLE = `arn:aws:iam::${ACCOUNT}:role/SageBuildSageMakerRole`;
const CDK_CONTEXT = (JSON.parse(readFileSync(join(REPO, 'cdk.json'), 'utf8')) as { context: Json }).context;

function baseConfig(): Json {
  const input = (endpointName: string) => ({
    endpointName,
    roleArn: SAGEMAKER_ROLE,
    trainingImage: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/sagebuild-xgboost:1.7-1`,
    trainingInputS3Uri: 's3://team-data/churn/train/',
    outputS3Uri: `s3://team-models/${endpointName}/`,
  });
  return {
    alexa: { skillId: SKILL_ID },
    slack: { storeTable: 'team-sagebuild' },
    pipelines: [
      { name: 'prod', stateMachineArn: PROD_ARN, defaultInput: input('churn-prod') },
      { name: 'dev', stateMachineArn: DEV_ARN, defaultInput: input('churn-dev') },
    ],
  };
}

let work: string;
let bundlesDir: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sagebuild-infra-'));
  bundlesDir = join(work, 'bundles');
  await buildLambdas(bundlesDir);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

let synths = 0;

/** The stack for a config, synthesized as cdk.json configures the CLI (without the slow template validator). */
function synth(raw: Json) {
  const app = new App({
    context: CDK_CONTEXT,
    outdir: join(work, `out-${synths++}`),
    builtinCloudFormationValidation: false,
  });
  const stack = new SageBuildStack(app, 'SageBuild', { deployment: deploymentConfigFrom(raw), bundlesDir });
  const artifact = app.synth().getStackArtifact(stack.artifactId);
  const json = artifact.template as { Resources: Record<string, Resource>; Outputs?: Json };
  const resources = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);
  /** The function whose POWERTOOLS_SERVICE_NAME is `service`, with its id. */
  const fn = (service: string): [string, Resource] => {
    const found = resources('AWS::Lambda::Function').find(
      ([, r]) =>
        (r.Properties.Environment as { Variables: Json }).Variables.POWERTOOLS_SERVICE_NAME === service,
    );
    if (!found) throw new Error(`no function ${service}`);
    return found;
  };
  /** Every statement of the policies attached to the role of `service`'s function. */
  const statements = (service: string): Statement[] => {
    const roleId = (fn(service)[1].Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    return policiesOf(roleId);
  };
  const policiesOf = (roleId: string | undefined): Statement[] =>
    resources('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  /** A file of `service`'s code asset, as staged in the cloud assembly (asset.<hash>, the S3 key's name). */
  const assetFile = (service: string, file: string) => {
    const key = String((fn(service)[1].Properties.Code as Json).S3Key);
    return readFileSync(
      join(artifact.assembly.directory, `asset.${key.replace(/\.zip$/, '')}`, file),
      'utf8',
    );
  };
  return { stack, template: Template.fromJSON(json), json, resources, fn, statements, policiesOf, assetFile };
}

/** What active tracing needs: CDK grants these two, on "*" (X-Ray has no resources to scope to). */
const XRAY_WRITE = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
/** What Step Functions needs to deliver logs to CloudWatch Logs (AWS's documented policy, on "*"). */
const LOG_DELIVERY = [
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
];

const actionsOf = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat()).sort();
const getAtt = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('the Lambdas', () => {
  test('run Node 22 on arm64 from the bundles, with JSON logs, a retention and the deployed config', () => {
    const { template, fn } = synth(baseConfig());
    template.resourceCountIs('AWS::Lambda::Function', 3);
    for (const service of ['sagebuild-skill', 'sagebuild-slack-bot', 'sagebuild-notifier']) {
      expect(fn(service)[1].Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO' },
        Environment: { Variables: { SAGEBUILD_CONFIG: '/var/task/sagebuild.config.json' } },
        TracingConfig: { Mode: 'Active' },
      });
    }
    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('have timeouts that fit who waits: Alexa 8 s, Slack 3 s', () => {
    const { fn } = synth(baseConfig());
    const timeout = (service: string) => fn(service)[1].Properties.Timeout as number;
    expect(timeout('sagebuild-skill')).toBeLessThan(8);
    expect(timeout('sagebuild-slack-bot')).toBeLessThanOrEqual(3);
    expect(timeout('sagebuild-notifier')).toBe(30);
    expect(fn('sagebuild-skill')[1].Properties.MemorySize).toBe(512);
    expect(fn('sagebuild-slack-bot')[1].Properties.MemorySize).toBe(512);
  });

  test("carry index.js and the deployment's config, with the secret's name filled in and no infra section", () => {
    const raw = { ...baseConfig(), infra: { referencePipeline: 'dev' } };
    const { assetFile } = synth(raw);
    for (const service of ['sagebuild-skill', 'sagebuild-slack-bot', 'sagebuild-notifier']) {
      expect(assetFile(service, 'index.js').length).toBeGreaterThan(1000);
      const deployed = JSON.parse(assetFile(service, 'sagebuild.config.json')) as Json;
      expect(deployed.infra).toBeUndefined();
      expect(deployed.slack).toEqual({ storeTable: 'team-sagebuild', tokensSecretId: 'sagebuild/slack' });
      expect(deployed.aws).toEqual({ startClaimsTable: 'SageBuild-start-claims' });
      expect(parseConfig(deployed, service).pipelines.map((p) => p.name)).toEqual(['prod', 'dev']);
    }
  });

  test('are redeployed when the config changes, and only then', () => {
    const codeKey = (raw: Json) => {
      const { fn } = synth(raw);
      return (fn('sagebuild-skill')[1].Properties.Code as Json).S3Key;
    };
    const before = codeKey(baseConfig());
    expect(codeKey({ ...baseConfig(), aws: { budgetMs: 5000 } })).not.toBe(before);
    expect(codeKey({ ...baseConfig(), infra: { referencePipeline: 'dev' } })).toBe(before);
  });
});

describe('IAM', () => {
  const everything = () =>
    synth({ ...baseConfig(), infra: { referencePipeline: 'prod', createSageMakerRole: true } });

  test('no statement has a wildcard action, or "*" as a resource where the action has a scope', () => {
    const { resources } = everything();
    // The only actions IAM cannot scope to a resource.
    const unscoped = new Set([
      'ecr:GetAuthorizationToken',
      'cloudwatch:PutMetricData',
      // Endpoint health reads metrics; GetMetricData has no resource type either.
      'cloudwatch:GetMetricData',
      // X-Ray, for the Lambdas and the state machine.
      ...XRAY_WRITE,
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      // Step Functions' log delivery to CloudWatch Logs (AWS documents "*" for these).
      ...LOG_DELIVERY,
    ]);
    const policies = resources('AWS::IAM::Policy');
    expect(policies.length).toBeGreaterThanOrEqual(5);
    for (const [id, policy] of policies) {
      for (const statement of (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement) {
        const actions = [statement.Action].flat();
        for (const action of actions)
          expect({ id, action }).toEqual({ id, action: expect.not.stringMatching(/\*/) });
        if ([statement.Resource].flat().includes('*')) {
          expect({ id, actions }).toEqual({ id, actions: actions.filter((a) => unscoped.has(a)) });
        }
      }
    }
    // No managed policies (AWSLambdaBasicExecutionRole would allow logging to any group).
    for (const [, role] of resources('AWS::IAM::Role'))
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('each function has a role of its own with exactly the actions its code calls', () => {
    const { statements, fn } = synth(baseConfig());
    const roles = ['sagebuild-skill', 'sagebuild-slack-bot', 'sagebuild-notifier'].map(
      (s) => (fn(s)[1].Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0],
    );
    expect(new Set(roles).size).toBe(3);
    const logs = ['logs:CreateLogStream', 'logs:PutLogEvents', ...XRAY_WRITE];
    const claims = ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'];
    const read = [
      'sagemaker:DescribeEndpoint',
      'sagemaker:DescribeEndpointConfig',
      'sagemaker:DescribeTrainingJob',
      'sagemaker:ListTags',
      'states:DescribeExecution',
      'states:DescribeStateMachine',
      'states:DescribeStateMachineForExecution',
      'states:GetExecutionHistory',
      'states:ListExecutions',
    ];
    const rollback = ['sagemaker:AddTags', 'sagemaker:DescribeModel', 'sagemaker:UpdateEndpoint'];
    const control = [
      ...read,
      ...rollback,
      'states:StartExecution',
      'states:StopExecution',
      'cloudwatch:GetMetricData',
    ];
    const slack = [
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'secretsmanager:GetSecretValue',
    ];
    expect(actionsOf(statements('sagebuild-skill'))).toEqual([...logs, ...control, ...claims].sort());
    expect(actionsOf(statements('sagebuild-slack-bot'))).toEqual(
      [...logs, ...control, ...claims, ...slack].sort(),
    );
    expect(actionsOf(statements('sagebuild-notifier'))).toEqual(
      [...logs, ...read, ...slack, 'sqs:SendMessage'].sort(),
    );
  });

  test('endpoint metrics: GetMetricData alone, on "*" (it has no resource type), for the fronts only', () => {
    const { statements } = synth(baseConfig());
    for (const service of ['sagebuild-skill', 'sagebuild-slack-bot']) {
      const metrics = statements(service).filter((s) =>
        [s.Action].flat().includes('cloudwatch:GetMetricData'),
      );
      expect(metrics).toEqual([
        expect.objectContaining({
          Sid: 'ReadEndpointMetrics',
          Action: 'cloudwatch:GetMetricData',
          Resource: '*',
        }),
      ]);
    }
    const notifier = statements('sagebuild-notifier').flatMap((s) => [s.Action].flat());
    expect(notifier.filter((action) => action.startsWith('cloudwatch:'))).toEqual([]);
  });

  test('build actions are on the configured state machines and their executions only', () => {
    const { statements } = synth(baseConfig());
    for (const service of ['sagebuild-skill', 'sagebuild-slack-bot', 'sagebuild-notifier']) {
      const withAction = (action: string) =>
        statements(service).filter((s) => [s.Action].flat().includes(action));
      const resourcesOf = (action: string) =>
        withAction(action)
          .flatMap((s) => [s.Resource].flat())
          .sort();
      expect(resourcesOf('states:ListExecutions')).toEqual([DEV_ARN, PROD_ARN]);
      expect(resourcesOf('states:DescribeStateMachine')).toEqual([DEV_ARN, PROD_ARN]);
      expect(resourcesOf('states:DescribeStateMachineForExecution')).toEqual([
        `arn:aws:states:${REGION}:${ACCOUNT}:execution:sagebuild-dev:*`,
        `arn:aws:states:${REGION}:${ACCOUNT}:execution:sagebuild-prod:*`,
      ]);
      expect(resourcesOf('states:GetExecutionHistory')).toEqual([
        `arn:aws:states:${REGION}:${ACCOUNT}:execution:sagebuild-dev:*`,
        `arn:aws:states:${REGION}:${ACCOUNT}:execution:sagebuild-prod:*`,
      ]);
      expect(resourcesOf('sagemaker:DescribeTrainingJob')).toEqual([
        `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/*`,
      ]);
      expect(resourcesOf('sagemaker:DescribeEndpoint')).toEqual([
        `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/*`,
      ]);
    }
    expect(statements('sagebuild-notifier').flatMap((s) => [s.Action].flat())).not.toContain(
      'states:StartExecution',
    );
  });

  test('rollback actions are on the pipelines’ endpoints, and on configs and models of their account only', () => {
    const { statements } = synth(baseConfig());
    for (const service of ['sagebuild-skill', 'sagebuild-slack-bot']) {
      const resourcesOf = (action: string) =>
        statements(service)
          .filter((s) => [s.Action].flat().includes(action))
          .flatMap((s) => [s.Resource].flat())
          .sort();
      const endpoints = [
        `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/churn-dev`,
        `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/churn-prod`,
      ];
      expect(resourcesOf('sagemaker:AddTags')).toEqual(endpoints);
      expect(resourcesOf('sagemaker:ListTags')).toEqual(endpoints);
      expect(resourcesOf('sagemaker:UpdateEndpoint')).toEqual(
        [...endpoints, `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint-config/*`].sort(),
      );
      expect(resourcesOf('sagemaker:DescribeModel')).toEqual([
        `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model/*`,
      ]);
    }
    const notifier = statements('sagebuild-notifier').flatMap((s) => [s.Action].flat());
    for (const action of ['sagemaker:UpdateEndpoint', 'sagemaker:AddTags', 'sagemaker:DescribeModel'])
      expect(notifier).not.toContain(action);
  });

  test('logging goes to the function’s own log group only', () => {
    const { statements, fn } = synth(baseConfig());
    for (const service of ['sagebuild-skill', 'sagebuild-slack-bot', 'sagebuild-notifier']) {
      const logGroup = (fn(service)[1].Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup
        .Ref;
      const logs = statements(service).filter((s) => [s.Action].flat().some((a) => a.startsWith('logs:')));
      expect(logs.map((s) => s.Resource)).toEqual([getAtt(logGroup)]);
    }
  });
});

describe('the Slack side', () => {
  test('status changes of exactly the configured state machines go to the notifier, failures to a DLQ', () => {
    const { template, fn, resources } = synth(baseConfig());
    const [notifierId] = fn('sagebuild-notifier');
    const [[queueId]] = resources('AWS::SQS::Queue') as [[string, Resource]];
    template.resourcePropertiesCountIs(
      'AWS::Events::Rule',
      { EventPattern: Match.objectLike({ source: ['aws.states'] }) },
      1,
    );
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectEquals({
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { stateMachineArn: [PROD_ARN, DEV_ARN] },
      }),
      Targets: [
        Match.objectLike({
          Arn: getAtt(notifierId),
          DeadLetterConfig: { Arn: getAtt(queueId) },
          RetryPolicy: { MaximumRetryAttempts: Match.anyValue(), MaximumEventAgeInSeconds: Match.anyValue() },
        }),
      ],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    // The notifier's own failures, after Lambda's retries, land in the same queue.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: notifierId },
      DestinationConfig: { OnFailure: { Destination: getAtt(queueId) } },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
  });

  test('the configured endpoints settling go to the notifier, which may read their rollback tags', () => {
    const { template, fn, resources, statements } = synth(baseConfig());
    const [notifierId] = fn('sagebuild-notifier');
    const [[queueId]] = resources('AWS::SQS::Queue') as [[string, Resource]];
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectEquals({
        source: ['aws.sagemaker'],
        'detail-type': ['SageMaker Endpoint State Change'],
        detail: {
          EndpointName: ['churn-prod', 'churn-dev'],
          EndpointStatus: ['IN_SERVICE', 'FAILED', 'UPDATE_ROLLBACK_FAILED'],
        },
      }),
      Targets: [Match.objectLike({ Arn: getAtt(notifierId), DeadLetterConfig: { Arn: getAtt(queueId) } })],
    });
    const endpointArns = ['churn-prod', 'churn-dev'].map(
      (name) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${name}`,
    );
    const reads = (action: string) =>
      statements('sagebuild-notifier').filter((s) => [s.Action].flat().includes(action));
    expect(reads('sagemaker:ListTags').map((s) => [s.Resource].flat().sort())).toEqual([endpointArns.sort()]);
    // DescribeEndpoint too (on the account's endpoints: a build may deploy to one its input names).
    expect(reads('sagemaker:DescribeEndpoint')).toHaveLength(1);
    // The notifier only reads endpoints: changing or tagging them is for the people's functions.
    for (const action of ['sagemaker:AddTags', 'sagemaker:UpdateEndpoint']) expect(reads(action)).toEqual([]);
  });

  test("every minute a schedule invokes the notifier, without retries, to move running builds' cards on", () => {
    const { template, fn, resources } = synth(baseConfig());
    const [notifierId] = fn('sagebuild-notifier');
    const schedules = resources('AWS::Events::Rule').filter(
      ([, r]) => r.Properties.ScheduleExpression === 'rate(1 minute)',
    );
    expect(schedules.map(([, r]) => r.Properties)).toEqual([
      expect.objectContaining({
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [
          expect.objectContaining({ Arn: getAtt(notifierId), RetryPolicy: { MaximumRetryAttempts: 0 } }),
        ],
      }),
    ]);
    const [[scheduleId]] = schedules as [[string, Resource]];
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt(notifierId),
      Principal: 'events.amazonaws.com',
      SourceArn: getAtt(scheduleId),
    });
  });

  test('every checkEveryMinutes the deploy watch rule invokes the notifier, which knows that rule by name', () => {
    const { template, fn, resources } = synth({
      ...baseConfig(),
      deployWatch: { minutes: 45, checkEveryMinutes: 3 },
    });
    const [notifierId, notifier] = fn('sagebuild-notifier');
    const watches = resources('AWS::Events::Rule').filter(
      ([, r]) => r.Properties.ScheduleExpression === 'rate(3 minutes)',
    );
    expect(watches).toHaveLength(1);
    const [[watchId, watch]] = watches as [[string, Resource]];
    expect(watch.Properties).toMatchObject({
      State: 'ENABLED',
      Targets: [
        expect.objectContaining({ Arn: getAtt(notifierId), RetryPolicy: { MaximumRetryAttempts: 0 } }),
      ],
    });
    const name = watch.Properties.Name as string;
    expect(name).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
    // A plain string in the function's environment: a reference to the rule would make a cycle.
    expect(
      (notifier.Properties.Environment as { Variables: Json }).Variables.SAGEBUILD_DEPLOY_WATCH_RULE,
    ).toBe(name);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt(notifierId),
      Principal: 'events.amazonaws.com',
      SourceArn: getAtt(watchId),
    });
  });

  test('with the deploy watch off there is no rule for it', () => {
    const { resources } = synth({ ...baseConfig(), deployWatch: { minutes: 0 } });
    const schedules = resources('AWS::Events::Rule').filter(([, r]) => r.Properties.ScheduleExpression);
    expect(schedules.map(([, r]) => r.Properties.ScheduleExpression)).toEqual(['rate(1 minute)']);
  });

  test('the bot answers on a function URL without IAM auth (Slack signs its requests)', () => {
    const { template, fn } = synth(baseConfig());
    const [botId] = fn('sagebuild-slack-bot');
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: getAtt(botId),
    });
    // Public function URLs need both grants since late 2025: the URL one, and InvokeFunction via the URL only.
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionName: getAtt(botId),
      Principal: '*',
      FunctionUrlAuthType: 'NONE',
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt(botId),
      Principal: '*',
      InvokedViaFunctionUrl: true,
    });
  });

  test('a skill outside the regions Alexa calls gets a synth warning, not a refusal', () => {
    const skillOnly = (region: string) => {
      const raw = baseConfig();
      delete raw.slack;
      return { ...raw, region };
    };
    const warnings = (region: string) =>
      Annotations.fromStack(synth(skillOnly(region)).stack).findWarning(
        '*',
        Match.stringLikeRegexp('Alexa calls'),
      );
    // CDK prints each warning it validates through console.error: keep that in the test and read it.
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(warnings('eu-central-1')).toHaveLength(1);
      expect(warnings('eu-west-1')).toHaveLength(0);
      expect(printed.mock.calls.flat().join('\n')).toContain('Alexa calls skill Lambdas');
    } finally {
      printed.mockRestore();
    }
  });

  test("the store's table has DynamoDbStore's keys, TTL, point-in-time recovery and on-demand billing", () => {
    const { template } = synth(baseConfig());
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        TableName: 'team-sagebuild',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
    const { template: defaults } = synth({ ...baseConfig(), slack: {} });
    defaults.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'sagebuild-slack' });
  });

  test('the tokens secret is made (never with its value in the template) and only GetSecretValue is granted', () => {
    const { template, json, statements, resources } = synth(baseConfig());
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: { Name: 'sagebuild/slack', SecretString: Match.absent() },
    });
    expect((json.Outputs?.[OUTPUTS.slackSecretName] as Json).Value).toBe('sagebuild/slack');
    const [[secretId]] = resources('AWS::SecretsManager::Secret') as [[string, Resource]];
    for (const service of ['sagebuild-slack-bot', 'sagebuild-notifier']) {
      const secret = statements(service).filter((s) =>
        [s.Action].flat().some((a) => a.startsWith('secretsmanager:')),
      );
      expect(secret).toEqual([
        expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secretId } }),
      ]);
    }
    for (const [, fn] of resources('AWS::Lambda::Function')) {
      expect(JSON.stringify(fn.Properties.Environment)).not.toMatch(/SLACK_/);
    }
  });

  test('a named secret is made under that name; a secret ARN is imported', () => {
    const named = synth({ ...baseConfig(), slack: { tokensSecretId: 'team/slack-tokens' } });
    named.template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'team/slack-tokens' });

    const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:team/slack-AbCdEf`;
    const imported = synth({ ...baseConfig(), slack: { tokensSecretId: arn } });
    imported.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const grant = imported
      .statements('sagebuild-slack-bot')
      .find((s) => s.Action === 'secretsmanager:GetSecretValue');
    expect(grant?.Resource).toBe(arn);
    const deployed = JSON.parse(imported.assetFile('sagebuild-slack-bot', 'sagebuild.config.json')) as Json;
    expect(deployed.slack).toMatchObject({ tokensSecretId: arn });

    const partial = synth({ ...baseConfig(), slack: { tokensSecretId: arn.slice(0, -7) } });
    const partialGrant = partial
      .statements('sagebuild-notifier')
      .find((s) => s.Action === 'secretsmanager:GetSecretValue');
    expect(partialGrant?.Resource).toBe(`${arn.slice(0, -7)}-??????`);
  });
});

describe('one build per intent: the start claims', () => {
  test("the table has DynamoDbClaims' key and TTL, on demand, and goes with the stack", () => {
    const { template, resources } = synth(baseConfig());
    const [[, table]] = resources('AWS::DynamoDB::Table').filter(
      ([, r]) => r.Properties.TableName === 'SageBuild-start-claims',
    ) as [[string, Resource]];
    expect(table.Properties).toEqual({
      TableName: 'SageBuild-start-claims',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(table.DeletionPolicy).toBe('Delete');
    template.hasOutput(OUTPUTS.startClaimsTableName, { Value: { Ref: Match.anyValue() } });
  });

  test('the skill and the bot may take, read and release claims on that table only; the notifier not at all', () => {
    const { statements, resources } = synth(baseConfig());
    const [[tableId]] = resources('AWS::DynamoDB::Table').filter(
      ([, r]) => r.Properties.TableName === 'SageBuild-start-claims',
    ) as [[string, Resource]];
    for (const service of ['sagebuild-skill', 'sagebuild-slack-bot']) {
      const claims = statements(service).filter((s) => s.Sid === 'StartClaims');
      expect(claims.map((s) => ({ ...s, Action: [s.Action].flat().sort() }))).toEqual([
        {
          Sid: 'StartClaims',
          Effect: 'Allow',
          Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
          Resource: getAtt(tableId),
        },
      ]);
    }
    const notifierResources = statements('sagebuild-notifier').flatMap((s) => [s.Resource].flat());
    expect(notifierResources).not.toContainEqual(getAtt(tableId));
  });

  test('a configured aws.startClaimsTable names the table, and the Lambdas get that name', () => {
    const raw = { ...baseConfig(), aws: { budgetMs: 5000, startClaimsTable: 'team-claims' } };
    const { template, assetFile } = synth(raw);
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'team-claims' });
    for (const service of ['sagebuild-skill', 'sagebuild-slack-bot']) {
      const deployed = JSON.parse(assetFile(service, 'sagebuild.config.json')) as Json;
      expect(deployed.aws).toEqual({ budgetMs: 5000, startClaimsTable: 'team-claims' });
    }
  });
});

describe('tracing', () => {
  test('every Lambda traces actively with X-Ray, and its role may send the traces', () => {
    const { fn, statements } = synth(baseConfig());
    for (const service of ['sagebuild-skill', 'sagebuild-slack-bot', 'sagebuild-notifier']) {
      expect(fn(service)[1].Properties.TracingConfig).toEqual({ Mode: 'Active' });
      const xray = statements(service).filter((s) => [s.Action].flat().some((a) => a.startsWith('xray:')));
      expect(xray.map((s) => ({ actions: [s.Action].flat().sort(), resource: s.Resource }))).toEqual([
        { actions: XRAY_WRITE, resource: '*' },
      ]);
    }
  });
});

describe('the Alexa side', () => {
  test('only the configured skill may invoke the skill function', () => {
    const { template, fn } = synth(baseConfig());
    const [skillId] = fn('sagebuild-skill');
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'alexa-appkit.amazon.com',
      Action: 'lambda:InvokeFunction',
      EventSourceToken: SKILL_ID,
      FunctionName: getAtt(skillId),
    });
  });
});

describe('what the config switches on', () => {
  const outputNames = (json: { Outputs?: Json }) => Object.keys(json.Outputs ?? {}).sort();

  test('both fronts: every output the doctor reads', () => {
    const { json, stack } = synth(baseConfig());
    expect(outputNames(json)).toEqual(
      [
        OUTPUTS.slackBotFunctionUrl,
        OUTPUTS.skillFunctionArn,
        OUTPUTS.skillRoleArn,
        OUTPUTS.slackBotRoleArn,
        OUTPUTS.notifierRoleArn,
        OUTPUTS.slackSecretName,
        OUTPUTS.storeTableName,
        OUTPUTS.startClaimsTableName,
        OUTPUTS.deadLetterQueueUrl,
      ].sort(),
    );
    // From the config alone: synth needs no credentials.
    expect({ account: stack.account, region: stack.region }).toEqual({ account: ACCOUNT, region: REGION });
  });

  test('no slack section: the skill alone', () => {
    const { slack: _slack, ...raw } = baseConfig();
    const { template, json } = synth(raw);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    // Only the start claims' table.
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    for (const type of ['AWS::SecretsManager::Secret', 'AWS::SQS::Queue', 'AWS::Events::Rule']) {
      template.resourceCountIs(type, 0);
    }
    expect(outputNames(json)).toEqual(
      [OUTPUTS.skillFunctionArn, OUTPUTS.skillRoleArn, OUTPUTS.startClaimsTableName].sort(),
    );
  });

  test('no alexa section: no skill', () => {
    const { alexa: _alexa, ...raw } = baseConfig();
    const { template, json } = synth(raw);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Permission',
      { Principal: 'alexa-appkit.amazon.com' },
      0,
    );
    expect(outputNames(json)).not.toContain(OUTPUTS.skillFunctionArn);
  });

  test('neither front: refused', () => {
    const { alexa: _alexa, slack: _slack, ...raw } = baseConfig();
    expect(() => synth(raw)).toThrow(/neither an "alexa" nor a "slack" section/);
  });

  test('state machines the notifier cannot hear, or another account, fail the synth clearly', () => {
    const elsewhere = (arn: string) => {
      const raw = baseConfig();
      (raw.pipelines as Json[])[1] = { name: 'dev', stateMachineArn: arn };
      return raw;
    };
    const otherRegion = `arn:aws:states:us-west-2:${ACCOUNT}:stateMachine:sagebuild-dev`;
    expect(() => synth(elsewhere(otherRegion))).toThrow(/EventBridge rules only see their own region/);
    expect(() => synth({ ...baseConfig(), region: 'us-east-1' })).toThrow(ConfigError);
    expect(() => synth(elsewhere(`arn:aws:states:${REGION}:999988887777:stateMachine:dev`))).toThrow(
      /one SageBuild stack serves the state machines of one account/,
    );
    // Without the notifier, the skill can serve pipelines in several regions.
    const { slack: _slack, ...skillOnly } = elsewhere(otherRegion);
    const { statements } = synth(skillOnly);
    const listed = statements('sagebuild-skill').find((s) =>
      [s.Action].flat().includes('states:ListExecutions'),
    );
    expect([listed?.Resource].flat().sort()).toEqual([PROD_ARN, otherRegion].sort());
  });
});

describe('the reference pipeline', () => {
  test('is not made unless the config asks for it', () => {
    const { template } = synth(baseConfig());
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
  });

  test("is made as the named pipeline's Standard state machine, with a role for exactly its tasks", () => {
    const { template, json, resources, policiesOf } = synth({
      ...baseConfig(),
      infra: { referencePipeline: 'dev' },
    });
    const [[, machine]] = resources('AWS::StepFunctions::StateMachine') as [[string, Resource]];
    expect(machine.Properties).toMatchObject({
      StateMachineName: 'sagebuild-dev',
      StateMachineType: 'STANDARD',
    });
    expect(JSON.parse(machine.Properties.DefinitionString as string)).toEqual(referenceDefinition);
    const roleId = (machine.Properties.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const statements = policiesOf(roleId);
    expect(actionsOf(statements)).toEqual(
      [
        'events:DescribeRule',
        'events:PutRule',
        'events:PutTargets',
        'iam:PassRole',
        'sagemaker:CreateEndpoint',
        'sagemaker:CreateEndpointConfig',
        'sagemaker:CreateModel',
        'sagemaker:CreateTrainingJob',
        'sagemaker:DescribeEndpoint',
        'sagemaker:DescribeTrainingJob',
        'sagemaker:ListTags',
        'sagemaker:StopTrainingJob',
        'sagemaker:UpdateEndpoint',
        // Logs and tracing (see "logs every state ... and traces" below).
        ...LOG_DELIVERY,
        ...XRAY_WRITE,
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
      ].sort(),
    );
    expect(statements.find((s) => s.Action === 'iam:PassRole')).toMatchObject({
      Resource: SAGEMAKER_ROLE,
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    expect(statements.find((s) => [s.Action].flat().includes('events:PutRule'))?.Resource).toBe(
      `arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule`,
    );
    template.hasOutput(OUTPUTS.referencePipelineArn, {});
    expect(json.Outputs?.[OUTPUTS.sageMakerRoleArn]).toBeUndefined();
  });

  test('logs every state with its data to a log group of its own, and traces with X-Ray', () => {
    const { template, resources } = synth({ ...baseConfig(), infra: { referencePipeline: 'dev' } });
    const [[groupId, group]] = resources('AWS::Logs::LogGroup').filter(
      ([, r]) => r.Properties.LogGroupName === '/aws/vendedlogs/states/sagebuild-dev',
    ) as [[string, Resource]];
    expect(group.Properties.RetentionInDays).toBe(30);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'sagebuild-dev',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: getAtt(groupId) } }],
      },
      TracingConfiguration: { Enabled: true },
    });
  });

  test("can make the SageMaker execution role the pipeline's input names, and passes only that", () => {
    const { template, resources, policiesOf } = synth({
      ...baseConfig(),
      infra: { referencePipeline: 'prod', createSageMakerRole: true },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'SageBuildSageMakerRole',
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })],
      },
    });
    const [[sageMakerRoleId]] = resources('AWS::IAM::Role').filter(
      ([, r]) => r.Properties.RoleName === 'SageBuildSageMakerRole',
    ) as [[string, Resource]];
    const [[, machine]] = resources('AWS::StepFunctions::StateMachine') as [[string, Resource]];
    const roleId = (machine.Properties.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    expect(policiesOf(roleId).find((s) => s.Action === 'iam:PassRole')?.Resource).toEqual(
      getAtt(sageMakerRoleId),
    );
    const data = policiesOf(sageMakerRoleId).find((s) => s.Sid === 'ReadTrainingData');
    expect(data?.Resource).toBe('arn:aws:s3:::team-data/churn/train/*');
    template.hasOutput(OUTPUTS.sageMakerRoleArn, {});
  });

  test('must name a configured pipeline', () => {
    expect(() => synth({ ...baseConfig(), infra: { referencePipeline: 'nightly' } })).toThrow(
      /infra.referencePipeline: must be one of the pipeline names \(prod, dev\)/,
    );
  });
});

describe('the config file', () => {
  test('SAGEBUILD_CONFIG wins; else sagebuild.config.json in the repo; else the example, with a note', () => {
    const repo = join(work, 'repo');
    mkdirSync(repo, { recursive: true });
    expect(locateConfig({ SAGEBUILD_CONFIG: 'my.json' }, repo)).toEqual({
      path: join(process.cwd(), 'my.json'),
      origin: 'env',
    });
    expect(locateConfig({}, repo)).toMatchObject({
      origin: 'example',
      note: expect.stringContaining(EXAMPLE_CONFIG),
    });
    writeFileSync(join(repo, 'sagebuild.config.json'), '{}');
    expect(locateConfig({}, repo)).toMatchObject({
      origin: 'repo',
      path: join(repo, 'sagebuild.config.json'),
    });
  });

  test('the committed example is valid, synthesizes, and is never deployed', () => {
    expect(locateConfig({}, REPO).origin).not.toBe('env');
    const committed = readDeploymentConfig({ path: join(REPO, EXAMPLE_CONFIG), origin: 'example' });
    expect(deployRefusal(committed)).toMatch(/set SAGEBUILD_CONFIG/);
    // A copy of it, still naming the example account, is refused too.
    expect(deployRefusal({ ...committed, origin: 'env' })).toMatch(/still has the example's alexa.skillId/);
    const ownSkill = { ...committed.raw, alexa: { skillId: SKILL_ID } };
    expect(deployRefusal({ ...deploymentConfigFrom(ownSkill), origin: 'env' })).toMatch(
      /still names the example account/,
    );
    expect(deployRefusal(deploymentConfigFrom(baseConfig()))).toBeUndefined();
    expect(() => synth(committed.raw)).not.toThrow();
  });
});

describe('npm run deploy', () => {
  test('passes every argument through to cdk deploy, and keeps the outputs for the next steps', () => {
    expect(deployArgs(['--require-approval', 'never'])).toEqual([
      'deploy',
      '--outputs-file',
      OUTPUTS_FILE,
      '--require-approval',
      'never',
    ]);
    expect(deployArgs(['-O', 'mine.json'])).toEqual(['deploy', '-O', 'mine.json']);
    expect(stackNameIn(['-c', 'stackName=SageBuildDev'])).toBe('SageBuildDev');
    expect(stackNameIn(['--context=stackName=Other'])).toBe('Other');
    expect(stackNameIn([])).toBe('SageBuild');
    const steps = nextSteps({ SlackSecretName: 'sagebuild/slack', SkillFunctionArn: 'arn:skill' }).join('\n');
    expect(steps).toContain('aws secretsmanager put-secret-value --secret-id sagebuild/slack');
    expect(steps).toContain('arn:skill');
  });
});

test('`cdk synth` works on a fresh clone: offline, without credentials or SAGEBUILD_CONFIG', () => {
  const out = join(work, 'cdk.out');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: '1',
  };
  for (const name of [
    'SAGEBUILD_CONFIG',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
  ]) {
    delete env[name];
  }
  const cli = spawnSync(
    join(REPO, 'node_modules', '.bin', 'cdk'),
    ['synth', '--no-notices', '-q', '-o', out],
    {
      cwd: REPO,
      env,
      encoding: 'utf8',
      timeout: 110_000,
    },
  );
  expect({ status: cli.status, stderr: cli.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
  expect(existsSync(join(out, 'SageBuild.template.json'))).toBe(true);
  if (!existsSync(join(REPO, 'sagebuild.config.json'))) expect(cli.stderr).toContain(EXAMPLE_CONFIG);
}, 120_000);

describe('approval gates', () => {
  const approval = { approvers: ['slack:U0ANA', 'cli:*'], timeoutHours: 12 };
  /** prod with a gate, deployed as the reference pipeline. */
  function gated() {
    const config = baseConfig() as { pipelines: Json[] };
    config.pipelines = config.pipelines.map((p) => (p.name === 'prod' ? { ...p, approval } : p));
    return synth({ ...config, infra: { referencePipeline: 'prod' } });
  }

  test('the fronts that decide may SendTaskSuccess and SendTaskFailure, alone in their statement; the notifier not', () => {
    const { statements } = gated();
    for (const service of ['sagebuild-skill', 'sagebuild-slack-bot']) {
      const deciding = statements(service).filter((s) =>
        [s.Action].flat().some((a) => a.startsWith('states:SendTask')),
      );
      // IAM cannot scope a Task state's token to a state machine: "*", with these two actions only.
      expect(deciding).toEqual([
        {
          Sid: 'DecideApprovalGates',
          Effect: 'Allow',
          Action: ['states:SendTaskFailure', 'states:SendTaskSuccess'],
          Resource: '*',
        },
      ]);
    }
    const notifierActions = statements('sagebuild-notifier').flatMap((s) => [s.Action].flat());
    expect(notifierActions.filter((a) => a.startsWith('states:SendTask'))).toEqual([]);
    // Without a gate in the config, nobody may send a decision.
    const plain = synth(baseConfig());
    for (const service of ['sagebuild-skill', 'sagebuild-slack-bot', 'sagebuild-notifier']) {
      expect(
        plain
          .statements(service)
          .flatMap((s) => [s.Action].flat())
          .filter((a) => a.startsWith('states:SendTask')),
      ).toEqual([]);
    }
  });

  test('the reference pipeline runs the gated definition and may put events on the default bus only', () => {
    const { resources, policiesOf } = gated();
    const [[, machine]] = resources('AWS::StepFunctions::StateMachine') as [[string, Resource]];
    const definition = JSON.parse(machine.Properties.DefinitionString as string) as {
      States: Record<string, Json>;
    };
    expect(definition).toEqual(pipelineDefinition({ timeoutHours: 12 }));
    expect(definition.States['Wait for approval']).toMatchObject({
      Resource: 'arn:aws:states:::events:putEvents.waitForTaskToken',
      TimeoutSeconds: 12 * 3600,
    });
    const roleId = (machine.Properties.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const putEvents = policiesOf(roleId).filter((s) => [s.Action].flat().includes('events:PutEvents'));
    expect(putEvents).toEqual([
      {
        Sid: 'AskForApproval',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`,
      },
    ]);
  });

  test("the gates' requests of the configured state machines go to the notifier, failures to the DLQ", () => {
    const { template, fn, resources } = gated();
    const [notifierId] = fn('sagebuild-notifier');
    const [[queueId]] = resources('AWS::SQS::Queue') as [[string, Resource]];
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectEquals({
        source: ['sagebuild.approvals'],
        'detail-type': ['SageBuild Approval Requested'],
        detail: { stateMachineArn: [PROD_ARN, DEV_ARN] },
      }),
      Targets: [Match.objectLike({ Arn: getAtt(notifierId), DeadLetterConfig: { Arn: getAtt(queueId) } })],
    });
    synth(baseConfig()).template.resourcePropertiesCountIs(
      'AWS::Events::Rule',
      { EventPattern: Match.objectLike({ source: ['sagebuild.approvals'] }) },
      0,
    );
  });
});
