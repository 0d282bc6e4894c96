// The health chart in Slack, end to end: signed requests to the Bolt app, whose WebClient uploads the
// rendered PNG to the fake Slack the current way and shows it by file ID, in the health answer (slash
// command and mention) and on the Home tab. The fake holds the uploaded bytes: they decode to the chart.

import { PNG } from 'pngjs';
import { SageBuild } from '../core/sagebuild';
import { startFakeSlackApi, type FakeSlack } from '../local/slack/fake-slack-api';
import { createSlackApp, type SlackBot } from '../slack/app';
import { CHART_SIZE } from '../slack/cards/health-chart';
import { createHttpReceiver, type SlackHttpReceiver } from '../slack/receivers/http';
import { MemoryStore } from '../slack/store/memory-store';
import { startLocalStack, waitFor, type LocalStack } from './support/local-stack';
import {
  FORM,
  JSON_TYPE,
  appMentionEvent,
  eventBody,
  postSigned,
  slashCommandBody,
  TEST_BOT_TOKEN,
  TEST_BOT_USER_ID,
  TEST_SIGNING_SECRET,
} from './support/slack';
import { stackConfig } from './support/stack-config';

let stack: LocalStack;
let core: SageBuild;
let fake: FakeSlack;
let receiver: SlackHttpReceiver;
let bot: SlackBot;

beforeAll(async () => {
  stack = await startLocalStack({ past: true });
  const config = stackConfig(stack.pipelines, {
    settings: { region: stack.local.region, defaultPipeline: 'prod', slack: { botUserId: TEST_BOT_USER_ID } },
    access: { start: ['*'], stop: ['*'], channels: [] },
    source: 'the health chart test',
  });
  core = new SageBuild(config);
  fake = await startFakeSlackApi();
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
  await fake?.close();
  await stack?.close();
});

afterEach(() => {
  expect(fake.lapses).toEqual([]);
  fake.reset();
});

interface ImageBlock {
  type: 'image';
  slack_file: { id: string };
  alt_text: string;
  title: { text: string };
}

function imagesIn(blocks: unknown[]): ImageBlock[] {
  return blocks.filter((b): b is ImageBlock => (b as { type?: string }).type === 'image');
}

/** The uploaded PNG an image block shows, decoded. */
function pictureOf(image: ImageBlock | undefined): PNG {
  const bytes = fake.file(image?.slack_file.id ?? '')?.bytes;
  if (!bytes) throw new Error('no uploaded file for the image block');
  return PNG.sync.read(bytes);
}

let requests = 0;
async function slash(text: string) {
  const id = `R${(requests += 1)}`;
  const body = slashCommandBody({
    command: '/sagebuild',
    text,
    user_id: 'U0HEALTH',
    user_name: 'u0health',
    channel_id: 'C0RANDOM',
    response_url: fake.responseUrl(id),
  });
  expect((await postSigned(receiver.url, body, FORM)).status).toBe(200);
  return waitFor(() => fake.responses.find((r) => r.id === id), 10000);
}

test('/sagebuild health prod: the words, then the chart uploaded and shown by its file ID', async () => {
  const response = await slash('health prod');
  expect(response.responseType).toBe('ephemeral');
  expect(response.text).toMatch(/^The prod endpoint churn-prod is in service/);
  const [words, image, ...rest] = response.blocks as [{ text: { text: string } }, ImageBlock];
  expect(rest).toEqual([]);
  expect(words.text.text).toBe(response.text);
  expect(image).toMatchObject({ type: 'image', title: { text: 'prod endpoint, last 24 hours' } });
  expect(image.alt_text).toMatch(
    /^Chart of the prod endpoint over the last 24 hours, hour by hour: [\d,]+ requests/,
  );
  expect(fake.calls.map((c) => c.method)).toEqual([
    'files.getUploadURLExternal',
    'files.completeUploadExternal',
  ]);
  const png = pictureOf(image);
  expect([png.width, png.height]).toEqual([CHART_SIZE.width, CHART_SIZE.height]);
  // Private to the bot: shared in no channel, shown only where the bot puts it.
  expect(fake.file(image.slack_file.id)?.channel).toBeUndefined();
});

test('a mention asking how the endpoint is doing gets the same answer in its thread, with the chart', async () => {
  const asked = fake.postAs('C0RANDOM', 'U0HEALTH', `<@${TEST_BOT_USER_ID}> how is the prod endpoint doing`);
  const body = eventBody(appMentionEvent('how is the prod endpoint doing', 'U0HEALTH', 'C0RANDOM', asked.ts));
  expect((await postSigned(receiver.url, body, JSON_TYPE)).status).toBe(200);
  // Answered to the asker alone, in the question's thread.
  const answer = await waitFor(() => fake.ephemerals.find((e) => e.threadTs === asked.ts));
  expect(answer.user).toBe('U0HEALTH');
  expect(answer.text).toMatch(/^The prod endpoint churn-prod is in service/);
  expect(imagesIn(answer.blocks)).toHaveLength(1);
});

test('when Slack refuses the upload the words still come, without a chart', async () => {
  fake.fail('files.getUploadURLExternal', 'internal_error');
  // The one line it logs, read here rather than printed.
  const written: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const response = await slash('health prod').finally(() => stdout.mockRestore());
  expect(written.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
    expect.objectContaining({ level: 'WARN', message: 'Health chart not shown', pipeline: 'prod' }),
  ]);
  expect(response.text).toMatch(/^The prod endpoint churn-prod is in service/);
  expect(imagesIn(response.blocks)).toEqual([]);
  expect(fake.uploadedFiles()).toEqual([]);
});

test('the Home tab shows each endpoint’s health and its chart under its card', async () => {
  const user = 'U0HOMEUSER';
  const event = { type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: '1.1' };
  expect((await postSigned(receiver.url, eventBody(event), JSON_TYPE)).status).toBe(200);
  const view = await waitFor(() => fake.views.find((v) => v.userId === user));
  const blocks = view.view.blocks as { block_id?: string }[];
  const images = imagesIn(blocks);
  expect(images.map((i) => i.title.text)).toEqual([
    'prod endpoint, last 24 hours',
    'dev endpoint, last 24 hours',
  ]);
  expect(blocks.map((b) => b.block_id)).toEqual(
    expect.arrayContaining(['prod.health', 'prod.health_chart', 'dev.health', 'dev.health_chart']),
  );
  for (const image of images) expect(pictureOf(image).width).toBe(CHART_SIZE.width);
});
