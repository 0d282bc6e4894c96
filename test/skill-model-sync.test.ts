// The skill, its interaction models and its skill package agree: every intent a handler answers is in every
// locale's model and every model intent has a handler; skill.json, the model files, ask-resources.json and the
// esbuild hook fit together as `ask deploy` (ASK CLI v2) expects.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { InteractionModelData } from '../interaction-models/build-model';
import { BUILT_IN_INTENTS, CUSTOM_INTENTS, INVOCATION_NAME } from '../interaction-models/language';
import { normalizeSample } from '../interaction-models/normalize';
import { HANDLED_INTENTS } from '../skill/skill';

const REPO = resolve(__dirname, '..');
const MODELS = join(REPO, 'skill-package', 'interactionModels', 'custom');

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const sorted = (items: Iterable<string>) => [...items].sort();

const modelFiles = readdirSync(MODELS).filter((file) => file.endsWith('.json'));
const models = modelFiles.map((file) => ({
  locale: file.replace(/\.json$/, ''),
  model: readJson<InteractionModelData>(join(MODELS, file)),
}));

interface Manifest {
  manifest: {
    manifestVersion: string;
    publishingInformation: {
      locales: Record<
        string,
        { name: string; summary: string; description: string; examplePhrases: string[] }
      >;
      isAvailableWorldwide: boolean;
      distributionCountries: string[];
      category: string;
    };
    privacyAndCompliance: Record<string, unknown>;
    apis: { custom: { endpoint: { sourceDir?: string; uri: string } } };
  };
}
const manifest = readJson<Manifest>(join(REPO, 'skill-package', 'skill.json')).manifest;

describe('handlers and models', () => {
  test('the handlers answer exactly the custom and built-in intents, each once', () => {
    expect(new Set(HANDLED_INTENTS).size).toBe(HANDLED_INTENTS.length);
    expect(sorted(HANDLED_INTENTS)).toEqual(sorted([...CUSTOM_INTENTS, ...BUILT_IN_INTENTS]));
  });

  test.each(models)(
    '$locale: every handled intent is in the model, and every model intent is handled',
    ({ model }) => {
      const intents = model.interactionModel?.languageModel?.intents ?? [];
      expect(sorted(intents.map((intent) => intent.name ?? ''))).toEqual(sorted(HANDLED_INTENTS));
    },
  );

  test.each(models)('$locale: custom intents carry the pipeline slot the skill reads', ({ model }) => {
    const intents = model.interactionModel?.languageModel?.intents ?? [];
    for (const name of CUSTOM_INTENTS) {
      const slots = intents.find((intent) => intent.name === name)?.slots ?? [];
      expect(slots).toContainEqual(expect.objectContaining({ name: 'pipeline', type: 'PIPELINE_NAME' }));
    }
  });
});

describe('skill package', () => {
  test('skill.json lists the same locales as the model files', () => {
    expect(sorted(Object.keys(manifest.publishingInformation.locales))).toEqual(
      sorted(models.map((m) => m.locale)),
    );
    expect(models.length).toBe(5);
  });

  test('publishing information: name, example phrases that are samples, limited distribution', () => {
    const info = manifest.publishingInformation;
    expect(manifest.manifestVersion).toBe('1.0');
    expect(info.isAvailableWorldwide).toBe(false);
    expect(info.distributionCountries.length).toBeGreaterThan(0);
    expect(info.category).toMatch(/^[A-Z_]+$/);
    expect(manifest.privacyAndCompliance).toMatchObject({ usesPersonalInfo: false, isChildDirected: false });
    for (const { locale, model } of models) {
      const entry = info.locales[locale];
      expect(entry).toMatchObject({
        name: 'SageBuild',
        summary: expect.any(String),
        description: expect.any(String),
      });
      expect(model.interactionModel?.languageModel?.invocationName).toBe(INVOCATION_NAME);
      const samples = new Set(
        (model.interactionModel?.languageModel?.intents ?? [])
          .flatMap((i) => i.samples ?? [])
          .map(normalizeSample),
      );
      // Certification wants example phrases built from the invocation name and a sample utterance.
      const lead = `Alexa, ask ${INVOCATION_NAME} `;
      for (const phrase of entry?.examplePhrases ?? []) {
        expect(phrase.startsWith(lead)).toBe(true);
        expect(samples).toContain(normalizeSample(phrase.slice(lead.length)));
      }
      expect(entry?.examplePhrases.length).toBeGreaterThanOrEqual(1);
    }
  });

  test('ask-resources.json points at existing folders, the Lambda deployer on Node 22, and index.handler', () => {
    const profile = readJson<{
      profiles: {
        default: {
          skillMetadata: { src: string };
          code: { default: { src: string } };
          skillInfrastructure: { type: string; userConfig: { runtime: string; handler: string } };
        };
      };
    }>(join(REPO, 'ask-resources.json')).profiles.default;
    expect(existsSync(join(REPO, profile.skillMetadata.src, 'skill.json'))).toBe(true);
    expect(statSync(join(REPO, profile.code.default.src)).isDirectory()).toBe(true);
    expect(profile.skillInfrastructure.type).toBe('@ask-cli/lambda-deployer');
    expect(profile.skillInfrastructure.userConfig).toMatchObject({
      runtime: 'nodejs22.x',
      handler: 'index.handler',
    });
  });
});

describe('build hook', () => {
  const hook = join(REPO, 'hooks', 'build.sh');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sagebuild-hook-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('is executable, where the ASK CLI looks for it', () => {
    expect(statSync(hook).mode & 0o111).not.toBe(0);
  });

  /** A deployment config: the committed voice models are the local pipelines', so it names those. */
  function writeHookConfig(name: string, pipelines: { name: string; aliases?: string[] }[]): string {
    const config = join(dir, name);
    const arn = (p: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${p}`;
    writeFileSync(
      config,
      JSON.stringify({
        alexa: { skillId: 'amzn1.ask.skill.hook-test' },
        pipelines: pipelines.map((p) => ({ ...p, stateMachineArn: arn(p.name) })),
      }),
    );
    return config;
  }

  const runHook = (zip: string, config: string) =>
    // As the CLI runs it: from its build folder, with the zip path and the debug flag.
    spawnSync(hook, [zip, 'false'], {
      cwd: dir,
      env: { ...process.env, SAGEBUILD_CONFIG: config },
      encoding: 'utf8',
      timeout: 60_000,
    });

  test('bundles the handler and the config into the zip the CLI asks for', () => {
    const config = writeHookConfig('config.json', [
      { name: 'prod', aliases: ['production', 'live'] },
      { name: 'dev', aliases: ['development', 'staging', 'test'] },
    ]);
    const zip = join(dir, 'out', 'build.zip');
    const run = runHook(zip, config);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const bytes = readFileSync(zip);
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'binary'));
    expect(bytes.includes('index.js')).toBe(true);
    expect(bytes.includes('sagebuild.config.json')).toBe(true);
  });

  test("refuses a config whose pipelines the voice models don't know", () => {
    const zip = join(dir, 'other.zip');
    const run = runHook(zip, writeHookConfig('other.json', [{ name: 'churn' }]));
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('npm run models');
    expect(existsSync(zip)).toBe(false);
  });

  test('refuses to build without a config to package', () => {
    const run = spawnSync(hook, [join(dir, 'never.zip')], {
      cwd: dir,
      env: { ...process.env, SAGEBUILD_CONFIG: join(dir, 'missing.json') },
      encoding: 'utf8',
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('SAGEBUILD_CONFIG');
    expect(existsSync(join(dir, 'never.zip'))).toBe(false);
  });
});
