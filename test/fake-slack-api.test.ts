// The fake Slack Web API against the real @slack/web-api WebClient, and the signing helper against Bolt's own
// request verification: the other Slack tests rely on both behaving like Slack.

import { isValidSlackRequest } from '@slack/bolt';
import { LogLevel, WebClient } from '@slack/web-api';
import { startFakeSlackApi, type FakeSlack } from '../local/slack/fake-slack-api';
import {
  TEST_BOT_TOKEN,
  TEST_SIGNING_SECRET,
  blockActionBody,
  eventBody,
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
