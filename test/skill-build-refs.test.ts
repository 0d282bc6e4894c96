// Builds named by voice: the pipeline slot's words may name a build as well ("my last prod build", "yesterday's
// build"). The skill hears the build reference the other fronts read, never "a pipeline called last prod".

import { modelFor } from '../interaction-models/build-model';
import { startFakeAlexaApi, type FakeAlexaApi } from '../local/alexa/fake-api';
import { AlexaSimulator } from '../local/alexa/simulator';
import { LOCAL_SKILL_ID } from '../local/local-config';
import { createSkill } from '../skill/skill';
import { splitSpokenBuildRef } from '../core/builds/build-ref';
import { startLocalStack, type LocalStack } from './support/local-stack';

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

async function heard(utterance: string): Promise<string> {
  const skill = createSkill({ core: stack.core, skillId: LOCAL_SKILL_ID });
  const alexa = new AlexaSimulator({
    model: modelFor(stack.core.config),
    invoke: (event) => skill.invoke(event),
    skillId: LOCAL_SKILL_ID,
    userId: 'amzn1.ask.account.BUILD-REFS',
    apiEndpoint: api.url,
  });
  const { speech } = await alexa.say(utterance);
  expect(speech).not.toMatch(/pipeline called/);
  return speech;
}

test('the slot words split into a pipeline and a build reference, or stay as said', () => {
  const names = ['prod', 'dev'];
  expect(splitSpokenBuildRef('last prod', names)).toEqual({ pipeline: 'prod', build: 'last' });
  expect(splitSpokenBuildRef("prod's previous", names)).toEqual({ pipeline: 'prod', build: 'previous' });
  expect(splitSpokenBuildRef("yesterday's build", names)).toEqual({ build: "yesterday's build" });
  expect(splitSpokenBuildRef('prod', names)).toBeUndefined();
  expect(splitSpokenBuildRef('staging', names)).toBeUndefined();
  expect(splitSpokenBuildRef('last '.repeat(100), names)).toBeUndefined();
});

test("'my last prod build' is the latest prod build", async () => {
  // The seeded past: the newest prod build is the nightly that succeeded two hours ago.
  expect(await heard('ask sage build what is the status of my last prod build')).toMatch(
    /^Yes\. Your prod build finished 2 hours ago/,
  );
});

test("'yesterday's build' is a build from yesterday, and why answers about it", async () => {
  // Yesterday's newest prod build is the nightly that succeeded: nothing failed, and voice says so.
  expect(await heard("ask sage build why did yesterday's prod build fail")).toMatch(
    /^That prod build succeeded yesterday, so nothing failed\./,
  );
});
