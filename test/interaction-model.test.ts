// The voice model and the matcher that reads it. Model checks keep the committed per-locale files equal to the
// one language source and within Alexa's rules; matcher checks give the round-trip guarantee: every sample, with
// every pipeline name in its slot, comes back as its own intent with the right resolution.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { v1 } from 'ask-smapi-model';
import { parseConfig } from '../core/config/load';
import { buildInteractionModel, modelFor, spokenForm } from '../interaction-models/build-model';
import { localPipelineNames, modelFiles, REPO_ROOT } from '../interaction-models/files';
import {
  BUILT_IN_INTENTS,
  BUILT_IN_PHRASES,
  CUSTOM_INTENTS,
  FALLBACK_INTENT,
  INVOCATION_NAME,
  LOCALES,
  PIPELINE_SLOT,
  REPLY_INTENTS,
} from '../interaction-models/language';
import {
  matchSlotValue,
  matchUtterance,
  MAX_UTTERANCE_LENGTH,
  stripInvocation,
} from '../interaction-models/matcher';
import { normalizeSample } from '../interaction-models/normalize';
import { expandPhrasing, expandPhrasings } from '../interaction-models/phrasing';
import { cleanEnv } from './support/env';

// Compiles only if the built model satisfies ask-smapi-model's interaction model type (tsc runs in npm test).
const model: v1.skill.interactionModel.InteractionModelData = buildInteractionModel(localPipelineNames());
const language = model.interactionModel.languageModel;
const customIntents = language.intents.filter((intent) =>
  (CUSTOM_INTENTS as readonly string[]).includes(intent.name),
);
const replyIntents = language.intents.filter((intent) =>
  (REPLY_INTENTS as readonly string[]).includes(intent.name),
);
const slotType = language.types?.find((type) => type.name === PIPELINE_SLOT.type);

/** Every way each pipeline can be said: its value and its synonyms, with the resolution Alexa would give. */
const pipelineForms = (slotType?.values ?? []).flatMap((value) =>
  [value.name.value, ...value.name.synonyms].map((form) => ({ form, id: value.id, name: value.name.value })),
);

/** Our budget for the model (see the limits test). */
const MAX_SAMPLE_CHARS = 100;
const MAX_SAMPLES_PER_INTENT = 1000;
const MAX_SAMPLES = 4000;
const MAX_MODEL_BYTES = 200_000;

const SAMPLE_WORD = "[a-z']+";
const SLOT_REF = '\\{[A-Za-z_]+\\}';
const ALLOWED_SAMPLE = new RegExp(`^(?:${SAMPLE_WORD}|${SLOT_REF})(?: (?:${SAMPLE_WORD}|${SLOT_REF}))*$`);

describe('interaction model', () => {
  test('every locale file exists and equals what the generator writes for the local pipelines', () => {
    const files = modelFiles(localPipelineNames());
    expect(files.map((f) => f.path)).toEqual(
      LOCALES.map((locale) => `skill-package/interactionModels/custom/${locale}.json`),
    );
    for (const file of files) {
      const path = resolve(REPO_ROOT, file.path);
      expect(existsSync(path)).toBe(true);
      expect(readFileSync(path, 'utf8')).toBe(file.text);
      expect(JSON.parse(file.text)).toEqual(model);
    }
  });

  test('generate.ts --check passes for the committed files and fails for another config', () => {
    const script = join(REPO_ROOT, 'interaction-models', 'generate.ts');
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [require.resolve('tsx/cli'), script, '--check'], {
        cwd: REPO_ROOT,
        env: cleanEnv(env),
        encoding: 'utf8',
      });
    expect(run({}).status).toBe(0);

    const dir = mkdtempSync(join(tmpdir(), 'sagebuild-model-'));
    const config = join(dir, 'config.json');
    const arn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:churn';
    writeFileSync(config, JSON.stringify({ pipelines: [{ name: 'churn-prod', stateMachineArn: arn }] }));
    const stale = run({ SAGEBUILD_CONFIG: config });
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain('out of date: skill-package/interactionModels/custom/en-US.json');
  });

  test('the invocation name is "sage build"', () => {
    expect(INVOCATION_NAME).toBe('sage build');
    expect(language.invocationName).toBe('sage build');
  });

  test('has exactly the custom, reply and built-in intents, built-ins with empty samples', () => {
    expect(language.intents.map((i) => i.name).sort()).toEqual(
      [...CUSTOM_INTENTS, ...REPLY_INTENTS, ...BUILT_IN_INTENTS].sort(),
    );
    expect(BUILT_IN_INTENTS).toEqual(
      expect.arrayContaining([
        'AMAZON.HelpIntent',
        'AMAZON.StopIntent',
        'AMAZON.CancelIntent',
        'AMAZON.NavigateHomeIntent',
        'AMAZON.FallbackIntent',
        'AMAZON.YesIntent',
        'AMAZON.NoIntent',
      ]),
    );
    for (const intent of language.intents.filter((i) => i.name.startsWith('AMAZON.'))) {
      expect(intent).toEqual({ name: intent.name, samples: [] });
    }
  });

  test('every custom intent has many samples and the pipeline slot', () => {
    for (const intent of customIntents) {
      expect([intent.name, (intent.samples?.length ?? 0) >= 25]).toEqual([intent.name, true]);
      expect(intent.slots).toEqual([expect.objectContaining({ name: 'pipeline', type: 'PIPELINE_NAME' })]);
    }
  });

  test('no sample repeats, within an intent or across intents, after normalization', () => {
    const owners = new Map<string, string[]>();
    for (const intent of customIntents) {
      for (const sample of intent.samples ?? []) {
        const key = normalizeSample(sample);
        owners.set(key, [...(owners.get(key) ?? []), intent.name]);
      }
    }
    const repeated = [...owners].filter(([, names]) => names.length > 1);
    expect(repeated).toEqual([]);
  });

  test('every {slot} in a sample is defined on its intent, and every slot type is defined', () => {
    const definedTypes = new Set((language.types ?? []).map((type) => type.name));
    for (const intent of customIntents) {
      const slots = new Set((intent.slots ?? []).map((slot) => slot.name));
      const samples = [...(intent.samples ?? []), ...(intent.slots ?? []).flatMap((s) => s.samples ?? [])];
      const used = samples.flatMap((sample) => [...sample.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
      expect(used.filter((name) => name === undefined || !slots.has(name))).toEqual([]);
      for (const slot of intent.slots ?? []) {
        if (!slot.type?.startsWith('AMAZON.')) expect(definedTypes.has(slot.type ?? '')).toBe(true);
        for (const sample of slot.samples ?? []) expect(sample).toContain(`{${slot.name}}`);
      }
    }
    for (const dialogIntent of model.interactionModel.dialog?.intents ?? []) {
      const intent = customIntents.find((i) => i.name === dialogIntent.name);
      expect(intent).toBeDefined();
      expect(dialogIntent.slots?.map((s) => s.name)).toEqual(intent?.slots?.map((s) => s.name));
    }
  });

  test('samples use only lowercase words, apostrophes and slot references, never a slot alone', () => {
    for (const intent of customIntents) {
      const bad = (intent.samples ?? []).filter((s) => !ALLOWED_SAMPLE.test(s) || /^\{\w+\}$/.test(s));
      expect({ intent: intent.name, bad }).toEqual({ intent: intent.name, bad: [] });
      const badSlotSamples = (intent.slots ?? [])
        .flatMap((s) => s.samples ?? [])
        .filter((s) => !ALLOWED_SAMPLE.test(s));
      expect(badSlotSamples).toEqual([]);
    }
  });

  test('stopping a build is always said with the build: "stop" and "cancel" alone leave the skill', () => {
    const stopSamples = customIntents.find((i) => i.name === 'StopBuildIntent')?.samples ?? [];
    expect(stopSamples.filter((s) => !/\b(build|job|pipeline|training)\b/.test(s))).toEqual([]);
    const builtInPhrases = new Set(Object.values(BUILT_IN_PHRASES).flat().map(normalizeSample));
    const taken = customIntents
      .flatMap((i) => i.samples ?? [])
      .filter((s) => builtInPhrases.has(normalizeSample(s)));
    expect(taken).toEqual([]);
  });

  test('within the limits we hold the model to, below what Alexa accepts', () => {
    // Alexa refuses slot values over 140 characters; the rest is our own budget, well inside the model sizes
    // Alexa builds, so a deployment's extra pipelines and aliases have room.
    const samples = customIntents.flatMap((intent) => intent.samples ?? []);
    expect(samples.filter((sample) => sample.length > MAX_SAMPLE_CHARS)).toEqual([]);
    for (const intent of customIntents) {
      expect([intent.name, (intent.samples ?? []).length <= MAX_SAMPLES_PER_INTENT]).toEqual([
        intent.name,
        true,
      ]);
    }
    expect(samples.length).toBeLessThanOrEqual(MAX_SAMPLES);
    expect(Buffer.byteLength(JSON.stringify(model))).toBeLessThanOrEqual(MAX_MODEL_BYTES);
    const names = (slotType?.values ?? []).flatMap((v) => [v.name.value, ...v.name.synonyms]);
    expect(names.filter((name) => name.length > 140)).toEqual([]);
  });

  test('a slot appears at most once in a sample, never next to another slot, always with words', () => {
    for (const intent of customIntents) {
      for (const sample of [
        ...(intent.samples ?? []),
        ...(intent.slots ?? []).flatMap((s) => s.samples ?? []),
      ]) {
        const refs = [...sample.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect([sample, new Set(refs).size]).toEqual([sample, refs.length]);
        expect([sample, /\}\s*\{/.test(sample)]).toEqual([sample, false]);
      }
    }
  });

  test('every custom intent is said with and without a pipeline, with "job" as with "build"', () => {
    for (const intent of customIntents) {
      const own = new Set(intent.samples ?? []);
      expect([intent.name, [...own].some((s) => s.includes('{pipeline}'))]).toEqual([intent.name, true]);
      expect([intent.name, [...own].some((s) => !s.includes('{pipeline}'))]).toEqual([intent.name, true]);
      const twins: [RegExp, string][] = [
        [/\bbuild\b/g, 'job'],
        [/\bbuilds\b/g, 'jobs'],
        [/\bjob\b/g, 'build'],
        [/\bjobs\b/g, 'builds'],
        [/\bwhat's\b/g, 'what is'],
        [/\bwhat is\b/g, "what's"],
        [/\bhow's\b/g, 'how is'],
        [/\bhow is\b/g, "how's"],
      ];
      const missing = [...own].flatMap((sample) =>
        twins
          .map(([word, other]) => sample.replace(word, other))
          // "a training job" is what SageMaker calls it, not a build.
          .filter((twin) => twin !== sample && !own.has(twin) && !/training build/.test(twin)),
      );
      expect({ intent: intent.name, missing }).toEqual({ intent: intent.name, missing: [] });
    }
  });

  test('the pipeline slot type lists each pipeline with its aliases as synonyms', () => {
    expect(slotType?.values).toEqual([
      { id: 'prod', name: { value: 'prod', synonyms: ['production', 'live'] } },
      { id: 'dev', name: { value: 'dev', synonyms: ['development', 'staging', 'test'] } },
    ]);
  });

  test('hyphenated and numbered names get the spoken form speech recognition writes', () => {
    expect(spokenForm('churn-prod')).toBe('churn prod');
    expect(spokenForm('model-2')).toBe('model two');
    expect(spokenForm('fraud_v21')).toBe('fraud v twenty one');
    expect(spokenForm('x-2024')).toBe('x two zero two four');
    const types = buildInteractionModel([
      { name: 'churn-prod', aliases: ['churn live'] },
      { name: 'model-2', aliases: [] },
    ]).interactionModel.languageModel.types;
    expect(types?.[0]?.values).toEqual([
      { id: 'churn-prod', name: { value: 'churn-prod', synonyms: ['churn live', 'churn prod'] } },
      { id: 'model-2', name: { value: 'model-2', synonyms: ['model 2', 'model two'] } },
    ]);
  });

  test('modelFor builds from a SageBuild config; a model needs a pipeline', () => {
    const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:churn';
    const config = parseConfig(
      { pipelines: [{ name: 'churn', aliases: ['retention'], stateMachineArn: arn }] },
      'test',
    );
    expect(modelFor(config)).toEqual(buildInteractionModel([{ name: 'churn', aliases: ['retention'] }]));
    expect(() => buildInteractionModel([])).toThrow('at least one pipeline');
  });
});

describe('matcher', () => {
  test('every sample, with every pipeline name in its slot, matches its own intent and resolves the slot', () => {
    const misses: string[] = [];
    let checked = 0;
    for (const intent of customIntents) {
      for (const sample of intent.samples ?? []) {
        const forms = sample.includes('{pipeline}') ? pipelineForms : [undefined];
        for (const pipeline of forms) {
          const said = pipeline ? sample.replace('{pipeline}', pipeline.form) : sample;
          const match = matchUtterance(model, said);
          const expected = pipeline
            ? {
                name: 'pipeline',
                value: normalizeSample(pipeline.form),
                resolution: { id: pipeline.id, name: pipeline.name },
              }
            : { name: 'pipeline' };
          checked += 1;
          if (
            match.intent !== intent.name ||
            match.score !== 1 ||
            !isDeepStrictEqual(match.slots.pipeline, expected)
          ) {
            misses.push(`"${said}" → ${match.intent} ${match.score} ${JSON.stringify(match.slots)}`);
          }
        }
      }
    }
    expect(misses).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  test('replies ("maybe", "thanks"): no slot, plain samples, none a request or a built-in phrase, each its own', () => {
    expect(replyIntents.map((i) => i.name).sort()).toEqual([...REPLY_INTENTS].sort());
    const requests = new Set(customIntents.flatMap((i) => i.samples ?? []).map(normalizeSample));
    const builtIn = new Set(Object.values(BUILT_IN_PHRASES).flat().map(normalizeSample));
    for (const intent of replyIntents) {
      expect(intent.slots ?? []).toEqual([]);
      expect(intent.samples?.length ?? 0).toBeGreaterThanOrEqual(5);
      for (const sample of intent.samples ?? []) {
        expect([sample, ALLOWED_SAMPLE.test(sample)]).toEqual([sample, true]);
        expect([sample, requests.has(normalizeSample(sample)), builtIn.has(normalizeSample(sample))]).toEqual(
          [sample, false, false],
        );
        expect([sample, matchUtterance(model, sample)]).toEqual([
          sample,
          { intent: intent.name, slots: {}, score: 1 },
        ]);
      }
    }
    for (const [said, intent] of [
      ['maybe', 'UnsureIntent'],
      ["I don't know", 'UnsureIntent'],
      ['hmm', 'UnsureIntent'],
      ['thank you', 'ThanksIntent'],
      ['thanks', 'ThanksIntent'],
      ['no thank you', 'AMAZON.NoIntent'],
    ]) {
      expect([said, matchUtterance(model, said ?? '').intent]).toEqual([said, intent]);
    }
  });

  test('every built-in phrase matches its built-in intent, with no slots', () => {
    for (const [intent, phrases] of Object.entries(BUILT_IN_PHRASES)) {
      for (const phrase of phrases)
        expect([phrase, matchUtterance(model, phrase)]).toEqual([phrase, { intent, slots: {}, score: 1 }]);
    }
  });

  test.each([
    ['Is my build done?', 'BuildStatusIntent', undefined],
    ["what's the status of the dev job", 'BuildStatusIntent', 'dev'],
    ['what is the status of the staging job', 'BuildStatusIntent', 'dev'],
    ["isn't my prod build finished yet", 'BuildStatusIntent', 'prod'],
    ['how is it going', 'BuildStatusIntent', undefined],
    ["how's the latest job going", 'BuildStatusIntent', undefined],
    ['why did my build fail', 'WhyFailedIntent', undefined],
    ['what went wrong on prod', 'WhyFailedIntent', 'prod'],
    ['why did dev fail', 'WhyFailedIntent', 'dev'],
    ['start a new dev build', 'StartBuildIntent', 'dev'],
    ['retrain production', 'StartBuildIntent', 'prod'],
    ['stop the build please', 'StopBuildIntent', undefined],
    ['cancel the production build', 'StopBuildIntent', 'prod'],
    ['stop build', 'StopBuildIntent', undefined],
    ['how much time is left on the production build', 'TimeLeftIntent', 'prod'],
    ['when will the production build be done', 'TimeLeftIntent', 'prod'],
    ['what step is the job on right now', 'BuildDetailsIntent', undefined],
    ['give me details about the prod build', 'BuildDetailsIntent', 'prod'],
    ['who started it', 'BuildDetailsIntent', undefined],
    ['how many builds ran today', 'LastBuildsIntent', undefined],
    ['is the prod endpoint healthy', 'EndpointHealthIntent', 'prod'],
    ['how is the prod endpoint doing', 'EndpointHealthIntent', 'prod'],
    ['is the prod endpoint up', 'EndpointStatusIntent', 'prod'],
    ['which model is live', 'EndpointStatusIntent', undefined],
  ])('"%s" → %s (pipeline %s)', (utterance, intent, pipeline) => {
    const match = matchUtterance(model, utterance);
    expect(match.intent).toBe(intent);
    expect(match.slots.pipeline?.resolution?.id).toBe(pipeline);
  });

  test.each([
    // Words around a sample that no sample has: Alexa's model (and virtual-alexa) would not resolve them.
    'alexa is my prod build done yet',
    'please tell me why my build failed',
    'is my build done mate',
    'could you start a new dev build',
    'can you kick off a new build on staging please',
    'how long left on production',
    'whats the status of the staging job',
    // Gibberish and other skills' requests.
    'flibber jabber wocky',
    'purple monkey dishwasher',
    'what is the weather',
    'play some music',
    'how are you',
    '',
    '?!',
  ])('what no sample says goes to Fallback: "%s"', (utterance) => {
    expect(matchUtterance(model, utterance)).toEqual({ intent: FALLBACK_INTENT, slots: {}, score: 0 });
  });

  test('a megabyte of text is Fallback at once, and names no pipeline', () => {
    const huge = `is my ${'x'.repeat(1_000_000)} build done`;
    expect(matchUtterance(model, huge)).toEqual({ intent: FALLBACK_INTENT, slots: {}, score: 0 });
    expect(matchSlotValue(model, 'PIPELINE_NAME', huge)).toBeUndefined();
    const longest = `is my ${'x'.repeat(MAX_UTTERANCE_LENGTH - 'is my  build done'.length)} build done`;
    expect(longest.length).toBe(MAX_UTTERANCE_LENGTH);
    expect(matchUtterance(model, longest).intent).toBe('BuildStatusIntent');
  });

  test('"stop" and "cancel" leave the skill; "cancel the build" stops the build', () => {
    expect(matchUtterance(model, 'stop').intent).toBe('AMAZON.StopIntent');
    expect(matchUtterance(model, 'Stop!').intent).toBe('AMAZON.StopIntent');
    expect(matchUtterance(model, 'cancel').intent).toBe('AMAZON.CancelIntent');
    expect(matchUtterance(model, 'never mind').intent).toBe('AMAZON.CancelIntent');
    expect(matchUtterance(model, 'cancel the build').intent).toBe('StopBuildIntent');
    expect(matchUtterance(model, 'stop my build').intent).toBe('StopBuildIntent');
  });

  test('an unknown pipeline name is passed through unresolved, as Alexa does for custom slot types', () => {
    expect(matchUtterance(model, 'is my foo build done')).toEqual({
      intent: 'BuildStatusIntent',
      slots: { pipeline: { name: 'pipeline', value: 'foo' } },
      score: 0.9,
    });
  });

  test('matches against whatever pipelines the model was built with', () => {
    const other = buildInteractionModel([{ name: 'churn-prod', aliases: ['retention'] }]);
    expect(matchUtterance(other, 'is my churn prod build done').slots.pipeline).toEqual({
      name: 'pipeline',
      value: 'churn prod',
      resolution: { id: 'churn-prod', name: 'churn-prod' },
    });
    expect(matchUtterance(other, 'is my churn-prod build done').slots.pipeline?.resolution?.id).toBe(
      'churn-prod',
    );
    expect(matchUtterance(other, 'is my prod build done').slots.pipeline?.resolution).toBeUndefined();
  });

  test.each([
    ['prod', 'prod', 'prod'],
    ['the production one', 'production', 'prod'],
    ['dev please', 'dev', 'dev'],
    ['i mean staging', 'staging', 'dev'],
    ['the foo one', 'foo', undefined],
  ])('answering "which pipeline?" with "%s" gives %s', (utterance, value, id) => {
    const heard = matchSlotValue(model, 'PIPELINE_NAME', utterance);
    expect(heard?.value).toBe(value);
    expect(heard?.resolution?.id).toBe(id);
  });

  test.each(['yes', 'cancel', 'never mind', 'what', '', 'is my test build done'])(
    '"%s" names no pipeline: it is no answer to "which one?"',
    (utterance) => {
      expect(matchSlotValue(model, 'PIPELINE_NAME', utterance)).toBeUndefined();
    },
  );

  test.each([
    ['ask sage build is my build done', { launch: false, invoked: true, rest: 'is my build done' }],
    ['Alexa, tell Sage Build to stop the build', { launch: false, invoked: true, rest: 'stop the build' }],
    ['ask sage build for the status', { launch: false, invoked: true, rest: 'the status' }],
    ['ask sage build if my build is done', { launch: false, invoked: true, rest: 'my build is done' }],
    ['open sage build', { launch: true, invoked: true }],
    ['launch sage build', { launch: true, invoked: true }],
    ['alexa, open sage build', { launch: true, invoked: true }],
    ['ask sage build', { launch: true, invoked: true }],
    ['@SageBuild status?', { launch: false, invoked: true, rest: 'status' }],
    ['start a build', { launch: false, invoked: false, rest: 'start a build' }],
    ['is my build done', { launch: false, invoked: false, rest: 'is my build done' }],
  ])('stripInvocation("%s")', (utterance, expected) => {
    expect(stripInvocation(utterance)).toEqual(expected);
  });

  test('what follows the invocation matches like any utterance', () => {
    const rest = stripInvocation('ask sage build if my build is done').rest ?? '';
    expect(matchUtterance(model, rest).intent).toBe('BuildStatusIntent');
  });
});

describe('phrasing templates', () => {
  test('alternatives, optional parts and nesting expand to plain samples, in order, without repeats', () => {
    expect(expandPhrasing("(is|isn't) my [{pipeline}] (build|job) done")).toEqual([
      'is my {pipeline} build done',
      'is my {pipeline} job done',
      'is my build done',
      'is my job done',
      "isn't my {pipeline} build done",
      "isn't my {pipeline} job done",
      "isn't my build done",
      "isn't my job done",
    ]);
    expect(expandPhrasing('who started (it|the [(current|last)] build)')).toEqual([
      'who started it',
      'who started the current build',
      'who started the last build',
      'who started the build',
    ]);
    expect(expandPhrasing('status')).toEqual(['status']);
    expect(expandPhrasings(['(a|b) c', 'a c', '[x]'])).toEqual(['a c', 'b c', 'x']);
  });

  test.each([
    ['(is|are my build', 'missing ")"'],
    ['is my] build', 'unexpected "]"'],
    ['is | build', 'unexpected "|"'],
    [`${'(a|b|c|d) '.repeat(5)}`, 'more than 512 phrasings'],
    ['x'.repeat(401), 'longer than 400 characters'],
  ])('"%s" is refused: %s', (template, why) => {
    expect(() => expandPhrasing(template)).toThrow(`Bad phrasing template "${template.slice(0, 40)}`);
    expect(() => expandPhrasing(template)).toThrow(why);
  });
});
