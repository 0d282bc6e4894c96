// The two fronts people talk to. Their timeouts follow who waits: Alexa gives a skill 8 seconds (the core's
// aws.budgetMs, 6 s by default, bounds the AWS calls inside that), Slack wants its answer within 3 seconds.
// 512 MB buys the CPU that keeps a cold start short on these request paths.

import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import { ServicePrincipal, type PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, type Code, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { SageBuildConfig } from '../core/config/schema';
import { sageBuildFunction, type SageBuildFunction } from './functions';
import { buildStatements } from './permissions';

/** The regions the Alexa service invokes skill Lambdas in (North America, Europe and India, Far East, Japan). */
export const ALEXA_LAMBDA_REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-northeast-1'];

export const SKILL_TIMEOUT = Duration.seconds(7);
export const SLACK_BOT_TIMEOUT = Duration.seconds(3);
export const REQUEST_PATH_MEMORY_MB = 512;

export function skillFront(
  scope: Construct,
  config: SageBuildConfig,
  skillId: string,
  code: Code,
  claimStatements: PolicyStatement[],
): SageBuildFunction {
  const skill = sageBuildFunction(scope, 'Skill', {
    description: 'SageBuild Alexa skill',
    serviceName: 'sagebuild-skill',
    code,
    timeout: SKILL_TIMEOUT,
    memorySize: REQUEST_PATH_MEMORY_MB,
    statements: [...buildStatements(config, 'control'), ...claimStatements],
  });
  const region = Stack.of(scope).region;
  if (!ALEXA_LAMBDA_REGIONS.includes(region)) {
    // A warning, not a refusal: Amazon's list may have grown since this was written.
    Annotations.of(skill.fn).addWarningV2(
      'sagebuild:alexa-region',
      `Alexa calls skill Lambdas in ${ALEXA_LAMBDA_REGIONS.join(', ')}; this stack deploys to ${region}, so the ` +
        'skill package may be refused with this endpoint. Deploy the skill from a stack in one of those regions ' +
        '(a skill-only config with config.region set there: the skill reaches pipelines in any region).',
    );
  }
  // The Alexa Skills Kit trigger: only this skill may invoke the function (the handler checks the ID again).
  skill.fn.addPermission('AlexaSkillKitTrigger', {
    principal: new ServicePrincipal('alexa-appkit.amazon.com'),
    action: 'lambda:InvokeFunction',
    eventSourceToken: skillId,
  });
  return skill;
}

export interface SlackBotFront extends SageBuildFunction {
  url: FunctionUrl;
}

export function slackBotFront(
  scope: Construct,
  config: SageBuildConfig,
  code: Code,
  slackStatements: PolicyStatement[],
  claimStatements: PolicyStatement[],
): SlackBotFront {
  const bot = sageBuildFunction(scope, 'SlackBot', {
    description: 'SageBuild Slack bot (slash commands, mentions, buttons)',
    serviceName: 'sagebuild-slack-bot',
    code,
    timeout: SLACK_BOT_TIMEOUT,
    memorySize: REQUEST_PATH_MEMORY_MB,
    statements: [...buildStatements(config, 'control'), ...claimStatements, ...slackStatements],
  });
  // No IAM auth: Slack cannot sign AWS requests. It signs its own, and the bot rejects any bad signature.
  const url = bot.fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
  return { ...bot, url };
}
