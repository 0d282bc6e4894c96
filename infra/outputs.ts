// The stack's output names, read by name (the doctor, `npm run deploy`'s next steps): change them only here.

export const DEFAULT_STACK_NAME = 'SageBuild';

export const OUTPUTS = {
  slackBotFunctionUrl: 'SlackBotFunctionUrl',
  skillFunctionArn: 'SkillFunctionArn',
  skillRoleArn: 'SkillRoleArn',
  slackBotRoleArn: 'SlackBotRoleArn',
  notifierRoleArn: 'NotifierRoleArn',
  slackSecretName: 'SlackSecretName',
  storeTableName: 'StoreTableName',
  startClaimsTableName: 'StartClaimsTableName',
  deadLetterQueueUrl: 'DeadLetterQueueUrl',
  referencePipelineArn: 'ReferencePipelineArn',
  sageMakerRoleArn: 'SageMakerRoleArn',
} as const;

export type OutputName = (typeof OUTPUTS)[keyof typeof OUTPUTS];
