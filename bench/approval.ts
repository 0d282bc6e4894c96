// `npm run bench:approval`: how long a decision takes, against the local AWS, as the CLI and console make it.
//   1. From calling core.approve() to the moment the local AWS handles SendTaskSuccess (what the issue calls
//      "click to SendTaskSuccess" minus Slack's own hop), p50/p95/max over SAMPLES gated builds.
//   2. The whole approve() answer (claim, history read, SendTaskSuccess), and the AWS calls one decision makes.
//   3. Click to SendTaskSuccess through Slack: a signed block_actions request (Approve on the approval card the
//      notifier posted) into the Bolt app's Lambda handler (the AWS Lambda receiver, as deployed), until the
//      local AWS handles SendTaskSuccess; and the handler's whole answer (what Slack waits 3 s for).
// `-- --card` also prints one approval card's blocks JSON. Prints numbers; asserts nothing.

import '../local/polyfills';
import { SageBuild } from '../core/sagebuild';
import { createLogger } from '../core/log/logger';
import { LocalAws } from '../local/local-aws';
import { localConfig } from '../local/local-config';
import { loadReferencePipelines } from '../local/reference-pipelines';
import type { BusEvent } from '../local/events';
import { startFakeSlackApi } from '../local/slack/fake-slack-api';
import { LOCAL_BOT_TOKEN, LOCAL_SIGNING_SECRET } from '../local/slack/local-bot';
import { blockActionBody, blockActionPayload, FORM, functionUrlEvent } from '../local/slack/requests';
import { APPROVAL_ACTIONS } from '../slack/cards/approval-card';
import { forSlackRequests, createLambdaHandler } from '../slack/lambda';
import {
  ApprovalNotifier,
  isApprovalRequest,
  type ApprovalRequestEvent,
} from '../slack/notifier/approval-requests';
import { notifierWebClient } from '../slack/notifier/web-client';
import { MemoryStore } from '../slack/store/memory-store';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'bench';
process.env.AWS_SECRET_ACCESS_KEY = 'bench';
process.env.AWS_REGION = 'us-east-1';

const SAMPLES = Number(process.argv.includes('--quick') ? 5 : 30);
const requester = { id: 'cli:bench', displayName: 'bench' };
const CLICKER = 'U0BENCH';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function main(): Promise<void> {
  const local = await LocalAws.start({ timeScale: 3000 });
  process.env.AWS_ENDPOINT_URL = local.endpoint;
  const pipelines = await loadReferencePipelines(local, {
    approval: { approvers: ['cli:bench', { id: `slack:${CLICKER}`, name: 'Bench' }], timeoutHours: 24 },
  });
  const config = localConfig(pipelines, local.region);
  const core = new SageBuild(config);
  // When the local AWS handles SendTaskSuccess: its operation, timed where the request arrives.
  let handledAt = 0;
  const operations = local.stepFunctions.operations;
  const sendTaskSuccess = operations.SendTaskSuccess as (input: Record<string, unknown>) => unknown;
  operations.SendTaskSuccess = (input) => {
    handledAt = performance.now();
    return sendTaskSuccess(input);
  };

  const toSend: number[] = [];
  const answers: number[] = [];
  let calls: string[] = [];
  for (let sample = 0; sample < SAMPLES; sample += 1) {
    const started = await core.start({ pipeline: 'prod', requester, idempotencyKey: `bench-${sample}` });
    for (;;) {
      const waiting = await core.approvals('prod');
      if (waiting.some((fact) => fact.executionArn === started.executionArn)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const before = local.callCount;
    const t0 = performance.now();
    const result = await core.approve({ pipeline: 'prod', requester });
    const t1 = performance.now();
    if (result.outcome !== 'approved') throw new Error(`bench: approve said ${result.outcome}`);
    toSend.push(handledAt - t0);
    answers.push(t1 - t0);
    calls = local.callsSince(before);
    await local.stepFunctions.waitFor(started.executionArn);
  }
  const report = (label: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(
      `${label}: p50 ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))}, max ${ms(sorted.at(-1) ?? 0)} (${values.length} decisions)`,
    );
  };
  report('approve() called -> SendTaskSuccess handled', toSend);
  report('approve() answer, whole', answers);
  console.log(`AWS calls per decision: ${calls.length} (${calls.join(', ')})`);

  // 3. Through Slack's Lambda path.
  const requests: ApprovalRequestEvent[] = [];
  const unsubscribe = local.events.subscribeAll((event: BusEvent) => {
    if (isApprovalRequest(event)) requests.push(event);
  });
  const slack = await startFakeSlackApi({ token: LOCAL_BOT_TOKEN });
  const store = new MemoryStore();
  const slackConfig = forSlackRequests(config);
  const botCore = new SageBuild(slackConfig);
  const handler = createLambdaHandler({
    core: botCore,
    config: slackConfig,
    store,
    botToken: LOCAL_BOT_TOKEN,
    signingSecret: LOCAL_SIGNING_SECRET,
    webClientOptions: { slackApiUrl: slack.apiUrl },
    // The bench's own numbers, not one JSON line per click.
    log: createLogger({ level: 'ERROR', sink: { write: () => undefined } }),
  });
  const approvals = new ApprovalNotifier({
    core,
    config,
    store,
    web: notifierWebClient(LOCAL_BOT_TOKEN, { slackApiUrl: slack.apiUrl }),
  });
  const clickToSend: number[] = [];
  const clickAnswers: number[] = [];
  let printed = !process.argv.includes('--card');
  for (let sample = 0; sample < SAMPLES; sample += 1) {
    const started = await core.start({
      pipeline: 'prod',
      requester,
      idempotencyKey: `bench-slack-${sample}`,
    });
    let request: ApprovalRequestEvent | undefined;
    while (!(request = requests.find((e) => e.detail.executionArn === started.executionArn))) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await approvals.handle(request);
    const [card] = await store.approvalCards(started.executionArn);
    const message = card && slack.message(card.channel, card.ts);
    if (!card || !message) throw new Error('bench: no approval card was posted');
    if (!printed) {
      console.log('One approval card (chat.postMessage blocks):');
      console.log(JSON.stringify({ text: message.text, blocks: message.blocks }, null, 2));
      printed = true;
    }
    const approve = (message.blocks as { elements?: { action_id?: string; value?: string }[] }[])
      .flatMap((block) => block.elements ?? [])
      .find((element) => element.action_id === APPROVAL_ACTIONS.approve);
    const payload = blockActionPayload({
      actionId: APPROVAL_ACTIONS.approve,
      value: approve?.value ?? '',
      userId: CLICKER,
      channelId: card.channel,
      messageTs: card.ts,
      responseUrl: slack.responseUrl(`bench-${sample}`, { channel: card.channel, messageTs: card.ts }),
    });
    const event = functionUrlEvent(blockActionBody(payload), FORM, LOCAL_SIGNING_SECRET);
    handledAt = 0;
    const t0 = performance.now();
    const answer = await handler(event as Parameters<typeof handler>[0], {});
    const t1 = performance.now();
    if (answer.statusCode !== 200 || handledAt === 0) throw new Error('bench: the click decided nothing');
    clickToSend.push(handledAt - t0);
    clickAnswers.push(t1 - t0);
    await local.stepFunctions.waitFor(started.executionArn);
  }
  report('Slack click (Lambda handler) -> SendTaskSuccess handled', clickToSend);
  report('Slack click, handler answered (card updated)', clickAnswers);
  unsubscribe();
  botCore.close();
  await slack.close();
  core.close();
  await local.close();
}

void main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exitCode = 1;
});
