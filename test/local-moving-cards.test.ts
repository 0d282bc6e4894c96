// Cards move in `npm start` through the deployed progress refresh, on a local timer: the local bot (the real
// Bolt app, the notifier, the fake Slack API) against the local AWS, with the timer on. What the fake Slack API
// received is the evidence: the card's chat.update calls show the build's steps one after another, and a
// stopped build's card reads as a stop, whatever round came after. Then the timer's own promises: rounds never
// overlap, a round that throws is logged and the next one runs, stop() waits for the round under way.

import type { Requester } from '../core/builds/facts';
import type { SlackCall } from '../local/slack/fake-slack-api';
import { LOCAL_BOT_TOKEN, startLocalBot, type LocalBot } from '../local/slack/local-bot';
import { ProgressRefresh, progressWebClient, type ProgressReport } from '../slack/notifier/progress-refresh';
import {
  MIN_REFRESH_MS,
  scaledRefreshMs,
  startRefreshTimer,
  type RefreshRound,
} from '../slack/notifier/refresh-timer';
import { newKey, startLocalStack, waitFor, type LocalStack } from './support/local-stack';

/** Slow enough for one-second rounds to see a build's steps: five minutes of training take 3 s, the endpoint a few. */
const TIME_SCALE = 100;
const ANA: Requester = { id: 'slack:U0ANALIMA', displayName: 'Ana Lima' };
const DEV_CHANNEL = 'C0DEVBUILDS';
const RUNNING_ICON = ':hourglass_flowing_sand:';

let stack: LocalStack;
let local: LocalBot;
const warnings: string[] = [];
let rounds = 0;

beforeAll(async () => {
  stack = await startLocalStack({ timeScale: TIME_SCALE });
  local = await startLocalBot({
    core: stack.core,
    config: stack.core.config,
    events: stack.local.events,
    log: { warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    refreshEveryMs: MIN_REFRESH_MS,
    onRefreshRound: () => (rounds += 1),
  });
});

afterAll(async () => {
  await local?.close();
  await stack?.close();
});

afterEach(() => {
  expect(local.slack.lapses).toEqual([]);
  expect(warnings).toEqual([]);
});

interface Block {
  type?: string;
  block_id?: string;
  text?: { text?: string };
  fields?: { text?: string }[];
  elements?: { text?: unknown }[];
}

/** The card's blocks as one text: each block's text, fields and context elements on their own lines. */
function cardText(blocks: unknown[]): string {
  return (blocks as Block[])
    .flatMap((b) => [
      b.text?.text ?? '',
      ...(b.fields ?? []).map((f) => f.text ?? ''),
      ...(b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : '')),
    ])
    .join('\n');
}

/** Where the card's running step is among its steps ("Train model (1/7)"), or undefined when none runs. */
function runningStep(blocks: unknown[]): { index: number; label: string } | undefined {
  const steps = (blocks as Block[]).find((b) => b.block_id === 'build_steps')?.text?.text ?? '';
  const lines = steps.split('\n');
  const index = lines.findIndex((line) => line.startsWith(RUNNING_ICON));
  if (index < 0) return undefined;
  return { index, label: (lines[index] ?? '').slice(RUNNING_ICON.length).split(' · ')[0]?.trim() ?? '' };
}

const headerOf = (blocks: unknown[]) => (blocks[0] as Block | undefined)?.text?.text ?? '';

/** The card of `name` in #dev-builds: its blocks as posted, then each chat.update call that changed it. */
function cardCalls(name: string): { posted: unknown[]; updates: SlackCall[] } | undefined {
  const card = local.slack
    .messages(DEV_CHANNEL)
    .find((m) => !m.threadTs && cardText(m.blocks).includes(`Build ${name} `));
  if (!card) return undefined;
  const updates = local.slack
    .callsTo('chat.update')
    .filter((c) => c.outcome === 'ok' && c.args.channel === DEV_CHANNEL && c.args.ts === card.ts);
  return { posted: card.versions[0]?.blocks ?? [], updates };
}

async function startDevBuild(
  overrides: Record<string, string>,
): Promise<{ executionArn: string; name: string }> {
  const { executionArn, name } = await stack.core.start({
    pipeline: 'dev',
    requester: ANA,
    idempotencyKey: newKey(),
    overrides,
  });
  return { executionArn, name };
}

/** Waits for `count` more refresh rounds to have ended. */
async function roundsPass(count: number): Promise<void> {
  const until = rounds + count;
  await waitFor(() => (rounds >= until ? true : undefined));
}

test("a running build's card moves on step by step, between the notifier's post and its final update", async () => {
  const { executionArn, name } = await startDevBuild({ 'hyperparameters.sagebuild_training_minutes': '5' });
  await stack.local.stepFunctions.waitFor(executionArn);
  // The notifier's final update, then a round: nothing more comes for a finished card.
  await waitFor(() =>
    cardCalls(name)?.updates.some((c) => headerOf(c.args.blocks as unknown[]).includes('succeeded'))
      ? true
      : undefined,
  );
  await roundsPass(2);

  const { posted, updates } = await waitFor(() => cardCalls(name));
  const shown = [posted, ...updates.map((c) => c.args.blocks as unknown[])];
  const moving = shown.filter((blocks) => headerOf(blocks).includes('running'));
  // The post and at least one refresh show the build running; only the last update shows it done.
  expect(moving.length).toBeGreaterThanOrEqual(2);
  expect(headerOf(shown[shown.length - 1] as unknown[])).toBe(':white_check_mark: dev build succeeded');
  expect(shown.slice(moving.length).every((b) => headerOf(b).includes('succeeded'))).toBe(true);
  const steps = moving.map((blocks) => runningStep(blocks));
  expect(steps.every((s) => s !== undefined)).toBe(true);
  const indexes = steps.map((s) => s?.index ?? -1);
  // Step after step, never back: each update's running step is at or after the previous one's.
  expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
  expect(steps[0]?.label).toBe('Train model');
  expect(new Set(indexes).size).toBeGreaterThanOrEqual(2);
});

test('a stopped build refreshed by the local loop reads as a stop: no ✗, no failed step, the reason once', async () => {
  const { executionArn, name } = await startDevBuild({ 'hyperparameters.sagebuild_training_minutes': '600' });
  // The loop has moved the card at least once while it runs.
  await waitFor(() =>
    cardCalls(name)?.updates.some((c) => headerOf(c.args.blocks as unknown[]).includes('running'))
      ? true
      : undefined,
  );
  const reason = 'the learning rate is wrong';
  await stack.core.stop({ pipeline: 'dev', build: name, requester: ANA, reason });
  await stack.local.stepFunctions.waitFor(executionArn);
  await waitFor(() =>
    cardCalls(name)?.updates.some((c) => headerOf(c.args.blocks as unknown[]).includes('stopped'))
      ? true
      : undefined,
  );
  // Rounds after the stop leave the card as the notifier made it.
  await roundsPass(2);
  const { updates } = await waitFor(() => cardCalls(name));
  const last = updates[updates.length - 1]?.args.blocks as unknown[];
  expect(headerOf(last)).toBe(':octagonal_sign: dev build stopped');
  const text = cardText(last);
  expect(text).not.toContain(':x:');
  expect(text).not.toContain('Failed step');
  expect(text).toContain('*Stopped at*\nTrain model');
  expect(text).toContain('*Stopped by*\nAna Lima');
  expect(text.split(reason)).toHaveLength(2);
  expect(runningStep(last)).toBeUndefined();
});

describe('the refresh timer', () => {
  test('one deployed minute on the local clock, within a second and a minute', () => {
    expect(scaledRefreshMs(60)).toBe(1000);
    expect(scaledRefreshMs(20)).toBe(3000);
    expect(scaledRefreshMs(3000)).toBe(MIN_REFRESH_MS);
    expect(scaledRefreshMs(1)).toBe(60_000);
    expect(scaledRefreshMs(0)).toBe(60_000);
  });

  test('rounds never overlap; a failed round is logged and the next one runs; stop waits for the round', async () => {
    const refresh = new ProgressRefresh({
      core: stack.core,
      web: progressWebClient(LOCAL_BOT_TOKEN, { slackApiUrl: local.slack.apiUrl }),
      store: local.store,
    });
    let running = 0;
    let most = 0;
    let calls = 0;
    let ended = 0;
    // The real refresh, watched: how many rounds run at once, and a first round that throws.
    const watched: RefreshRound = {
      async run(budgetMs) {
        calls += 1;
        running += 1;
        most = Math.max(most, running);
        try {
          if (calls === 1) throw new Error('the store is unreachable');
          return await refresh.run(budgetMs);
        } finally {
          running -= 1;
          ended += 1;
        }
      },
    };
    const logged: string[] = [];
    const reports: ProgressReport[] = [];
    const timer = startRefreshTimer({
      refresh: watched,
      everyMs: 0, // raised to MIN_REFRESH_MS: the timer never runs flat out
      log: { warn: (m) => logged.push(m), error: (m) => logged.push(m) },
      onRound: (report) => reports.push(report),
    });
    await waitFor(() => (reports.length >= 2 ? true : undefined));
    await timer.stop();
    const after = calls;
    expect(running).toBe(0);
    expect(ended).toBe(calls);
    expect(most).toBe(1);
    expect(logged).toEqual(['Slack progress: a refresh round failed: the store is unreachable']);
    expect(reports.every((r) => r.failed === 0 && r.failedPipelines.length === 0)).toBe(true);
    // Stopped: no round starts again.
    await new Promise((resolve) => setTimeout(resolve, MIN_REFRESH_MS + 200));
    expect(calls).toBe(after);
  });
});
