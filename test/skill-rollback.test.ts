// Rollback by voice, end to end: utterances through the Alexa simulator and the interaction model to the real
// skill and core, against the local AWS with dev's seeded past (dev-ana-2 live, dev-ana-1 before it).

import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageBuild } from '../core/sagebuild';
import { modelFor } from '../interaction-models/build-model';
import { startFakeAlexaApi, type FakeAlexaApi } from '../local/alexa/fake-api';
import { AlexaSimulator } from '../local/alexa/simulator';
import { LOCAL_SKILL_ID } from '../local/local-config';
import { createSkill } from '../skill/skill';
import { startLocalStack, waitFor, type LocalStack } from './support/local-stack';
import { stackConfig } from './support/stack-config';

let stack: LocalStack;
let api: FakeAlexaApi;
let sagemaker: SageMakerClient;
const cores: SageBuild[] = [];

beforeAll(async () => {
  stack = await startLocalStack({ past: true });
  api = await startFakeAlexaApi();
  sagemaker = new SageMakerClient({});
});

afterAll(async () => {
  cores.forEach((core) => core.close());
  sagemaker?.destroy();
  await api?.close();
  await stack?.close();
});

/** A core on the same local AWS whose pipelines let `rollback` roll back. */
function coreWith(rollback: string[]): SageBuild {
  const config = stackConfig(stack.pipelines, {
    settings: { region: stack.local.region, alexa: { skillId: LOCAL_SKILL_ID } },
    access: { start: ['*'], stop: ['*'], rollback },
    source: 'the skill rollback test',
  });
  const core = new SageBuild(config);
  cores.push(core);
  return core;
}

function alexaFor(core: SageBuild): AlexaSimulator {
  const skill = createSkill({ core, skillId: LOCAL_SKILL_ID });
  return new AlexaSimulator({
    model: modelFor(core.config),
    invoke: (event) => skill.invoke(event),
    skillId: LOCAL_SKILL_ID,
    userId: 'amzn1.ask.account.KITCHEN',
    apiEndpoint: api.url,
  });
}

async function devConfig(): Promise<string | undefined> {
  const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }));
  return endpoint.EndpointStatus === 'InService' ? endpoint.EndpointConfigName : undefined;
}

const QUESTION =
  /^Roll back dev to the model from Ana Lima's build of (today|yesterday|on \d+ \w+) \d\d:\d\d\? It replaces the model from Ana Lima's build of (today|yesterday|on \d+ \w+) \d\d:\d\d\.$/;

describe('rollback by voice', () => {
  test('someone outside the rollback access is told so, and asked nothing', async () => {
    const turn = await alexaFor(coreWith(['alexa:amzn1.ask.account.SOMEONE-ELSE'])).say(
      'ask sage build to roll back dev',
    );
    expect(turn.speech).toBe("Sorry, you're not allowed to roll back the dev endpoint. Nothing was changed.");
    expect(turn.directives).toEqual([]);
    expect(await devConfig()).toBe('dev-ana-2');
  });

  test('asked first; no changes nothing', async () => {
    const alexa = alexaFor(coreWith(['*']));
    const ask = await alexa.say('ask sage build to roll back dev');
    expect(ask.speech).toMatch(QUESTION);
    expect(ask.directives.map((d) => d.type)).toEqual(['Dialog.ConfirmIntent']);
    const no = await alexa.say('no');
    expect(no.speech).toBe("Okay, I didn't roll anything back.");
    expect(no.ended).toBe(true);
    expect(await devConfig()).toBe('dev-ana-2');
  });

  test('"maybe" asks the rollback question again, confirming RollbackIntent; "thanks" changes nothing', async () => {
    const alexa = alexaFor(coreWith(['*']));
    const ask = await alexa.say('ask sage build to roll back dev');
    const maybe = await alexa.say('maybe');
    expect(maybe.speech).toBe(`${ask.speech} Please say yes or no.`);
    expect(maybe.directives).toMatchObject([
      { type: 'Dialog.ConfirmIntent', updatedIntent: { name: 'RollbackIntent' } },
    ]);
    const thanks = await alexa.say('thanks');
    expect(thanks.speech).toBe("You're welcome. Okay, I didn't roll anything back.");
    expect(await devConfig()).toBe('dev-ana-2');
  });

  test('confirmed: the endpoint goes back to the model the question named', async () => {
    const alexa = alexaFor(coreWith(['*']));
    expect((await alexa.say('ask sage build to roll back the dev model')).speech).toMatch(QUESTION);
    const yes = await alexa.say('yes');
    expect(yes.speech).toMatch(
      /^Rolling dev back to the model from Ana Lima's build of [^(]*\. The endpoint is updating/,
    );
    expect(yes.ended).toBe(true);
    await waitFor(async () => ((await devConfig()) === 'dev-ana-1' ? true : undefined));
  });
});
