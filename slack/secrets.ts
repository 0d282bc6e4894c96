// The Slack tokens: from the environment (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN), or from the
// Secrets Manager secret named by config.slack.tokensSecretId, read once at cold start. Never logged: errors
// name the missing or malformed field, never a value, and the object itself prints as redacted.

import { inspect } from 'node:util';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SageBuildConfig } from '../core/config/schema';
import { ConfigError } from '../core/errors';

export interface SlackSecretValues {
  botToken: string;
  signingSecret: string;
  /** Only for Socket Mode. */
  appToken?: string;
}

/** The tokens, printing as "[redacted]" in logs, JSON and util.inspect, so a stray console.log leaks nothing. */
export class SlackSecrets implements SlackSecretValues {
  readonly botToken: string;
  readonly signingSecret: string;
  readonly appToken?: string;

  constructor(values: SlackSecretValues) {
    this.botToken = values.botToken;
    this.signingSecret = values.signingSecret;
    if (values.appToken) this.appToken = values.appToken;
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'SlackSecrets [redacted]';
  }
}

/** Each secret's names: in the environment, and as keys of the Secrets Manager secret's JSON (either works). */
const FIELDS = {
  botToken: { env: 'SLACK_BOT_TOKEN', prefix: 'xoxb-' },
  signingSecret: { env: 'SLACK_SIGNING_SECRET', prefix: '' },
  appToken: { env: 'SLACK_APP_TOKEN', prefix: 'xapp-' },
} as const;

type Field = keyof typeof FIELDS;

/**
 * How long the cold start may wait for Secrets Manager, a retry included: a Slack request may be waiting
 * behind it, with 3 seconds for everything. Each try gets under half of it, and one retry at most.
 */
export const SECRET_DEADLINE_MS = 1000;

/** How long a read may take: the whole read, and each try. */
export interface SecretPatience {
  deadlineMs: number;
  attempts: number;
  connectionTimeout: number;
  requestTimeout: number;
}

const COLD_START: SecretPatience = {
  deadlineMs: SECRET_DEADLINE_MS,
  attempts: 2,
  connectionTimeout: 300,
  requestTimeout: 450,
};

export async function loadSlackSecrets(
  config: Pick<SageBuildConfig, 'slack' | 'region'>,
  env: NodeJS.ProcessEnv = process.env,
  patience: SecretPatience = COLD_START,
): Promise<SlackSecrets> {
  if (env.SLACK_BOT_TOKEN || env.SLACK_SIGNING_SECRET) return fromRecord(env, 'the environment', 'env');
  const secretId = config.slack?.tokensSecretId;
  if (!secretId) {
    throw new ConfigError(
      'No Slack tokens: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, or slack.tokensSecretId in the config.',
      'slack.tokensSecretId',
    );
  }
  return fromRecord(
    await readSecret(secretId, config.region ?? env.AWS_REGION, patience),
    `secret ${secretId}`,
    'json',
  );
}

function fromRecord(record: Record<string, unknown>, source: string, naming: 'env' | 'json'): SlackSecrets {
  const read = (field: Field): string | undefined => {
    const value = record[FIELDS[field].env] ?? (naming === 'json' ? record[field] : undefined);
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string' || !value.startsWith(FIELDS[field].prefix)) {
      const shape = FIELDS[field].prefix ? ` (it must start with ${FIELDS[field].prefix})` : '';
      throw new ConfigError(`The Slack ${FIELDS[field].env} from ${source} is malformed${shape}.`, field);
    }
    return value;
  };
  const botToken = read('botToken');
  const signingSecret = read('signingSecret');
  if (!botToken || !signingSecret) {
    const missing = [!botToken && FIELDS.botToken.env, !signingSecret && FIELDS.signingSecret.env].filter(
      Boolean,
    );
    throw new ConfigError(`${missing.join(' and ')} missing from ${source}.`, missing.join(', '));
  }
  const appToken = read('appToken');
  return new SlackSecrets({ botToken, signingSecret, ...(appToken ? { appToken } : {}) });
}

/** The secret's JSON. Its region is the one in its ARN when it is an ARN. AWS_ENDPOINT_URL is honoured. */
async function readSecret(
  secretId: string,
  fallbackRegion: string | undefined,
  patience: SecretPatience,
): Promise<Record<string, unknown>> {
  const region = secretId.startsWith('arn:') ? secretId.split(':')[3] : fallbackRegion;
  const client = new SecretsManagerClient({
    ...(region ? { region } : {}),
    maxAttempts: patience.attempts,
    requestHandler: {
      connectionTimeout: patience.connectionTimeout,
      requestTimeout: patience.requestTimeout,
      throwOnRequestTimeout: true,
    },
  });
  // The whole read, retry and back-off included, ends at the deadline.
  const deadline = AbortSignal.timeout(patience.deadlineMs);
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }), {
      abortSignal: deadline,
    });
    const parsed: unknown = JSON.parse(SecretString ?? '');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new SyntaxError('not an object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    // The SDK's message may quote the request, never the secret; a JSON error could quote the secret itself.
    const why =
      error instanceof SyntaxError
        ? 'is not a JSON object'
        : deadline.aborted
          ? `could not be read within ${patience.deadlineMs} ms`
          : `could not be read (${(error as Error).name})`;
    throw new ConfigError(`The Slack secret ${secretId} ${why}.`, 'slack.tokensSecretId');
  } finally {
    client.destroy();
  }
}
