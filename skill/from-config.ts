// The deployed skill's set-up: the config named by SAGEBUILD_CONFIG, which must have an alexa section. Any
// problem is a ConfigError at cold start, so a broken deployment fails loudly in its logs instead of answering
// with some other pipelines (there is no local fallback).

import { loadConfig } from '../core/config/load';
import { ConfigError } from '../core/errors';
import { SageBuild } from '../core/sagebuild';
import { createSkill, type SageBuildSkill } from './skill';

export function skillFromConfig(env: NodeJS.ProcessEnv = process.env): SageBuildSkill {
  const config = loadConfig(env);
  if (!config.alexa) {
    throw new ConfigError(
      'The SageBuild config has no "alexa" section: the skill needs alexa.skillId (its amzn1.ask.skill... ID).',
      'alexa',
    );
  }
  return createSkill({
    core: new SageBuild(config),
    skillId: config.alexa.skillId,
    progressiveAfterMs: config.alexa.progressiveAfterMs,
  });
}
