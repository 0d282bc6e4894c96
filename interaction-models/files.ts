// The per-locale model files of the skill package, as the generator writes them. Kept apart from the script so
// the test can compare the committed files with exactly what the generator would write.
import { resolve } from 'node:path';
import { referencePipelines } from '../local/reference-pipelines';
import type { LocalAws } from '../local/local-aws';
import { buildInteractionModel, type PipelineNames } from './build-model';
import { LOCALES } from './language';

export const REPO_ROOT = resolve(__dirname, '..');
export const MODELS_DIR = 'skill-package/interactionModels/custom';

export interface ModelFile {
  /** Relative to the repository root. */
  path: string;
  text: string;
}

/** Prettier's print width (.prettierrc), so the written JSON is already what `prettier --check` expects. */
const PRINT_WIDTH = 110;

/**
 * JSON as prettier prints it: 2-space indent, objects expanded, an array of plain values on one line when it
 * fits (`JSON.stringify(_, null, 2)` always breaks arrays, which prettier would then reformat).
 */
export function formatJson(value: unknown, indent = '', prefix = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => item === null || typeof item !== 'object')) {
      const line = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
      if (indent.length + prefix.length + line.length + 1 <= PRINT_WIDTH) return line;
    }
    const items = value.map((item) => inner + formatJson(item, inner));
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([key, item]) => {
      const keyText = `${JSON.stringify(key)}: `;
      return inner + keyText + formatJson(item, inner, keyText);
    });
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** One file per English locale, all the same model, each ending in a newline. */
export function modelFiles(pipelines: readonly PipelineNames[]): ModelFile[] {
  const text = `${formatJson(buildInteractionModel(pipelines))}\n`;
  return LOCALES.map((locale) => ({ path: `${MODELS_DIR}/${locale}.json`, text }));
}

/** The names and aliases of the pipelines `npm start` runs (prod and dev): the committed files' source. */
export function localPipelineNames(): PipelineNames[] {
  // referencePipelines only reads the account's region and ID, to form ARNs that are dropped here.
  const account = { region: 'us-east-1', accountId: '123456789012' } as LocalAws;
  return referencePipelines(account).map(({ name, aliases }) => ({ name, aliases }));
}
