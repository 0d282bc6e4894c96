// Check 6: the Alexa skill. Nothing can be called without the skill owner's ASK credentials, so the doctor
// only says which skill the config lets in, and how to look at it.

import type { SageBuildConfig } from '../config/schema';
import { pass, skip, type Check } from './check';

export function checkAlexa(config: SageBuildConfig): Check {
  const title = 'Alexa skill';
  if (!config.alexa) return skip(title, 'The config has no alexa section.');
  const id = config.alexa.skillId;
  return pass(
    title,
    `The skill Lambda answers only skill ${id}. Not called: that needs ASK credentials (try \`ask smapi get-skill-status -s ${id}\`).`,
  );
}
