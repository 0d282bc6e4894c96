// What a deploy hands to the two consoles that CDK cannot reach: the Slack app manifest with this deployment's
// function URL in it, and an ASK CLI project that deploys only the skill package, with the endpoint set to the
// stack's skill Lambda, the voice models made from this deployment's pipelines, and the skill ID from the config
// (so `ask deploy` updates that skill instead of creating a new one). Written under dist/handoff/.

import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SageBuildConfig } from '../core/config/schema';
import { formatJson, modelFiles } from '../interaction-models/files';
import { slackSettings } from '../slack/settings';
import { REPO } from './config-source';
import { OUTPUTS } from './outputs';

export const HANDOFF_DIR = join(REPO, 'dist', 'handoff');

/** The path every Slack request goes to (slack/receivers: the function URL serves one path). */
const SLACK_EVENTS_PATH = '/slack/events';

interface SlackManifest {
  features?: { slash_commands?: { command?: string; url?: string }[] };
  settings?: {
    event_subscriptions?: { request_url?: string };
    interactivity?: { request_url?: string };
  };
}

/**
 * slack/manifest.json with every request URL pointing at the bot's function URL, and the slash command the bot
 * listens for (slack.commandName).
 */
export function slackManifestFor(
  functionUrl: string,
  template: SlackManifest,
  commandName: string,
): SlackManifest {
  const url = new URL(SLACK_EVENTS_PATH, functionUrl).toString();
  const manifest = structuredClone(template);
  for (const command of manifest.features?.slash_commands ?? []) {
    command.url = url;
    command.command = commandName;
  }
  if (manifest.settings?.event_subscriptions) manifest.settings.event_subscriptions.request_url = url;
  if (manifest.settings?.interactivity) manifest.settings.interactivity.request_url = url;
  return manifest;
}

interface SkillManifest {
  manifest: { apis: { custom: Record<string, unknown> } };
}

/** skill-package/skill.json with the skill Lambda as its endpoint. */
export function skillManifestFor(skillFunctionArn: string, template: SkillManifest): SkillManifest {
  const skill = structuredClone(template);
  skill.manifest.apis.custom = { ...skill.manifest.apis.custom, endpoint: { uri: skillFunctionArn } };
  return skill;
}

export interface Handoff {
  slackManifest?: string;
  /** The ASK CLI project folder: `cd` there and run `ask deploy`. */
  askProject?: string;
}

/** Writes the handoff files for a deployed stack's outputs; returns where. */
export function writeHandoff(
  outputs: Record<string, string>,
  config: SageBuildConfig,
  dir: string = HANDOFF_DIR,
): Handoff {
  rmSync(dir, { recursive: true, force: true });
  const handoff: Handoff = {};
  const functionUrl = outputs[OUTPUTS.slackBotFunctionUrl];
  if (functionUrl) {
    const template = readJson<SlackManifest>(join(REPO, 'slack', 'manifest.json'));
    handoff.slackManifest = join(dir, 'slack-manifest.json');
    writeJson(
      handoff.slackManifest,
      slackManifestFor(functionUrl, template, slackSettings(config).commandName),
    );
  }
  const skillArn = outputs[OUTPUTS.skillFunctionArn];
  if (skillArn && config.alexa) {
    handoff.askProject = join(dir, 'alexa');
    writeAskProject(handoff.askProject, skillArn, config);
  }
  return handoff;
}

function writeAskProject(dir: string, skillArn: string, config: SageBuildConfig): void {
  const packageDir = join(dir, 'skill-package');
  cpSync(join(REPO, 'skill-package'), packageDir, { recursive: true });
  const skillJson = join(packageDir, 'skill.json');
  writeJson(skillJson, skillManifestFor(skillArn, readJson<SkillManifest>(skillJson)));
  // The voice models must know this deployment's pipeline names, not the local ones committed in the repo.
  for (const file of modelFiles(config.pipelines)) {
    writeFileSync(join(dir, file.path), file.text);
  }
  writeJson(join(dir, 'ask-resources.json'), {
    askcliResourcesVersion: '2020-03-31',
    profiles: { default: { skillMetadata: { src: './skill-package' } } },
  });
  writeJson(join(dir, '.ask', 'ask-states.json'), {
    askcliStatesVersion: '2020-03-31',
    profiles: { default: { skillId: config.alexa?.skillId } },
  });
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${formatJson(value)}\n`);
}
