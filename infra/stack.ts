// The SageBuild stack, made from one config file. What exists follows the config's sections:
//   alexa  -> the skill Lambda and its Alexa Skills Kit trigger
//   slack  -> the Slack bot (function URL), the notifier with its EventBridge rule, dead-letter queue and alarm,
//             the store's table and the tokens' secret
//   infra.referencePipeline -> the reference state machine for that pipeline, with its logs and X-Ray tracing
//   always   -> the start claims' table, which the skill and the bot share (one build per intent)
// A config with neither front has nothing to deploy and is refused.

import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ConfigError } from '../core/errors';
import { slackSettings } from '../slack/settings';
import type { DeploymentConfig } from './config-source';
import { skillFront, slackBotFront } from './fronts';
import { lambdaCode } from './lambda-code';
import { notifications } from './notifications';
import { OUTPUTS, type OutputName } from './outputs';
import { claimsStatement, secretStatement, storeStatement } from './permissions';
import { referencePipeline } from './reference-pipeline';
import { slackStoreTable, slackTokensSecret } from './slack-state';
import { startClaimsTable, startClaimsTableName } from './start-claims';
import { deploymentTarget, type DeploymentTarget } from './target';

export interface SageBuildStackProps extends Omit<StackProps, 'env'> {
  deployment: DeploymentConfig;
  /** Holds <name>/index.js for skill, slack-bot and notifier (tools/build.ts buildLambdas). */
  bundlesDir: string;
}

export class SageBuildStack extends Stack {
  readonly target: DeploymentTarget;

  constructor(scope: Construct, id: string, props: SageBuildStackProps) {
    const { deployment, bundlesDir, ...stackProps } = props;
    const { config, infra } = deployment;
    if (!config.alexa && !config.slack) {
      throw new ConfigError(
        `${deployment.path} has neither an "alexa" nor a "slack" section: there is nothing to deploy.`,
      );
    }
    const target = deploymentTarget(config, config.slack !== undefined);
    super(scope, id, { ...stackProps, env: { account: target.account, region: target.region } });
    this.target = target;

    const output = (name: OutputName, value: string, description: string) =>
      new CfnOutput(this, name, { value, description });

    // The Lambdas' copy of the config: the deployment's own file, with the secret's name filled in, and
    // without the infra section (only this stack reads it; changing it must not redeploy the functions).
    const deployed: Record<string, unknown> = { ...deployment.raw };
    delete deployed.infra;
    const settings = config.slack && slackSettings(config);
    const slack = settings && {
      table: slackStoreTable(this, settings),
      tokens: slackTokensSecret(this, settings.tokensSecretId),
    };
    if (slack) {
      deployed.slack = { ...(deployed.slack as object), tokensSecretId: slack.tokens.secretId };
    }
    // The fronts that start builds share the start claims' table (the notifier never starts one).
    // The name itself, not the table's token: the config file is written at synth time, unresolved.
    const claimsTableName = startClaimsTableName(this, config.aws.startClaimsTable);
    const claimsTable = startClaimsTable(this, claimsTableName);
    deployed.aws = { ...(deployed.aws as object), startClaimsTable: claimsTableName };
    const claimStatements = [claimsStatement(claimsTable.tableArn)];
    output(OUTPUTS.startClaimsTableName, claimsTable.tableName, 'Start claims: one build per intent');
    const configJson = JSON.stringify(deployed, null, 2) + '\n';

    if (slack) {
      const { table, tokens } = slack;
      const slackStatements = [storeStatement(table.tableArn), secretStatement(tokens.policyArn)];
      const botCode = lambdaCode(bundlesDir, 'slack-bot', configJson);
      const bot = slackBotFront(this, config, botCode, slackStatements, claimStatements);
      const notifierCode = lambdaCode(bundlesDir, 'notifier', configJson);
      const { notifier, deadLetters } = notifications(this, config, notifierCode, slackStatements);
      output(OUTPUTS.slackBotFunctionUrl, bot.url.url, "The Slack app's request URL");
      output(OUTPUTS.slackBotRoleArn, bot.role.roleArn, "The Slack bot's IAM role");
      output(OUTPUTS.notifierRoleArn, notifier.role.roleArn, "The Slack notifier's IAM role");
      output(OUTPUTS.slackSecretName, tokens.displayName, 'Holds SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET');
      output(OUTPUTS.storeTableName, table.tableName, 'Build cards, handled events, subscriptions');
      output(OUTPUTS.deadLetterQueueUrl, deadLetters.queueUrl, 'Events the notifier could not handle');
    }

    if (config.alexa) {
      const code = lambdaCode(bundlesDir, 'skill', configJson);
      const skill = skillFront(this, config, config.alexa.skillId, code, claimStatements);
      output(OUTPUTS.skillFunctionArn, skill.fn.functionArn, "The Alexa skill's endpoint");
      output(OUTPUTS.skillRoleArn, skill.role.roleArn, "The Alexa skill's IAM role");
    }

    if (infra.referencePipeline !== undefined) {
      const index = config.pipelines.findIndex((p) => p.name === infra.referencePipeline);
      const pipeline = config.pipelines[index];
      // config-source.ts has checked the name; this only narrows the type.
      if (!pipeline) throw new ConfigError(`No pipeline ${infra.referencePipeline}.`);
      const reference = referencePipeline(this, pipeline, index, target, infra.createSageMakerRole);
      output(
        OUTPUTS.referencePipelineArn,
        reference.stateMachine.stateMachineArn,
        `The reference pipeline, as ${pipeline.name}'s state machine`,
      );
      if (reference.sageMakerRole) {
        output(OUTPUTS.sageMakerRoleArn, reference.sageMakerRole.roleArn, 'The SageMaker execution role');
      }
    }
  }
}
