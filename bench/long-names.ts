// `npm run bench:long-names`: what one 1 MB pipeline name costs (issue #10, item 9).
//   1. Before: the unbounded fuzzy match, a full edit-distance table against every name and alias.
//   2. After: the core's resolvePipeline on the same name, and a signed slash command, a mention and an Alexa
//      slot of that size through the real Lambda handler and skill; with the size of each answer.
// No AWS is reached: every answer here is a refusal; Slack is the local fake Slack API. Prints numbers; asserts nothing.

import { createHmac } from 'node:crypto';
import { parseConfig } from '../core/config/load';
import { editDistance, resolvePipeline } from '../core/config/pipelines';
import { nameKey } from '../core/config/schema';
import { createLogger } from '../core/log/logger';
import { SageBuild } from '../core/sagebuild';
import { intentRequest, requestEnvelope } from '../local/alexa/envelope';
import { startFakeSlackApi } from '../local/slack/fake-slack-api';
import { appMentionEvent, eventBody, FORM, JSON_TYPE, slashCommandBody } from '../local/slack/requests';
import { createSkill } from '../skill/skill';
import { createLambdaHandler } from '../slack/lambda';
import { MemoryStore } from '../slack/store/memory-store';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'bench';
process.env.AWS_SECRET_ACCESS_KEY = 'bench';

const MEGABYTE = 1_000_000;
const SECRET = 'bench-signing-secret';
const SKILL_ID = 'amzn1.ask.skill.bench';
const RUNS = 20;
const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:sagebuild-';

const config = parseConfig(
  {
    region: 'us-east-1',
    defaultPipeline: 'prod',
    alexa: { skillId: SKILL_ID },
    slack: { botUserId: 'U0BENCHBOT' },
    pipelines: [
      { name: 'prod', aliases: ['production'], stateMachineArn: `${ARN}prod` },
      { name: 'dev', aliases: ['development'], stateMachineArn: `${ARN}dev` },
    ],
  },
  'the long-names bench',
);

function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 0)} ms`;
}

/** The median of `runs` timings of `work`. */
async function median(runs: number, work: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

/** What resolvePipeline did before the bound: a full table against every name and alias. */
function unboundedMatch(requested: string): void {
  const key = nameKey(requested);
  for (const p of config.pipelines)
    for (const word of [p.name, ...p.aliases]) editDistance(key, nameKey(word));
}

function signed(body: string, contentType: string): Parameters<ReturnType<typeof createLambdaHandler>>[0] {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const digest = createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    headers: {
      'content-type': contentType,
      'x-slack-signature': `v0=${digest}`,
      'x-slack-request-timestamp': timestamp,
    },
    body,
    isBase64Encoded: false,
  } as unknown as Parameters<ReturnType<typeof createLambdaHandler>>[0];
}

function slotEnvelope(value: string): unknown {
  return requestEnvelope(
    {
      skillId: SKILL_ID,
      userId: 'amzn1.ask.account.BENCH',
      deviceId: 'amzn1.ask.device.BENCH',
      locale: 'en-US',
      apiEndpoint: 'http://127.0.0.1:1',
      apiAccessToken: 'bench',
    },
    { sessionId: 'amzn1.echo-api.session.bench', isNew: true, attributes: {} },
    intentRequest(
      'en-US',
      {
        name: 'BuildStatusIntent',
        confirmationStatus: 'NONE',
        slots: { pipeline: { name: 'pipeline', value, confirmationStatus: 'NONE' } },
      },
      'COMPLETED',
    ),
  );
}

async function main(): Promise<void> {
  const name = 'p'.repeat(MEGABYTE);
  console.log(`One ${MEGABYTE.toLocaleString('en-US')}-character pipeline name`);

  const before = await median(1, () => unboundedMatch(name));
  console.log(`  before: unbounded fuzzy match (full edit-distance tables): ${ms(before)}`);

  const after = await median(RUNS, () => {
    try {
      resolvePipeline(config, name);
    } catch {
      // PipelineNotFound, as expected.
    }
  });
  console.log(`  after:  resolvePipeline refuses it (median of ${RUNS}): ${ms(after)}`);

  const core = new SageBuild(config);
  const fake = await startFakeSlackApi();
  const quiet = createLogger({ level: 'ERROR', sink: { write: () => undefined } });
  const handler = createLambdaHandler({
    core,
    config,
    store: new MemoryStore(),
    botToken: 'xoxb-bench',
    signingSecret: SECRET,
    webClientOptions: { slackApiUrl: fake.apiUrl },
    log: quiet,
  });
  const command = slashCommandBody({
    command: '/sagebuild',
    text: `status ${name}`,
    user_id: 'U0BENCH',
    channel_id: 'C0BENCH',
    response_url: fake.responseUrl('BENCH'),
  });
  let reply = '';
  const slash = await median(RUNS, async () => {
    reply = (await handler(signed(command, FORM), {})).body ?? '';
  });
  console.log(
    `  after:  slash command through the Lambda handler: ${ms(slash)}, answer ${reply.length} bytes`,
  );
  console.log(`          ${reply}`);

  const mention = eventBody(appMentionEvent(`<@U0BENCHBOT> is ${name} done?`, 'U0BENCH', 'C0BENCH'));
  const heard = await median(1, () => handler(signed(mention, JSON_TYPE), {}));
  const posted = fake.ephemerals[0]?.text ?? '';
  console.log(`  after:  mention through the Lambda handler: ${ms(heard)}, answer ${posted.length} chars`);

  const skill = createSkill({ core, skillId: SKILL_ID, progressiveAfterMs: 60_000 });
  const refused = await median(RUNS, () => skill.invoke(slotEnvelope(name)).catch(() => undefined));
  console.log(`  after:  Alexa slot of 1 MB, envelope refused (RequestRefused): ${ms(refused)}`);
  let speech = '';
  const inside = await median(RUNS, async () => {
    const response = await skill.invoke(slotEnvelope('p'.repeat(200_000)));
    speech = (response.response.outputSpeech as { ssml?: string } | undefined)?.ssml ?? '';
  });
  console.log(
    `  after:  Alexa slot of 200,000 characters, answered: ${ms(inside)}, speech ${speech.length} chars`,
  );
  console.log(`          ${speech}`);
  core.close();
  await fake.close();
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
