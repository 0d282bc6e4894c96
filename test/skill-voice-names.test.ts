// Voice never reads a build's id: every answer the skill speaks about builds with hex names (a start, a stop
// question, status, details, why, list, the endpoint) names them by who started them and when instead.

import { modelFor } from '../interaction-models/build-model';
import { startFakeAlexaApi, type FakeAlexaApi } from '../local/alexa/fake-api';
import { AlexaSimulator } from '../local/alexa/simulator';
import { LOCAL_SKILL_ID } from '../local/local-config';
import { createSkill } from '../skill/skill';
import { newKey, startLocalStack, tester, waitFor, type LocalStack } from './support/local-stack';

/** A build name SageBuild makes: the pipeline, a dash and 12 hex digits. */
const HEX_NAME = /\b[a-z][\w-]*-[0-9a-f]{12}\b/i;

let stack: LocalStack;
let api: FakeAlexaApi;

beforeAll(async () => {
  stack = await startLocalStack({ past: true });
  api = await startFakeAlexaApi();
});

afterAll(async () => {
  await api?.close();
  await stack?.close();
});

function device(): AlexaSimulator {
  const skill = createSkill({ core: stack.core, skillId: LOCAL_SKILL_ID });
  return new AlexaSimulator({
    model: modelFor(stack.core.config),
    invoke: (event) => skill.invoke(event),
    skillId: LOCAL_SKILL_ID,
    userId: 'amzn1.ask.account.VOICE-NAMES',
    apiEndpoint: api.url,
  });
}

async function heard(alexa: AlexaSimulator, utterance: string): Promise<string> {
  const { speech } = await alexa.say(utterance);
  expect(speech).not.toMatch(HEX_NAME);
  return speech;
}

test('a finished build with a hex name: status, details, why, list and the endpoint never read it', async () => {
  const done = await stack.core.start({ pipeline: 'dev', requester: tester, idempotencyKey: newKey() });
  expect(done.name).toMatch(HEX_NAME);
  await waitFor(async () =>
    (await stack.core.status('dev', done.name)).status === 'SUCCEEDED' ? true : undefined,
  );
  const alexa = device();
  expect(await heard(alexa, 'ask sage build is my dev build done')).toMatch(/^Yes\. /);
  expect(await heard(alexa, 'yes')).toMatch(/^Tess Ter's dev build from .+ finished/);
  await heard(device(), 'ask sage build why did my dev build fail');
  await heard(device(), 'ask sage build how did the last dev build go');
  expect(await heard(device(), 'ask sage build is my dev endpoint up')).toBe(
    'The churn-dev endpoint is in service.',
  );
  expect(await heard(device(), 'ask sage build did the dev build pass')).toMatch(/^Yes\. /);
});

test('a running build: the stop question says whose and when, and the stop says which pipeline', async () => {
  const running = await stack.core.start({
    pipeline: 'dev',
    requester: tester,
    idempotencyKey: newKey(),
    overrides: { 'hyperparameters.sagebuild_training_minutes': '600' },
  });
  await waitFor(async () => ((await stack.core.status('dev')).training ? true : undefined));
  const alexa = device();
  await heard(alexa, 'ask sage build is my dev build done');
  expect(await heard(device(), 'ask sage build to start a dev build')).toContain('is still');
  const ask = await heard(alexa, 'ask sage build to stop my dev build');
  expect(ask).toMatch(/^Stop Tess Ter's dev build from .+, which has been .+\?$/);
  expect(await heard(alexa, 'yes')).toBe('Stopped the dev build.');
  await waitFor(async () =>
    (await stack.core.status('dev', running.name)).status === 'ABORTED' ? true : undefined,
  );
  expect(await heard(device(), 'ask sage build why did my dev build fail')).toMatch(
    /^Your dev build was stopped by someone using Alexa .+; nothing failed\./,
  );
});
