// Which config file a synth or deploy uses, read with the core's own loader so that the stack and the Lambdas
// agree on every default. SAGEBUILD_CONFIG wins; without it `cdk synth` still works on a fresh clone, offline,
// from sagebuild.config.json in the repository or else the committed example (which deploy refuses).

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as z from 'zod/mini';
import { CONFIG_ENV, loadConfig, parseConfig } from '../core/config/load';
import type { SageBuildConfig } from '../core/config/schema';
import { ConfigError } from '../core/errors';

export const REPO = resolve(__dirname, '..');
export const REPO_CONFIG = 'sagebuild.config.json';
export const EXAMPLE_CONFIG = 'sagebuild.config.example.json';
/** The account the README and the example use; a config still naming it was copied without editing. */
export const EXAMPLE_ACCOUNT = '123456789012';
/** The example's placeholder skill ID. */
export const EXAMPLE_SKILL_ID = 'amzn1.ask.skill.00000000-0000-0000-0000-000000000000';

/** Where the file came from: SAGEBUILD_CONFIG, the repository's sagebuild.config.json, or the example. */
export type ConfigOrigin = 'env' | 'repo' | 'example';

export interface ConfigLocation {
  path: string;
  origin: ConfigOrigin;
  /** One line for stderr when the file was not named by SAGEBUILD_CONFIG. */
  note?: string;
}

/**
 * The config's own `infra` section (the core's schema passes unknown top-level sections through): deployment
 * choices that belong with the config rather than on a command line, so every deploy makes the same stack.
 */
const infraSchema = z.prefault(
  z.strictObject({
    /** Deploy pipeline/sagemaker-deploy.asl.json as this pipeline's state machine. */
    referencePipeline: z.optional(z.string()),
    /** Make the SageMaker execution role named by that pipeline's defaultInput.roleArn (else it must exist). */
    createSageMakerRole: z._default(z.boolean(), false),
  }),
  {},
);

export type InfraSettings = z.output<typeof infraSchema>;

export interface DeploymentConfig extends ConfigLocation {
  /** The file's JSON as written: what the Lambdas get, plus anything the stack fills in. */
  raw: Record<string, unknown>;
  config: SageBuildConfig;
  infra: InfraSettings;
}

export function locateConfig(env: NodeJS.ProcessEnv = process.env, repo: string = REPO): ConfigLocation {
  const setting = env[CONFIG_ENV]?.trim();
  if (setting) return { path: resolve(setting), origin: 'env' };
  const own = join(repo, REPO_CONFIG);
  if (existsSync(own)) {
    return { path: own, origin: 'repo', note: `${CONFIG_ENV} is not set: using ${REPO_CONFIG}.` };
  }
  return {
    path: join(repo, EXAMPLE_CONFIG),
    origin: 'example',
    note:
      `${CONFIG_ENV} is not set and there is no ${REPO_CONFIG}: synthesizing from ${EXAMPLE_CONFIG} ` +
      '(fine for cdk synth; npm run deploy refuses it).',
  };
}

/** Reads and validates the file at `location`; any problem is a ConfigError naming the file and field. */
export function readDeploymentConfig(location: ConfigLocation): DeploymentConfig {
  const config = loadConfig({ [CONFIG_ENV]: location.path });
  // loadConfig has read and checked the same file, so this parse cannot fail.
  const raw = JSON.parse(readFileSync(location.path, 'utf8')) as Record<string, unknown>;
  return { ...location, raw, config, infra: infraSettings(raw, config, location.path) };
}

/** The same from a config object (tests, tools). */
export function deploymentConfigFrom(
  raw: Record<string, unknown>,
  location: ConfigLocation = { path: '(object)', origin: 'env' },
): DeploymentConfig {
  const config = parseConfig(raw, location.path);
  return { ...location, raw, config, infra: infraSettings(raw, config, location.path) };
}

function infraSettings(raw: Record<string, unknown>, config: SageBuildConfig, source: string): InfraSettings {
  const result = infraSchema.safeParse(raw.infra);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = ['infra', ...(issue?.path ?? []).map(String)].join('.');
    throw new ConfigError(`Invalid SageBuild config (${source}): ${field}: ${issue?.message}`, field);
  }
  const { referencePipeline } = result.data;
  const names = config.pipelines.map((p) => p.name);
  if (referencePipeline !== undefined && !names.includes(referencePipeline)) {
    throw new ConfigError(
      `Invalid SageBuild config (${source}): infra.referencePipeline: must be one of the pipeline names ` +
        `(${names.join(', ')})`,
      'infra.referencePipeline',
    );
  }
  return result.data;
}

/** Why this config must not be deployed, or undefined when it may be. */
export function deployRefusal(deployment: DeploymentConfig): string | undefined {
  if (deployment.origin === 'example') {
    return (
      `No deployment config: set ${CONFIG_ENV} to your config file (or save it as ${REPO_CONFIG} in the ` +
      `repository). ${EXAMPLE_CONFIG} only lets cdk synth run on a fresh clone; it is never deployed.`
    );
  }
  if (deployment.config.alexa?.skillId === EXAMPLE_SKILL_ID) {
    return (
      `${deployment.path} still has the example's alexa.skillId: put in your skill's ID (Alexa developer ` +
      'console, or leave out the alexa section to deploy without the skill).'
    );
  }
  const copied = deployment.config.pipelines.find((p) => p.stateMachineArn.split(':')[4] === EXAMPLE_ACCOUNT);
  if (copied) {
    return (
      `${deployment.path} still names the example account ${EXAMPLE_ACCOUNT} ` +
      `(pipeline ${copied.name}): put your own state machine ARNs in it first.`
    );
  }
  return undefined;
}
