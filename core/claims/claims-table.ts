// The start claims' table for tests and local runs (the deployed one is the CDK stack's): kept out of
// dynamodb-claims.ts so that the Lambdas' bundles carry no CreateTable code.

import {
  CreateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CLAIMS_KEY_ATTRIBUTE, CLAIMS_TTL_ATTRIBUTE } from './dynamodb-claims';

/** Creates the claims table (on demand, string key pk, TTL on expiresAt) for tests and local runs. */
export async function createClaimsTable(client: DynamoDBClient, name: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: CLAIMS_KEY_ATTRIBUTE, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: CLAIMS_KEY_ATTRIBUTE, KeyType: 'HASH' }],
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: name });
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { Enabled: true, AttributeName: CLAIMS_TTL_ATTRIBUTE },
      }),
    );
  } catch (error) {
    // dynalite has no TTL; `until` is what counts anyway.
    if ((error as Error).name !== 'UnknownOperationException') throw error;
  }
}
