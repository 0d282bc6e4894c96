// Approval gates by voice, end to end: utterances through the Alexa simulator and the interaction model to the
// real skill and core, against the local AWS with a gate on prod (past builds seeded, so there is a live
// model to compare with). The comparison comes first, the decision is confirmed, and only approvers decide.

import { SageBuild } from '../core/sagebuild';
import { modelFor } from '../interaction-models/build-model';
import { startFakeAlexaApi, type FakeAlexaApi } from '../local/alexa/fake-api';
import { AlexaSimulator } from '../local/alexa/simulator';
import { LOCAL_SKILL_ID } from '../local/local-config';
import { createSkill } from '../skill/skill';
import { newKey, startLocalStack, waitFor, type LocalStack } from './support/local-stack';
import { stackConfig } from './support/stack-config';

const KITCHEN = 'amzn1.ask.account.KITCHEN';
const APPROVAL = {
  approvers: [
    { id: `alexa:${KITCHEN}`, name: 'Ana' },
    { id: 'slack:U0BEN', name: 'Ben' },
  ],
  timeoutHours: 24,
};

let stack: LocalStack;
let api: FakeAlexaApi;
let core: SageBuild;

beforeAll(async () => {
  stack = await startLocalStack({ past: true, approval: APPROVAL });
  api = await startFakeAlexaApi();
  const config = stackConfig(stack.pipelines, {
    settings: { region: stack.local.region, alexa: { skillId: LOCAL_SKILL_ID } },
    access: { start: ['*'], stop: ['*'] },
    source: 'the skill approval test',
  });
  core = new SageBuild(config);
});

afterAll(async () => {
  core?.close();
  await api?.close();
  await stack?.close();
});

function alexaAs(userId: string): AlexaSimulator {
  const skill = createSkill({ core, skillId: LOCAL_SKILL_ID });
  return new AlexaSimulator({
    model: modelFor(core.config),
    invoke: (event) => skill.invoke(event),
    skillId: LOCAL_SKILL_ID,
    userId,
    apiEndpoint: api.url,
  });
}

async function buildAtTheGate(): Promise<string> {
  const started = await core.start({
    pipeline: 'prod',
    requester: { id: 'slack:U0CARL', displayName: 'Carl' },
    idempotencyKey: newKey(),
  });
  await waitFor(async () =>
    (await core.approvals('prod')).some((f) => f.executionArn === started.executionArn) ? true : undefined,
  );
  return started.executionArn;
}

const BRIEFING =
  /^Validation AUC [\d.]+(, (up|down) from [\d.]+|, the same as before); train AUC [\d.]+.*, compared with the live model\. The prod deploy, started by Carl, has been waiting for approval from Ana or Ben for (a few seconds|\d+ seconds)\./;

test('nothing waits at first; a build at the gate is read out, comparison first', async () => {
  const alexa = alexaAs(KITCHEN);
  expect((await alexa.say('ask sage build is anything waiting for me')).speech).toBe(
    'Nothing is waiting for your approval.',
  );
  const executionArn = await buildAtTheGate();
  const turn = await alexaAs(KITCHEN).say('ask sage build is anything waiting for me');
  expect(turn.speech).toMatch(BRIEFING);
  expect(turn.speech).toMatch(/ Say approve it, or reject it\.$/);
  // No hex build names read aloud.
  expect(turn.speech).not.toMatch(/prod-[0-9a-f]{12}/);

  // Someone else's Alexa: not an approver, told who may; nothing changes.
  const other = await alexaAs('amzn1.ask.account.SOMEONE-ELSE').say(
    'ask sage build to approve the prod deploy',
  );
  expect(other.speech).toBe('Only Ana and Ben can approve prod deploys.');
  expect(other.directives).toEqual([]);

  // The approver: asked first; "no" changes nothing; "yes" approves the build the question named.
  const no = alexaAs(KITCHEN);
  expect((await no.say('ask sage build to approve the prod deploy')).speech).toMatch(/ Approve it\?$/);
  expect((await no.say('no')).speech).toBe("Okay, I didn't decide anything.");
  expect((await core.approvals('prod')).length).toBe(1);

  // "maybe" hears the same question, still about approving: never another action's question.
  const unsure = alexaAs(KITCHEN);
  const first = await unsure.say('ask sage build to approve the prod deploy');
  const maybe = await unsure.say('maybe');
  expect(maybe.speech).toBe(`${first.speech} Please say yes or no.`);
  expect(maybe.directives).toMatchObject([
    { type: 'Dialog.ConfirmIntent', updatedIntent: { name: 'ApproveIntent' } },
  ]);
  expect((await unsure.say('stop')).speech).toBe("Okay, I didn't decide anything. Goodbye.");
  expect((await core.approvals('prod')).length).toBe(1);

  const yes = alexaAs(KITCHEN);
  const asked = await yes.say('ask sage build to approve the prod deploy');
  expect(asked.speech).toMatch(BRIEFING);
  expect(asked.directives.map((d) => d.type)).toEqual(['Dialog.ConfirmIntent']);
  const done = await yes.say('yes');
  expect(done.speech).toBe('Approved. The prod deploy goes ahead.');
  expect((await stack.local.stepFunctions.waitFor(executionArn)).status).toBe('SUCCEEDED');
});

test('"reject it" rejects with the reason "rejected by voice"', async () => {
  const executionArn = await buildAtTheGate();
  const alexa = alexaAs(KITCHEN);
  expect((await alexa.say('ask sage build to reject it')).speech).toMatch(/ Reject it\?$/);
  expect((await alexa.say('yes')).speech).toBe(
    'Rejected. The prod build stops before deploying; the live model keeps serving.',
  );
  const record = await stack.local.stepFunctions.waitFor(executionArn);
  expect(record.status).toBe('FAILED');
  expect(JSON.parse(record.cause ?? '{}')).toMatchObject({ reason: 'rejected by voice' });
});
