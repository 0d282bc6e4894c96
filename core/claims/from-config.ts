// The start claims a SageBuild uses: DynamoDB when the config names a table (the deployed Lambdas: the stack
// fills in aws.startClaimsTable), else memory (one process: the CLI, the console, tests).

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SageBuildConfig } from '../config/schema';
import { DynamoDbClaims } from './dynamodb-claims';
import { MemoryClaims } from './memory-claims';
import type { StartClaims } from './start-claims';

/** A claim is one short call on a start's path: a tight timeout and one retry, inside the core's budget. */
const CLAIM_CALL_TIMEOUT_MS = 1000;

export function startClaimsFor(config: SageBuildConfig, now?: () => Date): StartClaims {
  const table = config.aws.startClaimsTable;
  if (!table) return new MemoryClaims(now);
  const timeout = Math.min(CLAIM_CALL_TIMEOUT_MS, config.aws.timeoutMs);
  const client = new DynamoDBClient({
    // The table is in the stack's region (the Lambda's AWS_REGION) unless the config says where.
    ...(config.region ? { region: config.region } : {}),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: timeout, requestTimeout: timeout, throwOnRequestTimeout: true },
  });
  return new DynamoDbClaims(client, table, now);
}
