// The fake Slack Web API against the real @slack/web-api WebClient, and the signing helper against Bolt's own
// request verification: the other Slack tests rely on both behaving like Slack.

import { isValidSlackRequest } from '@slack/bolt';
import { LogLevel, WebClient } from '@slack/web-api';
import { checkedCounts } from '../local/conformance';
import { startFakeSlackApi, type FakeSlack } from '../local/slack/fake-slack-api';
import {
  TEST_BOT_TOKEN,
  TEST_SIGNING_SECRET,
  blockActionBody,
  eventBody,
  newTriggerId,
  signSlackRequest,
  slashCommandBody,
} from './support/slack';

let slack: FakeSlack;
let client: WebClient;

beforeAll(async () => {
  slack = await startFakeSlackApi({
    token: TEST_BOT_TOKEN,
    users: { U0ALICE: { name: 'alice', displayName: 'Alice' } },
    userGroups: { S0DEPLOYERS: ['U0ALICE'] },
    channels: { C0DEVBUILDS: 'dev-builds' },
  });
  // The default retry config: the one a notifier keeps so a 429 does not lose a post.
  client = new WebClient(TEST_BOT_TOKEN, { slackApiUrl: slack.apiUrl, logLevel: LogLevel.ERROR });
});

afterEach(() => slack.reset());
afterAll(() => slack.close());

test('a post then an update is one message with two versions', async () => {
  const blocks = [{ type: 'header', text: { type: 'plain_text', text: 'dev: running' } }];
  const posted = await client.chat.postMessage({ channel: 'C0DEVBUILDS', text: 'dev is running', blocks });
  expect(posted).toMatchObject({ ok: true, channel: 'C0DEVBUILDS', ts: '1700000000.000100' });
  expect(posted.message).toMatchObject({ text: 'dev is running', bot_id: 'B0SAGEBOT', blocks });

  const updated = await client.chat.update({ channel: 'C0DEVBUILDS', ts: posted.ts!, text: 'dev succeeded' });
  expect(updated).toMatchObject({ ok: true, channel: 'C0DEVBUILDS', ts: posted.ts, text: 'dev succeeded' });

  const [message, ...others] = slack.messages('C0DEVBUILDS');
  expect(others).toEqual([]);
  expect(message?.text).toBe('dev succeeded');
  // Left out of chat.update, the blocks stay, as in Slack.
  expect(message?.blocks).toEqual(blocks);
  expect(message?.versions.map((v) => v.text)).toEqual(['dev is running', 'dev succeeded']);

  const second = await client.chat.postMessage({ channel: 'C0DEVBUILDS', text: 'again' });
  expect(Number(second.ts)).toBeGreaterThan(Number(posted.ts));
});

test('updating an unknown message fails with message_not_found', async () => {
  await expect(
    client.chat.update({ channel: 'C0DEVBUILDS', ts: '1700000099.000100', text: 'x' }),
  ).rejects.toMatchObject({ code: 'slack_webapi_platform_error', data: { error: 'message_not_found' } });
  expect(slack.callsTo('chat.update')[0]?.outcome).toBe('message_not_found');
});

test('a thread reply and a permalink', async () => {
  const card = await client.chat.postMessage({ channel: 'C0DEVBUILDS', text: 'card' });
  await client.chat.postMessage({
    channel: 'C0DEVBUILDS',
    thread_ts: card.ts!,
    reply_broadcast: true,
    text: '<@U0ALICE> dev failed',
  });
  expect(slack.replies('C0DEVBUILDS', card.ts!)).toEqual([
    expect.objectContaining({ text: '<@U0ALICE> dev failed', replyBroadcast: true }),
  ]);
  const link = await client.chat.getPermalink({ channel: 'C0DEVBUILDS', message_ts: card.ts! });
  expect(link.permalink).toBe('https://sagebuild-local.slack.com/archives/C0DEVBUILDS/p1700000000000100');
});

test('a 429 with Retry-After is retried by the WebClient and the post is not lost', async () => {
  slack.rateLimit({ method: 'chat.postMessage', count: 1, retryAfterSeconds: 0 });
  const posted = await client.chat.postMessage({ channel: 'C0DEVBUILDS', text: 'dev is running' });
  expect(posted.ok).toBe(true);
  expect(slack.callsTo('chat.postMessage').map((c) => c.outcome)).toEqual(['ratelimited', 'ok']);
  expect(slack.messages('C0DEVBUILDS').map((m) => m.text)).toEqual(['dev is running']);
});

test('a client that rejects rate-limited calls sees the 429', async () => {
  const strict = new WebClient(TEST_BOT_TOKEN, {
    slackApiUrl: slack.apiUrl,
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
  slack.rateLimit({ count: 1, retryAfterSeconds: 7 });
  await expect(strict.chat.postMessage({ channel: 'C0DEVBUILDS', text: 'x' })).rejects.toMatchObject({
    code: 'slack_webapi_rate_limited_error',
    retryAfter: 7,
  });
  expect(slack.messages('C0DEVBUILDS')).toEqual([]);
});

test('a throttle answers 429 beyond its calls per second, like Slack', async () => {
  const strict = new WebClient(TEST_BOT_TOKEN, {
    slackApiUrl: slack.apiUrl,
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
  slack.throttle({ method: 'chat.postMessage', perSecond: 2, retryAfterSeconds: 1 });
  const posts = await Promise.allSettled(
    [1, 2, 3].map((n) => strict.chat.postMessage({ channel: 'C0DEVBUILDS', text: `post ${n}` })),
  );
  expect(posts.map((p) => p.status).sort()).toEqual(['fulfilled', 'fulfilled', 'rejected']);
  await expect(strict.auth.test()).resolves.toMatchObject({ ok: true }); // other methods are not limited
  slack.throttle(undefined);
  await expect(strict.chat.postMessage({ channel: 'C0DEVBUILDS', text: 'x' })).resolves.toMatchObject({
    ok: true,
  });
});

test('fail() answers the next call with a Slack error, then calls go through', async () => {
  slack.fail('chat.postMessage', 'channel_not_found');
  await expect(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' })).rejects.toMatchObject({
    data: { error: 'channel_not_found' },
  });
  await expect(client.chat.postMessage({ channel: 'C0DEVBUILDS', text: 'x' })).resolves.toMatchObject({
    ok: true,
  });
});

test('a wrong token is refused', async () => {
  const stranger = new WebClient('xoxb-somebody-else', { slackApiUrl: slack.apiUrl });
  await expect(stranger.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  expect(slack.calls[0]).toMatchObject({ method: 'auth.test', token: 'xoxb-somebody-else' });
});

test('ephemerals, views and the read methods', async () => {
  const ephemeral = await client.chat.postEphemeral({
    channel: 'C0DEVBUILDS',
    user: 'U0ALICE',
    text: 'prod is idle',
  });
  expect(ephemeral.message_ts).toMatch(/^\d{10}\.\d{6}$/);
  expect(slack.ephemerals).toEqual([
    expect.objectContaining({ channel: 'C0DEVBUILDS', user: 'U0ALICE', text: 'prod is idle' }),
  ]);

  await client.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [] } });
  expect(slack.views[0]).toMatchObject({ userId: 'U0ALICE', view: { type: 'home' } });

  await expect(client.auth.test()).resolves.toMatchObject({
    user_id: 'U0SAGEBUILD',
    bot_id: 'B0SAGEBOT',
    team_id: 'T0SAGEBUILD',
  });
  await expect(client.usergroups.users.list({ usergroup: 'S0DEPLOYERS' })).resolves.toMatchObject({
    users: ['U0ALICE'],
  });
  await expect(client.usergroups.users.list({ usergroup: 'S0NOPE' })).rejects.toMatchObject({
    data: { error: 'no_such_subteam' },
  });
  await expect(client.users.info({ user: 'U0ALICE' })).resolves.toMatchObject({
    user: { name: 'alice', profile: { display_name: 'Alice' } },
  });
  await expect(client.conversations.info({ channel: 'C0DEVBUILDS' })).resolves.toMatchObject({
    channel: { id: 'C0DEVBUILDS', name: 'dev-builds' },
  });
});

test('response_url payloads are recorded, and replace_original edits the tied message', async () => {
  const card = await client.chat.postMessage({ channel: 'C0DEVBUILDS', text: 'dev: running' });
  const url = slack.responseUrl('A1', { channel: 'C0DEVBUILDS', messageTs: card.ts! });
  expect(url).toBe(`${slack.url}/response/A1`);

  const answer = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ replace_original: true, text: 'dev: stopping', blocks: [] }),
  });
  expect(answer.status).toBe(200);
  expect(slack.responses).toEqual([
    expect.objectContaining({
      id: 'A1',
      responseType: 'ephemeral',
      replaceOriginal: true,
      text: 'dev: stopping',
    }),
  ]);
  expect(slack.message('C0DEVBUILDS', card.ts!)?.versions.map((v) => v.text)).toEqual([
    'dev: running',
    'dev: stopping',
  ]);

  await fetch(slack.responseUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'in_channel', text: 'alice started dev' }),
  });
  expect(slack.responses[1]).toMatchObject({ id: 'R000001', responseType: 'in_channel' });
});

describe("Slack's Block Kit rules: what Slack refuses, the fake refuses, with Slack's codes", () => {
  const section = (text: string, blockId?: string) => ({
    type: 'section',
    ...(blockId ? { block_id: blockId } : {}),
    text: { type: 'mrkdwn', text },
  });
  const button = (actionId: string, extra: Record<string, unknown> = {}) => ({
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: 'Go' },
    ...extra,
  });
  const actions = (...elements: unknown[]) => ({ type: 'actions', elements });
  const plain = (text: string) => ({ type: 'plain_text', text });
  /** A button whose confirm dialog is one Slack takes, but for `changes`. */
  const confirming = (changes: Record<string, unknown>) =>
    actions(
      button('a', {
        confirm: {
          title: plain('Sure?'),
          text: plain('Sure?'),
          confirm: plain('Yes'),
          deny: plain('No'),
          ...changes,
        },
      }),
    );

  /** A client that keeps quiet: WebClient logs each refusal's `errors` lines, which these tests ask for. */
  const quiet = () =>
    new WebClient(TEST_BOT_TOKEN, {
      slackApiUrl: slack.apiUrl,
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
        setLevel: () => undefined,
        getLevel: () => LogLevel.ERROR,
        setName: () => undefined,
      },
    });

  /** The Web API's answer to a post of these blocks, refused or not. */
  async function post(blocks: unknown[], text = 'the words'): Promise<Record<string, unknown>> {
    try {
      return (await quiet().chat.postMessage({ channel: 'C0DEVBUILDS', text, blocks } as never)) as never;
    } catch (error) {
      return (error as { data: Record<string, unknown> }).data;
    }
  }

  /** The first problem Slack lists for these blocks. */
  async function refusal(blocks: unknown[]): Promise<string | undefined> {
    const answer = await post(blocks);
    expect(answer).toMatchObject({ ok: false, error: 'invalid_blocks' });
    return (answer.errors as string[])[0];
  }

  test('a refusal has Slack shape: errors with json pointers, and the same lines in response_metadata', async () => {
    const answer = await post([section('a', 'build_header'), section('b', 'build_header')]);
    expect(answer).toEqual({
      ok: false,
      error: 'invalid_blocks',
      errors: ['duplicate block_id: build_header [json-pointer:/blocks/1/block_id]'],
      response_metadata: {
        messages: ['[ERROR] duplicate block_id: build_header [json-pointer:/blocks/1/block_id]'],
      },
    });
    // A refused post changes nothing.
    expect(slack.messages('C0DEVBUILDS')).toEqual([]);
    expect(slack.callsTo('chat.postMessage')[0]?.outcome).toBe('invalid_blocks');
  });

  test.each([
    [
      '51 blocks',
      Array.from({ length: 51 }, () => ({ type: 'divider' })),
      'must provide no more than 50 items [json-pointer:/blocks]',
    ],
    [
      'section text of 3001',
      [section('x'.repeat(3001))],
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'an empty section text',
      [section('')],
      'must be more than 0 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      'a section with neither text nor fields',
      [{ type: 'section' }],
      'must define either `text` or `fields` [json-pointer:/blocks/0]',
    ],
    [
      '11 fields',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }],
      'must provide no more than 10 items [json-pointer:/blocks/0/fields]',
    ],
    [
      'a field of 2001',
      [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }],
      'must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]',
    ],
    [
      'a mrkdwn header',
      [{ type: 'header', text: { type: 'mrkdwn', text: 'dev' } }],
      'must be of type plain_text [json-pointer:/blocks/0/text/type]',
    ],
    [
      'a header of 151',
      [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
      'must be less than 151 characters [json-pointer:/blocks/0/text/text]',
    ],
    [
      '11 context elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }],
      'must provide no more than 10 items [json-pointer:/blocks/0/elements]',
    ],
    [
      '26 buttons',
      [actions(...Array.from({ length: 26 }, (_, i) => button(`b${i}`)))],
      'must provide no more than 25 items [json-pointer:/blocks/0/elements]',
    ],
    [
      'an action_id twice in a block',
      [actions(button('build_stop'), button('build_stop'))],
      'duplicate action_id: build_stop [json-pointer:/blocks/0/elements/1/action_id]',
    ],
    [
      'button text of 76',
      [actions({ ...button('a'), text: { type: 'plain_text', text: 't'.repeat(76) } })],
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
    ],
    [
      'a mrkdwn button text',
      [actions({ ...button('a'), text: { type: 'mrkdwn', text: 'Go' } })],
      'must be of type plain_text [json-pointer:/blocks/0/elements/0/text/type]',
    ],
    [
      'a button value of 2001',
      [actions(button('a', { value: 'v'.repeat(2001) }))],
      'must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]',
    ],
    [
      'a button url of 3001',
      [actions(button('a', { url: `https://x/${'u'.repeat(2992)}` }))],
      'must be less than 3001 characters [json-pointer:/blocks/0/elements/0/url]',
    ],
    [
      'an action_id of 256',
      [actions(button('a'.repeat(256)))],
      'must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]',
    ],
    [
      'a block_id of 256',
      [section('s', 'b'.repeat(256))],
      'must be less than 256 characters [json-pointer:/blocks/0/block_id]',
    ],
    [
      'a button style Slack lacks',
      [actions(button('a', { style: 'warning' }))],
      'must be one of primary, danger [json-pointer:/blocks/0/elements/0/style]',
    ],
    [
      'a confirm title of 101',
      [confirming({ title: plain('t'.repeat(101)) })],
      'must be less than 101 characters [json-pointer:/blocks/0/elements/0/confirm/title/text]',
    ],
    [
      'a confirm text of 301',
      [confirming({ text: { type: 'mrkdwn', text: 't'.repeat(301) } })],
      'must be less than 301 characters [json-pointer:/blocks/0/elements/0/confirm/text/text]',
    ],
    [
      'a confirm button of 31',
      [confirming({ confirm: plain('y'.repeat(31)) })],
      'must be less than 31 characters [json-pointer:/blocks/0/elements/0/confirm/confirm/text]',
    ],
    [
      'a confirm without deny',
      // JSON leaves an undefined member out.
      [confirming({ deny: undefined })],
      'missing required field: deny [json-pointer:/blocks/0/elements/0/confirm]',
    ],
    [
      'a block type the product does not send',
      [{ type: 'video', title: 'x' }],
      'unsupported type: video [json-pointer:/blocks/0/type]',
    ],
    [
      'a field Slack does not know',
      [{ type: 'divider', colour: 'red' }],
      'invalid additional property: colour [json-pointer:/blocks/0/colour]',
    ],
  ])('%s is refused with invalid_blocks', async (_, blocks, expected) => {
    expect(await refusal(blocks)).toBe(expected);
    expect(slack.messages()).toEqual([]);
  });

  test('the limits themselves are accepted: 50 blocks, 3000 characters, 10 fields, 25 buttons', async () => {
    const fine = [
      section('x'.repeat(3000), 'text'),
      {
        type: 'section',
        block_id: 'fields',
        fields: Array.from({ length: 10 }, () => ({ type: 'mrkdwn', text: 'f'.repeat(2000) })),
      },
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150), emoji: true } },
      actions(...Array.from({ length: 25 }, (_, i) => button(`b${i}`, { value: 'v'.repeat(2000) }))),
      ...Array.from({ length: 46 }, () => ({ type: 'divider' })),
    ];
    expect(await post(fine)).toMatchObject({ ok: true });
  });

  test('chat.update and chat.postEphemeral are held to the same rules, and a refused update changes nothing', async () => {
    const posted = await quiet().chat.postMessage({
      channel: 'C0DEVBUILDS',
      text: 'card',
      blocks: [section('a', 'one')],
    });
    await expect(
      quiet().chat.update({
        channel: 'C0DEVBUILDS',
        ts: posted.ts!,
        text: 'card',
        blocks: [section('a', 'x'), section('b', 'x')],
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    expect(slack.message('C0DEVBUILDS', posted.ts!)?.versions).toHaveLength(1);
    await expect(
      quiet().chat.postEphemeral({
        channel: 'C0DEVBUILDS',
        user: 'U0ALICE',
        text: 'psst',
        blocks: [section('')],
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    expect(slack.ephemerals).toEqual([]);
  });

  test('no_text, msg_too_long, invalid_blocks_format, and the message errors Slack names', async () => {
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => 'ok',
        (error: { data: { error: string } }) => error.data.error,
      );
    expect(await code(quiet().chat.postMessage({ channel: 'C0DEVBUILDS' } as never))).toBe('no_text');
    expect(await code(quiet().chat.postMessage({ channel: 'C0DEVBUILDS', text: 'x'.repeat(40001) }))).toBe(
      'msg_too_long',
    );
    expect(await code(quiet().chat.postMessage({ channel: 'C0DEVBUILDS', text: 'x'.repeat(40000) }))).toBe(
      'ok',
    );
    expect(
      await code(
        quiet().apiCall('chat.postMessage', { channel: 'C0DEVBUILDS', text: 'x', blocks: '{not json' }),
      ),
    ).toBe('invalid_blocks_format');
    expect(await code(quiet().chat.postMessage({ text: 'x' } as never))).toBe('channel_not_found');
    const theirs = slack.postAs('C0DEVBUILDS', 'U0ALICE', 'my words');
    expect(await code(quiet().chat.update({ channel: 'C0DEVBUILDS', ts: theirs.ts, text: 'edited' }))).toBe(
      'cant_update_message',
    );
    expect(await code(quiet().chat.delete({ channel: 'C0DEVBUILDS', ts: theirs.ts }))).toBe(
      'cant_delete_message',
    );
    expect(slack.message('C0DEVBUILDS', theirs.ts)?.text).toBe('my words');
  });

  test('blocks without top-level text pass, as in Slack, but are noted as a lapse of our own rule', async () => {
    await quiet().chat.postMessage({ channel: 'C0DEVBUILDS', blocks: [section('only blocks')] } as never);
    expect(slack.lapses).toEqual(['chat.postMessage: blocks without top-level text']);
  });

  test('views.publish: the Home tab holds 100 blocks with unique block_ids, else invalid_arguments', async () => {
    const publish = (blocks: unknown[]) =>
      quiet()
        .views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks } as never })
        .then(
          (answer) => answer as unknown as Record<string, unknown>,
          (error: { data: Record<string, unknown> }) => error.data,
        );
    expect(await publish(Array.from({ length: 100 }, () => ({ type: 'divider' })))).toMatchObject({
      ok: true,
    });
    expect(await publish(Array.from({ length: 101 }, () => ({ type: 'divider' })))).toEqual({
      ok: false,
      error: 'invalid_arguments',
      response_metadata: {
        messages: ['[ERROR] must provide no more than 100 items [json-pointer:/view/blocks]'],
      },
    });
    expect(await publish([section('dev', 'build_header'), section('prod', 'build_header')])).toMatchObject({
      error: 'invalid_arguments',
      response_metadata: {
        messages: ['[ERROR] duplicate block_id: build_header [json-pointer:/view/blocks/1/block_id]'],
      },
    });
    expect(slack.views).toHaveLength(1);
  });

  test('views.open: a modal for a fresh trigger_id, once; invalid, reused and expired triggers refused as Slack does', async () => {
    const modal = (title = 'Reject the deploy', extra: Record<string, unknown> = {}) => ({
      type: 'modal',
      callback_id: 'reason',
      title: { type: 'plain_text', text: title },
      submit: { type: 'plain_text', text: 'Reject' },
      blocks: [
        {
          type: 'input',
          block_id: 'reason',
          label: { type: 'plain_text', text: 'Why?' },
          element: { type: 'plain_text_input', action_id: 'reason', multiline: true, max_length: 500 },
        },
      ],
      ...extra,
    });
    const open = (trigger_id: unknown, view: unknown = modal()) =>
      quiet()
        .views.open({ trigger_id, view } as never)
        .then(
          (answer) => answer as unknown as Record<string, unknown>,
          (error: { data: Record<string, unknown> }) => error.data,
        );
    const trigger = newTriggerId();
    expect(await open(trigger)).toMatchObject({
      ok: true,
      view: { type: 'modal', callback_id: 'reason', id: expect.stringMatching(/^V/) },
    });
    expect(await open(trigger)).toMatchObject({ ok: false, error: 'exchanged_trigger_id' });
    expect(await open(newTriggerId(Date.now() - 3500))).toMatchObject({
      ok: false,
      error: 'expired_trigger_id',
    });
    expect(await open(undefined)).toMatchObject({ ok: false, error: 'invalid_trigger_id' });
    expect(await open('1234567890.retried')).toMatchObject({ ok: false, error: 'invalid_trigger_id' });
    // A refused view does not use the trigger up.
    const kept = newTriggerId();
    expect(await open(kept, modal('A title longer than twenty-four'))).toMatchObject({
      error: 'invalid_arguments',
      response_metadata: {
        messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'],
      },
    });
    expect(await open(kept, { ...modal(), submit: undefined })).toMatchObject({
      error: 'invalid_arguments',
      response_metadata: {
        messages: [
          '[ERROR] must provide a submit button when the view has input blocks [json-pointer:/view]',
        ],
      },
    });
    expect(await open(kept)).toMatchObject({ ok: true });
    expect(slack.views.map((v) => v.kind)).toEqual(['modal', 'modal']);
  });

  test('a response_url refuses bad blocks with HTTP 400 and the code, and leaves the message alone', async () => {
    const card = await quiet().chat.postMessage({ channel: 'C0DEVBUILDS', text: 'dev: running' });
    const answer = await fetch(slack.responseUrl('A2', { channel: 'C0DEVBUILDS', messageTs: card.ts! }), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        replace_original: true,
        text: 'x',
        blocks: [{ type: 'header', text: { type: 'plain_text', text: '' } }],
      }),
    });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toBe('invalid_blocks');
    expect(slack.refusedResponses).toEqual([expect.objectContaining({ id: 'A2', error: 'invalid_blocks' })]);
    expect(slack.responses).toEqual([]);
    expect(slack.message('C0DEVBUILDS', card.ts!)?.versions).toHaveLength(1);
  });

  test('what it checked and refused is counted for the suite report', async () => {
    const before = checkedCounts();
    await post([section('ok', 'a')]);
    await post([section('', 'b')]);
    const after = checkedCounts();
    const delta = (key: string) => (after[key] ?? 0) - (before[key] ?? 0);
    expect(delta('slack: block kit payloads checked')).toBe(2);
    expect(delta('slack: payloads refused')).toBe(1);
  });
});

describe('signed requests', () => {
  const verify = (
    body: string,
    headers: { 'x-slack-signature': string; 'x-slack-request-timestamp': string },
  ) =>
    isValidSlackRequest({
      signingSecret: TEST_SIGNING_SECRET,
      body,
      headers: { ...headers, 'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']) },
    });

  const bodies = {
    'a slash command': slashCommandBody({
      command: '/sagebuild',
      text: 'start dev épochs=3',
      user_id: 'U0ALICE',
      channel_id: 'C0DEVBUILDS',
      response_url: 'http://127.0.0.1:1/response/x',
    }),
    'a block action': blockActionBody({ type: 'block_actions', actions: [{ action_id: 'stop' }] }),
    'an event': eventBody({ type: 'app_mention', text: '<@U0SAGEBUILD> is my build done?' }),
  };

  test.each(Object.entries(bodies))('%s signed by the helper passes Bolt verification', (_, body) => {
    expect(verify(body, signSlackRequest(body, TEST_SIGNING_SECRET))).toBe(true);
  });

  test('a forged signature, another secret, a changed body and a stale timestamp fail', () => {
    const body = bodies['a slash command'];
    const good = signSlackRequest(body, TEST_SIGNING_SECRET);
    expect(verify(body, { ...good, 'x-slack-signature': `v0=${'0'.repeat(64)}` })).toBe(false);
    expect(verify(body, signSlackRequest(body, 'not-the-secret'))).toBe(false);
    expect(verify(`${body}&text=stop+prod`, good)).toBe(false);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    expect(verify(body, signSlackRequest(body, TEST_SIGNING_SECRET, sixMinutesAgo))).toBe(false);
  });

  test('the bodies look like what Slack sends', () => {
    const command = new URLSearchParams(bodies['a slash command']);
    expect(command.get('command')).toBe('/sagebuild');
    expect(command.get('text')).toBe('start dev épochs=3');
    expect(command.get('team_id')).toBe('T0SAGEBUILD');
    const action = new URLSearchParams(bodies['a block action']).get('payload');
    expect(JSON.parse(action ?? '')).toMatchObject({ type: 'block_actions' });
    expect(JSON.parse(bodies['an event'])).toMatchObject({
      type: 'event_callback',
      api_app_id: 'A0SAGEBUILD',
      event: { type: 'app_mention' },
      authorizations: [{ user_id: 'U0SAGEBUILD', is_bot: true }],
    });
  });
});
