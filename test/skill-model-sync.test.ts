// The skill, its interaction models and its skill package agree: every intent a handler answers is in every
// locale's model and every model intent has a handler; skill.json and the model files fit together as
// `ask deploy` (ASK CLI v2) expects (test/handoff.test.ts checks the project a deploy hands to the ASK CLI).

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { InteractionModelData } from '../interaction-models/build-model';
import {
  BUILT_IN_INTENTS,
  CUSTOM_INTENTS,
  INVOCATION_NAME,
  REPLY_INTENTS,
} from '../interaction-models/language';
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
  test('the handlers answer exactly the custom, reply and built-in intents, each once', () => {
    expect(new Set(HANDLED_INTENTS).size).toBe(HANDLED_INTENTS.length);
    expect(sorted(HANDLED_INTENTS)).toEqual(
      sorted([...CUSTOM_INTENTS, ...REPLY_INTENTS, ...BUILT_IN_INTENTS]),
    );
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
});
