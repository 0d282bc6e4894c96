// The approval card end to end: a prod build on the local AWS reaches its gate, whose EventBridge request the
// notifier turns into a card in prod's channel (the new model next to the live one, the quality gate, Approve
// and Reject); signed clicks go to the Bolt app on its HTTP receiver, whose WebClient talks to the fake Slack
// API (views.open strict about trigger_ids). Only approvers decide; two at once decide once; Reject asks why
// in a modal; every decision updates the card in place.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SageBuildConfig } from '../core/config/schema';
import type { LocalPipeline } from '../local/reference-pipelines';
import { SageBuild } from '../core/sagebuild';
import type { BusEvent } from '../local/events';
import { startFakeSlackApi, type FakeSlack } from '../local/slack/fake-slack-api';
import { createSlackApp, type SlackBot } from '../slack/app';
import { APPROVAL_ACTIONS } from '../slack/cards/approval-card';
import { REJECT_VIEW } from '../slack/listeners/approval';
import {
  ApprovalNotifier,
  isApprovalRequest,
  type ApprovalRequestEvent,
} from '../slack/notifier/approval-requests';
import { notifierWebClient } from '../slack/notifier/web-client';
import { ProgressRefresh, progressWebClient } from '../slack/notifier/progress-refresh';
import { BuildNotifier } from '../slack/notifier/notifier';
import { cardFor } from '../slack/listeners/card';
import { status } from '../core/wording';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { createHttpReceiver, type SlackHttpReceiver } from '../slack/receivers/http';
import { MemoryStore } from '../slack/store/memory-store';
import { newKey, startLocalStack, waitFor, type LocalStack } from './support/local-stack';
import { stackConfig } from './support/stack-config';
import {
  blockActionBody,
  blockActionPayload,
  appMentionEvent,
  eventBody,
  FORM,
  JSON_TYPE,
  newTriggerId,
  postSigned,
  slashCommandBody,
  TEST_BOT_TOKEN,
  TEST_BOT_USER_ID,
  TEST_SIGNING_SECRET,
  viewSubmissionPayload,
} from './support/slack';

const ANA = 'U0ANA';
const BEN = 'U0BEN';
const EVE = 'U0EVE';
const CARL = { id: 'slack:U0CARL', displayName: 'Carl' };
const APPROVAL = {
  approvers: [
    { id: `slack:${ANA}`, name: 'Ana' },
    { id: `slack:${BEN}`, name: 'Ben' },
  ],
  timeoutHours: 24,
};

let stack: LocalStack;
let fake: FakeSlack;
let core: SageBuild;
let config: SageBuildConfig;
let receiver: SlackHttpReceiver;
let bot: SlackBot;
let store: MemoryStore;
let approvals: ApprovalNotifier;
let channel: string;
const requests: ApprovalRequestEvent[] = [];
let unsubscribe: () => void;
let notifier: BuildNotifier;

/** The local AWS with a gate on prod, the Bolt app, and the notifier's parts, as deployed. */
async function setUp(timeoutHours: number, team = false): Promise<void> {
  requests.length = 0;
  stack = await startLocalStack({ past: !team, approval: { ...APPROVAL, timeoutHours } });
  const pipelines: LocalPipeline<object>[] = [...stack.pipelines];
  if (team) pipelines.push(teamPipeline());
  unsubscribe = stack.local.events.subscribeAll((event: BusEvent) => {
    if (isApprovalRequest(event)) requests.push(event);
  });
  fake = await startFakeSlackApi();
  config = stackConfig(pipelines, {
    settings: { region: stack.local.region, defaultPipeline: 'prod', slack: { botUserId: TEST_BOT_USER_ID } },
    slackChannels: true,
    access: { start: ['*'], stop: ['*'], channels: [] },
    source: 'the Slack approval test',
  });
  channel = config.pipelines.find((p) => p.name === 'prod')!.slack.channels[0]!;
  core = new SageBuild(config);
  store = new MemoryStore();
  receiver = createHttpReceiver({ signingSecret: TEST_SIGNING_SECRET });
  bot = createSlackApp({
    core,
    config,
    store,
    receiver,
    botToken: TEST_BOT_TOKEN,
    webClientOptions: { slackApiUrl: fake.apiUrl },
  });
  await bot.start();
  const web = notifierWebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.apiUrl });
  approvals = new ApprovalNotifier({ core, config, store, web });
  notifier = new BuildNotifier({ core, config, store, web });
}

/** A team's own machine with the approval state the README shows, on the local AWS, as pipeline "models". */
function teamPipeline(): LocalPipeline<object> {
  const definition = readFileSync(
    join(__dirname, 'fixtures', 'machines', 'team-slack-approval.asl.json'),
    'utf8',
  );
  const { stateMachineArn } = stack.local.stepFunctions.createStateMachine({
    name: 'team-models',
    definition,
    roleArn: 'arn:aws:iam::123456789012:role/TeamModels',
  });
  return {
    name: 'models',
    aliases: [],
    stateMachineArn,
    defaultInput: { model: 'churn-v7' },
    slackChannel: 'C0MODELS',
    approval: APPROVAL,
  };
}

async function tearDown(): Promise<void> {
  unsubscribe?.();
  await bot?.stop();
  core?.close();
  await fake?.close();
  await stack?.close();
}

afterEach(() => expect(fake.lapses).toEqual([]));

/** Decisions (SendTask*) the local AWS answered since `count`. */
function decisionCalls(count: number): string[] {
  return stack.local.callsSince(count).filter((call) => call.startsWith('states:SendTask'));
}

/** Starts a prod build and waits for its gate's request; the notifier posts the card. */
async function buildAtTheGate(
  pipeline = 'prod',
): Promise<{ executionArn: string; name: string; card: { ts: string } }> {
  channel = config.pipelines.find((p) => p.name === pipeline)!.slack.channels[0]!;
  const started = await core.start({ pipeline, requester: CARL, idempotencyKey: newKey() });
  const event = await waitFor(() => requests.find((e) => e.detail.executionArn === started.executionArn));
  expect(await approvals.handle(event)).toBe('posted');
  // EventBridge may deliver it again: one card per channel.
  expect(await approvals.handle(event)).toBe('duplicate');
  const cards = await store.approvalCards(started.executionArn);
  expect(cards.map((c) => c.channel)).toEqual([channel]);
  return { executionArn: started.executionArn, name: started.name, card: { ts: cards[0]!.ts } };
}

let counter = 0;

/** A signed click on the card's button; resolves with the response_url id. */
async function click(actionId: string, user: string, ts: string, triggerId = newTriggerId()) {
  const id = `A${(counter += 1)}`;
  const message = fake.message(channel, ts);
  // The button as posted: a card left open elsewhere (or an old client) still has it after the update.
  const posted = (message?.versions[0]?.blocks ?? []) as Block[];
  const button = posted.flatMap((b) => b.elements ?? []).find((e) => e.action_id === actionId);
  const payload = blockActionPayload({
    actionId,
    value: button?.value ?? '',
    userId: user,
    channelId: channel,
    messageTs: ts,
    responseUrl: fake.responseUrl(id, { channel, messageTs: ts }),
    triggerId,
    ...(message ? { message: { type: 'message', ts, text: message.text, blocks: message.blocks } } : {}),
  });
  const res = await postSigned(receiver.url, blockActionBody(payload), FORM);
  expect(res.status).toBe(200);
  return id;
}

interface Block {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { action_id?: string; value?: string; style?: string; confirm?: { text: { text: string } } }[];
}

function blocksOf(ts: string): Block[] {
  return (fake.message(channel, ts)?.blocks ?? []) as Block[];
}

function cardText(ts: string): string {
  return blocksOf(ts)
    .map((b) => b.text?.text ?? (b.elements ?? []).map((e) => (e as { text?: string }).text ?? '').join(' '))
    .join('\n');
}

/** Submits the last modal opened with `reason`; resolves with Bolt's HTTP answer (the ack's body). */
async function submitReason(user: string, reason: string | null): Promise<Record<string, unknown>> {
  const opened = [...fake.views].reverse().find((v) => v.kind === 'modal');
  const payload = viewSubmissionPayload({
    userId: user,
    view: { ...opened!.view, id: opened!.id },
    values: { [REJECT_VIEW.block]: { [REJECT_VIEW.action]: reason } },
  });
  const res = await postSigned(receiver.url, blockActionBody(payload), FORM);
  expect(res.status).toBe(200);
  const body = await res.text();
  return body ? (JSON.parse(body) as Record<string, unknown>) : {};
}

describe('a gate open for a day', () => {
  beforeAll(() => setUp(24));
  afterAll(tearDown);

  test('the card shows what waits, the models and the gate; only approvers decide; two at once decide once', async () => {
    const build = await buildAtTheGate();
    const { ts } = build.card;
    const message = fake.message(channel, ts)!;
    expect(message.text).toContain(
      `The prod build ${build.name}, started by Carl, has been waiting for approval from Ana or Ben`,
    );
    const text = cardText(ts);
    expect(text).toContain(`The prod build ${build.name} is waiting for approval from Ana or Ben.`);
    expect(text).toMatch(/Started by Carl <!date\^\d+\^/);
    // The quality gate's metric first, next to the live model's.
    expect(text).toMatch(
      /:bar_chart: Compared with the live model from prod-nightly-4: validation AUC [\d.]+, (up|down) from [\d.]+|the same as before/,
    );
    expect(text).toMatch(
      /:white_check_mark: validation AUC is [\d.]+, which meets the quality gate \(at least 0\.8\)\./,
    );
    const actions = blocksOf(ts).find((b) => b.type === 'actions')!;
    expect(actions.elements?.map((e) => [e.action_id, e.style])).toEqual([
      [APPROVAL_ACTIONS.approve, 'primary'],
      [APPROVAL_ACTIONS.reject, 'danger'],
    ]);
    expect(actions.elements?.[0]?.confirm?.text.text).toBe(
      `Approve the prod build ${build.name}? It goes on to deploy.`,
    );

    // Asked in words, the bot answers with the same card and buttons in the thread: words alone never decide.
    const asked = '1800000000.000900';
    const mention = eventBody(appMentionEvent('is anything waiting for me', ANA, channel, asked));
    expect((await postSigned(receiver.url, mention, JSON_TYPE)).status).toBe(200);
    const prompt = await waitFor(() => fake.messages(channel).find((m) => m.threadTs === asked));
    expect(prompt.text).toContain(
      `The prod build ${build.name}, started by Carl, has been waiting for approval`,
    );
    expect(
      (prompt.blocks as Block[]).find((b) => b.type === 'actions')?.elements?.map((e) => e.action_id),
    ).toEqual([APPROVAL_ACTIONS.approve, APPROVAL_ACTIONS.reject]);

    // Someone who is no approver: told who may, privately; nothing reaches Step Functions, no modal opens.
    const before = stack.local.callCount;
    const refused = await click(APPROVAL_ACTIONS.approve, EVE, ts);
    const rejectRefused = await click(APPROVAL_ACTIONS.reject, EVE, ts);
    for (const id of [refused, rejectRefused]) {
      const answer = await waitFor(() => fake.responses.find((r) => r.id === id));
      expect(answer).toMatchObject({
        responseType: 'ephemeral',
        text: 'Only Ana and Ben can approve prod deploys.',
      });
    }
    expect(fake.views).toEqual([]);
    expect(decisionCalls(before)).toEqual([]);
    expect(fake.message(channel, ts)?.versions).toHaveLength(1);

    // Ana and Ben click at once: one SendTaskSuccess; the card says who; the other hears who did.
    const [first, second] = await Promise.all([
      click(APPROVAL_ACTIONS.approve, ANA, ts),
      click(APPROVAL_ACTIONS.approve, BEN, ts),
    ]);
    // The HTTP receiver answers at ack(): the work goes on after the click's response.
    const decided = await waitFor(() => (cardText(ts).includes('Approved by') ? cardText(ts) : undefined));
    expect(decisionCalls(before)).toEqual(['states:SendTaskSuccess']);
    const winner = decided.includes(`<@${ANA}>`) ? ANA : BEN;
    expect(decided).toMatch(
      new RegExp(
        `\\* · Approved by <@${winner}> <!date\\^\\d+\\^\\{date_short_pretty\\} at \\{time\\}\\|[^>]+>\\.`,
      ),
    );
    expect(blocksOf(ts).some((b) => b.type === 'actions')).toBe(false);
    expect(fake.message(channel, ts)?.text).toMatch(
      new RegExp(`^The prod build ${build.name}: approved by <@${winner}> <!date\\^\\d+\\^[^>]+>\\.$`),
    );
    const loser = await waitFor(() => fake.responses.find((r) => r.id === (winner === ANA ? second : first)));
    expect(loser.text).toMatch(
      /^This gate already closed: (<@U0\w+> approved it just now|it was approved)\.$/,
    );
    const record = await stack.local.stepFunctions.waitFor(build.executionArn);
    expect(record.status).toBe('SUCCEEDED');

    // A click on a card left open elsewhere once the build went on: closed, said so, nothing sent.
    const late = await click(APPROVAL_ACTIONS.approve, BEN, ts);
    const lateAnswer = await waitFor(() => fake.responses.find((r) => r.id === late));
    expect(lateAnswer.text).toBe(`This gate already closed: <@${winner}> approved it just now.`);
    expect(decisionCalls(before)).toEqual(['states:SendTaskSuccess']);
  });

  test('Reject asks why in a modal; a bad reason is answered in the modal; a good one rejects with it', async () => {
    const build = await buildAtTheGate();
    const { ts } = build.card;
    const before = stack.local.callCount;

    // A trigger_id past Slack's 3 seconds: Slack refuses the modal, the person is told to click again.
    const late = await click(APPROVAL_ACTIONS.reject, BEN, ts, newTriggerId(Date.now() - 4000));
    const lateAnswer = await waitFor(() => fake.responses.find((r) => r.id === late));
    expect(lateAnswer.text).toBe(
      'Slack took too long to open the form for a reason. Please click Reject again.',
    );
    expect(fake.callsTo('views.open').map((c) => c.outcome)).toEqual(['expired_trigger_id']);

    await click(APPROVAL_ACTIONS.reject, BEN, ts);
    const modal = await waitFor(() => fake.views.find((v) => v.kind === 'modal'));
    expect(modal.view).toMatchObject({ type: 'modal', callback_id: REJECT_VIEW.callbackId });
    expect(JSON.stringify(modal.view.blocks)).toContain(
      `Reject the prod build ${build.name}? It stops before deploying; the live model keeps serving.`,
    );

    for (const bad of ['   ', null, 'x'.repeat(501)]) {
      expect(await submitReason(BEN, bad)).toEqual({
        response_action: 'errors',
        errors: { [REJECT_VIEW.block]: 'Say why in a few words, up to 500 characters.' },
      });
    }
    expect(decisionCalls(before)).toEqual([]);

    expect(await submitReason(BEN, 'AUC dropped\non the holdout')).toEqual({});
    const closed = await waitFor(() => (cardText(ts).includes('Rejected by') ? cardText(ts) : undefined));
    expect(closed).toMatch(
      new RegExp(`Rejected by <@${BEN}> <!date\\^\\d+\\^[^>]+>: AUC dropped on the holdout\\.`),
    );
    expect(decisionCalls(before)).toEqual(['states:SendTaskFailure']);
    const record = await stack.local.stepFunctions.waitFor(build.executionArn);
    expect(record).toMatchObject({ status: 'FAILED', error: 'DeployRejected' });
    expect(JSON.parse(record.cause ?? '{}')).toMatchObject({
      message: `Rejected by ${BEN.toLowerCase()} via SageBuild: AUC dropped on the holdout`,
    });

    // Ana's reason comes too late: she hears it closed, privately, and nothing else is sent.
    expect(await submitReason(ANA, 'also no')).toEqual({});
    const told = await waitFor(() => fake.ephemerals.find((e) => e.user === ANA));
    expect(told.text).toBe(
      `This gate already closed: <@${BEN}> rejected it just now (AUC dropped on the holdout).`,
    );
    expect(decisionCalls(before)).toEqual(['states:SendTaskFailure']);
  });
});

/** A signed /sagebuild in prod's channel; resolves with its answer on the response_url. */
async function slash(text: string, user: string) {
  const id = `S${(counter += 1)}`;
  const body = slashCommandBody({
    command: '/sagebuild',
    text,
    user_id: user,
    channel_id: channel,
    response_url: fake.responseUrl(id),
  });
  expect((await postSigned(receiver.url, body, FORM)).status).toBe(200);
  return waitFor(() => fake.responses.find((r) => r.id === id));
}

describe('typed decisions', () => {
  beforeAll(() => setUp(24));
  afterAll(tearDown);

  test('/sagebuild approvals, approve and reject work as the buttons do; a mention gets the card', async () => {
    const build = await buildAtTheGate();
    const { ts } = build.card;
    const before = stack.local.callCount;

    const listed = await slash('approvals', EVE);
    expect(listed.responseType).toBe('ephemeral');
    expect(listed.text).toContain(
      `The prod build ${build.name}, started by Carl, has been waiting for approval`,
    );
    expect(
      (listed.blocks as Block[]).find((b) => b.type === 'actions')?.elements?.map((e) => e.action_id),
    ).toEqual([APPROVAL_ACTIONS.approve, APPROVAL_ACTIONS.reject]);

    const asked = '1800000000.000950';
    const mention = eventBody(appMentionEvent('approve the prod deploy', ANA, channel, asked));
    expect((await postSigned(receiver.url, mention, JSON_TYPE)).status).toBe(200);
    const prompt = await waitFor(() => fake.messages(channel).find((m) => m.threadTs === asked));
    expect(prompt.text).toContain(`The prod build ${build.name}, started by Carl`);

    expect((await slash('approve prod', EVE)).text).toBe('Only Ana and Ben can approve prod deploys.');
    expect(decisionCalls(before)).toEqual([]);

    const rejected = await slash('reject prod "AUC dropped"', BEN);
    expect(rejected).toMatchObject({ responseType: 'ephemeral' });
    expect(rejected.text).toContain(`Rejected. The prod build ${build.name} stops before deploying`);
    expect(decisionCalls(before)).toEqual(['states:SendTaskFailure']);
    const closed = await waitFor(() => (cardText(ts).includes('Rejected by') ? cardText(ts) : undefined));
    expect(closed).toMatch(new RegExp(`Rejected by <@${BEN}> <!date\\^\\d+\\^[^>]+>: AUC dropped\\.`));
    expect(blocksOf(ts).some((b) => b.type === 'actions')).toBe(false);

    const late = await slash('approve prod', ANA);
    expect(late.text).toMatch(/^(This gate already closed|Nothing is waiting)/);
    expect(decisionCalls(before)).toEqual(['states:SendTaskFailure']);
  });
  test('a decision from another front closes the card at the next progress round, not at the deploy', async () => {
    const handled: Promise<unknown>[] = [];
    // Only the start: the build's end would close the card anyway, later.
    const stopListening = stack.local.events.subscribe((event) => {
      if (event.detail.status === 'RUNNING') handled.push(notifier.handle(event));
    });
    try {
      const build = await buildAtTheGate();
      await waitFor(async () => {
        await Promise.all(handled);
        return store.getCard(build.executionArn);
      });
      const decided = await core.approve({
        pipeline: 'prod',
        requester: { id: `slack:${ANA}`, displayName: 'Ana' },
      });
      expect(decided.outcome).toBe('approved');
      expect(blocksOf(build.card.ts).some((b) => b.type === 'actions')).toBe(true);
      const web = progressWebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.apiUrl });
      await new ProgressRefresh({ core, web, store }).run();
      const text = cardText(build.card.ts);
      expect(text).toMatch(new RegExp(`Approved by <@${ANA}> <!date`));
      expect(text).not.toContain('if nobody decides');
      expect(text.match(/quality gate/g)).toHaveLength(1);
      expect(blocksOf(build.card.ts).some((b) => b.type === 'actions')).toBe(false);
    } finally {
      stopListening();
    }
  });
});

describe('a gate nobody decides', () => {
  beforeAll(() => setUp(1));
  afterAll(tearDown);

  test('status and the build card say for whom it waits; after timeoutHours the card says it closed', async () => {
    const handled: Promise<unknown>[] = [];
    const stopListening = stack.local.events.subscribe((event) => void handled.push(notifier.handle(event)));
    try {
      const build = await buildAtTheGate();
      const waiting = await core.statusOf('prod', build.executionArn);
      if (waiting.status === 'RUNNING') {
        // Read before the gate closed (an hour is about a second here): whom it waits for, and how long.
        expect(status(waiting, new Date())).toMatch(/waiting for approval from Ana or Ben for /);
        expect(JSON.stringify(cardFor(waiting, new Date()).blocks)).toContain(
          ':raised_hand: Waiting for approval from Ana or Ben for ',
        );
      }
      const record = await stack.local.stepFunctions.waitFor(build.executionArn);
      expect(record).toMatchObject({
        status: 'FAILED',
        error: 'DeployRejected',
        cause: 'No approver decided within an hour, so the deploy was rejected.',
      });
      // Step Functions' own record of it: the task timed out (States.Timeout), caught into Deploy rejected.
      const sfn = new SFNClient({});
      const { events = [] } = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn: build.executionArn, maxResults: 1000 }),
      );
      sfn.destroy();
      const timedOut = events.find((e) => e.type === 'TaskTimedOut');
      expect(timedOut?.taskTimedOutEventDetails).toMatchObject({ error: 'States.Timeout' });

      const closed = await waitFor(async () => {
        await Promise.all(handled);
        return cardText(build.card.ts).includes('Closed:') ? cardText(build.card.ts) : undefined;
      });
      expect(closed).toContain('Closed: nobody decided within an hour, so the deploy was rejected.');
      expect(closed).not.toContain('if nobody decides');
      expect(closed.match(/quality gate/g)).toHaveLength(1);
      expect(blocksOf(build.card.ts).some((b) => b.type === 'actions')).toBe(false);

      // A click on it now: closed, said so, nothing sent.
      const before = stack.local.callCount;
      const late = await click(APPROVAL_ACTIONS.approve, ANA, build.card.ts);
      const answer = await waitFor(() => fake.responses.find((r) => r.id === late));
      expect(answer.text).toBe('This gate already closed: nobody decided within an hour.');
      expect(decisionCalls(before)).toEqual([]);
    } finally {
      stopListening();
    }
  });
});

describe("a team's own machine with the approval state the README shows", () => {
  beforeAll(() => setUp(24, true));
  afterAll(tearDown);

  test('its request posts the card in its channel; an approver approves it from Slack', async () => {
    const build = await buildAtTheGate('models');
    const { ts } = build.card;
    expect(cardText(ts)).toContain(`The models build ${build.name} is waiting for approval from Ana or Ben.`);
    // It trained nothing and has no quality gate: the card shows neither.
    expect(blocksOf(ts).map((b) => b.block_id)).toEqual([
      'approval_header',
      'approval_waiting',
      'approval_when',
      'approval_actions',
    ]);
    const before = stack.local.callCount;
    await click(APPROVAL_ACTIONS.approve, BEN, ts);
    await waitFor(() => (cardText(ts).includes(`Approved by <@${BEN}>`) ? true : undefined));
    expect(decisionCalls(before)).toEqual(['states:SendTaskSuccess']);
    const record = await stack.local.stepFunctions.waitFor(build.executionArn);
    expect(record.status).toBe('SUCCEEDED');
    expect(JSON.parse(record.output ?? '{}')).toMatchObject({
      model: 'churn-v7',
      approval: { decision: 'approved' },
      deployment: 'deployed',
    });
  });
});
