// The Slack tokens: from the environment, or from Secrets Manager at cold start (here a local stand-in that
// speaks Secrets Manager's JSON protocol, reached through AWS_ENDPOINT_URL_SECRETS_MANAGER like any endpoint).
// No secret value may reach a log line, whatever goes wrong.

import { inspect } from 'node:util';
import { parseConfig } from '../core/config/load';
import type { SageBuildConfig } from '../core/config/schema';
import { ConfigError } from '../core/errors';
import { SageBuild } from '../core/sagebuild';
import { startFakeSlackApi } from '../local/slack/fake-slack-api';
import { createSlackApp } from '../slack/app';
import { createHttpReceiver } from '../slack/receivers/http';
import { loadSlackSecrets, SECRET_DEADLINE_MS } from '../slack/secrets';
import { MemoryStore } from '../slack/store/memory-store';
import { waitFor } from './support/local-stack';
import { startFakeSecretsManager, type FakeSecretsManager } from './support/secrets-manager';
import { FORM, postSigned, slashCommandBody } from './support/slack';

const BOT_TOKEN = 'xoxb-111-222-SECRETBOTTOKENVALUE';
const SIGNING_SECRET = 'SECRETSIGNINGVALUE0123456789abcd';
const APP_TOKEN = 'xapp-1-A111-333-SECRETAPPTOKENVALUE';
const SECRET_VALUES = [BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, 'SECRETBOTTOKENVALUE', 'SECRETSIGNINGVALUE'];

/** The secrets the stand-in holds, by id; a string is returned as SecretString verbatim. */
const secrets: Record<string, unknown> = {
  'sagebuild/slack': {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_APP_TOKEN: APP_TOKEN,
  },
  'sagebuild/slack-camel': { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET },
  'sagebuild/no-signing': { SLACK_BOT_TOKEN: BOT_TOKEN },
  'sagebuild/wrong-kind': { SLACK_BOT_TOKEN: `xoxp-${SIGNING_SECRET}`, SLACK_SIGNING_SECRET: SIGNING_SECRET },
  'sagebuild/not-json': `${BOT_TOKEN} ${SIGNING_SECRET}`,
};

/** A secret the stand-in takes requests for and never answers. */
const SLOW_SECRET = 'sagebuild/slow';

let standIn: FakeSecretsManager;
/** What the stand-in was asked, oldest first. */
let asked: FakeSecretsManager['asked'] = [];
const savedEndpoint = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;

/** Everything written to the console while `work` runs. */
async function consoleOutput(work: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const spies = methods.map((method) =>
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10 }))).join(' '));
    }),
  );
  try {
    await work().catch((error: unknown) => lines.push(inspect(error, { depth: 10 })));
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
  return lines.join('\n');
}

function expectNoSecret(text: string): void {
  for (const value of SECRET_VALUES) expect(text).not.toContain(value);
}

function configWith(tokensSecretId?: string): SageBuildConfig {
  return parseConfig(
    {
      region: 'us-east-1',
      slack: tokensSecretId ? { tokensSecretId } : {},
      pipelines: [
        {
          name: 'prod',
          stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:sagebuild-prod',
        },
      ],
    },
    'the secrets test',
  );
}

beforeAll(async () => {
  standIn = await startFakeSecretsManager(secrets, { silent: [SLOW_SECRET] });
  ({ asked } = standIn);
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = standIn.endpoint;
});

afterAll(async () => {
  if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
  else process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = savedEndpoint;
  await standIn?.close();
});

describe('from the environment', () => {
  test('the three variables, used as they are, without asking Secrets Manager', async () => {
    const before = asked.length;
    const loaded = await loadSlackSecrets(configWith('sagebuild/slack'), {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_APP_TOKEN: APP_TOKEN,
    });
    expect(loaded).toMatchObject({ botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: APP_TOKEN });
    expect(asked.length).toBe(before);
  });

  test('a missing or malformed variable is a ConfigError naming it, not quoting it', async () => {
    const missing = loadSlackSecrets(configWith(), { SLACK_BOT_TOKEN: BOT_TOKEN });
    await expect(missing).rejects.toThrow(
      new ConfigError('SLACK_SIGNING_SECRET missing from the environment.'),
    );
    const user = loadSlackSecrets(configWith(), {
      SLACK_BOT_TOKEN: `xoxp-${SIGNING_SECRET}`,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
    });
    await expect(user).rejects.toThrow('The Slack SLACK_BOT_TOKEN from the environment is malformed');
    await expect(loadSlackSecrets(configWith(), {})).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('from Secrets Manager', () => {
  test('the secret named by slack.tokensSecretId, read with GetSecretValue', async () => {
    const loaded = await loadSlackSecrets(configWith('sagebuild/slack'), {});
    expect(loaded).toMatchObject({ botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: APP_TOKEN });
    expect(asked.at(-1)).toEqual({ target: 'secretsmanager.GetSecretValue', secretId: 'sagebuild/slack' });
  });

  test('camelCase keys work too; the app token is optional', async () => {
    const loaded = await loadSlackSecrets(configWith('sagebuild/slack-camel'), {});
    expect(loaded).toMatchObject({ botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET });
    expect(loaded.appToken).toBeUndefined();
  });

  test('a missing, incomplete, malformed or non-JSON secret is a ConfigError', async () => {
    for (const [id, message] of [
      [
        'sagebuild/absent',
        'The Slack secret sagebuild/absent could not be read (ResourceNotFoundException).',
      ],
      ['sagebuild/no-signing', 'SLACK_SIGNING_SECRET missing from secret sagebuild/no-signing.'],
      ['sagebuild/wrong-kind', 'The Slack SLACK_BOT_TOKEN from secret sagebuild/wrong-kind is malformed'],
      ['sagebuild/not-json', 'The Slack secret sagebuild/not-json is not a JSON object.'],
    ]) {
      const loading = loadSlackSecrets(configWith(id), {});
      await expect(loading).rejects.toBeInstanceOf(ConfigError);
      await expect(loadSlackSecrets(configWith(id), {})).rejects.toThrow(message as string);
    }
  });
});

describe('at cold start, bounded', () => {
  test('a Secrets Manager that does not answer costs about a second, with one retry at most', async () => {
    const before = asked.length;
    const started = Date.now();
    await expect(loadSlackSecrets(configWith(SLOW_SECRET), {})).rejects.toBeInstanceOf(ConfigError);
    const tookMs = Date.now() - started;
    expect(tookMs).toBeGreaterThan(400); // a try was waited for, not refused at once
    expect(tookMs).toBeLessThan(SECRET_DEADLINE_MS + 400);
    const tries = asked.slice(before).filter((a) => a.secretId === SLOW_SECRET);
    expect(tries.length).toBeGreaterThanOrEqual(1);
    expect(tries.length).toBeLessThanOrEqual(2);
  });
});

describe('never logged', () => {
  test('the loaded secrets print as redacted: console.log, JSON, inspect, string', async () => {
    const loaded = await loadSlackSecrets(configWith('sagebuild/slack'), {});
    const printed = await consoleOutput(async () => {
      console.log(loaded);
      console.log('secrets:', loaded, `${String(loaded)}`);
      console.error(JSON.stringify({ loaded }));
    });
    expect(printed).toContain('[redacted]');
    expectNoSecret(printed);
  });

  test('no failure while loading logs or throws a secret value', async () => {
    const printed = await consoleOutput(async () => {
      for (const id of [
        'sagebuild/absent',
        'sagebuild/no-signing',
        'sagebuild/wrong-kind',
        'sagebuild/not-json',
      ]) {
        await loadSlackSecrets(configWith(id), {}).catch((error: unknown) => console.error(error));
      }
      await loadSlackSecrets(configWith(), {
        SLACK_BOT_TOKEN: `xoxp-${SIGNING_SECRET}`,
        SLACK_SIGNING_SECRET: 'x',
      }).catch((error: unknown) => console.error(error));
    });
    expect(printed).toContain('ConfigError');
    expectNoSecret(printed);
  });

  test('the running bot logs no token: forged requests, a command, a Slack API failure', async () => {
    const fake = await startFakeSlackApi();
    const config = configWith('sagebuild/slack');
    const core = new SageBuild(config);
    const loaded = await loadSlackSecrets(config, {});
    const receiver = createHttpReceiver({ signingSecret: loaded.signingSecret });
    const bot = createSlackApp({
      core,
      config,
      store: new MemoryStore(),
      receiver,
      botToken: loaded.botToken,
      webClientOptions: { slackApiUrl: fake.apiUrl },
    });
    try {
      const printed = await consoleOutput(async () => {
        await bot.start();
        const body = (text: string) =>
          slashCommandBody({
            command: '/sagebuild',
            text,
            user_id: 'U0SOMEONE',
            channel_id: 'C0SOMEWHERE',
            response_url: fake.responseUrl(),
          });
        expect((await postSigned(receiver.url, body('help'), FORM, 'forged')).status).toBe(401);
        expect((await postSigned(receiver.url, body('help'), FORM, loaded.signingSecret)).status).toBe(200);
        // A mention whose answer Slack refuses: the Web API error is logged, the token is not.
        fake.fail('chat.postEphemeral', 'invalid_auth');
        const event = JSON.stringify({
          type: 'event_callback',
          team_id: 'T0SAGEBUILD',
          api_app_id: 'A0SAGEBUILD',
          event_id: 'Ev0SECRETS1',
          event_time: 1,
          event: { type: 'app_mention', user: 'U0SOMEONE', channel: 'C0SOMEWHERE', text: 'help', ts: '1.2' },
        });
        expect((await postSigned(receiver.url, event, 'application/json', loaded.signingSecret)).status).toBe(
          200,
        );
        // Bolt logs the listener's error once the listener is done: the last output this request makes.
        const errorsLogged = console.error as unknown as jest.Mock;
        await waitFor(() =>
          errorsLogged.mock.calls.some((call) => inspect(call, { depth: 10 }).includes('invalid_auth'))
            ? true
            : undefined,
        );
      });
      expect(fake.callsTo('chat.postEphemeral')).toHaveLength(1);
      expect(printed).toContain('invalid_auth');
      expectNoSecret(printed);
    } finally {
      await bot.stop();
      core.close();
      await fake.close();
    }
  });
});
