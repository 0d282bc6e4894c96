// Build cards in Slack: an EventBridge rule on the configured state machines' status changes invokes the
// notifier. What cannot be delivered ends in one dead-letter queue, kept 14 days, with an alarm as soon as it
// holds anything: events EventBridge could not hand to Lambda, and events the notifier still failed on after
// Lambda's retries (as Lambda's invocation records, with the error). A second rule invokes the notifier every
// minute, to move running builds' cards on between status changes (slack/notifier/progress-refresh.ts). A
// third hears SageMaker's own events of the configured endpoints settling, so the notifier announces a
// rollback from any front (slack/notifier/rollback-announcer.ts); it reads the record with the DescribeEndpoint
// and ListTags its 'watch' statements already grant on those endpoints. A fourth, every deployWatch.checkEveryMinutes (when the watch is on), runs the deploy watch
// (slack/notifier/deploy-watch.ts); the notifier tells it from the second by the rule named in its event.

import { createHash } from 'node:crypto';
import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Code, IDestination } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { SageBuildConfig } from '../core/config/schema';
import { sageBuildFunction, type SageBuildFunction } from './functions';
import { APPROVAL_EVENT } from '../pipeline';
import { ENDPOINT_STATE_CHANGE, SETTLED_ENDPOINT_STATUSES } from '../slack/notifier/endpoint-event';
import { buildStatements, hasApprovalGates, stateMachineArns } from './permissions';

export const NOTIFIER_TIMEOUT = Duration.seconds(30);
export const STATUS_CHANGE = 'Step Functions Execution Status Change';
/** A card more than this late is still worth posting (a build's end), but not worth holding on to for ever. */
const MAX_EVENT_AGE = Duration.hours(2);

export interface Notifications {
  notifier: SageBuildFunction;
  deadLetters: Queue;
  alarm: Alarm;
  rule: Rule;
  /** Every minute: the progress refresh of running builds' cards. */
  progressRule: Rule;
  /** Approval gates' requests, when a pipeline has a gate. */
  approvalRule?: Rule;
  /** The configured endpoints settling (rollbacks announced), when a pipeline names its endpoint. */
  endpointRule?: Rule;
  /** Every deployWatch.checkEveryMinutes: the deploy watch; none when the watch is off. */
  deployWatchRule?: Rule;
}

/** The notifier learns its deploy watch rule's name from this variable, to tell the two schedules apart. */
export const DEPLOY_WATCH_RULE_ENV = 'SAGEBUILD_DEPLOY_WATCH_RULE';

/**
 * The deploy watch rule's name, fixed here (not generated) so the notifier can be told it without a
 * reference from the function to the rule, which targets the function: CloudFormation refuses such a cycle.
 * At most 64 characters, unique per stack.
 */
export function deployWatchRuleName(stackName: string): string {
  const hash = createHash('sha256').update(stackName).digest('hex').slice(0, 8);
  return `${stackName.replace(/[^.\-_A-Za-z0-9]/g, '').slice(0, 36)}-deploy-watch-${hash}`;
}

export function notifications(
  scope: Construct,
  config: SageBuildConfig,
  code: Code,
  slackStatements: PolicyStatement[],
): Notifications {
  const deadLetters = new Queue(scope, 'DeadLetters', {
    encryption: QueueEncryption.SQS_MANAGED,
    retentionPeriod: Duration.days(14),
    enforceSSL: true,
  });
  // Lambda's on-failure destination, with only the one action it needs (SqsDestination would add two more).
  const onFailure: IDestination = { bind: () => ({ destination: deadLetters.queueArn }) };
  const notifier = sageBuildFunction(scope, 'Notifier', {
    description: 'SageBuild Slack notifier: build cards from Step Functions status changes',
    serviceName: 'sagebuild-notifier',
    code,
    // Several Slack calls per card, each with its own retries: far from any person's patience limit.
    timeout: NOTIFIER_TIMEOUT,
    memorySize: 256,
    statements: [
      ...buildStatements(config, 'watch'),
      ...slackStatements,
      new PolicyStatement({
        sid: 'FailedEventsToDeadLetters',
        actions: ['sqs:SendMessage'],
        resources: [deadLetters.queueArn],
      }),
    ],
    // Events are deduplicated by id in the store, so Lambda's retries of a thrown event are safe.
    extra: { retryAttempts: 2, maxEventAge: MAX_EVENT_AGE, onFailure },
  });

  const rule = new Rule(scope, 'BuildStatusChanges', {
    description: 'SageBuild: status changes of the configured state machines, to the Slack notifier',
    eventPattern: {
      source: ['aws.states'],
      detailType: [STATUS_CHANGE],
      detail: { stateMachineArn: stateMachineArns(config) },
    },
  });
  rule.addTarget(
    new LambdaFunction(notifier.fn, {
      deadLetterQueue: deadLetters,
      retryAttempts: 8,
      maxEventAge: MAX_EVENT_AGE,
    }),
  );

  // Approval gates' requests (pipeline/approval-gate.ts) go to the same notifier, with the same retries and DLQ.
  const approvalRule = hasApprovalGates(config)
    ? new Rule(scope, 'ApprovalRequests', {
        description:
          "SageBuild: approval gates' requests of the configured state machines, to the Slack notifier",
        eventPattern: {
          source: [APPROVAL_EVENT.source],
          detailType: [APPROVAL_EVENT.detailType],
          detail: { stateMachineArn: stateMachineArns(config) },
        },
      })
    : undefined;
  approvalRule?.addTarget(
    new LambdaFunction(notifier.fn, {
      deadLetterQueue: deadLetters,
      retryAttempts: 8,
      maxEventAge: MAX_EVENT_AGE,
    }),
  );

  // Only the settled statuses: an update's start (UPDATING) says nothing yet about how a rollback went.
  const endpoints = configuredEndpointNames(config);
  const endpointRule =
    endpoints.length > 0
      ? new Rule(scope, 'EndpointStateChanges', {
          description:
            'SageBuild: the configured endpoints settling, to the Slack notifier (rollbacks announced)',
          eventPattern: {
            source: ['aws.sagemaker'],
            detailType: [ENDPOINT_STATE_CHANGE],
            detail: { EndpointName: endpoints, EndpointStatus: [...SETTLED_ENDPOINT_STATUSES] },
          },
        })
      : undefined;
  endpointRule?.addTarget(retriedTarget(notifier, deadLetters));

  const progressRule = new Rule(scope, 'BuildProgress', {
    description: "SageBuild: every minute, the Slack notifier moves running builds' cards on",
    schedule: Schedule.rate(Duration.minutes(1)),
  });
  // No retries, no dead letters: a missed round is made up by the next one, a minute later.
  progressRule.addTarget(new LambdaFunction(notifier.fn, { retryAttempts: 0 }));

  const watch = config.deployWatch;
  const watchRuleName = deployWatchRuleName(Stack.of(scope).stackName);
  const deployWatchRule =
    watch.minutes > 0
      ? new Rule(scope, 'DeployWatch', {
          ruleName: watchRuleName,
          description: `SageBuild: every ${watch.checkEveryMinutes} min, the Slack notifier checks endpoints deployed in the last ${watch.minutes} min`,
          schedule: Schedule.rate(Duration.minutes(watch.checkEveryMinutes)),
        })
      : undefined;
  if (deployWatchRule) {
    // Like the progress rounds: a missed check is made up by the next one.
    deployWatchRule.addTarget(new LambdaFunction(notifier.fn, { retryAttempts: 0 }));
    // The name as written, not rule.ruleName: that is a reference to the rule, and the rule's target is this function.
    notifier.fn.addEnvironment(DEPLOY_WATCH_RULE_ENV, watchRuleName);
  }

  const alarm = new Alarm(scope, 'DeadLettersAlarm', {
    alarmDescription:
      'SageBuild: Slack build notifications could not be delivered; the dead-letter queue holds the events.',
    metric: deadLetters.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: 'Maximum',
    }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  return {
    notifier,
    deadLetters,
    alarm,
    rule,
    progressRule,
    ...(approvalRule ? { approvalRule } : {}),
    ...(endpointRule ? { endpointRule } : {}),
    ...(deployWatchRule ? { deployWatchRule } : {}),
  };
}

/** The notifier as a rule's target: EventBridge's retries, then the dead-letter queue. */
function retriedTarget(notifier: SageBuildFunction, deadLetters: Queue): LambdaFunction {
  return new LambdaFunction(notifier.fn, {
    deadLetterQueue: deadLetters,
    retryAttempts: 8,
    maxEventAge: MAX_EVENT_AGE,
  });
}

/** The endpoints the pipelines' defaultInput names, as SageMaker's events spell them; each once. */
export function configuredEndpointNames(config: SageBuildConfig): string[] {
  const names = config.pipelines.map((p) => p.defaultInput.endpointName);
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && n !== ''))];
}
