// What the Slack bot and the notifier keep: the store's DynamoDB table (cards, event claims, subscriptions) and
// the Secrets Manager secret with the Slack tokens. Both outlive the stack (RETAIN): deleting the stack must
// not lose subscriptions or tokens.

import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { TTL_ATTRIBUTE } from '../slack/store/dynamodb-store';
import type { SlackSettings } from '../slack/settings';

/** The secret the stack makes when the config names none; the Lambdas' copy of the config then names it. */
export const DEFAULT_SECRET_NAME = 'sagebuild/slack';

export function slackStoreTable(scope: Construct, settings: SlackSettings): Table {
  return new Table(scope, 'SlackStore', {
    tableName: settings.storeTable,
    // slack/store/dynamodb-store.ts: string keys pk ("card#…", "event#…", "subs#…") and sk.
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: TTL_ATTRIBUTE,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

export interface SlackTokensSecret {
  secret: ISecret;
  /** What slack.tokensSecretId must say in the deployed config: the name, or the ARN it was given. */
  secretId: string;
  /** For GetSecretValue: the full ARN, or a partial one with the six-character suffix wildcarded. */
  policyArn: string;
  /** What to pass to `aws secretsmanager put-secret-value --secret-id`. */
  displayName: string;
}

/** A full ARN is an existing secret (imported); a name, or none, is a secret this stack creates. */
export function slackTokensSecret(scope: Construct, tokensSecretId: string | undefined): SlackTokensSecret {
  if (tokensSecretId?.startsWith('arn:')) {
    // Secrets Manager appends "-" and six characters to every secret's ARN.
    const complete = /-[A-Za-z0-9]{6}$/.test(tokensSecretId);
    const secret = complete
      ? Secret.fromSecretCompleteArn(scope, 'SlackTokens', tokensSecretId)
      : Secret.fromSecretPartialArn(scope, 'SlackTokens', tokensSecretId);
    return {
      secret,
      secretId: tokensSecretId,
      policyArn: complete ? tokensSecretId : `${tokensSecretId}-??????`,
      displayName: tokensSecretId,
    };
  }
  const name = tokensSecretId ?? DEFAULT_SECRET_NAME;
  const secret = new Secret(scope, 'SlackTokens', {
    secretName: name,
    description: 'SageBuild Slack tokens: JSON with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET',
    // Made once with empty fields (the bot says which are missing); the real ones are put with the AWS CLI.
    // Never a SecretString in the template: a later deploy would overwrite the tokens with it.
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' }),
      generateStringKey: 'unused',
    },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  return { secret, secretId: name, policyArn: secret.secretArn, displayName: name };
}
