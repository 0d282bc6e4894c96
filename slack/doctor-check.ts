// The doctor's Slack check (`npm run doctor`): reading the bot's tokens is a check of its own (the secret may be
// missing or not filled in yet), then Slack's auth.test says whether the bot token works, and whose it is.
// It lives with the Slack front because the core knows no Slack. Tokens are never printed.

import { ErrorCode, LogLevel, WebClient } from '@slack/web-api';
import type { SageBuildConfig } from '../core/config/schema';
import { fail, pass, skip, type Check } from '../core/doctor/check';
import { slackErrorText } from './notifier/slack-errors';
import { loadSlackSecrets, type SlackSecrets } from './secrets';

export interface SlackCheckOptions {
  env?: NodeJS.ProcessEnv;
  /** Another Slack Web API, e.g. a local fake one's `${url}/api/`. */
  slackApiUrl?: string;
  /** Where tokens in `env` came from, if not the person's own environment (e.g. "the npm start session"). */
  envSource?: string;
  /** The tokens secret to read when the config names none (the one the deployed stack made). */
  tokensSecretId?: string;
  /** Why the stack's secret is not known, when the config names none: the tokens check is then skipped. */
  noSecretBecause?: string;
  /** The stack's region, where its secret is (a laptop's AWS_REGION may be another). */
  region?: string;
  /** auth.test's timeout (default 5 s). */
  timeoutMs?: number;
}

/** A laptop with SSO credentials is slower to reach Secrets Manager than a Lambda: more patience than at cold start. */
const DOCTOR_SECRET_PATIENCE = {
  deadlineMs: 8000,
  attempts: 2,
  connectionTimeout: 2000,
  requestTimeout: 3500,
};

const TOKENS = 'Slack tokens';
const BOT = 'Slack bot';
/** auth.test answers meaning the token itself is no good. */
const BAD_TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);

export async function checkSlack(given: SageBuildConfig, options: SlackCheckOptions = {}): Promise<Check[]> {
  if (!given.slack) return [skip('Slack', 'The config has no slack section.')];
  const env = options.env ?? process.env;
  const secretId = given.slack.tokensSecretId ?? options.tokensSecretId;
  const config = {
    ...given,
    ...(options.region && !given.region ? { region: options.region } : {}),
    slack: { ...given.slack, ...(secretId ? { tokensSecretId: secretId } : {}) },
  };
  // The same choice loadSlackSecrets makes: either token in the environment means the environment.
  const fromEnv = Boolean(env.SLACK_BOT_TOKEN || env.SLACK_SIGNING_SECRET);
  if (!fromEnv && !secretId && options.noSecretBecause) {
    return [
      skip(
        TOKENS,
        `The config names no slack.tokensSecretId, and the stack's secret is not known: ${options.noSecretBecause}`,
      ),
      skip(BOT, 'Not tested: there is no bot token.'),
    ];
  }
  const source = fromEnv
    ? (options.envSource ?? 'the environment (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)')
    : `the secret ${secretId}`;
  let secrets: SlackSecrets;
  try {
    secrets = await loadSlackSecrets(config, env, DOCTOR_SECRET_PATIENCE);
  } catch (error) {
    return [
      fail(TOKENS, tokensProblem(error, fromEnv, secretId)),
      skip(BOT, 'Not tested: there is no bot token.'),
    ];
  }
  const socket = secrets.appToken ? ', with an app token for Socket Mode' : '';
  const fix = fromEnv ? 'SLACK_BOT_TOKEN' : `the secret ${secretId}`;
  return [pass(TOKENS, `Read from ${source}${socket}.`), await authTest(config, secrets, fix, options)];
}

function tokensProblem(error: unknown, fromEnv: boolean, secretId: string | undefined): string {
  // loadSlackSecrets' errors name the field or the secret, never a value.
  const said = (error as Error).message;
  if (fromEnv) {
    return `${said} Set both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, or neither and slack.tokensSecretId.`;
  }
  if (!secretId) return said;
  const tokens = `'{"SLACK_BOT_TOKEN":"xoxb-…","SLACK_SIGNING_SECRET":"…"}'`;
  if (said.includes('ResourceNotFound')) {
    return `${said} Create it: aws secretsmanager create-secret --name ${secretId} --secret-string ${tokens}`;
  }
  if (said.includes('AccessDenied')) {
    return `${said} Your AWS credentials may not call secretsmanager:GetSecretValue on it.`;
  }
  if (said.includes('could not be read')) {
    return `${said} Check your network, region and AWS credentials, then run the doctor again.`;
  }
  // Read, but not filled in yet (or filled in wrongly).
  return `${said} Put the tokens into it: aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string ${tokens}`;
}

async function authTest(
  config: SageBuildConfig,
  secrets: SlackSecrets,
  fix: string,
  options: SlackCheckOptions,
): Promise<Check> {
  const client = new WebClient(secrets.botToken, {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 5000,
    logLevel: LogLevel.ERROR,
  });
  try {
    const who = await client.auth.test();
    const expected = config.slack?.botUserId;
    if (expected && who.user_id && who.user_id !== expected) {
      return fail(
        BOT,
        `The token is the bot @${who.user} (${who.user_id}) in ${who.team}, but slack.botUserId is ${expected}. ` +
          `Set slack.botUserId to ${who.user_id}.`,
      );
    }
    return pass(
      BOT,
      `Slack accepts the bot token: bot @${who.user} (${who.user_id}) in team ${who.team_id}, "${who.team}".`,
    );
  } catch (error) {
    const code = slackErrorText(error);
    if ((error as { code?: string }).code === ErrorCode.PlatformError) {
      if (BAD_TOKEN.has(code)) {
        return fail(
          BOT,
          `Slack refused the bot token (${code}): it is wrong, revoked, or another app's. Reinstall the app to the ` +
            `workspace (OAuth & Permissions), then put its xoxb- token into ${fix}.`,
        );
      }
      return fail(BOT, `Slack answered auth.test with ${code}.`);
    }
    return fail(BOT, `Slack could not be reached (${code}). Check the network, then run the doctor again.`);
  }
}
