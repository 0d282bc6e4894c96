// A config for the local stack's reference pipelines with the access a test chooses: who may start and stop,
// from which channels, and the config's other settings (default pipeline, Slack, Alexa, budgets).

import { parseConfig } from '../../core/config/load';
import type { SageBuildConfig } from '../../core/config/schema';
import type { LocalPipeline } from '../../local/reference-pipelines';

export interface PipelineAccess {
  start: string[];
  stop: string[];
  channels?: string[];
  rollback?: string[];
}

export interface StackConfigOptions {
  /** Who may start and stop builds: the same for every pipeline, or per pipeline. */
  access: PipelineAccess | ((pipeline: LocalPipeline<object>) => PipelineAccess);
  /** Whether each pipeline posts its cards to its own Slack channel. */
  slackChannels?: boolean;
  /** The config's other top-level settings: region, defaultPipeline, slack, alexa, aws. */
  settings: Record<string, unknown>;
  /** Named in the error when the config is refused. */
  source: string;
}

export function stackConfig(
  pipelines: LocalPipeline<object>[],
  { access, slackChannels = false, settings, source }: StackConfigOptions,
): SageBuildConfig {
  return parseConfig(
    {
      ...settings,
      pipelines: pipelines.map((p) => ({
        name: p.name,
        aliases: p.aliases,
        stateMachineArn: p.stateMachineArn,
        defaultInput: p.defaultInput,
        allowedInputKeys: p.allowedInputKeys ?? [],
        ...(slackChannels ? { slack: { channels: [p.slackChannel] } } : {}),
        ...(p.approval ? { approval: p.approval } : {}),
        access: typeof access === 'function' ? access(p) : access,
      })),
    },
    source,
  );
}
