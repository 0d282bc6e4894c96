// `npm run bench:slack`: what the Slack bot costs, measured on the real code against a local AWS and the fake
// Slack Web API.
//   1. Ack latency: 200 signed `/sagebuild status prod` commands, 20 at a time, to the Bolt HTTP receiver (aim:
//      p99 under 50 ms). The bot runs in its own process, as it would in Lambda, so the time the local AWS and
//      the fake Slack spend on this machine is not counted as the bot's: the HTTP response is the ack, timed by
//      the sender and, apart, inside the receiver (request in → response out). The answer's arrival on the
//      response_url is shown too.
//   1b. The Lambda path: AwsLambdaReceiver answers Slack only once the listeners are done, so the time that counts
//      against Slack's 3 seconds is the whole request. `createLambdaHandler` in this process, fed signed
//      function-URL events (base64 bodies, as function URLs deliver them) for `/sagebuild status prod`, one at a
//      time as one container takes them; timed until the handler resolves (its answer is in the ack). The local
//      AWS and the fake Slack run in this process too, so their work is counted here: an upper bound.
//   2. Notifier throughput: builds' status events (RUNNING, then a final one), with duplicates and out-of-order
//      copies, handled concurrently; then lost (no card), duplicated (two cards for a build in a channel) and
//      regressed (a card not in the build's final state) cards are counted (aim: all zero). Once more with
//      Slack answering 429s now and then; an event that throws is retried twice, as Lambda does.
//   3. Bundle sizes of the bot's and the notifier's Lambdas.
// Prints numbers; asserts nothing. BENCH_VERBOSE=1 also prints the notifier's warnings (a post given up, …).

import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { HTTPReceiver } from '@slack/bolt';
import { LogLevel } from '@slack/web-api';
import type { SageBuildConfig } from '../core/config/schema';
import { SageBuild } from '../core/sagebuild';
import { LocalAws } from '../local/local-aws';
import { localConfig } from '../local/local-config';
import { loadReferencePipelines } from '../local/reference-pipelines';
import { startFakeSlackApi, type FakeSlack } from '../local/slack/fake-slack-api';
import { LOCAL_BOT_TOKEN, LOCAL_SIGNING_SECRET } from '../local/slack/local-bot';
import { FORM, functionUrlEvent, postSigned } from '../local/slack/requests';
import { createSlackApp } from '../slack/app';
import { createLambdaHandler, forSlackRequests } from '../slack/lambda';
import type { StatusChangeEvent } from '../slack/notifier/event';
import { BuildNotifier } from '../slack/notifier/notifier';
import { notifierWebClient } from '../slack/notifier/web-client';
import { SLACK_EVENTS_PATH } from '../slack/receivers/http';
import { MemoryStore } from '../slack/store/memory-store';
import { buildLambda } from '../tools/build';
import { kb, ms, percentile, statusCommand } from './support/lambda';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'bench';
process.env.AWS_SECRET_ACCESS_KEY = 'bench';

const COMMANDS = 200;
const COMMAND_CONCURRENCY = 20;
const WARM_UP_COMMANDS = 20;
const LAMBDA_COMMANDS = 200;
/** What Slack waits for a Lambda's answer. */
const SLACK_DEADLINE_MS = 3000;
const BUILDS = 200;
const EVENT_CONCURRENCY = 20;
/** Lambda retries a failed asynchronous invocation twice. */
const EVENT_RETRIES = 2;
const THROTTLE_PER_SECOND = 40;
const FINALS = ['SUCCEEDED', 'FAILED', 'ABORTED'] as const;
type Final = (typeof FINALS)[number];
/** What the card's header says in each final state (slack/cards/build-card.ts). */
const FINAL_WORDS: Record<Final, string> = { SUCCEEDED: 'succeeded', FAILED: 'failed', ABORTED: 'stopped' };
/** The notifier's warnings, only with BENCH_VERBOSE=1: the counts below say whether anything was lost. */
const notifierLog = {
  warn: (message: string) => void (process.env.BENCH_VERBOSE && console.error(message)),
  error: (message: string) => void (process.env.BENCH_VERBOSE && console.error(message)),
};

const spread = (values: number[]) =>
  `p50 ${ms(percentile(values, 50))}, p99 ${ms(percentile(values, 99))}, max ${ms(Math.max(...values))}`;

/** Runs `work` on each item, `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((done) => {
    const timer = setInterval(() => {
      if (check() || Date.now() > deadline) {
        clearInterval(timer);
        done();
      }
    }, 20);
  });
}

// ---- 1. Ack latency ------------------------------------------------------------------------------------------

type BotMessage = { url: string } | { receiverTimes: number[]; loopDelayP99: number };

/**
 * The bot process (`--bot`): the Slack app on Bolt's HTTPReceiver behind a server that times each request
 * from arrival to the end of its response, which for a slash command is the ack.
 */
async function serveBot(): Promise<void> {
  const config = JSON.parse(process.env.SAGEBUILD_BENCH_CONFIG ?? '{}') as SageBuildConfig;
  const bolt = new HTTPReceiver({ signingSecret: LOCAL_SIGNING_SECRET, endpoints: SLACK_EVENTS_PATH });
  const times: number[] = [];
  // How long work waited for the bot's event loop: a request waits as long before Bolt even sees it.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const server = createServer((req, res) => {
    const started = performance.now();
    res.on('finish', () => times.push(performance.now() - started));
    bolt.requestListener(req, res);
  });
  createSlackApp({
    core: new SageBuild(config),
    config,
    store: new MemoryStore(),
    receiver: { bolt, start: async () => undefined, stop: async () => undefined },
    botToken: LOCAL_BOT_TOKEN,
    webClientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  process.send?.({ url: `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}` } satisfies BotMessage);
  process.on('message', (message) => {
    if (message !== 'times') return;
    process.send?.({
      receiverTimes: times.splice(0),
      loopDelayP99: loopDelay.percentile(99) / 1e6,
    } satisfies BotMessage);
    loopDelay.reset();
  });
  process.on('disconnect', () => process.exit(0));
}

interface BotProcess {
  url: string;
  /** Receiver-side times (request in → response out), and the event loop's delay, since the last call. */
  receiverTimes(): Promise<{ times: number[]; loopDelayP99: number }>;
  stop(): void;
}

function startBotProcess(config: SageBuildConfig, local: LocalAws, slack: FakeSlack): Promise<BotProcess> {
  const child = fork(__filename, ['--bot'], {
    execArgv: ['--import', 'tsx'],
    env: {
      PATH: process.env.PATH,
      SAGEBUILD_BENCH_CONFIG: JSON.stringify(config),
      SLACK_API_URL: slack.apiUrl,
      AWS_ENDPOINT_URL: local.endpoint,
      AWS_REGION: local.region,
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
  const next = <T>(pick: (message: BotMessage) => T | undefined): Promise<T> =>
    new Promise((done) => {
      const listen = (message: BotMessage) => {
        const value = pick(message);
        if (value === undefined) return;
        child.off('message', listen);
        done(value);
      };
      child.on('message', listen);
    });
  const failed = new Promise<never>((_, fail) =>
    child.once('exit', (code) => fail(new Error(`the bot process exited (${code})`))),
  );
  return Promise.race([next((m) => ('url' in m ? m.url : undefined)), failed]).then((url) => ({
    url,
    receiverTimes() {
      const times = next((m) =>
        'receiverTimes' in m ? { times: m.receiverTimes, loopDelayP99: m.loopDelayP99 } : undefined,
      );
      child.send('times');
      return times;
    },
    stop: () => child.disconnect(),
  }));
}

async function benchAcks(config: SageBuildConfig, local: LocalAws): Promise<void> {
  const slack = await startFakeSlackApi({ token: LOCAL_BOT_TOKEN });
  const bot = await startBotProcess(config, local, slack);
  const sentAt = new Map<string, number>();
  const send = async (id: string) => {
    sentAt.set(id, Date.now());
    const started = performance.now();
    const response = await postSigned(bot.url, statusCommand(slack, id), FORM, LOCAL_SIGNING_SECRET);
    await response.arrayBuffer();
    return { ms: performance.now() - started, status: response.status };
  };
  try {
    // Warm up (JIT, connections, the core's clients), and let those answers land before measuring.
    await pool(
      Array.from({ length: WARM_UP_COMMANDS }, (_, i) => `warm-${i}`),
      5,
      async (id) => void (await send(id)),
    );
    await until(() => slack.responses.length >= WARM_UP_COMMANDS, 10_000);
    slack.reset();
    await bot.receiverTimes();

    const acks: number[] = [];
    let refused = 0;
    const started = performance.now();
    await pool(
      Array.from({ length: COMMANDS }, (_, i) => `cmd-${i}`),
      COMMAND_CONCURRENCY,
      async (id) => {
        const ack = await send(id);
        acks.push(ack.ms);
        if (ack.status !== 200) refused += 1;
      },
    );
    const ackedAll = performance.now() - started;
    const inReceiver = await bot.receiverTimes();
    await until(() => slack.responses.length >= COMMANDS, 30_000);
    const answers = slack.responses.map((r) => r.at.getTime() - (sentAt.get(r.id) ?? NaN));

    console.log(
      `Ack latency: ${COMMANDS} signed "/sagebuild status prod", ${COMMAND_CONCURRENCY} at a time (aim: p99 under 50 ms)`,
    );
    console.log(`  as the sender sees it:        ${spread(acks)}`);
    console.log(`  inside the receiver:          ${spread(inReceiver.times)}`);
    console.log(
      `  the bot's event loop delay:   p99 ${ms(inReceiver.loopDelayP99)} (time a request can wait unread)`,
    );
    console.log(`  all ${COMMANDS} acked in ${ms(ackedAll)}; refused: ${refused}`);
    console.log(`  answer on the response_url:   ${spread(answers)} (${answers.length} of ${COMMANDS})`);
  } finally {
    bot.stop();
    await slack.close();
  }
}

// ---- 1b. The Lambda path -------------------------------------------------------------------------------------

async function benchLambda(baseConfig: SageBuildConfig): Promise<void> {
  const slack = await startFakeSlackApi({ token: LOCAL_BOT_TOKEN });
  const config = forSlackRequests(baseConfig);
  const core = new SageBuild(config);
  const handler = createLambdaHandler({
    core,
    config,
    store: new MemoryStore(),
    botToken: LOCAL_BOT_TOKEN,
    signingSecret: LOCAL_SIGNING_SECRET,
    webClientOptions: { slackApiUrl: slack.apiUrl },
  });
  const send = async (id: string) => {
    const body = statusCommand(slack, id);
    const started = performance.now();
    const result = await handler(functionUrlEvent(body, FORM, LOCAL_SIGNING_SECRET), {});
    const took = performance.now() - started;
    const answered = result.statusCode === 200 && /"text":"Yes\./.test(result.body ?? '');
    return { ms: took, answered };
  };
  try {
    // The first request after the handler is made: Bolt's and the clients' first use (not a real cold start:
    // the modules are loaded, and the secrets come from here).
    const first = await send('lambda-first');
    for (let i = 0; i < WARM_UP_COMMANDS; i += 1) await send(`lambda-warm-${i}`);
    const times: number[] = [];
    let unanswered = 0;
    for (let i = 0; i < LAMBDA_COMMANDS; i += 1) {
      const one = await send(`lambda-${i}`);
      times.push(one.ms);
      if (!one.answered) unanswered += 1;
    }
    const late = times.filter((t) => t > SLACK_DEADLINE_MS).length;
    console.log(
      `Lambda path: ${LAMBDA_COMMANDS} signed "/sagebuild status prod" function-URL events, one at a time, until the handler resolves (aim: well under ${SLACK_DEADLINE_MS} ms)`,
    );
    console.log(`  handler resolved:             ${spread(times)}`);
    console.log(`  first request after set-up:   ${ms(first.ms)}`);
    console.log(
      `  answered in the ack: ${LAMBDA_COMMANDS - unanswered} of ${LAMBDA_COMMANDS}; over ${SLACK_DEADLINE_MS} ms: ${late}; response_url posts: ${slack.responses.length}`,
    );
  } finally {
    core.close();
    await slack.close();
  }
}

// ---- 2. Notifier ---------------------------------------------------------------------------------------------

interface BenchBuild {
  name: string;
  pipeline: SageBuildConfig['pipelines'][number];
  final: Final;
}

/** RUNNING and final events for each build, plus repeats (same id) and out-of-order or late copies. */
function eventsFor(builds: BenchBuild[]): StatusChangeEvent[] {
  const base = Date.now() - 3_600_000;
  const events: StatusChangeEvent[] = [];
  builds.forEach((build, i) => {
    const startDate = base + i * 1000;
    const stopDate = startDate + 600_000;
    const event = (status: string, id: string): StatusChangeEvent => ({
      id,
      time: new Date(status === 'RUNNING' ? startDate : stopDate).toISOString(),
      detail: {
        executionArn: `${build.pipeline.stateMachineArn.replace(':stateMachine:', ':execution:')}:${build.name}`,
        stateMachineArn: build.pipeline.stateMachineArn,
        name: build.name,
        status,
        startDate,
        stopDate: status === 'RUNNING' ? null : stopDate,
        input: JSON.stringify({ sagebuild: { startedBy: { id: 'slack:U0BENCH', displayName: 'bench' } } }),
        error: build.final === 'FAILED' ? 'States.TaskFailed' : null,
        cause: build.final === 'FAILED' ? 'Training job failed: bench' : null,
      },
    });
    const running = event('RUNNING', `${build.name}-running`);
    const final = event(build.final, `${build.name}-final`);
    events.push(...(i % 4 === 1 ? [final, running] : [running, final])); // a quarter arrive final-first
    if (i % 3 === 0) events.push({ ...running }); // EventBridge delivers at least once: same id again
    if (i % 5 === 0) events.push({ ...final });
    if (i % 7 === 0) events.push({ ...running, id: `${build.name}-late` }); // a late copy under a new id
  });
  // Builds interleave, as concurrent handlers see them; each build's events stay close together.
  return events
    .map((event, i) => ({ event, key: i + ((i * 7919) % 23) }))
    .sort((a, b) => a.key - b.key)
    .map(({ event }) => event);
}

interface CardCount {
  lost: number;
  duplicated: number;
  regressed: number;
  missingReplies: number;
  doubledReplies: number;
}

/** Each build's cards and thread replies in each of its pipeline's channels. */
function countCards(slack: FakeSlack, builds: BenchBuild[]): CardCount {
  const count: CardCount = { lost: 0, duplicated: 0, regressed: 0, missingReplies: 0, doubledReplies: 0 };
  for (const build of builds) {
    for (const channel of build.pipeline.slack.channels) {
      const messages = slack.messages(channel).filter((m) => m.text.includes(build.name));
      const cards = messages.filter((m) => !m.threadTs);
      const replies = messages.length - cards.length;
      if (cards.length === 0) count.lost += 1;
      if (cards.length > 1) count.duplicated += 1;
      if (cards.some((card) => !headerOf(card.blocks).includes(FINAL_WORDS[build.final])))
        count.regressed += 1;
      if (replies === 0) count.missingReplies += 1;
      if (replies > 1) count.doubledReplies += 1;
    }
  }
  return count;
}

function headerOf(blocks: unknown[]): string {
  const header = blocks.find((b) => (b as { type?: string }).type === 'header') as
    { text?: { text?: string } } | undefined;
  return header?.text?.text ?? '';
}

async function benchNotifier(core: SageBuild, config: SageBuildConfig, rateLimited: boolean): Promise<void> {
  const slack = await startFakeSlackApi({ token: LOCAL_BOT_TOKEN });
  const notifier = new BuildNotifier({
    core,
    config,
    store: new MemoryStore(),
    log: notifierLog,
    web: notifierWebClient(LOCAL_BOT_TOKEN, { slackApiUrl: slack.apiUrl, logLevel: LogLevel.ERROR }),
  });
  const pipelines = config.pipelines.filter((p) => p.slack.channels.length > 0);
  const builds: BenchBuild[] = Array.from({ length: BUILDS }, (_, i) => ({
    name: `bench-b${String(i).padStart(4, '0')}x`,
    pipeline: pipelines[i % pipelines.length] as BenchBuild['pipeline'],
    final: FINALS[i % FINALS.length] as Final,
  }));
  const events = eventsFor(builds);
  const outcomes = new Map<string, number>();
  let retried = 0;
  let gaveUp = 0;
  // Slack's limits are per second: here the fake allows 40 calls a second and answers the rest with 429.
  slack.throttle(rateLimited ? { perSecond: THROTTLE_PER_SECOND, retryAfterSeconds: 1 } : undefined);
  const started = performance.now();
  try {
    await pool(events, EVENT_CONCURRENCY, async (event) => {
      for (let attempt = 0; ; attempt += 1) {
        try {
          const outcome = await notifier.handle(event);
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          return;
        } catch {
          if (attempt === EVENT_RETRIES) return void (gaveUp += 1);
          retried += 1;
        }
      }
    });
    const elapsed = performance.now() - started;
    const count = countCards(slack, builds);
    const limited = slack.calls.filter((c) => c.outcome === 'ratelimited').length;
    console.log(
      `Notifier${rateLimited ? `, Slack throttled to ${THROTTLE_PER_SECOND} calls/s (429 beyond)` : ''}: ${BUILDS} builds, ${events.length} events (repeats, out of order, late copies), ${EVENT_CONCURRENCY} at a time`,
    );
    console.log(
      `  throughput: ${((events.length / elapsed) * 1000).toFixed(0)} events/s (${ms(elapsed)} in all)`,
    );
    console.log(
      `  outcomes: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}; retried ${retried}, given up ${gaveUp}; Slack calls ${slack.calls.length}, 429s ${limited}`,
    );
    console.log(
      `  cards: lost ${count.lost}, duplicated ${count.duplicated}, regressed ${count.regressed} (aim: 0, 0, 0); thread replies missing ${count.missingReplies}, doubled ${count.doubledReplies}`,
    );
  } finally {
    await slack.close();
  }
}

// ---- 3. Bundles ----------------------------------------------------------------------------------------------

async function benchBundles(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sagebuild-bench-slack-'));
  try {
    console.log('Lambda bundles (esbuild, minified, as `npm run build` makes them)');
    for (const name of ['slack-bot', 'notifier'] as const) {
      const built = await buildLambda(name, dir);
      console.log(`  ${name.padEnd(26)} ${kb(built.bytes)} raw, ${kb(built.gzipBytes)} gzipped`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const local = await LocalAws.start({ timeScale: 3000 });
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  process.env.AWS_REGION = local.region;
  const config = localConfig(await loadReferencePipelines(local), local.region);
  const core = new SageBuild(config);
  try {
    await benchAcks(config, local);
    await benchLambda(config);
    await benchNotifier(core, config, false);
    await benchNotifier(core, config, true);
    await benchBundles();
  } finally {
    core.close();
    await local.close();
  }
}

if (process.argv.includes('--bot')) {
  serveBot().catch((error: unknown) => {
    console.error(`bench:slack bot process failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(`bench:slack failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  });
}
