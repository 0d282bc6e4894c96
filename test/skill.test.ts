// The Alexa skill, end to end: utterances go through the Alexa simulator and the interaction model to the real
// skill and core, against the local AWS running real builds. The tests assert what Alexa says, how the session
// continues, and what happened (or did not) to the builds.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResponseFactory } from 'ask-sdk-core';
import type { RequestEnvelope } from 'ask-sdk-model';
import type { BuildStatusFact } from '../core/builds/facts';
import type { SageBuildConfig } from '../core/config/schema';
import { ConfigError, NothingToStop } from '../core/errors';
import { SageBuild } from '../core/sagebuild';
import { buildList, liveModel, stillRunning } from '../core/wording';
import { modelFor } from '../interaction-models/build-model';
import { startFakeAlexaApi, type FakeAlexaApi } from '../local/alexa/fake-api';
import { AlexaSimulator, type Turn } from '../local/alexa/simulator';
import { LOCAL_SKILL_ID } from '../local/local-config';
import { awsBudgetMs } from '../core/aws/answer-deadline';
import { Budget, CORE_MARGIN_MS, SkillDeadline } from '../skill/budget';
import { skillFromConfig } from '../skill/from-config';
import { createSkill, type SkillDeps } from '../skill/skill';
import { answer, ssml, stopQuestion } from '../skill/speech';
import { newKey, startLocalStack, tester, waitFor, type LocalStack } from './support/local-stack';
import { stackConfig } from './support/stack-config';

const USER = 'amzn1.ask.account.KITCHEN';
/** Keeps a build in training for 600 simulated minutes: about 12 s at the test time scale. */
const LONG = { 'hyperparameters.sagebuild_training_minutes': '600' };
const FAILING = { 'hyperparameters.sagebuild_simulate': 'training-failure' };

let stack: LocalStack;
let api: FakeAlexaApi;
const extraCores: SageBuild[] = [];

beforeAll(async () => {
  stack = await startLocalStack({ past: true });
  api = await startFakeAlexaApi();
});

afterEach(async () => {
  stack.local.faults.set({});
  await stopAll();
});

afterAll(async () => {
  extraCores.forEach((core) => core.close());
  await api?.close();
  await stack?.close();
});

// --- helpers ---

interface ConfigChanges {
  defaultPipeline?: string;
  start?: string[];
  stop?: string[];
  aws?: Record<string, number>;
}

/** A core on the same local AWS with another config: no default pipeline, other access rules, other budgets. */
function coreWith(changes: ConfigChanges): SageBuild {
  const config: SageBuildConfig = stackConfig(stack.pipelines, {
    settings: {
      region: stack.local.region,
      ...(changes.defaultPipeline ? { defaultPipeline: changes.defaultPipeline } : {}),
      ...(changes.aws ? { aws: changes.aws } : {}),
      alexa: { skillId: LOCAL_SKILL_ID },
    },
    access: { start: changes.start ?? ['*'], stop: changes.stop ?? ['*'] },
    source: 'the skill test',
  });
  const core = new SageBuild(config);
  extraCores.push(core);
  return core;
}

interface Talk {
  alexa: AlexaSimulator;
  /** Says something and checks what every response must have: speech, and the session set explicitly. */
  say(utterance: string): Promise<Turn>;
}

function talk(
  core: SageBuild = stack.core,
  options: { skillId?: string; personId?: string; userId?: string; deps?: Partial<SkillDeps> } = {},
): Talk {
  const skill = createSkill({ core, skillId: LOCAL_SKILL_ID, ...options.deps });
  const alexa = new AlexaSimulator({
    model: modelFor(core.config),
    invoke: (event) => skill.invoke(event),
    skillId: options.skillId ?? LOCAL_SKILL_ID,
    userId: options.userId ?? USER,
    personId: options.personId,
    apiEndpoint: api.url,
  });
  return {
    alexa,
    async say(utterance) {
      const turn = await alexa.say(utterance);
      expect(turn.response.response.outputSpeech?.type).toBe('SSML');
      expect(turn.speech).not.toBe('');
      expect(typeof turn.response.response.shouldEndSession).toBe('boolean');
      expect(turn.timedOut).toBe(false);
      return turn;
    },
  };
}

function intentOf(turn: Turn): string | undefined {
  const request = turn.request.request;
  return request.type === 'IntentRequest' ? request.intent.name : request.type;
}

function directiveTypes(turn: Turn): string[] {
  return turn.directives.map((d) => d.type);
}

async function startBuild(pipeline: string, overrides: Record<string, string> = {}): Promise<string> {
  const started = await stack.core.start({
    pipeline,
    overrides,
    requester: tester,
    idempotencyKey: newKey(),
  });
  return started.name;
}

/** Waits until the pipeline's latest build is `name` and `check` holds for it. */
async function waitForBuild(
  pipeline: string,
  name: string,
  check: (fact: BuildStatusFact) => boolean,
): Promise<BuildStatusFact> {
  return waitFor(async () => {
    const fact = await stack.core.status(pipeline);
    return fact.name === name && check(fact) ? fact : undefined;
  });
}

const training = (fact: BuildStatusFact) =>
  fact.status === 'RUNNING' && /training/.test(fact.currentStep?.label ?? '');

async function buildCount(pipeline: string): Promise<number> {
  return (await stack.core.list(pipeline, 100)).builds.length;
}

async function stopAll(): Promise<void> {
  for (const pipeline of stack.pipelines) {
    await stack.core.stop({ pipeline: pipeline.name, requester: tester }).catch((error: unknown) => {
      if (!(error instanceof NothingToStop)) throw error;
    });
  }
}

// --- questions about builds ---

describe('is my build done', () => {
  test('while prod trains: training, the time so far and the estimate; "yes" gives the details', async () => {
    const name = await startBuild('prod', LONG);
    await waitForBuild('prod', name, training);
    const { say } = talk();

    const turn = await say('ask sage build is my build done');
    expect(intentOf(turn)).toBe('BuildStatusIntent');
    expect(turn.speech).toMatch(
      /^Not yet\. Your prod build has been training the model for (a few seconds|\d+ seconds|.*minutes?)\. Based on the last \d+ builds it should be done .+\. Want the details\?$/,
    );
    expect(turn.ended).toBe(false);
    expect(turn.reprompt).toBe('Want the details?');

    const details = await say('yes');
    expect(intentOf(details)).toBe('AMAZON.YesIntent');
    expect(details.speech).toMatch(/^Tess Ter's prod build from .+ training the model/);
    expect(details.speech).not.toContain(name);
    expect(details.speech).toContain('The training job');
    expect(details.ended).toBe(true);
  });

  test('after prod finished; "no" ends politely', async () => {
    const name = await startBuild('prod');
    await waitForBuild('prod', name, (fact) => fact.status === 'SUCCEEDED');
    const { say } = talk();

    const turn = await say('ask sage build is my prod build done');
    expect(turn.speech).toMatch(
      /^Yes\. Your prod build finished (just now|.+ ago), after .+\. Want the details\?$/,
    );
    const no = await say('no');
    expect(no.speech).toBe('Okay. Goodbye.');
    expect(no.ended).toBe(true);
  });

  test('after dev failed it gives the reason, and "why did my build fail" explains', async () => {
    const name = await startBuild('dev', FAILING);
    await waitForBuild('dev', name, (fact) => fact.status === 'FAILED');
    const { say } = talk();

    const turn = await say('ask sage build is my dev build done');
    expect(turn.speech).toMatch(/^No\. Your dev build failed .+ while training the model\. The reason: .+/);

    const why = await say('ask sage build why did my dev build fail');
    expect(intentOf(why)).toBe('WhyFailedIntent');
    expect(why.speech).toMatch(/^Your dev build failed .+ while training the model\. SageMaker said: .+/);
    expect(why.ended).toBe(true);
  });

  test('"how long until my build is done" gives the estimate for the running build', async () => {
    const name = await startBuild('dev', LONG);
    await waitForBuild('dev', name, training);
    // No pipeline named: dev is the only one with a running build, so "my build" is dev's.
    const turn = await talk().say('ask sage build how long until my build is done');
    expect(intentOf(turn)).toBe('TimeLeftIntent');
    expect(turn.speech).toMatch(/^Based on the last \d+ builds your dev build should be done .+\.$/);
    expect(turn.ended).toBe(true);
  });
});

test('"is my endpoint up" and "how did the last build go" answer with the core sentences', async () => {
  const { say } = talk();
  const endpoint = await say('ask sage build is my endpoint up');
  expect(intentOf(endpoint)).toBe('EndpointStatusIntent');
  expect(endpoint.speech).toBe(liveModel(await stack.core.endpoint('prod'), new Date(), true));
  expect(endpoint.ended).toBe(true);

  const last = await say('ask sage build how did the last build go');
  expect(intentOf(last)).toBe('LastBuildsIntent');
  expect(last.speech).toMatch(/^The last 3 prod builds: .+ from .+ (succeeded|failed|was stopped|is .+)\.$/);
  expect(last.ended).toBe(true);
});

// --- launch, help, fallback, leaving ---

test('opening the skill greets with the latest build and asks what to do', async () => {
  const turn = await talk().say('open sage build');
  expect(intentOf(turn)).toBe('LaunchRequest');
  const latest = buildList(await stack.core.list('prod', 1), new Date());
  expect(latest).toMatch(/^The last prod build started .+\.$/);
  expect(turn.speech).toBe(`Welcome to SageBuild. ${latest} What would you like to do?`);
  expect(turn.ended).toBe(false);
  expect(turn.reprompt).toBe('What would you like to do?');
});

test('help and fallback say what can be asked and keep listening', async () => {
  const { say } = talk();
  const help = await say('ask sage build for help');
  expect(intentOf(help)).toBe('AMAZON.HelpIntent');
  expect(help.speech).toMatch(
    /^You can ask: is my build done, .+ Your pipelines are prod and dev\. What would/,
  );
  expect(help.ended).toBe(false);

  const fallback = await say('what is the weather in paris');
  expect(intentOf(fallback)).toBe('AMAZON.FallbackIntent');
  expect(fallback.speech).toMatch(/^Sorry, SageBuild can't help with that\. You can ask: /);
  expect(fallback.ended).toBe(false);
  expect(fallback.reprompt).toBe('What would you like to do?');
});

test.each(['stop', 'cancel'])('"%s" leaves the skill and never stops the running build', async (word) => {
  const name = await startBuild('prod', LONG);
  await waitForBuild('prod', name, training);
  const { say } = talk();
  const greeting = await say('open sage build');
  expect(greeting.speech).toContain(`The last prod build started just now and is still running.`);
  const calls = stack.local.callCount;

  const turn = await say(word);
  expect(intentOf(turn)).toBe(word === 'stop' ? 'AMAZON.StopIntent' : 'AMAZON.CancelIntent');
  expect(turn.speech).toBe('Goodbye.');
  expect(turn.ended).toBe(true);
  expect(stack.local.callsSince(calls)).toEqual([]);
  expect((await stack.core.status('prod')).status).toBe('RUNNING');
});

test('SessionEndedRequest gets an empty response', async () => {
  const { say, alexa } = talk();
  await say('open sage build');
  const ended = await alexa.end('EXCEEDED_MAX_REPROMPTS');
  expect(ended?.response.response.outputSpeech).toBeUndefined();
  expect(ended?.ended).toBe(true);
});

// --- start and stop ---

describe('start', () => {
  test('confirmed: asks, then starts one build; a retry of the confirmed request starts no second one', async () => {
    const before = await buildCount('dev');
    const skill = createSkill({ core: stack.core, skillId: LOCAL_SKILL_ID });
    const alexa = new AlexaSimulator({
      model: modelFor(stack.core.config),
      invoke: (event) => skill.invoke(event),
      skillId: LOCAL_SKILL_ID,
      userId: USER,
    });

    const ask = await alexa.say('ask sage build to start a new dev build');
    expect(intentOf(ask)).toBe('StartBuildIntent');
    expect(ask.speech).toBe('Start a new dev build?');
    expect(directiveTypes(ask)).toEqual(['Dialog.ConfirmIntent']);
    expect(ask.ended).toBe(false);
    expect(await buildCount('dev')).toBe(before);

    const yes = await alexa.say('yes');
    expect(yes.speech).toBe('Started a new dev build.');
    expect(yes.ended).toBe(true);
    expect(await buildCount('dev')).toBe(before + 1);
    const running = await stack.core.status('dev');
    expect(running.startedBy?.id).toBe(`alexa:${USER}`);

    // Alexa retries a request it got no answer to with the same request id.
    const retried = await skill.invoke(yes.request);
    expect(retried.response.outputSpeech).toMatchObject({
      ssml: expect.stringContaining(`That dev build was already started`),
    });
    expect(await buildCount('dev')).toBe(before + 1);
  });

  test('denied: says so and starts nothing', async () => {
    const before = await buildCount('prod');
    const { say } = talk();
    await say('ask sage build to start a prod build');
    const no = await say('no');
    expect(no.speech).toBe("Okay, I didn't start anything.");
    expect(no.ended).toBe(true);
    expect(await buildCount('prod')).toBe(before);
  });

  test('"cancel" instead of an answer: leaves, says nothing was started', async () => {
    const before = await buildCount('dev');
    const { say } = talk();
    await say('ask sage build to start a dev build');
    const cancel = await say('cancel');
    expect(intentOf(cancel)).toBe('AMAZON.CancelIntent');
    expect(cancel.speech).toBe("Okay, I didn't start anything. Goodbye.");
    expect(cancel.ended).toBe(true);
    expect(await buildCount('dev')).toBe(before);
  });

  test('not allowed: a clear refusal, no question, no AWS call, nothing started', async () => {
    const core = coreWith({ defaultPipeline: 'prod', start: ['alexa:amzn1.ask.account.SOMEONE-ELSE'] });
    const before = await buildCount('dev');
    const calls = stack.local.callCount;
    const turn = await talk(core).say('ask sage build to start a dev build');
    expect(turn.speech).toBe("Sorry, you're not allowed to start dev builds. Nothing was changed.");
    expect(turn.directives).toEqual([]);
    expect(turn.ended).toBe(true);
    expect(stack.local.callsSince(calls)).toEqual([]);
    expect(await buildCount('dev')).toBe(before);
  });

  test('allowed by voice profile: a person id in access.start gets the question', async () => {
    const core = coreWith({ start: ['alexa-person:amzn1.ask.person.ANA'] });
    const ana = await talk(core, { personId: 'amzn1.ask.person.ANA' }).say(
      'ask sage build to start a dev build',
    );
    expect(ana.speech).toBe('Start a new dev build?');
    const other = await talk(core, { personId: 'amzn1.ask.person.BEN' }).say(
      'ask sage build to start a dev build',
    );
    expect(other.speech).toBe("Sorry, you're not allowed to start dev builds. Nothing was changed.");
  });
});

describe('start: what is true now, and answers that are not yes or no', () => {
  const RE_ASK = 'Start a new dev build? Please say yes or no.';

  test('a build already running: said at once, with who and when; no question, nothing started', async () => {
    const name = await startBuild('dev', LONG);
    await waitForBuild('dev', name, training);
    const before = await buildCount('dev');
    const turn = await talk().say('ask sage build to start a new dev build');
    expect(intentOf(turn)).toBe('StartBuildIntent');
    expect(turn.speech).toBe(
      "Your dev build Tess Ter started just now is still training the model, so I didn't start another one. " +
        'You can ask how long is left, or say stop my build.',
    );
    expect(turn.directives).toEqual([]);
    expect(turn.ended).toBe(true);
    expect(turn.response.sessionAttributes ?? {}).toEqual({});
    expect(await buildCount('dev')).toBe(before);
  });

  test('the question is said again to silence, with what to answer', async () => {
    const ask = await talk().say('ask sage build to start a new dev build');
    expect(ask.speech).toBe('Start a new dev build?');
    expect(ask.reprompt).toBe(RE_ASK);
  });

  test('"maybe" asks once more, keeping the question; "yes" then starts one build', async () => {
    const before = await buildCount('dev');
    const { say } = talk();
    await say('ask sage build to start a new dev build');

    const maybe = await say('maybe');
    expect(intentOf(maybe)).toBe('UnsureIntent');
    expect(maybe.speech).toBe(RE_ASK);
    expect(maybe.reprompt).toBe(RE_ASK);
    expect(directiveTypes(maybe)).toEqual(['Dialog.ConfirmIntent']);
    expect(maybe.ended).toBe(false);
    expect(maybe.response.sessionAttributes?.pending).toMatchObject({
      action: 'start',
      pipeline: 'dev',
      reasked: true,
    });
    expect(await buildCount('dev')).toBe(before);

    const yes = await say('yes');
    expect(intentOf(yes)).toBe('StartBuildIntent');
    expect(yes.request.request).toMatchObject({ intent: { confirmationStatus: 'CONFIRMED' } });
    expect(yes.speech).toBe('Started a new dev build.');
    expect(await buildCount('dev')).toBe(before + 1);
  });

  test('two unclear answers ("I don\'t know", then anything Fallback hears) drop it politely', async () => {
    const before = await buildCount('dev');
    const { say } = talk();
    await say('ask sage build to start a new dev build');
    const first = await say("I don't know");
    expect(first.speech).toBe(RE_ASK);

    const second = await say('what is the weather in paris');
    expect(intentOf(second)).toBe('AMAZON.FallbackIntent');
    expect(second.speech).toBe(
      "I'll leave it there, so I didn't start anything. Just ask again when you're ready.",
    );
    expect(second.directives).toEqual([]);
    expect(second.ended).toBe(true);
    expect(await buildCount('dev')).toBe(before);
  });

  test.each(['EXCEEDED_MAX_REPROMPTS', 'USER_INITIATED', 'ERROR'] as const)(
    'the session ends (%s) during the question: no speech, nothing started',
    async (reason) => {
      const before = await buildCount('dev');
      const { say, alexa } = talk();
      await say('ask sage build to start a new dev build');
      const ended = await alexa.end(reason);
      expect(ended?.request.request).toMatchObject({ type: 'SessionEndedRequest', reason });
      expect(ended?.response.response).toEqual({});
      expect(alexa.inSession).toBe(false);
      expect(await buildCount('dev')).toBe(before);
    },
  );

  test('"exit" during the question: Alexa ends the session, nothing started', async () => {
    const before = await buildCount('dev');
    const { say, alexa } = talk();
    await say('ask sage build to start a new dev build');
    const exit = await alexa.say('exit');
    expect(exit.request.request).toMatchObject({ type: 'SessionEndedRequest', reason: 'USER_INITIATED' });
    expect(exit.response.response.outputSpeech).toBeUndefined();
    expect(await buildCount('dev')).toBe(before);
  });

  test('"thank you" gets a short "You\'re welcome." and ends; during a question, nothing is started', async () => {
    const { say } = talk();
    await say('open sage build');
    const thanks = await say('thank you');
    expect(intentOf(thanks)).toBe('ThanksIntent');
    expect(thanks.speech).toBe("You're welcome.");
    expect(thanks.ended).toBe(true);

    const before = await buildCount('dev');
    await say('ask sage build to start a new dev build');
    const during = await say('thanks');
    expect(during.speech).toBe("You're welcome. Okay, I didn't start anything.");
    expect(during.ended).toBe(true);
    expect(await buildCount('dev')).toBe(before);
  });

  test('"maybe" with no question open: the fallback and what can be asked', async () => {
    const { say } = talk();
    await say('open sage build');
    const maybe = await say('maybe');
    expect(maybe.speech).toMatch(/^Sorry, SageBuild can't help with that\. You can ask: /);
    expect(maybe.ended).toBe(false);
  });
});

describe('stop', () => {
  test('confirmed: names the build and how long it has run, then stops it', async () => {
    const name = await startBuild('dev', LONG);
    const fact = await waitForBuild('dev', name, training);
    const { say } = talk();

    const ask = await say('ask sage build to stop my dev build');
    expect(intentOf(ask)).toBe('StopBuildIntent');
    expect(ask.speech).toMatch(
      /^Stop Tess Ter's dev build from .+, which has been training the model for .+\?$/,
    );
    expect(directiveTypes(ask)).toEqual(['Dialog.ConfirmIntent']);
    expect(fact.status).toBe('RUNNING');

    const yes = await say('yes');
    expect(yes.speech).toBe('Stopped the dev build.');
    expect(yes.ended).toBe(true);
    expect((await stack.core.status('dev')).status).toBe('ABORTED');
  });

  test('"hmm" asks again, naming the same build; "yes" stops it', async () => {
    const name = await startBuild('dev', LONG);
    await waitForBuild('dev', name, training);
    const { say } = talk();
    const ask = await say('ask sage build to stop my dev build');
    const hmm = await say('hmm');
    expect(intentOf(hmm)).toBe('UnsureIntent');
    expect(hmm.speech).toBe(`${ask.speech} Please say yes or no.`);
    expect(directiveTypes(hmm)).toEqual(['Dialog.ConfirmIntent']);
    const yes = await say('yes');
    expect(yes.speech).toBe('Stopped the dev build.');
    expect((await stack.core.status('dev')).status).toBe('ABORTED');
  });

  test('denied: the build keeps running', async () => {
    const name = await startBuild('prod', LONG);
    await waitForBuild('prod', name, training);
    const { say } = talk();
    await say('ask sage build to stop the prod build');
    const no = await say('no');
    expect(no.speech).toBe("Okay, I didn't stop anything.");
    expect(no.ended).toBe(true);
    expect((await stack.core.status('prod')).status).toBe('RUNNING');
  });

  test('nothing running: says so without asking', async () => {
    const turn = await talk().say('ask sage build to stop my dev build');
    expect(turn.speech).toBe("No dev build is running, so there's nothing to stop.");
    expect(turn.directives).toEqual([]);
    expect(turn.ended).toBe(true);
  });
});

// --- which pipeline ---

describe('several pipelines and no default', () => {
  test('nothing running and no pipeline named: asks which, and "prod" answers for prod', async () => {
    const { say } = talk(coreWith({}));
    const ask = await say('ask sage build is my build done');
    expect(ask.speech).toBe('Which pipeline: prod or dev?');
    expect(directiveTypes(ask)).toEqual(['Dialog.ElicitSlot']);
    expect(ask.ended).toBe(false);
    expect(ask.reprompt).toBe('Which pipeline: prod or dev?');

    const prod = await say('prod');
    expect(intentOf(prod)).toBe('BuildStatusIntent');
    expect(prod.speech).toMatch(/Your prod build .+ Want the details\?$/);
    const details = await say('yes');
    expect(details.speech).toMatch(/^.+ prod build from .+ ago /);
    expect(details.ended).toBe(true);
  });

  test('one build running: answers for its pipeline without asking', async () => {
    const name = await startBuild('dev', LONG);
    await waitForBuild('dev', name, training);
    const turn = await talk(coreWith({})).say('ask sage build is my build done');
    expect(turn.speech).toMatch(/^Not yet\. Your dev build has been training the model/);
  });

  test('builds running on two pipelines: asks which, even with a default pipeline', async () => {
    const dev = await startBuild('dev', LONG);
    const prod = await startBuild('prod', LONG);
    await waitForBuild('dev', dev, training);
    await waitForBuild('prod', prod, training);
    const { say } = talk(coreWith({ defaultPipeline: 'prod' }));
    const turn = await say('ask sage build is my build done');
    expect(turn.speech).toBe('Which pipeline: prod or dev?');
    expect(directiveTypes(turn)).toEqual(['Dialog.ElicitSlot']);
    const answer = await say('dev');
    expect(answer.speech).toMatch(/^Not yet\. Your dev build /);
  });

  test('a pipeline the core does not know: names the known ones and asks again', async () => {
    const { say } = talk(coreWith({}));
    const turn = await say('ask sage build is my banana build done');
    expect(turn.speech).toBe(
      "I don't know a pipeline called banana. The pipelines are prod and dev. Which one do you mean?",
    );
    expect(directiveTypes(turn)).toEqual(['Dialog.ElicitSlot']);
    const dev = await say('the dev one');
    expect(dev.speech).toMatch(/Your dev build /);
  });
});

// --- the skill's guard rails ---

test('a request for another skill is rejected before any handler runs', async () => {
  const calls = stack.local.callCount;
  const { alexa } = talk(stack.core, { skillId: 'amzn1.ask.skill.SOMEONE-ELSES' });
  await expect(alexa.say('ask sage build is my build done')).rejects.toThrow(/ID verification failed/);
  expect(stack.local.callCount).toBe(calls);
});

describe('AWS 10 s slow', () => {
  test("the core's budget runs out first: its sentence, within 8 s, after a progressive response", async () => {
    stack.local.faults.set({ latencyMs: 10_000 });
    const turn = await talk().say('ask sage build is my build done');
    expect(turn.elapsedMs).toBeLessThan(8000);
    expect(turn.speech).toBe('AWS Step Functions is slow to answer right now. Please try again in a minute.');
    expect(turn.ended).toBe(true);
    expect(progressiveFor(turn)).toEqual(['<speak>Checking your build...</speak>']);
  });

  test('AWS 3 s a call: still says the build is running and when it started, and what it could not get', async () => {
    const name = await startBuild('dev', LONG);
    await waitForBuild('dev', name, training);
    stack.local.faults.set({ latencyMs: 3000 });
    const turn = await talk(coreWith({ defaultPipeline: 'dev' })).say('ask sage build is my build done');
    expect(turn.speech).toMatch(
      /^Not yet\. Your dev build .* I couldn't get .+ from AWS in time\. Want the details\?$/,
    );
    expect(progressiveFor(turn)).toEqual(['<speak>Checking your build...</speak>']);
  });

  test("a core budget that outlasts the skill's deadline is refused when the skill is built", () => {
    // Otherwise a start could go through after the skill had already answered that it couldn't tell.
    const core = coreWith({
      defaultPipeline: 'prod',
      aws: { budgetMs: 10_000, timeoutMs: 7_000, maxAttempts: 1 },
    });
    try {
      expect(() => createSkill({ core, skillId: LOCAL_SKILL_ID })).toThrow(/aws\.budgetMs/);
    } finally {
      core.close();
    }
  });
});

function progressiveFor(turn: Turn): string[] {
  const id = turn.request.request.requestId;
  return api.directives.filter((d) => d.requestId === id).map((d) => d.speech);
}

// --- units: speech, budget, cold start ---

describe('speech', () => {
  test('a running build, said before any start question: with who started it, or without', () => {
    const now = new Date('2026-12-04T20:50:00Z');
    const fact = {
      pipeline: 'dev',
      name: 'dev-0123456789ab',
      executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:dev:dev-0123456789ab',
      status: 'RUNNING',
      startedAt: new Date('2026-12-04T20:40:00Z'),
      elapsedMs: 600_000,
    } as BuildStatusFact;
    expect(stillRunning({ ...fact, startedBy: { id: 'slack:U1', displayName: 'Ana' } }, now)).toBe(
      "Your dev build Ana started 10 minutes ago is still running, so I didn't start another one. " +
        'You can ask how long is left, or say stop my build.',
    );
    expect(stillRunning(fact, now)).toBe(
      "Your dev build started 10 minutes ago and is still running, so I didn't start another one. " +
        'You can ask how long is left, or say stop my build.',
    );
  });

  test('names from AWS are escaped for SSML', () => {
    expect(ssml('R&D <beta> "x"')).toBe('R&amp;D &lt;beta&gt; &quot;x&quot;');
    const fact: BuildStatusFact = {
      pipeline: 'r&d',
      executionArn: 'arn',
      name: 'r&d-<nightly>',
      status: 'RUNNING',
      startedAt: new Date(Date.now() - 12 * 60_000),
      elapsedMs: 12 * 60_000,
      currentStep: { name: 'Train model', label: 'training the model', state: 'running' },
    };
    const response = answer(ResponseFactory.init(), stopQuestion(fact));
    expect(response.outputSpeech).toEqual({
      type: 'SSML',
      ssml: '<speak>Stop the r&amp;d build r&amp;d-&lt;nightly&gt;, which has been training the model for 12 minutes?</speak>',
    });
    expect(response.shouldEndSession).toBe(true);
  });
});

describe('budget', () => {
  test('sends the progressive response once the work is slow, and gives up at the deadline', async () => {
    const sent: number[] = [];
    const started = Date.now();
    const budget = new Budget({
      progressiveAfterMs: 50,
      deadlineMs: 200,
      sendProgressive: async () => void sent.push(Date.now() - started),
    });
    await expect(
      budget.run(() => new Promise((resolve) => setTimeout(resolve, 1000))),
    ).rejects.toBeInstanceOf(SkillDeadline);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeGreaterThanOrEqual(45);
    // The deadline is per request: a later call has no time left.
    await expect(budget.run(async () => 1)).rejects.toBeInstanceOf(SkillDeadline);
  });

  test("every core call of a request gets only the time left before the skill's deadline, less a margin", async () => {
    const budget = new Budget({
      progressiveAfterMs: 5000,
      deadlineMs: 6500,
      sendProgressive: async () => {},
    });
    const first = await budget.run(async () => awsBudgetMs(6000));
    expect(first).toBe(6000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await budget.run(async () => awsBudgetMs(60_000));
    expect(second).toBeLessThanOrEqual(6500 - CORE_MARGIN_MS - 300);
    // Outside a request the core's own budget stands.
    expect(awsBudgetMs(6000)).toBe(6000);
  });

  test('fast work sends nothing', async () => {
    let sent = 0;
    const budget = new Budget({
      progressiveAfterMs: 50,
      deadlineMs: 200,
      sendProgressive: async () => void sent++,
    });
    await expect(budget.run(async () => 'answer')).resolves.toBe('answer');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(sent).toBe(0);
  });
});

describe('cold start', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sagebuild-skill-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function configFile(config: object): string {
    const path = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify(config));
    return path;
  }

  const pipelines = [
    { name: 'prod', stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:p' },
  ];

  test('no config: a ConfigError, never a local fallback', () => {
    expect(() => skillFromConfig({})).toThrow(ConfigError);
  });

  test('a config without an alexa section: a ConfigError naming it', () => {
    const path = configFile({ pipelines });
    expect(() => skillFromConfig({ SAGEBUILD_CONFIG: path })).toThrow(/no "alexa" section/);
  });

  test('the Lambda handler is async with two arguments, and checks the skill ID', async () => {
    const path = configFile({ alexa: { skillId: 'amzn1.ask.skill.deployed' }, pipelines });
    const previous = process.env.SAGEBUILD_CONFIG;
    process.env.SAGEBUILD_CONFIG = path;
    let lambda: typeof import('../skill/lambda') | undefined;
    try {
      jest.isolateModules(() => {
        lambda = jest.requireActual<typeof import('../skill/lambda')>('../skill/lambda');
      });
    } finally {
      if (previous === undefined) delete process.env.SAGEBUILD_CONFIG;
      else process.env.SAGEBUILD_CONFIG = previous;
    }
    const handler = lambda?.handler;
    if (!handler) throw new Error('skill/lambda exports no handler');
    expect(handler).toHaveLength(2);

    const [mine, theirs] = await Promise.all([
      envelopeFor('amzn1.ask.skill.deployed', 'ask sage build for help'),
      envelopeFor('amzn1.ask.skill.other', 'ask sage build for help'),
    ]);
    // The handler logs to stdout, as on Lambda: keep its lines in the test and read them.
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const answered = await handler(mine, {});
      expect(answered.response.shouldEndSession).toBe(false);
      await expect(handler(theirs, {})).rejects.toThrow(/ID verification failed/);
    } finally {
      write.mockRestore();
    }
    const refused = lines.map((line) => JSON.parse(line) as Record<string, unknown>).at(-1);
    expect(refused).toMatchObject({ level: 'ERROR', front: 'skill', error: { name: 'RequestRefused' } });
    expect(lines.join('')).not.toContain('ask sage build for help');
  });
});

/** The envelope Alexa would send for an utterance to the given skill. */
async function envelopeFor(skillId: string, utterance: string): Promise<RequestEnvelope> {
  let captured: RequestEnvelope | undefined;
  const capture = new AlexaSimulator({
    model: modelFor(stack.core.config),
    invoke: async (event) => {
      captured = event;
      throw new Error('captured');
    },
    skillId,
    userId: USER,
  });
  await capture.say(utterance).catch(() => undefined);
  if (!captured) throw new Error('no envelope');
  return captured;
}
