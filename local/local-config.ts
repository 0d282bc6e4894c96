// The SageBuild config for the local AWS's pipelines: what `npm start` uses when no config file is given.
// Locally anyone may start and stop builds; a real deployment lists its people in its own config file.

import { parseConfig } from '../core/config/load';
import type { SageBuildConfig } from '../core/config/schema';
import type { LocalPipeline } from './reference-pipelines';

export function localConfig(pipelines: LocalPipeline[], region: string): SageBuildConfig {
  return parseConfig(
    {
      region,
      defaultPipeline: 'prod',
      pipelines: pipelines.map((p) => ({
        name: p.name,
        aliases: p.aliases,
        stateMachineArn: p.stateMachineArn,
        defaultInput: p.defaultInput,
        access: { start: ['*'], stop: ['*'] },
      })),
    },
    'the local AWS',
  );
}
