// "Run it again", confirmed in text: which build was repeated, and with which settings.

import type { AgainResult } from '../builds/again';
import { started } from './sentences';

/** "Started a new dev build, dev-x. Same settings as dev-ana-2: hyperparameters.eta=0.3." */
export function startedAgain(result: AgainResult, now: Date): string {
  const settings = Object.entries(result.settings).map(([key, value]) => `${key}=${value}`);
  const same = settings.length
    ? `Same settings as ${result.from.name}: ${settings.join(', ')}.`
    : `Same settings as ${result.from.name}: the defaults.`;
  return `${started(result.started, now)} ${same}`;
}
