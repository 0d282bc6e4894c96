// File uploads against the fake Slack, through the real WebClient: the three steps Slack asks for
// (files.getUploadURLExternal, the bytes to the upload URL, files.completeUploadExternal), refused as Slack
// refuses them, and image blocks that show an uploaded file by its ID.

import { WebClient } from '@slack/web-api';
import { startFakeSlackApi, type FakeSlack } from '../local/slack/fake-slack-api';
import { renderHealthChart } from '../slack/cards/health-chart';
import { imageBlock, uploadImage } from '../slack/files/upload-image';
import { SILENT_SLACK_LOGGER, TEST_BOT_TOKEN } from './support/slack';

let slack: FakeSlack;
let client: WebClient;

const CHANNEL = 'C0DEVBUILDS';
const chart = () => ({
  bytes: renderHealthChart([
    { at: new Date(Date.UTC(2026, 11, 4)), requests: 10, errors: 1, latencyP50Ms: 20 },
  ]),
  filename: 'prod-health.png',
  altText: 'Requests, errors and latency of the prod endpoint',
  title: 'prod endpoint, last 24 hours',
});

beforeAll(async () => {
  slack = await startFakeSlackApi({ token: TEST_BOT_TOKEN });
  client = new WebClient(TEST_BOT_TOKEN, {
    slackApiUrl: slack.apiUrl,
    logger: SILENT_SLACK_LOGGER,
    retryConfig: { retries: 0 },
  });
});

afterEach(() => {
  expect(slack.lapses).toEqual([]);
  slack.reset();
});
afterAll(() => slack.close());

function refusal(error: string, more: object = {}) {
  return { code: 'slack_webapi_platform_error', data: { ok: false, error, ...more } };
}

test('an uploaded chart shows in a message by its file ID; Slack holds its bytes, private to the bot', async () => {
  const image = chart();
  const id = await uploadImage(client, image);
  expect(id).toMatch(/^F[A-Z0-9]{8,}$/);
  expect(slack.calls.map((c) => c.method)).toEqual([
    'files.getUploadURLExternal',
    'files.completeUploadExternal',
  ]);
  expect(slack.callsTo('files.getUploadURLExternal')[0]?.args).toMatchObject({
    filename: 'prod-health.png',
    length: String(image.bytes.length),
  });
  const [file] = slack.uploadedFiles();
  expect(file?.bytes?.equals(image.bytes)).toBe(true);
  expect(file).toMatchObject({ id, title: image.title });
  expect(file?.channel).toBeUndefined();

  const blocks = [imageBlock(id, image)];
  await client.chat.postMessage({ channel: CHANNEL, text: 'prod endpoint health', blocks });
  expect(slack.messages(CHANNEL)[0]?.blocks).toEqual(blocks);
});

test('the WebClient’s own filesUploadV2 (multipart bytes) is taken as well', async () => {
  const image = chart();
  const result = await client.filesUploadV2({
    file: image.bytes,
    filename: image.filename,
    alt_text: 'chart',
  });
  const id = (result.files[0] as { files?: { id?: string }[] }).files?.[0]?.id;
  expect(slack.file(id ?? '')?.bytes?.equals(image.bytes)).toBe(true);
});

test('files.getUploadURLExternal needs a filename and a length, as Slack does', async () => {
  await expect(client.files.getUploadURLExternal({ length: 10 } as never)).rejects.toMatchObject(
    refusal('invalid_arguments', {
      response_metadata: { messages: ['[ERROR] missing required field: filename'] },
    }),
  );
  await expect(client.files.getUploadURLExternal({ filename: 'a.png' } as never)).rejects.toMatchObject(
    refusal('invalid_arguments'),
  );
  await expect(client.files.getUploadURLExternal({ filename: 'a.png', length: 0 })).rejects.toMatchObject(
    refusal('missing_argument'),
  );
  await expect(
    client.files.getUploadURLExternal({ filename: 'a.png', length: 5, alt_text: 'x'.repeat(1001) }),
  ).rejects.toMatchObject(refusal('alt_txt_too_large'));
  expect(slack.uploadedFiles()).toEqual([]);
});

test('no token is not_authed; a token without files:write gets missing_scope', async () => {
  const anonymous = new WebClient(undefined, { slackApiUrl: slack.apiUrl, logger: SILENT_SLACK_LOGGER });
  await expect(anonymous.files.getUploadURLExternal({ filename: 'a.png', length: 5 })).rejects.toMatchObject(
    refusal('not_authed'),
  );
  const narrow = await startFakeSlackApi({ scopes: ['chat:write', 'commands'] });
  try {
    const web = new WebClient(TEST_BOT_TOKEN, { slackApiUrl: narrow.apiUrl, logger: SILENT_SLACK_LOGGER });
    await expect(web.files.getUploadURLExternal({ filename: 'a.png', length: 5 })).rejects.toMatchObject(
      refusal('missing_scope', { needed: 'files:write', provided: 'chat:write,commands' }),
    );
  } finally {
    await narrow.close();
  }
});

test('files.completeUploadExternal: once per upload, only after the bytes came, channel IDs only', async () => {
  const ticket = await client.files.getUploadURLExternal({ filename: 'a.png', length: 3 });
  const id = ticket.file_id ?? '';
  // Before the bytes: Slack cannot find the file from its upload ticket.
  await expect(client.files.completeUploadExternal({ files: [{ id }] })).rejects.toMatchObject(
    refusal('file_not_found'),
  );
  const posted = await fetch(ticket.upload_url ?? '', { method: 'POST', body: new Uint8Array([1, 2, 3]) });
  expect([posted.status, await posted.text()]).toEqual([200, 'OK - 3']);
  await expect(
    client.files.completeUploadExternal({ files: [{ id }], channel_id: 'U0ALICE' }),
  ).rejects.toMatchObject(refusal('invalid_arguments'));
  await expect(client.files.completeUploadExternal({} as never)).rejects.toMatchObject(
    refusal('invalid_arguments'),
  );
  await client.files.completeUploadExternal({ files: [{ id, title: 'a' }] });
  await expect(client.files.completeUploadExternal({ files: [{ id }] })).rejects.toMatchObject(
    refusal('file_not_found'),
  );
  await expect(
    client.files.completeUploadExternal({ files: [{ id: 'F0NOSUCH0001' }] }),
  ).rejects.toMatchObject(refusal('file_not_found'));
  // An upload URL it never gave, or one already used up.
  expect((await fetch(`${slack.url}/upload/v1/nope`, { method: 'POST', body: 'x' })).status).toBe(404);
  expect((await fetch(ticket.upload_url ?? '', { method: 'POST', body: 'x' })).status).toBe(404);
});

test('bytes other than the announced length are a lapse', async () => {
  const ticket = await client.files.getUploadURLExternal({ filename: 'a.png', length: 10 });
  await fetch(ticket.upload_url ?? '', { method: 'POST', body: new Uint8Array([1]) });
  expect(slack.lapses).toEqual(['upload: upload of a.png: 1 bytes sent, 10 announced']);
  slack.lapses.length = 0;
});

describe('image blocks', () => {
  const post = (blocks: unknown[]) =>
    client.chat.postMessage({ channel: CHANNEL, text: 'chart', blocks: blocks as never });
  const problems = (...errors: string[]) => refusal('invalid_blocks', { errors });

  test('a file ID Slack does not have, or not yet finished, is an invalid slack file', async () => {
    await expect(
      post([{ type: 'image', alt_text: 'x', slack_file: { id: 'F0NOSUCH0001' } }]),
    ).rejects.toMatchObject(problems('invalid slack file [json-pointer:/blocks/0/slack_file]'));
    const ticket = await client.files.getUploadURLExternal({ filename: 'a.png', length: 1 });
    await fetch(ticket.upload_url ?? '', { method: 'POST', body: new Uint8Array([1]) });
    await expect(
      post([{ type: 'image', alt_text: 'x', slack_file: { id: ticket.file_id } }]),
    ).rejects.toMatchObject(problems('invalid slack file [json-pointer:/blocks/0/slack_file]'));
    expect(slack.messages(CHANNEL)).toEqual([]);
  });

  test('only png, jpg and gif files show as images', async () => {
    const id = await uploadImage(client, { ...chart(), filename: 'report.txt' });
    await expect(post([{ type: 'image', alt_text: 'x', slack_file: { id } }])).rejects.toMatchObject(
      problems('invalid slack file [json-pointer:/blocks/0/slack_file]'),
    );
  });

  test('the block’s shape: an ID Slack’s pattern takes, alt_text, one source only', async () => {
    await expect(
      post([{ type: 'image', alt_text: 'x', slack_file: { id: 'prod.png' } }]),
    ).rejects.toMatchObject(
      problems('input must match regex pattern: ^[F][A-Z0-9]{8,}$ [json-pointer:/blocks/0/slack_file/id]'),
    );
    await expect(post([{ type: 'image', slack_file: { id: 'F0LOCAL00001' } }])).rejects.toMatchObject(
      refusal('invalid_blocks'),
    );
    await expect(
      post([
        {
          type: 'image',
          alt_text: 'x',
          image_url: 'https://example.com/a.png',
          slack_file: { id: 'F0LOCAL00001' },
        },
      ]),
    ).rejects.toMatchObject(
      problems('must provide exactly one of `image_url` or `slack_file` [json-pointer:/blocks/0]'),
    );
    await expect(
      post([{ type: 'image', alt_text: 'x'.repeat(2001), image_url: 'https://example.com/a.png' }]),
    ).rejects.toMatchObject(problems('must be less than 2001 characters [json-pointer:/blocks/0/alt_text]'));
  });

  test('a Home tab shows an uploaded chart', async () => {
    const image = chart();
    const id = await uploadImage(client, image);
    await client.views.publish({
      user_id: 'U0ALICE',
      view: { type: 'home', blocks: [imageBlock(id, image, 'prod.chart')] },
    });
    expect(slack.views).toHaveLength(1);
    await expect(
      client.views.publish({
        user_id: 'U0ALICE',
        view: {
          type: 'home',
          blocks: [{ type: 'image', alt_text: 'x', slack_file: { id: 'F0NOSUCH0001' } }],
        },
      }),
    ).rejects.toMatchObject(refusal('invalid_arguments'));
  });
});
