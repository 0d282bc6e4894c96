// The CDK app (cdk.json runs it): bundles the Lambdas with esbuild into dist/, then synthesizes the one stack
// from the deployment's config. Offline, without credentials: the stack's account and region come from the
// config. `-c stackName=Other` renames the stack (a second deployment in the same account).

import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../core/errors';
import { buildLambdas } from '../tools/build';
import { locateConfig, readDeploymentConfig, REPO } from './config-source';
import { DEFAULT_STACK_NAME } from './outputs';
import { SageBuildStack } from './stack';

const BUNDLES_DIR = join(REPO, 'dist');

async function main(): Promise<void> {
  const location = locateConfig();
  if (location.note) console.error(location.note);
  const deployment = readDeploymentConfig(location);
  await buildLambdas(BUNDLES_DIR);

  const app = new App();
  const stackName = String(app.node.tryGetContext('stackName') ?? DEFAULT_STACK_NAME);
  const stack = new SageBuildStack(app, stackName, {
    deployment,
    bundlesDir: BUNDLES_DIR,
    description: 'SageBuild: Slack bot and Alexa skill in front of SageMaker pipelines on Step Functions',
  });
  // The CLI sets this from the credentials it found; deploying with another account's fails later, less clearly.
  const credentialsAccount = process.env.CDK_DEFAULT_ACCOUNT;
  if (credentialsAccount && credentialsAccount !== stack.target.account) {
    console.error(
      `Your AWS credentials are for account ${credentialsAccount}, but ${stackName} deploys to ` +
        `${stack.target.account}, the account of the configured state machines.`,
    );
  }
  app.synth();
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
