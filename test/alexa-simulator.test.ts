// The local Alexa stand-in, against a fake skill that only echoes what it got: envelope shapes, sessions,
// invocation phrases, dialog directives (ConfirmIntent, ElicitSlot), session ends, and the fake Alexa API that
// records progressive responses sent by ask-sdk-core's real directive client.

import { DefaultApiClient, SkillBuilders } from 'ask-sdk-core';
import {
  services,
  type IntentRequest,
  type RequestEnvelope,
  type Response,
  type ResponseEnvelope,
} from 'ask-sdk-model';
import { parseConfig } from '../core/config/load';
import { modelFor } from '../interaction-models/build-model';
import { resolutionAuthority, slot } from '../local/alexa/envelope';
import { startFakeAlexaApi, type FakeAlexaApi } from '../local/alexa/fake-api';
import { AlexaSimulator, type AlexaSimulatorOptions } from '../local/alexa/simulator';

const SKILL_ID = 'amzn1.ask.skill.simulator-test';
const USER_ID = 'amzn1.ask.account.TESTER';
const arn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:sagebuild-${name}`;
const config = parseConfig(
  {
    defaultPipeline: 'prod',
    alexa: { skillId: SKILL_ID },
    pipelines: [
      { name: 'prod', aliases: ['production', 'live'], stateMachineArn: arn('prod') },
      { name: 'dev', aliases: ['development'], stateMachineArn: arn('dev') },
    ],
  },
  'the simulator test',
);
const model = modelFor(config);
const AUTHORITY = resolutionAuthority(SKILL_ID, 'PIPELINE_NAME');

type Extra = Partial<Response> & { sessionAttributes?: Record<string, unknown> };

/**
 * A skill that knows nothing: it says back the request type, intent and confirmation, ends the session unless
 * told otherwise, and adds whatever the test put in `next` (directives, reprompts, attributes) to one answer.
 */
class EchoSkill {
  readonly received: RequestEnvelope[] = [];
  next: Extra = {};
  delayMs = 0;

  readonly invoke = async (event: RequestEnvelope): Promise<ResponseEnvelope> => {
    this.received.push(event);
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const request = event.request;
    const said =
      request.type === 'IntentRequest'
        ? `${request.intent.name} ${request.intent.confirmationStatus}`
        : request.type;
    const { sessionAttributes, ...extra } = this.next;
    this.next = {};
    return {
      version: '1.0',
      ...(sessionAttributes ? { sessionAttributes } : {}),
      response: {
        outputSpeech: { type: 'SSML', ssml: `<speak>${said}</speak>` },
        shouldEndSession: true,
        ...extra,
      },
    };
  };

  get last(): RequestEnvelope {
    const event = this.received[this.received.length - 1];
    if (!event) throw new Error('the skill got no request');
    return event;
  }

  get lastIntent(): IntentRequest {
    const request = this.last.request;
    if (request.type !== 'IntentRequest') throw new Error(`expected an IntentRequest, got ${request.type}`);
    return request;
  }
}

let skill: EchoSkill;
function simulator(options: Partial<AlexaSimulatorOptions> = {}): AlexaSimulator {
  return new AlexaSimulator({ model, invoke: skill.invoke, skillId: SKILL_ID, userId: USER_ID, ...options });
}
beforeEach(() => {
  skill = new EchoSkill();
});

const keepListening: Extra = {
  reprompt: { outputSpeech: { type: 'PlainText', text: 'What now?' } },
  shouldEndSession: false,
};

describe('envelopes', () => {
  test('a one-shot question is a real IntentRequest in a new session, with the context Alexa sends', async () => {
    const alexa = simulator({ personId: 'amzn1.ask.person.TESS', apiEndpoint: 'http://127.0.0.1:9' });
    const turn = await alexa.say('is my build done');
    const event = turn.request;
    expect(event).toEqual({
      version: '1.0',
      session: {
        new: true,
        sessionId: expect.stringMatching(/^amzn1\.echo-api\.session\.[0-9a-f-]{36}$/),
        application: { applicationId: SKILL_ID },
        attributes: {},
        user: { userId: USER_ID },
      },
      context: {
        System: {
          application: { applicationId: SKILL_ID },
          user: { userId: USER_ID },
          person: { personId: 'amzn1.ask.person.TESS' },
          device: { deviceId: expect.stringMatching(/^amzn1\.ask\.device\./), supportedInterfaces: {} },
          apiEndpoint: 'http://127.0.0.1:9',
          apiAccessToken: expect.any(String),
        },
      },
      request: {
        type: 'IntentRequest',
        requestId: expect.stringMatching(/^amzn1\.echo-api\.request\.[0-9a-f-]{36}$/),
        timestamp: expect.any(String),
        locale: 'en-US',
        dialogState: 'STARTED',
        intent: {
          name: 'BuildStatusIntent',
          confirmationStatus: 'NONE',
          // Alexa sends every slot the intent declares, filled or not.
          slots: { pipeline: { name: 'pipeline', confirmationStatus: 'NONE' } },
        },
      },
    });
    const request = event.request as IntentRequest;
    expect(new Date(request.timestamp).toISOString()).toBe(request.timestamp);
    expect(skill.received).toEqual([event]);
    expect(turn).toMatchObject({ speech: 'BuildStatusIntent NONE', ended: true, timedOut: false });
  });

  test('without a recognised voice there is no person; the locale is the one given', async () => {
    const turn = await simulator({ locale: 'en-GB' }).say('is my build done');
    expect(turn.request.context.System.person).toBeUndefined();
    expect(turn.request.request.locale).toBe('en-GB');
  });

  test('a pipeline slot carries the words heard and entity resolution to the configured pipeline', async () => {
    const alexa = simulator();
    await alexa.say('is my production build done');
    expect(skill.lastIntent.intent.slots?.pipeline).toEqual({
      name: 'pipeline',
      value: 'production',
      confirmationStatus: 'NONE',
      resolutions: {
        resolutionsPerAuthority: [
          {
            authority: AUTHORITY,
            status: { code: 'ER_SUCCESS_MATCH' },
            values: [{ value: { name: 'prod', id: expect.any(String) } }],
          },
        ],
      },
      slotValue: { type: 'Simple', value: 'production', resolutions: expect.any(Object) },
    });
  });

  test.each(['please tell me why my build failed', 'is my build done mate', 'what is the weather'])(
    'words no sample says reach the skill as AMAZON.FallbackIntent, as from Alexa: "%s"',
    async (utterance) => {
      await simulator().say(utterance);
      expect(skill.lastIntent.intent).toEqual({ name: 'AMAZON.FallbackIntent', confirmationStatus: 'NONE' });
    },
  );

  test('words that name no value resolve to ER_SUCCESS_NO_MATCH; built-in slot types get no resolutions', () => {
    expect(slot('pipeline', { value: 'banana' }, SKILL_ID, 'PIPELINE_NAME').resolutions).toEqual({
      resolutionsPerAuthority: [
        { authority: AUTHORITY, status: { code: 'ER_SUCCESS_NO_MATCH' }, values: [] },
      ],
    });
    expect(slot('when', { value: 'today' }, SKILL_ID, 'AMAZON.DATE').resolutions).toBeUndefined();
  });

  test('the output speech is read as text: tags dropped, pauses as spaces, entities unescaped', async () => {
    skill.next = {
      outputSpeech: {
        type: 'SSML',
        ssml: '<speak>Your <emphasis level="strong">prod</emphasis> build &amp; R&amp;D &lt;3<break time="1s"/>done.</speak>',
      },
    };
    const turn = await simulator().say('is my build done');
    expect(turn.speech).toBe('Your prod build & R&D <3 done.');
  });
});

describe('invocation and sessions', () => {
  test('"open sage build" launches; the session and its attributes carry over while the skill listens', async () => {
    const alexa = simulator();
    skill.next = { ...keepListening, sessionAttributes: { asked: 'launch' } };
    const launch = await alexa.say('Alexa, open sage build');
    expect(launch.request.request.type).toBe('LaunchRequest');
    expect(launch.request.session?.new).toBe(true);
    expect(launch).toMatchObject({ speech: 'LaunchRequest', reprompt: 'What now?', ended: false });
    expect(alexa.inSession).toBe(true);

    const next = await alexa.say('is my dev build done');
    expect(next.request.session).toMatchObject({
      new: false,
      sessionId: launch.request.session?.sessionId,
      attributes: { asked: 'launch' },
    });
    expect(skill.lastIntent.intent.name).toBe('BuildStatusIntent');
    expect(next.ended).toBe(true);
    expect(alexa.inSession).toBe(false);

    const after = await alexa.say('is my build done');
    expect(after.request.session).toMatchObject({ new: true, attributes: {} });
    expect(after.request.session?.sessionId).not.toBe(launch.request.session?.sessionId);
  });

  test.each([
    'ask sage build is my build done',
    'ask sage build to start a dev build',
    'tell sage build to stop my build',
  ])('"%s" starts a new session with the rest, even while another is open', async (utterance) => {
    const alexa = simulator();
    skill.next = keepListening;
    const first = await alexa.say('launch sage build');
    const turn = await alexa.say(utterance);
    expect(turn.request.session?.new).toBe(true);
    expect(turn.request.session?.sessionId).not.toBe(first.request.session?.sessionId);
    expect(turn.request.request.type).toBe('IntentRequest');
    expect(skill.lastIntent.intent.name).toMatch(/^(BuildStatus|StartBuild|StopBuild)Intent$/);
  });

  test('a response that neither ends the session nor reprompts closes it (documented choice)', async () => {
    const alexa = simulator();
    skill.next = { shouldEndSession: undefined };
    expect((await alexa.say('is my build done')).ended).toBe(true);
    skill.next = { shouldEndSession: undefined, reprompt: keepListening.reprompt };
    expect((await alexa.say('is my build done')).ended).toBe(false);
  });

  test('"stop" in a session goes to the skill as AMAZON.StopIntent, in that session', async () => {
    const alexa = simulator();
    skill.next = keepListening;
    const launch = await alexa.say('open sage build');
    const stop = await alexa.say('stop');
    expect(skill.lastIntent.intent.name).toBe('AMAZON.StopIntent');
    expect(stop.request.session?.sessionId).toBe(launch.request.session?.sessionId);
    expect(stop.ended).toBe(true);
  });

  test('end() and "exit" send SessionEndedRequest with the reason; end() without a session sends nothing', async () => {
    const alexa = simulator();
    expect(await alexa.end()).toBeUndefined();
    skill.next = keepListening;
    await alexa.say('open sage build');
    skill.next = { shouldEndSession: undefined, outputSpeech: undefined };
    const ended = await alexa.end('EXCEEDED_MAX_REPROMPTS');
    expect(ended?.request.request).toMatchObject({
      type: 'SessionEndedRequest',
      reason: 'EXCEEDED_MAX_REPROMPTS',
    });
    expect(ended).toMatchObject({ ended: true, speech: '' });
    expect(alexa.inSession).toBe(false);

    skill.next = keepListening;
    await alexa.say('open sage build');
    const exit = await alexa.say('exit');
    expect(exit.request.request).toMatchObject({ type: 'SessionEndedRequest', reason: 'USER_INITIATED' });
    expect(alexa.inSession).toBe(false);
  });

  test('every answer is timed against Alexa’s limit', async () => {
    skill.delayMs = 60;
    const slow = await simulator({ timeoutMs: 20 }).say('is my build done');
    expect(slow.elapsedMs).toBeGreaterThanOrEqual(50);
    expect(slow.timedOut).toBe(true);
    const fine = await simulator().say('is my build done');
    expect(fine.timedOut).toBe(false);
  });

  test('a skill that throws ends the session, and the error reaches the caller', async () => {
    const alexa = simulator({ invoke: async () => Promise.reject(new Error('boom')) });
    await expect(alexa.say('open sage build')).rejects.toThrow('boom');
    expect(alexa.inSession).toBe(false);
  });
});

describe('dialog directives', () => {
  test('after Dialog.ConfirmIntent, "yes" resends the intent CONFIRMED and "no" DENIED, slots kept', async () => {
    for (const [answer, status] of [
      ['yes', 'CONFIRMED'],
      ['no', 'DENIED'],
    ] as const) {
      const alexa = simulator();
      skill.next = { directives: [{ type: 'Dialog.ConfirmIntent' }], shouldEndSession: false };
      const asked = await alexa.say('start a dev build');
      expect(asked.ended).toBe(false);
      const asking = skill.lastIntent;
      const turn = await alexa.say(answer);
      expect(skill.lastIntent).toMatchObject({
        type: 'IntentRequest',
        dialogState: 'IN_PROGRESS',
        intent: { ...asking.intent, confirmationStatus: status },
      });
      expect(
        skill.lastIntent.intent.slots?.pipeline?.resolutions?.resolutionsPerAuthority?.[0]?.values[0]?.value
          .name,
      ).toBe('dev');
      expect(turn.request.session).toMatchObject({ new: false, sessionId: asked.request.session?.sessionId });
      expect(turn.speech).toBe(`StartBuildIntent ${status}`);
    }
  });

  test('Dialog.ConfirmIntent with an updatedIntent confirms the intent as updated', async () => {
    const alexa = simulator();
    const updatedIntent = {
      name: 'StopBuildIntent',
      confirmationStatus: 'NONE' as const,
      slots: {
        pipeline: slot(
          'pipeline',
          { value: 'prod', resolution: { id: 'prod', name: 'prod' } },
          SKILL_ID,
          'PIPELINE_NAME',
        ),
      },
    };
    skill.next = { directives: [{ type: 'Dialog.ConfirmIntent', updatedIntent }], shouldEndSession: false };
    await alexa.say('stop my build');
    await alexa.say('yes please');
    expect(skill.lastIntent.intent).toEqual({ ...updatedIntent, confirmationStatus: 'CONFIRMED' });
  });

  test('while confirming, anything but yes or no is a new request', async () => {
    const alexa = simulator();
    skill.next = { directives: [{ type: 'Dialog.ConfirmIntent' }], shouldEndSession: false };
    await alexa.say('start a dev build');
    await alexa.say('is my build done');
    expect(skill.lastIntent).toMatchObject({
      dialogState: 'STARTED',
      intent: { name: 'BuildStatusIntent', confirmationStatus: 'NONE' },
    });
  });

  test('after Dialog.ElicitSlot, the answer fills that slot of the same intent', async () => {
    const alexa = simulator();
    skill.next = {
      directives: [{ type: 'Dialog.ElicitSlot', slotToElicit: 'pipeline' }],
      shouldEndSession: false,
    };
    await alexa.say('start a build');
    expect(skill.lastIntent.intent.slots?.pipeline?.value).toBeUndefined();
    const turn = await alexa.say('production');
    expect(skill.lastIntent).toMatchObject({
      dialogState: 'IN_PROGRESS',
      intent: {
        name: 'StartBuildIntent',
        confirmationStatus: 'NONE',
        slots: {
          pipeline: {
            value: 'production',
            resolutions: {
              resolutionsPerAuthority: [{ authority: AUTHORITY, status: { code: 'ER_SUCCESS_MATCH' } }],
            },
          },
        },
      },
    });
    expect(turn.request.session?.new).toBe(false);
  });

  test('after Dialog.ElicitSlot, a sentence that is no slot sample is a new request', async () => {
    const alexa = simulator();
    skill.next = {
      directives: [{ type: 'Dialog.ElicitSlot', slotToElicit: 'pipeline' }],
      shouldEndSession: false,
    };
    await alexa.say('start a build');
    await alexa.say('is my test build done');
    expect(skill.lastIntent).toMatchObject({
      dialogState: 'STARTED',
      intent: { name: 'BuildStatusIntent', slots: { pipeline: { value: 'test' } } },
    });
  });
});

describe('the fake Alexa API', () => {
  let api: FakeAlexaApi;
  beforeEach(async () => {
    api = await startFakeAlexaApi({ token: 'token-1' });
  });
  afterEach(() => api.close());

  const client = (token: string) =>
    new services.directive.DirectiveServiceClient({
      apiClient: new DefaultApiClient(),
      apiEndpoint: api.url,
      authorizationValue: token,
    });
  const speak = (speech: string) => ({
    header: { requestId: 'amzn1.echo-api.request.1' },
    directive: { type: 'VoicePlayer.Speak' as const, speech },
  });

  test("records what ask-sdk-core's DirectiveServiceClient enqueues, and refuses a wrong token", async () => {
    await client('token-1').enqueue(speak('Checking your build...'));
    expect(api.directives).toEqual([
      {
        requestId: 'amzn1.echo-api.request.1',
        speech: 'Checking your build...',
        token: 'token-1',
        receivedAt: expect.any(Date),
      },
    ]);
    await expect(client('other').enqueue(speak('no'))).rejects.toMatchObject({ statusCode: 401 });
    expect(api.directives).toHaveLength(1);
  });

  test('a real ask-sdk-core skill reaches it through the apiEndpoint and token in the envelope', async () => {
    const progressive = SkillBuilders.custom()
      .withSkillId(SKILL_ID)
      .withApiClient(new DefaultApiClient())
      .addRequestHandlers({
        canHandle: () => true,
        handle: async (input) => {
          await input.serviceClientFactory?.getDirectiveServiceClient().enqueue({
            header: { requestId: input.requestEnvelope.request.requestId },
            directive: { type: 'VoicePlayer.Speak', speech: 'Checking your build...' },
          });
          return input.responseBuilder.speak('Done.').withShouldEndSession(true).getResponse();
        },
      })
      .create();
    const alexa = simulator({
      invoke: (event) => progressive.invoke(event),
      apiEndpoint: api.url,
      apiAccessToken: 'token-1',
    });
    const turn = await alexa.say('is my build done');
    expect(turn.speech).toBe('Done.');
    expect(api.directives.map((d) => [d.requestId, d.speech])).toEqual([
      [turn.request.request.requestId, 'Checking your build...'],
    ]);
  });

  test('answers other paths and methods as the API would: 404 and 405', async () => {
    expect((await fetch(`${api.url}/v1/other`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${api.url}/v1/directives`)).status).toBe(405);
    const bad = await fetch(`${api.url}/v1/directives`, {
      method: 'POST',
      headers: { authorization: 'Bearer token-1' },
      body: JSON.stringify({ header: {}, directive: { type: 'VoicePlayer.Speak', speech: 'x' } }),
    });
    expect(bad.status).toBe(400);
  });
});
