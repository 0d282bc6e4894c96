// Attacks on every entry point (issue #10, items 7, 8, 9 and 11), each sent the way an attacker would: signed
// HTTP requests to the Bolt app on its HTTP receiver, function URL events to the Lambda handler, request
// envelopes to the skill, long names to the core. Each asserts the exact answer, that no build started,
// that nothing reached the fake Slack API unless the answer goes there, and that no body text reached a log.

import { createHmac } from 'node:crypto';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { RequestEnvelope } from 'ask-sdk-model';
import { resolvePipeline } from '../core/config/pipelines';
import type { SageBuildConfig } from '../core/config/schema';
import { InvalidInput, PipelineNotFound, RequestRefused } from '../core/errors';
import type { Logger } from '../core/log/logger';
import { loggedLambda } from '../core/log/request';
import { SageBuild } from '../core/sagebuild';
import { intentRequest, launchRequest, requestEnvelope } from '../local/alexa/envelope';
import { LOCAL_SKILL_ID } from '../local/local-config';
import { startFakeSlackApi, type FakeSlack } from '../local/slack/fake-slack-api';
import { parseCommand } from '../commands/parse';
import { createSlackApp, type SlackBot } from '../slack/app';
import { START_ACTION } from '../slack/listeners/buttons';
import { createLambdaHandler } from '../slack/lambda';
import { createHttpReceiver, type SlackHttpReceiver } from '../slack/receivers/http';
import { MAX_SLACK_BODY_BYTES } from '../slack/receivers/verify';
import { MAX_ENVELOPE_CHARS } from '../skill/envelope';
import { isAlexaApiEndpoint } from '../skill/progressive';
import { createSkill, type SageBuildSkill } from '../skill/skill';
import { MemoryStore } from '../slack/store/memory-store';
import { startLocalStack, tester, waitFor, type LocalStack } from './support/local-stack';
import { stackConfig } from './support/stack-config';
import { captureLog, type CapturedLog } from './support/log';
import {
  appMentionEvent,
  blockActionBody,
  blockActionPayload,
  eventBody,
  FORM,
  JSON_TYPE,
  slashCommandBody,
  TEST_BOT_TOKEN,
  TEST_BOT_USER_ID,
  TEST_SIGNING_SECRET,
} from './support/slack';

const ALLOWED = 'U0ALLOWED';
const DEV_CHANNEL = 'C0DEVBUILDS';
/** Text no log line may ever carry: it is in every attack body. */
const MARKER = 'BODYTEXT-7f3a';
const MEGABYTE = 1_000_000;

let stack: LocalStack;
let fake: FakeSlack;
let config: SageBuildConfig;
let core: SageBuild;
let receiver: SlackHttpReceiver;
let bot: SlackBot;
let sfn: SFNClient;

beforeAll(async () => {
  stack = await startLocalStack({ past: true });
  fake = await startFakeSlackApi();
  sfn = new SFNClient({});
  config = stackConfig(stack.pipelines, {
    settings: {
      region: stack.local.region,
      defaultPipeline: 'prod',
      slack: { botUserId: TEST_BOT_USER_ID },
      alexa: { skillId: LOCAL_SKILL_ID },
    },
    slackChannels: true,
    access: { start: [`slack:${ALLOWED}`, 'alexa:*'], stop: [`slack:${ALLOWED}`, 'alexa:*'] },
    source: 'the attack test',
  });
  core = new SageBuild(config);
  receiver = createHttpReceiver({ signingSecret: TEST_SIGNING_SECRET });
  bot = createSlackApp({
    core,
    config,
    store: new MemoryStore(),
    receiver,
    botToken: TEST_BOT_TOKEN,
    webClientOptions: { slackApiUrl: fake.apiUrl },
  });
  await bot.start();
});

afterAll(async () => {
  await bot?.stop();
  core?.close();
  sfn?.destroy();
  await fake?.close();
  await stack?.close();
});

beforeEach(() => fake.reset());

// --- helpers ---

/** How many executions the local AWS holds, over every pipeline: a started build adds one. */
async function executionCount(): Promise<number> {
  const counts = await Promise.all(
    stack.pipelines.map(async (p) => {
      const { executions = [] } = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: p.stateMachineArn, maxResults: 1000 }),
      );
      return executions.length;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Slack's signature headers for any timestamp text, as an attacker holding a signed request could send. */
function signedHeaders(
  body: string,
  timestamp: string,
  secret = TEST_SIGNING_SECRET,
): Record<string, string> {
  const digest = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': timestamp };
}

const nowS = (): number => Math.floor(Date.now() / 1000);

async function postHttp(
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const response = await fetch(receiver.url, { method: 'POST', body, headers });
  return { status: response.status, text: await response.text() };
}

function lambda(log: Logger): ReturnType<typeof createLambdaHandler> {
  return createLambdaHandler({
    core,
    config,
    store: new MemoryStore(),
    botToken: TEST_BOT_TOKEN,
    signingSecret: TEST_SIGNING_SECRET,
    webClientOptions: { slackApiUrl: fake.apiUrl },
    log,
  });
}

/** A function URL event as AWS delivers it: lower-case headers, the body base64-encoded. */
function urlEvent(body: string, headers: Record<string, string>): Parameters<ReturnType<typeof lambda>>[0] {
  return {
    version: '2.0',
    rawPath: '/',
    headers,
    body: Buffer.from(body, 'utf8').toString('base64'),
    isBase64Encoded: true,
  } as unknown as Parameters<ReturnType<typeof lambda>>[0];
}

function startCommand(text = `start dev ${MARKER}=1`): string {
  return slashCommandBody({
    command: '/sagebuild',
    text,
    user_id: ALLOWED,
    channel_id: DEV_CHANNEL,
    response_url: fake.responseUrl('ATTACK'),
  });
}

/** The one request line a Lambda invocation logged. */
function requestLine(captured: CapturedLog): Record<string, unknown> {
  const lines = captured.lines().filter((line) => String(line.message ?? '').startsWith('request '));
  expect(lines).toHaveLength(1);
  return lines[0] as Record<string, unknown>;
}

// --- 7: timestamps in the future, and timestamps that are not numbers ---

describe('7: a validly signed request dated outside the 5-minute window', () => {
  const dated: [string, () => string][] = [
    ['now + 301 s', () => String(nowS() + 301)],
    ['now + 1 day', () => String(nowS() + 86_400)],
    ['the year 2100', () => '4102444800'],
    ['now - 301 s', () => String(nowS() - 301)],
    ['not a number', () => 'soon'],
    ['a number in exponent form', () => `${nowS() / 1e9}e9`],
    ['empty', () => ''],
  ];

  test.each(dated)('%s: 401 from the HTTP receiver, no listener run, no build', async (_, timestamp) => {
    const before = await executionCount();
    const body = startCommand();
    const answer = await postHttp(body, { 'content-type': FORM, ...signedHeaders(body, timestamp()) });
    expect(answer).toEqual({ status: 401, text: '' });
    expect(fake.calls).toEqual([]);
    expect(fake.responses).toEqual([]);
    expect(await executionCount()).toBe(before);
  });

  test.each(dated)('%s: 401 from the Lambda handler, logged without body text', async (_, timestamp) => {
    const before = await executionCount();
    const captured = captureLog();
    const body = startCommand();
    const answer = await lambda(captured.log)(
      urlEvent(body, { 'content-type': FORM, ...signedHeaders(body, timestamp()) }),
      {},
    );
    expect(answer).toEqual({ statusCode: 401, body: '' });
    expect(requestLine(captured)).toMatchObject({
      front: 'slack-bot',
      status: 401,
      outcome: 'refused',
      error: { name: 'InvalidSignature', message: 'The request signature or timestamp did not verify.' },
    });
    expect(captured.text()).not.toContain(MARKER);
    expect(fake.calls).toEqual([]);
    expect(await executionCount()).toBe(before);
  });

  test('a request dated 299 s ahead (a clock a little fast) is served', async () => {
    const body = startCommand('help');
    const answer = await lambda(captureLog().log)(
      urlEvent(body, { 'content-type': FORM, ...signedHeaders(body, String(nowS() + 299)) }),
      {},
    );
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body ?? '').text).toContain('/sagebuild status [pipeline]');
  });

  test('the same request dated now is served (the attacks above fail on their date alone)', async () => {
    const body = startCommand('help');
    const answer = await postHttp(body, { 'content-type': FORM, ...signedHeaders(body, String(nowS())) });
    expect(answer).toEqual({ status: 200, text: '' });
    const reply = await waitFor(() => fake.responses.find((r) => r.id === 'ATTACK'));
    expect(reply.text).toContain('/sagebuild status [pipeline]');
  });
});

// --- 8: bodies that don't match their content type ---

describe('8: the Lambda handler verifies first, then parses', () => {
  const form = (): string => startCommand();
  const json = (): string =>
    eventBody(appMentionEvent(`<@${TEST_BOT_USER_ID}> start dev ${MARKER}`, ALLOWED, DEV_CHANNEL));
  const mismatched: [string, () => string, string | undefined][] = [
    ['a form body sent as JSON', form, JSON_TYPE],
    ['a form body sent as text/plain', form, 'text/plain'],
    ['a form body with no content type', form, undefined],
    ['a JSON body sent as text/plain', json, 'text/plain'],
    ['a form body whose payload is not JSON', () => `payload=${MARKER}%7Bnot-json`, FORM],
    ['a JSON body that is an array', () => `["${MARKER}"]`, JSON_TYPE],
  ];

  test.each(mismatched)(
    '%s, validly signed: 400, no listener, no body text logged',
    async (_, make, type) => {
      const before = await executionCount();
      const captured = captureLog();
      const body = make();
      const headers = { ...(type ? { 'content-type': type } : {}), ...signedHeaders(body, String(nowS())) };
      const answer = await lambda(captured.log)(urlEvent(body, headers), {});
      expect(answer).toEqual({ statusCode: 400, body: '' });
      expect(requestLine(captured)).toMatchObject({
        status: 400,
        outcome: 'refused',
        error: {
          name: 'UnreadableBody',
          message: 'The request was signed but its body is not one Slack sends.',
        },
      });
      expect(captured.text()).not.toContain(MARKER);
      expect(fake.calls).toEqual([]);
      expect(await executionCount()).toBe(before);
    },
  );

  test.each(mismatched)('%s, badly signed: 401', async (_, make, type) => {
    const captured = captureLog();
    const body = make();
    const headers = {
      ...(type ? { 'content-type': type } : {}),
      ...signedHeaders(body, String(nowS()), 'wrong'),
    };
    expect(await lambda(captured.log)(urlEvent(body, headers), {})).toEqual({ statusCode: 401, body: '' });
    expect(captured.text()).not.toContain(MARKER);
  });

  test.each(mismatched)('%s, validly signed, to the HTTP receiver: 400', async (_, make, type) => {
    const body = make();
    const headers = { ...(type ? { 'content-type': type } : {}), ...signedHeaders(body, String(nowS())) };
    // fetch sends text/plain for a string body unless told: "no content type" goes as an empty one.
    expect(await postHttp(body, { 'content-type': '', ...headers })).toEqual({ status: 400, text: '' });
    expect(fake.calls).toEqual([]);
  });

  const broken: [string, unknown][] = [
    ['null', null],
    ['a string', 'payload=start'],
    ['an array', []],
    ['an event without headers', { body: 'x', isBase64Encoded: false }],
    ['an event whose body is an object', { headers: {}, body: { text: 'start' } }],
  ];

  test.each(broken)('%s: an answer, never an invocation error', async (_, event) => {
    const captured = captureLog();
    const answer = await lambda(captured.log)(event as never, {});
    expect(answer.statusCode === 400 || answer.statusCode === 401).toBe(true);
    expect(answer.body).toBe('');
    expect(requestLine(captured)).toMatchObject({ outcome: 'refused' });
  });

  test('a body past the size limit: 413 before anything is decoded or verified', async () => {
    const captured = captureLog();
    const body = `text=${'x'.repeat(MAX_SLACK_BODY_BYTES)}`;
    const answer = await lambda(captured.log)(
      urlEvent(body, { 'content-type': FORM, ...signedHeaders(body, String(nowS())) }),
      {},
    );
    expect(answer).toEqual({ statusCode: 413, body: '' });
    expect(requestLine(captured)).toMatchObject({ status: 413, error: { name: 'BodyTooLarge' } });
    const http = await postHttp(body, { 'content-type': FORM, ...signedHeaders(body, String(nowS())) });
    expect(http).toEqual({ status: 413, text: '' });
  });

  test("Slack's unsigned ssl_check is answered 200 and runs nothing", async () => {
    const captured = captureLog();
    const answer = await lambda(captured.log)(urlEvent('ssl_check=1&token=x', { 'content-type': FORM }), {});
    expect(answer).toEqual({ statusCode: 200, body: '' });
    expect(fake.calls).toEqual([]);
  });
});

// --- 9: a megabyte where a name goes ---

const TOO_LONG = (length: number): string =>
  `I can't use that input: the request is too long: ${length.toLocaleString('en-US')} characters, at most 2,000.`;

describe('9: a 1 MB name is refused at once, with a short answer', () => {
  const huge = `status ${'p'.repeat(MEGABYTE)}`;

  test('slash command on the HTTP receiver: the reply names the length, quotes nothing', async () => {
    const body = startCommand(huge);
    const answer = await postHttp(body, { 'content-type': FORM, ...signedHeaders(body, String(nowS())) });
    expect(answer).toEqual({ status: 200, text: '' });
    const reply = await waitFor(() => fake.responses.find((r) => r.id === 'ATTACK'));
    expect(reply).toMatchObject({ responseType: 'ephemeral', text: TOO_LONG(huge.length) });
  });

  test('slash command on the Lambda handler: the answer is in the ack', async () => {
    const before = await executionCount();
    const captured = captureLog();
    const body = startCommand(`start ${'p'.repeat(MEGABYTE)}`);
    const answer = await lambda(captured.log)(
      urlEvent(body, { 'content-type': FORM, ...signedHeaders(body, String(nowS())) }),
      {},
    );
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body ?? '')).toEqual({
      response_type: 'ephemeral',
      text: TOO_LONG(MEGABYTE + 'start '.length),
    });
    expect(requestLine(captured)).toMatchObject({ action: 'too-long', outcome: 'refused' });
    expect(captured.text().length).toBeLessThan(2000);
    expect(await executionCount()).toBe(before);
  });

  test('a mention of 1 MB: an ephemeral answer in its thread', async () => {
    const ts = `${nowS()}.000100`;
    const text = `<@${TEST_BOT_USER_ID}> is ${'p'.repeat(MEGABYTE)} done?`;
    const body = eventBody(appMentionEvent(text, ALLOWED, DEV_CHANNEL, ts));
    const answer = await lambda(captureLog().log)(
      urlEvent(body, { 'content-type': JSON_TYPE, ...signedHeaders(body, String(nowS())) }),
      {},
    );
    expect(answer.statusCode).toBe(200);
    const sent = (JSON.parse(body) as { event: { text: string } }).event.text;
    expect(fake.ephemerals.map((m) => [m.threadTs, m.text])).toEqual([[ts, TOO_LONG(sent.length)]]);
  });

  test('a 150-character pipeline name: not found, quoted cut to 40 characters', async () => {
    const name = 'q'.repeat(150);
    const body = startCommand(`status ${name}`);
    const answer = await lambda(captureLog().log)(
      urlEvent(body, { 'content-type': FORM, ...signedHeaders(body, String(nowS())) }),
      {},
    );
    expect(JSON.parse(answer.body ?? '').text).toBe(
      `I don't know a pipeline called ${'q'.repeat(39)}…. The pipelines are prod and dev.`,
    );
  });

  test('a button value of 1 MB: acked, nothing run, nothing posted', async () => {
    const before = await executionCount();
    const captured = captureLog();
    const payload = blockActionPayload({
      actionId: START_ACTION,
      value: JSON.stringify({ pipeline: 'p'.repeat(MEGABYTE) }),
      userId: ALLOWED,
      channelId: DEV_CHANNEL,
      messageTs: `${nowS()}.000200`,
      responseUrl: fake.responseUrl('ATTACK'),
    });
    const body = blockActionBody(payload);
    const answer = await lambda(captured.log)(
      urlEvent(body, { 'content-type': FORM, ...signedHeaders(body, String(nowS())) }),
      {},
    );
    expect(answer).toEqual({ statusCode: 200, body: '' });
    expect(requestLine(captured)).toMatchObject({
      outcome: 'refused',
      error: { name: 'InvalidInput', message: expect.stringMatching(/^the button value is too long/) },
    });
    expect(fake.calls).toEqual([]);
    expect(await executionCount()).toBe(before);
  });

  test('the core bounds pipeline names, build names and overrides before any work', async () => {
    const before = await executionCount();
    const megabyte = 'p'.repeat(MEGABYTE);
    const notFound = (() => {
      try {
        resolvePipeline(config, megabyte);
      } catch (error) {
        return error;
      }
    })();
    expect(notFound).toBeInstanceOf(PipelineNotFound);
    expect(notFound).toMatchObject({ requested: `${'p'.repeat(39)}…`, suggestion: undefined });
    await expect(core.status(megabyte)).rejects.toBeInstanceOf(PipelineNotFound);
    await expect(core.statusOf('dev', megabyte)).rejects.toThrow(
      new InvalidInput('the build name is too long: 1,000,000 characters, at most 256.'),
    );
    await expect(core.stop({ pipeline: 'dev', build: megabyte, requester: tester })).rejects.toThrow(
      /^the build name is too long/,
    );
    const start = (overrides: Record<string, string>) =>
      core.start({
        pipeline: 'dev',
        overrides,
        requester: { id: 'slack:U0ALLOWED' },
        idempotencyKey: 'attack',
      });
    await expect(start({ [megabyte]: '1' })).rejects.toThrow(/^the setting name is too long: 1,000,000/);
    await expect(start({ 'hyperparameters.max_depth': megabyte })).rejects.toThrow(
      /^the setting value is too long: 1,000,000 characters, at most 2,500\.$/,
    );
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`hyperparameters.k${i}`, '1']));
    await expect(start(many)).rejects.toThrow('Too many settings: 101, at most 100.');
    expect(await executionCount()).toBe(before);
  });

  test('an unknown command is quoted cut to 40 characters', () => {
    expect(parseCommand(['x'.repeat(5000)], config.pipelines)).toEqual({
      kind: 'unknown',
      name: `${'x'.repeat(39)}…`,
    });
  });
});

// --- 9 and 11: what the skill is sent ---

function validEnvelope(request: RequestEnvelope['request'] = launchRequest('en-US')): RequestEnvelope {
  return requestEnvelope(
    {
      skillId: LOCAL_SKILL_ID,
      userId: 'amzn1.ask.account.ATTACKER',
      deviceId: 'amzn1.ask.device.ATTACKER',
      locale: 'en-US',
      apiEndpoint: 'http://127.0.0.1:9',
      apiAccessToken: 'token',
    },
    { sessionId: 'amzn1.echo-api.session.attack', isNew: true, attributes: {} },
    request,
  );
}

function statusIntent(pipeline: string): RequestEnvelope['request'] {
  return intentRequest(
    'en-US',
    {
      name: 'BuildStatusIntent',
      confirmationStatus: 'NONE',
      slots: { pipeline: { name: 'pipeline', value: pipeline, confirmationStatus: 'NONE' } },
    },
    'COMPLETED',
  );
}

/** Any depth of an envelope's JSON, for attacks that break one nested part. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- attacks write any value anywhere
type Loose = Record<string, any>;

/** The envelope with changes made to a copy: the attacks below each break one part. */
function broken(change: (envelope: Loose) => void): unknown {
  const envelope = JSON.parse(JSON.stringify(validEnvelope(statusIntent('dev')))) as Loose;
  change(envelope);
  return envelope;
}

describe('11: malformed Alexa envelopes are refused before any handler', () => {
  let skill: SageBuildSkill;
  beforeAll(() => {
    skill = createSkill({ core, skillId: LOCAL_SKILL_ID, progressiveAfterMs: 60_000 });
  });

  const attacks: [string, () => unknown, string][] = [
    ['null', () => null, 'the request is not a JSON object'],
    ['a string', () => 'LaunchRequest', 'the request is not a JSON object'],
    ['an array', () => [validEnvelope()], 'the request is not a JSON object'],
    ['no context', () => broken((e) => delete e.context), 'the request has no context.System'],
    [
      'the applicationId only in session',
      () => broken((e) => delete e.context.System.application),
      'the request names no skill ID in context',
    ],
    [
      'another skill in context',
      () => broken((e) => (e.context.System.application.applicationId = 'amzn1.ask.skill.other')),
      'skill ID verification failed, the request is for another skill',
    ],
    [
      'another skill in session',
      () => broken((e) => (e.session.application.applicationId = 'amzn1.ask.skill.other')),
      'skill ID verification failed, the session is for another skill',
    ],
    ['no user', () => broken((e) => delete e.context.System.user), 'the request names no user'],
    ['no request', () => broken((e) => delete e.request), 'the request has no request object'],
    ['no request type', () => broken((e) => delete e.request.type), 'the request has no type'],
    ['no requestId', () => broken((e) => delete e.request.requestId), 'the request has no requestId'],
    [
      'an intent request without intent',
      () => broken((e) => delete e.request.intent),
      'the intent request names no intent',
    ],
    [
      'slots as a string',
      () => broken((e) => (e.request.intent.slots = 'dev')),
      'the intent slots are not an object',
    ],
    [
      'a slot value as a number',
      () => broken((e) => (e.request.intent.slots.pipeline.value = 7)),
      'an intent slot is malformed',
    ],
    [
      'session attributes as null',
      () => broken((e) => (e.session.attributes = null)),
      'the session attributes are not an object',
    ],
    [
      'a 1 MB slot value',
      () => broken((e) => (e.request.intent.slots.pipeline.value = 'p'.repeat(MEGABYTE))),
      'the request is too large',
    ],
  ];

  test.each(attacks)(
    '%s: RequestRefused, no stack frames, nothing of the request logged',
    async (_, make, reason) => {
      const before = await executionCount();
      const captured = captureLog();
      const handler = loggedLambda(
        'skill',
        (event: unknown, context: unknown) => skill.invoke(event, context),
        captured.log,
      );
      const refusal = await handler(make(), { awsRequestId: 'attack' }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(RequestRefused);
      expect((refusal as RequestRefused).message).toBe(`Request refused: ${reason}.`);
      // The Lambda runtime prints a rejected invocation's stack: this one has none to print.
      expect((refusal as Error).stack).toBe(`RequestRefused: Request refused: ${reason}.`);
      expect(requestLine(captured)).toMatchObject({
        front: 'skill',
        outcome: 'failed',
        error: { name: 'RequestRefused', message: `Request refused: ${reason}.` },
      });
      // No handler ran: its interceptor would have logged the action and the user.
      expect(requestLine(captured).action).toBeUndefined();
      expect(captured.text()).not.toContain('ppppp');
      expect(await executionCount()).toBe(before);
    },
  );

  test('the envelope limit leaves real requests far inside it', () => {
    expect(JSON.stringify(validEnvelope(statusIntent('dev'))).length * 20).toBeLessThan(MAX_ENVELOPE_CHARS);
  });

  test('a 5,000-character slot value inside the limit: asked again, the name cut to 40 characters', async () => {
    const response = await skill.invoke(validEnvelope(statusIntent('q'.repeat(5000))));
    const speech = (response.response.outputSpeech as { ssml?: string }).ssml ?? '';
    expect(speech).toContain(
      `I don&apos;t know a pipeline called ${'q'.repeat(39)}…. The pipelines are prod and dev.`,
    );
    expect(speech).not.toContain('q'.repeat(41));
    expect(response.response.directives?.[0]).toMatchObject({
      type: 'Dialog.ElicitSlot',
      slotToElicit: 'pipeline',
    });
  });

  test('entity resolutions of the wrong shape are read as none: the spoken name is used', async () => {
    const envelope = broken((e) => {
      e.request.intent.slots.pipeline.resolutions = { resolutionsPerAuthority: 'dev' };
    }) as RequestEnvelope;
    const response = await skill.invoke(envelope);
    const speech = (response.response.outputSpeech as { ssml?: string }).ssml ?? '';
    // Before: a TypeError inside the handler, and the error handler's apology instead of an answer.
    expect(speech).toMatch(/^<speak>No\. Your dev build failed .* ago while grading the metrics\./);
  });

  test('a well-formed request is still answered', async () => {
    const response = await skill.invoke(validEnvelope());
    expect(response.response.shouldEndSession).toBe(false);
  });
});

describe("the skill's access token goes only to the Alexa API", () => {
  test.each([
    ['https://api.amazonalexa.com', true],
    ['https://api.eu.amazonalexa.com', true],
    ['https://api.fe.amazonalexa.com/', true],
    ['http://127.0.0.1:4123', true],
    ['http://localhost:4123', true],
    ['http://api.amazonalexa.com', false],
    ['https://api.amazonalexa.com:8443', false],
    ['https://api.amazonalexa.com.attacker.invalid', false],
    ['https://user:pw@api.amazonalexa.com', false],
    ['https://attacker.invalid', false],
    ['not a url', false],
    [`https://api.amazonalexa.com/${'a'.repeat(300)}`, false],
  ])('%s → %s', (endpoint, trusted) => {
    expect(isAlexaApiEndpoint(endpoint)).toBe(trusted);
  });
});
