// `npm run deploy [-- <cdk deploy options>]`: deploys the stack with the deployment's own config, never the
// example. Checks the config first (the same loader as the Lambdas), then runs the project's CDK CLI with
// SAGEBUILD_CONFIG set for the app, passes every extra argument through, and prints what to do next.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CONFIG_ENV } from '../core/config/load';
import { ConfigError } from '../core/errors';
import {
  deployRefusal,
  locateConfig,
  readDeploymentConfig,
  REPO,
  type DeploymentConfig,
} from './config-source';
import { writeHandoff, type Handoff } from './handoff';
import { DEFAULT_STACK_NAME, OUTPUTS } from './outputs';
import { deploymentTarget } from './target';

const CDK_CLI = join(REPO, 'node_modules', 'aws-cdk', 'bin', 'cdk');
export const OUTPUTS_FILE = join('cdk.out', 'sagebuild-outputs.json');

/** The `cdk deploy` arguments: the user's, plus an outputs file unless they chose one. */
export function deployArgs(extra: readonly string[]): string[] {
  const ownOutputs = extra.some((arg) => arg === '-O' || arg.startsWith('--outputs-file'));
  return ['deploy', ...(ownOutputs ? [] : ['--outputs-file', OUTPUTS_FILE]), ...extra];
}

/** `-c stackName=X` / `--context stackName=X` among the arguments, as the app will see it. */
export function stackNameIn(extra: readonly string[]): string {
  for (let i = 0; i < extra.length; i++) {
    const arg = extra[i] ?? '';
    const value = arg === '-c' || arg === '--context' ? extra[i + 1] : /^--context=(.*)$/.exec(arg)?.[1];
    const match = value !== undefined ? /^stackName=(.+)$/.exec(value) : null;
    if (match?.[1]) return match[1];
  }
  return DEFAULT_STACK_NAME;
}

/** What the deployment will hold, in one line. */
export function summary(deployment: DeploymentConfig): string {
  const { config, infra } = deployment;
  const target = deploymentTarget(config, config.slack !== undefined);
  const parts = [
    ...(config.alexa ? ['the Alexa skill'] : []),
    ...(config.slack ? ['the Slack bot and notifier'] : []),
    ...(infra.referencePipeline ? [`the reference pipeline for ${infra.referencePipeline}`] : []),
  ];
  return `account ${target.account}, ${target.region}: ${parts.join(', ')}`;
}

/** The steps after a first deploy, with this deployment's names and handoff files filled in. */
export function nextSteps(outputs: Record<string, string>, handoff: Handoff = {}): string[] {
  const steps: string[] = [];
  const secret = outputs[OUTPUTS.slackSecretName];
  const url = outputs[OUTPUTS.slackBotFunctionUrl];
  const skill = outputs[OUTPUTS.skillFunctionArn];
  if (secret) {
    steps.push(
      'Put the Slack tokens into the secret (once; the bot reads them at cold start):',
      `  aws secretsmanager put-secret-value --secret-id ${secret} \\`,
      `    --secret-string '{"SLACK_BOT_TOKEN":"xoxb-…","SLACK_SIGNING_SECRET":"…"}'`,
    );
  }
  if (url) steps.push(`Slack app request URL (slash command, events, interactivity): ${url}`);
  if (handoff.slackManifest) {
    steps.push(`  create (or update) the Slack app from ${relative(REPO, handoff.slackManifest)}`);
  }
  if (skill) steps.push(`Alexa skill endpoint: ${skill}`);
  if (handoff.askProject) {
    steps.push(`  deploy the skill package: cd ${relative(REPO, handoff.askProject)} && ask deploy`);
  }
  return steps;
}

function main(extra: string[]): number {
  let deployment: DeploymentConfig;
  try {
    deployment = readDeploymentConfig(locateConfig());
    const refusal = deployRefusal(deployment);
    if (refusal) {
      console.error(`npm run deploy: ${refusal}`);
      return 2;
    }
    console.log(`Deploying ${stackNameIn(extra)} from ${deployment.path} (${summary(deployment)})`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`npm run deploy: ${error.message}`);
    return 2;
  }
  if (!existsSync(CDK_CLI)) {
    console.error('npm run deploy: the AWS CDK CLI is not installed; run npm install first.');
    return 2;
  }
  const args = deployArgs(extra);
  const result = spawnSync(process.execPath, [CDK_CLI, ...args], {
    cwd: REPO,
    stdio: 'inherit',
    // The app must read exactly the file checked above.
    env: { ...process.env, [CONFIG_ENV]: deployment.path },
  });
  if (result.status !== 0) return result.status ?? 1;
  const outputsFile = join(REPO, OUTPUTS_FILE);
  if (args.includes(OUTPUTS_FILE) && existsSync(outputsFile)) {
    const all = JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>;
    const outputs = all[stackNameIn(extra)] ?? {};
    const steps = nextSteps(outputs, writeHandoff(outputs, deployment.config));
    if (steps.length > 0) console.log(['', 'Next:', ...steps].join('\n'));
  }
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
