// The start claims' table (core/claims/dynamodb-claims.ts): the skill and the Slack bot run in many Lambda
// containers at once, and a start claims its pipeline here for a minute, so that two starts of one intent
// settle on one build. Claims live a minute: nothing to keep when the stack goes (DESTROY), no backups.

import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { CLAIMS_KEY_ATTRIBUTE, CLAIMS_TTL_ATTRIBUTE } from '../core/claims/dynamodb-claims';

/**
 * The configured aws.startClaimsTable, else one named after the stack. A concrete name either way: the name is
 * written into the Lambdas' config file, which CloudFormation does not resolve tokens in.
 */
export function startClaimsTableName(scope: Construct, configured: string | undefined): string {
  return configured ?? `${Stack.of(scope).stackName}-start-claims`;
}

export function startClaimsTable(scope: Construct, name: string): Table {
  return new Table(scope, 'StartClaims', {
    tableName: name,
    partitionKey: { name: CLAIMS_KEY_ATTRIBUTE, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    // Deletes run-out claims eventually; the code reads a claim's own `until`, never relies on this.
    timeToLiveAttribute: CLAIMS_TTL_ATTRIBUTE,
    removalPolicy: RemovalPolicy.DESTROY,
  });
}
