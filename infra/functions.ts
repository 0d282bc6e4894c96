// One SageBuild Lambda: Node 22 on arm64, the bundle's `index.handler`, JSON logs to its own log group with a
// retention, active X-Ray tracing, and a role of its own that holds only the statements it is given (no managed
// policies: the basic execution policy would allow logging anywhere).

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal, type PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
  type Code,
  type FunctionProps,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEPLOYED_CONFIG_PATH } from './lambda-code';
import { logStatement } from './permissions';

export const LOG_RETENTION = RetentionDays.ONE_MONTH;

export interface SageBuildFunctionSpec {
  description: string;
  /** POWERTOOLS_SERVICE_NAME, the usual name of a function's part: log tooling and the template tests find it by it. */
  serviceName: string;
  code: Code;
  timeout: Duration;
  memorySize: number;
  statements: PolicyStatement[];
  /** Async invocation settings and the like. */
  extra?: Partial<FunctionProps>;
}

export interface SageBuildFunction {
  fn: LambdaFunction;
  role: Role;
  logGroup: LogGroup;
}

export function sageBuildFunction(
  scope: Construct,
  id: string,
  spec: SageBuildFunctionSpec,
): SageBuildFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: LOG_RETENTION,
    // Logs of a removed stack are not worth an orphaned group; a month of them is kept while it exists.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `SageBuild ${spec.serviceName}: only what its code calls`,
  });
  for (const statement of [logStatement(logGroup.logGroupArn), ...spec.statements])
    role.addToPolicy(statement);
  const fn = new LambdaFunction(scope, id, {
    description: spec.description,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    handler: 'index.handler',
    code: spec.code,
    timeout: spec.timeout,
    memorySize: spec.memorySize,
    role,
    logGroup,
    loggingFormat: LoggingFormat.JSON,
    applicationLogLevelV2: ApplicationLogLevel.INFO,
    // INFO keeps Lambda's START and REPORT lines: durations, memory and init time per request.
    systemLogLevelV2: SystemLogLevel.INFO,
    // X-Ray: each request's time in Lambda and its AWS calls. CDK grants the two xray actions this needs
    // (PutTraceSegments, PutTelemetryRecords), which IAM cannot scope to a resource.
    tracing: Tracing.ACTIVE,
    environment: {
      SAGEBUILD_CONFIG: DEPLOYED_CONFIG_PATH,
      POWERTOOLS_SERVICE_NAME: spec.serviceName,
    },
    ...spec.extra,
  });
  return { fn, role, logGroup };
}
