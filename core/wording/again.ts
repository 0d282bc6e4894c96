// "Run it again", confirmed in text: which build was repeated, and with which settings.

import type { AgainResult } from '../builds/again';
import type { BuildSummary } from '../builds/facts';
import { started } from './sentences';
import { shortValue } from './voice';

function settingsList(settings: Record<string, string>): string[] {
  return Object.entries(settings).map(([key, value]) => `${key}=${value}`);
}

/** "Run the dev build dev-ana-2 again, with hyperparameters.eta=0.3?" (or "with the default settings?") */
export function againQuestion(from: BuildSummary, settings: Record<string, string>): string {
  // Long values cut: the confirm dialog holds 300 characters, and every setting should show in it.
  const listed = Object.entries(settings).map(([key, value]) => `${key}=${shortValue(value)}`);
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
