// "Run it again" by voice, end to end: utterances through the Alexa simulator and the interaction model to the
// real skill and core, against the local AWS with its seeded past (dev's latest, started by Ana Lima, set eta
// 0.9 and the simulated metric 0.71). The question names the build by who and when, never by its
// id, and reads its settings; only "yes" starts, and the new build carries those settings.

import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { SageBuild } from '../core/sagebuild';
import { modelFor } from '../interaction-models/build-model';
import { startFakeAlexaApi, type FakeAlexaApi } from '../local/alexa/fake-api';
import { AlexaSimulator } from '../local/alexa/simulator';
import { LOCAL_SKILL_ID } from '../local/local-config';
import { voiceAgainQuestion } from '../core/wording';
import { createSkill } from '../skill/skill';
import { startLocalStack, tester, type LocalStack } from './support/local-stack';
import { stackConfig } from './support/stack-config';

const KITCHEN = 'amzn1.ask.account.KITCHEN';

let stack: LocalStack;
let api: FakeAlexaApi;
let sfn: SFNClient;
const cores: SageBuild[] = [];

beforeAll(async () => {
  stack = await startLocalStack({ past: true });
  api = await startFakeAlexaApi();
  sfn = new SFNClient({});
});

afterEach(async () => {
  for (const pipeline of ['dev', 'prod']) {
    await stack.core.stop({ pipeline, requester: tester }).catch(() => undefined);
  }
});

afterAll(async () => {
  cores.forEach((core) => core.close());
  sfn?.destroy();
  await api?.close();
  await stack?.close();
});

function alexa(start: string[] = ['*']): AlexaSimulator {
  const config = stackConfig(stack.pipelines, {
    settings: { region: stack.local.region, alexa: { skillId: LOCAL_SKILL_ID } },
    access: { start, stop: ['*'] },
    source: 'the skill again test',
  });
  const core = new SageBuild(config);
  cores.push(core);
  const skill = createSkill({ core, skillId: LOCAL_SKILL_ID });
  return new AlexaSimulator({
    model: modelFor(core.config),
    invoke: (event) => skill.invoke(event),
    skillId: LOCAL_SKILL_ID,
    userId: KITCHEN,
    apiEndpoint: api.url,
  });
}

async function builds(pipeline: string): Promise<{ name: string; executionArn: string }[]> {
  const stateMachineArn = stack.core.pipeline(pipeline).stateMachineArn;
  const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 100 }));
  return (listed.executions ?? []).map((e) => ({ name: e.name ?? '', executionArn: e.executionArn ?? '' }));
}

async function buildNames(pipeline: string): Promise<string[]> {
  return (await builds(pipeline)).map((b) => b.name);
}

const SAID = "Run Ana Lima's dev build from [\\w ]+ again, with eta 0\\.9 and sagebuild metric 0\\.71\\?";
const QUESTION = new RegExp(`^${SAID}$`);

test('asked first, naming the build by who and when with its settings; "no" starts nothing', async () => {
  const before = await buildNames('dev');
  const voice = alexa();
  const asked = await voice.say('ask sage build to run the last dev build again');
  expect(asked.request.request).toMatchObject({ intent: { name: 'RunAgainIntent' } });
  expect(asked.speech).toMatch(QUESTION);
  expect(asked.speech).not.toMatch(/dev-ana-2|[0-9a-f]{12}/);
  expect(asked.directives.map((d) => d.type)).toEqual(['Dialog.ConfirmIntent']);
  const no = await voice.say('no');
  expect(no.speech).toBe("Okay, I didn't start anything.");
  expect(await buildNames('dev')).toEqual(before);
});

test('"maybe" asks the same question again, with the same intent to confirm', async () => {
  const before = await buildNames('dev');
  const voice = alexa();
  await voice.say('ask sage build to run the last dev build again');
  const maybe = await voice.say('maybe');
  expect(maybe.speech).toMatch(new RegExp(`^${SAID} Please say yes or no\\.$`));
  expect(maybe.directives).toMatchObject([
    { type: 'Dialog.ConfirmIntent', updatedIntent: { name: 'RunAgainIntent' } },
  ]);
  const thanks = await voice.say('thanks');
  expect(thanks.speech).toBe("You're welcome. Okay, I didn't start anything.");
  expect(await buildNames('dev')).toEqual(before);
});

test('"yes" starts one build with the settings the question read', async () => {
  const before = await buildNames('dev');
  const voice = alexa();
  expect((await voice.say('ask sage build to rerun dev')).speech).toMatch(QUESTION);
  const yes = await voice.say('yes');
  expect(yes.speech).toBe(
    'Started a new dev build with the same settings: eta 0.9 and sagebuild metric 0.71.',
  );
  const added = (await buildNames('dev')).filter((name) => !before.includes(name));
  expect(added).toHaveLength(1);
  const arn = (await builds('dev')).find((b) => b.name === added[0])?.executionArn;
  const input = JSON.parse(
    (await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).input ?? '{}',
  );
  expect(input.hyperparameters).toMatchObject({ eta: '0.9', sagebuild_metric: '0.71' });

  // A second one while that runs: told at once, asked nothing.
  const again = await alexa().say('ask sage build to run dev again');
  expect(again.speech).toMatch(
    /^Your dev build .* is still training the model, so I didn't start another one\./,
  );
  expect(again.directives).toEqual([]);
});

test('someone without start access is refused, and asked nothing', async () => {
  const turn = await alexa(['alexa:amzn1.ask.account.SOMEONE-ELSE']).say('ask sage build to run dev again');
  expect(turn.speech).toMatch(/^Sorry, you're not allowed to start dev builds\. Nothing was changed\.$/);
  expect(turn.directives).toEqual([]);
});

test("a build named by when it started: yesterday's prod build, by who and when", async () => {
  const turn = await alexa().say("ask sage build to run yesterday's prod build again");
  expect(turn.request.request).toMatchObject({ intent: { name: 'RunAgainIntent' } });
  // Yesterday's newest prod build is the nightly, started by the schedule with the default input.
  expect(turn.speech).toBe(
    "Run the nightly schedule's prod build from yesterday again? It used the default settings.",
  );
});

test('"yesterday\'s dev build": "maybe", then "yes" runs that build again, not the latest', async () => {
  const before = await buildNames('dev');
  const voice = alexa();
  const asked = await voice.say("ask sage build to rerun yesterday's dev build");
  // Yesterday's dev build ran with the defaults; the latest (an earlier test's) set eta 0.9 and the metric.
  expect(asked.speech).toBe("Run Ana Lima's dev build from yesterday again? It used the default settings.");
  expect((await voice.say('maybe')).speech).toBe(`${asked.speech} Please say yes or no.`);
  expect((await voice.say('yes')).speech).toBe('Started a new dev build with the same settings.');
  const added = (await builds('dev')).filter((b) => !before.includes(b.name));
  expect(added).toHaveLength(1);
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn: added[0]?.executionArn }));
  const { hyperparameters } = JSON.parse(described.input ?? '{}') as {
    hyperparameters: Record<string, string>;
  };
  expect(hyperparameters.eta).not.toBe('0.9');
  expect(hyperparameters.sagebuild_metric).toBeUndefined();
});

test('a long setting is cut in the question, so it stays short enough to say and to keep', () => {
  const build = { pipeline: 'dev', startedAt: new Date(Date.now() - 3_600_000) };
  const question = voiceAgainQuestion(build, { 'hyperparameters.note': 'x'.repeat(1024) }, new Date());
  expect(question).toBe(`Run the dev build from an hour ago again, with note ${'x'.repeat(39)}…?`);
});
