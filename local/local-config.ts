// The SageBuild config for the local AWS's pipelines: what `npm start` uses when no config file is given.
// Locally anyone may start and stop builds, and roll back; a real deployment lists its people in its own config file.

import { parseConfig } from '../core/config/load';
import type { SageBuildConfig } from '../core/config/schema';
import type { LocalPipeline } from './reference-pipelines';

/** The skill ID the local console's Alexa simulator uses. */
export const LOCAL_SKILL_ID = 'amzn1.ask.skill.sagebuild-local';

/** The local Slack bot's user ID, as the console's fake Slack workspace knows it. */
export const LOCAL_SLACK_BOT_USER = 'U0SAGEBUILD';

export function localConfig(pipelines: LocalPipeline<object>[], region: string): SageBuildConfig {
  return parseConfig(
    {
      region,
      defaultPipeline: 'prod',
      alexa: { skillId: LOCAL_SKILL_ID },
      slack: { botUserId: LOCAL_SLACK_BOT_USER },
      pipelines: pipelines.map((p) => ({
        name: p.name,
        aliases: p.aliases,
        stateMachineArn: p.stateMachineArn,
        defaultInput: p.defaultInput,
        allowedInputKeys: p.allowedInputKeys ?? [],
        slack: { channels: [p.slackChannel] },
        access: { start: ['*'], stop: ['*'], rollback: ['*'] },
        ...(p.approval ? { approval: p.approval } : {}),
      })),
    },
    'the local AWS',
  );
}
