// "Run it again", confirmed in text: which build was repeated, and with which settings.

import type { AgainResult } from '../builds/again';
import type { BuildSummary } from '../builds/facts';
import { started } from './sentences';

const MAX_VALUE_SAID = 40;

/** A setting's value as said or shown in a question: a long one cut, so the question stays one breath. */
export function shortValue(value: string): string {
  return value.length <= MAX_VALUE_SAID ? value : `${value.slice(0, MAX_VALUE_SAID - 1)}…`;
}

/** "hyperparameters.eta=0.3" each; `cut` shortens long values, for a question. */
function settingsList(settings: Record<string, string>, cut = false): string[] {
  return Object.entries(settings).map(([key, value]) => `${key}=${cut ? shortValue(value) : value}`);
}

/** "Run the dev build dev-ana-2 again, with hyperparameters.eta=0.3?" (or "with the default settings?") */
export function againQuestion(from: BuildSummary, settings: Record<string, string>): string {
  // Long values cut: the confirm dialog holds 300 characters, and every setting should show in it.
  const listed = settingsList(settings, true);
  const how = listed.length ? listed.join(', ') : 'the default settings';
  return `Run the ${from.pipeline} build ${from.name} again, with ${how}?`;
}

/** "Started a new dev build, dev-x. Same settings as dev-ana-2: hyperparameters.eta=0.3." */
export function startedAgain(result: AgainResult, now: Date): string {
  const settings = settingsList(result.settings);
  const same = settings.length
    ? `Same settings as ${result.from.name}: ${settings.join(', ')}.`
    : `Same settings as ${result.from.name}: the defaults.`;
  return `${started(result.started, now)} ${same}`;
}
