// Structured logs: the JSON line shape, the level from the environment, redaction, one request's context and
// its outcome line; then a skill request and a Slack slash command through the real Lambda handlers, each
// ending in one line that says who asked what about which pipeline, and how it went.

import type { RequestEnvelope } from 'ask-sdk-model';
import { modelFor } from '../interaction-models/build-model';
import { NotAuthorized, PipelineNotFound } from '../core/errors';
import { createLogger, errorFields, levelFromEnv } from '../core/log/logger';
import { annotate, inRequest, loggedLambda, noteError, requestLog } from '../core/log/request';
import { AlexaSimulator } from '../local/alexa/simulator';
import { LOCAL_SKILL_ID } from '../local/local-config';
import { startFakeSlackApi, type FakeSlack } from '../local/slack/fake-slack-api';
import { createSkill } from '../skill/skill';
import type { Logger } from '../core/log/logger';
import { createLambdaHandler } from '../slack/lambda';
import { handler as notifierHandler } from '../slack/notifier-lambda';
import { SlackSecrets } from '../slack/secrets';
import { MemoryStore } from '../slack/store/memory-store';
import { startLocalStack, type LocalStack } from './support/local-stack';
import { captureLog } from './support/log';
import {
  FORM,
  functionUrlEvent,
  slashCommandBody,
  TEST_BOT_TOKEN,
  TEST_SIGNING_SECRET,
} from './support/slack';

const APP_TOKEN = 'xapp-1-A0000000000-0000000000000-apptoken0000';
const USER_TOKEN = 'xoxp-0000000000-0000000000-usertoken0000';
/** Alexa's account IDs are about 200 characters long. */
const ALEXA_USER = `amzn1.ask.account.${'AFXK3Q'.repeat(30)}`;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('a log line', () => {
  test('is one JSON object per line: timestamp, level and message first, then the fields', () => {
    const { log, text, lines } = captureLog();
    log.info('first', { pipeline: 'prod', count: 2 });
    log.child({ front: 'skill' }).warn('two\nlines in a message', { when: new Date(0) });
    expect(text().endsWith('\n')).toBe(true);
    expect(text().split('\n')).toHaveLength(3);
    const [first, second] = lines();
    expect(Object.keys(first ?? {})).toEqual(['timestamp', 'level', 'message', 'pipeline', 'count']);
    expect(first).toMatchObject({ level: 'INFO', message: 'first', pipeline: 'prod', count: 2 });
    expect(first?.timestamp).toMatch(ISO_TIME);
    expect(second).toMatchObject({
      level: 'WARN',
      message: 'two\nlines in a message',
      front: 'skill',
      when: '1970-01-01T00:00:00.000Z',
    });
  });

  test('a field cannot pass for the level, time or message', () => {
    const { log, lines } = captureLog();
    log.error('real', { level: 'INFO', message: 'fake', timestamp: 'never' });
    expect(lines()[0]).toMatchObject({ level: 'ERROR', message: 'real' });
    expect(lines()[0]?.timestamp).toMatch(ISO_TIME);
  });

  test('below the level, nothing is written', () => {
    const { log, lines } = captureLog('WARN');
    log.info('quiet');
    log.warn('loud');
    log.child({ a: 1 }).info('quiet too');
    expect(lines().map((line) => line.message)).toEqual(['loud']);
    const silent = captureLog('SILENT');
    silent.log.error('nothing');
    expect(silent.text()).toBe('');
  });

  test('cycles, bigints and functions do not cost the line', () => {
    const { log, lines } = captureLog();
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    log.info('odd values', { loop, big: 10n, fn: () => 1 });
    expect(lines()[0]).toMatchObject({ loop: { name: 'loop', self: '[circular]' }, big: '10' });
    expect(lines()[0]).not.toHaveProperty('fn');
  });
});

describe('the level comes from the environment', () => {
  test.each([
    [{ POWERTOOLS_LOG_LEVEL: 'error', LOG_LEVEL: 'INFO' }, 'ERROR'],
    [{ LOG_LEVEL: 'debug' }, 'INFO'],
    [{ AWS_LAMBDA_LOG_LEVEL: 'WARN', AWS_LAMBDA_FUNCTION_NAME: 'f' }, 'WARN'],
    [{ LOG_LEVEL: 'silent' }, 'SILENT'],
    [{ AWS_LAMBDA_FUNCTION_NAME: 'sagebuild-skill' }, 'INFO'],
    [{}, 'WARN'],
    [{ LOG_LEVEL: 'chatty' }, 'WARN'],
  ])('%j gives %s', (env, level) => {
    expect(levelFromEnv(env)).toBe(level);
  });

  test('a logger made without a level reads it', () => {
    const previous = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'ERROR';
    try {
      let text = '';
      const log = createLogger({ sink: { write: (chunk: string) => (text += chunk) } });
      log.warn('dropped');
      log.error('kept');
      expect(text).not.toContain('dropped');
      expect(text).toContain('kept');
    } finally {
      if (previous === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previous;
    }
  });
});

describe('redaction', () => {
  test('no token reaches a line, whatever field, message or error carries it', () => {
    const { log, text, lines } = captureLog();
    const secrets = new SlackSecrets({ botToken: TEST_BOT_TOKEN, signingSecret: TEST_SIGNING_SECRET });
    log.child({ botToken: TEST_BOT_TOKEN }).info(`posting with ${TEST_BOT_TOKEN}`, {
      secrets,
      signingSecret: TEST_SIGNING_SECRET,
      headers: { 'x-slack-signature': 'v0=abc', 'x-slack-request-timestamp': '1' },
      Authorization: `Bearer ${USER_TOKEN}`,
      nested: { deeper: [{ note: `app token ${APP_TOKEN} and ${USER_TOKEN}` }] },
      signature: `v0=${'a1'.repeat(32)}`,
      error: new Error(`invalid_auth for ${TEST_BOT_TOKEN}`),
    });
    for (const secret of [TEST_BOT_TOKEN, TEST_SIGNING_SECRET, APP_TOKEN, USER_TOKEN, 'v0=a1a1', 'v0=abc']) {
      expect(text()).not.toContain(secret);
    }
    expect(lines()[0]).toMatchObject({
      message: 'posting with [redacted]',
      botToken: '[redacted]',
      secrets: '[redacted]',
      headers: '[redacted]',
      nested: { deeper: [{ note: 'app token [redacted] and [redacted]' }] },
      error: { name: 'Error', message: 'invalid_auth for [redacted]' },
    });
  });

  test('Alexa account IDs are shortened to a stable hash, wherever they appear', () => {
    const { log, lines } = captureLog();
    log.info('refused', {
      user: `alexa:${ALEXA_USER}`,
      error: new NotAuthorized('start', 'prod', `alexa:${ALEXA_USER}`),
    });
    log.info('again', { user: `alexa:${ALEXA_USER}` });
    const [first, second] = lines();
    expect(first?.user).toMatch(/^alexa:amzn1\.ask\.account\.#[0-9a-f]{12}$/);
    expect(second?.user).toBe(first?.user);
    expect(first?.error).toEqual({
      name: 'NotAuthorized',
      message: `${first?.user as string} may not start prod builds.`,
    });
    expect(JSON.stringify(lines())).not.toContain(ALEXA_USER);
  });

  test('a core error is named by its code, which minifying leaves alone', () => {
    const error = new PipelineNotFound('prdo', ['prod', 'dev'], 'prod');
    Object.defineProperty(error, 'name', { value: 'e' });
    expect(errorFields(error)).toEqual({ name: 'PipelineNotFound', message: error.message });
  });
});

describe('a request', () => {
  test('ends with one line: its fields, outcome and duration', async () => {
    const { log, lines } = captureLog();
    const result = await inRequest(log, { front: 'skill', requestId: 'r-1' }, async () => {
      annotate({ action: 'BuildStatusIntent', user: 'slack:U1', ignored: undefined });
      requestLog().warn('along the way', { step: 1 });
      annotate({ pipeline: 'prod' });
      return 42;
    });
    expect(result).toBe(42);
    const [along, done] = lines();
    expect(along).toMatchObject({ level: 'WARN', requestId: 'r-1', action: 'BuildStatusIntent', step: 1 });
    expect(along).not.toHaveProperty('pipeline');
    expect(done).toMatchObject({
      level: 'INFO',
      message: 'request answered',
      front: 'skill',
      requestId: 'r-1',
      action: 'BuildStatusIntent',
      user: 'slack:U1',
      pipeline: 'prod',
      outcome: 'answered',
    });
    expect(done).not.toHaveProperty('ignored');
    expect(typeof done?.duration_ms).toBe('number');
  });

  test('a noted core refusal is "refused", AWS not answering "failed", a throw "failed" and rethrown', async () => {
    const { log, lines } = captureLog();
    await inRequest(log, {}, async () => noteError(new NotAuthorized('stop', 'prod', 'slack:U1')));
    await inRequest(log, {}, async () => noteError(new Error('AWS down')));
    await expect(
      inRequest(log, {}, async () => {
        throw new TypeError('bug');
      }),
    ).rejects.toThrow('bug');
    expect(
      lines().map((line) => [line.level, line.outcome, (line.error as { name?: string })?.name]),
    ).toEqual([
      ['INFO', 'refused', 'NotAuthorized'],
      ['ERROR', 'failed', 'Error'],
      ['ERROR', 'failed', 'TypeError'],
    ]);
  });

  test('outside a request, annotations do nothing; inside one, a nested request joins it', async () => {
    annotate({ pipeline: 'nowhere' });
    noteError(new Error('nowhere'));
    const { log, lines } = captureLog();
    await inRequest(log, { front: 'notifier' }, () =>
      inRequest(captureLog().log, { action: 'RUNNING' }, async () => undefined),
    );
    expect(lines()).toEqual([expect.objectContaining({ front: 'notifier', action: 'RUNNING' })]);
  });
});

describe('through the real Lambda handlers', () => {
  let stack: LocalStack;
  let fake: FakeSlack;

  beforeAll(async () => {
    stack = await startLocalStack({ past: true });
    fake = await startFakeSlackApi();
  });

  afterAll(async () => {
    await fake?.close();
    await stack?.close();
  });

  /** skill/lambda.ts's handler, on the local stack's core rather than a config file's. */
  function skillLambda(log: Logger) {
    const skill = createSkill({ core: stack.core, skillId: LOCAL_SKILL_ID });
    return loggedLambda(
      'skill',
      (event: RequestEnvelope, context: unknown) => skill.invoke(event, context),
      log,
    );
  }

  test('each Lambda handler takes two arguments', () => {
    expect(notifierHandler).toHaveLength(2);
    expect(skillLambda(captureLog().log)).toHaveLength(2);
  });

  test('a skill request: request ID, intent, pipeline, a shortened user, and the outcome', async () => {
    const { log, text, lines } = captureLog();
    const handler = skillLambda(log);
    const alexa = new AlexaSimulator({
      model: modelFor(stack.core.config),
      invoke: (event) => handler(event, { awsRequestId: 'skill-request-1' }),
      skillId: LOCAL_SKILL_ID,
      userId: ALEXA_USER,
    });
    const turn = await alexa.say('ask sage build is my prod build done');
    expect(turn.speech).toMatch(/^Yes\. Your prod build finished/);
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'request answered',
        front: 'skill',
        requestId: 'skill-request-1',
        action: 'BuildStatusIntent',
        pipeline: 'prod',
        user: expect.stringMatching(/^alexa:amzn1\.ask\.account\.#[0-9a-f]{12}$/),
        outcome: 'answered',
        duration_ms: expect.any(Number),
      }),
    ]);
    expect(text()).not.toContain(ALEXA_USER);
  });

  test('a Slack slash command: its subcommand, pipeline, user and outcome; no token or header', async () => {
    const { log, text, lines } = captureLog();
    const handler = createLambdaHandler({
      core: stack.core,
      config: stack.core.config,
      store: new MemoryStore(),
      botToken: TEST_BOT_TOKEN,
      signingSecret: TEST_SIGNING_SECRET,
      webClientOptions: { slackApiUrl: fake.apiUrl },
      log,
    });
    const command = (text: string) =>
      slashCommandBody({
        command: '/sagebuild',
        text,
        user_id: 'U0ANA',
        channel_id: 'C0PRODBUILDS',
        response_url: fake.responseUrl('LOGGING'),
      });
    const answered = await handler(functionUrlEvent(command('status'), FORM), { awsRequestId: 'slack-1' });
    expect(answered.statusCode).toBe(200);
    await handler(functionUrlEvent(command('why prdo'), FORM), { awsRequestId: 'slack-2' });
    const forged = functionUrlEvent(command('stop prod'), FORM, 'not-the-signing-secret');
    expect((await handler(forged, { awsRequestId: 'slack-3' })).statusCode).toBe(401);

    const common = { level: 'INFO', front: 'slack-bot', duration_ms: expect.any(Number) };
    expect(lines()).toEqual([
      expect.objectContaining({
        ...common,
        requestId: 'slack-1',
        action: 'status',
        pipeline: 'prod',
        user: 'slack:U0ANA',
        outcome: 'answered',
        status: 200,
      }),
      expect.objectContaining({
        ...common,
        requestId: 'slack-2',
        action: 'why',
        user: 'slack:U0ANA',
        outcome: 'refused',
        error: expect.objectContaining({ name: 'PipelineNotFound' }),
      }),
      expect.objectContaining({
        ...common,
        requestId: 'slack-3',
        outcome: 'refused',
        status: 401,
        error: expect.objectContaining({ name: 'InvalidSignature' }),
      }),
    ]);
    for (const secret of [TEST_BOT_TOKEN, TEST_SIGNING_SECRET, forged.headers['x-slack-signature']]) {
      expect(text()).not.toContain(secret);
    }
  });
});

describe('logging never fails a request', () => {
  test('odd thrown values and fields are logged, not rethrown', async () => {
    const { log, lines } = captureLog();
    const nameless = Object.create(null) as object;
    const hostile = {
      toString() {
        throw new Error('no text for you');
      },
    };
    const weirdError = Object.assign(new Error('x'), { message: 42 as unknown as string });
    for (const thrown of [nameless, hostile, weirdError]) {
      await expect(
        loggedLambda(
          'skill',
          async () => {
            noteError(thrown, 'failed');
            return 'answer';
          },
          log,
        )({}, { awsRequestId: 'odd' }),
      ).resolves.toBe('answer');
    }
    const getterBomb = {
      get boom(): string {
        throw new Error('getter');
      },
    };
    log.info('with a bad field', { bad: getterBomb });
    expect(lines().length).toBeGreaterThanOrEqual(4);
    expect(lines().at(-1)).toMatchObject({ level: 'INFO', message: '[unloggable line]' });
  });
});
