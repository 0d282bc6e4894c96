// The config's slack section as the schema fills it in: a config without one (tokens from the environment)
// still gets the schema's defaults (the command name, the store's table), stated in the schema alone.

import * as z from 'zod/mini';
import { configSchema, type SageBuildConfig } from '../core/config/schema';

export type SlackSettings = NonNullable<SageBuildConfig['slack']>;

/** The schema's defaults for an empty slack section. */
export const SLACK_DEFAULTS: SlackSettings = z.parse(configSchema.shape.slack.def.innerType, {});

export function slackSettings(config: Pick<SageBuildConfig, 'slack'>): SlackSettings {
  return config.slack ?? SLACK_DEFAULTS;
}
