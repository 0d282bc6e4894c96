// Where the stack goes: the account and region of the configured state machines, known from the config alone,
// so synth needs no credentials and no lookups. A stack elsewhere could not work: Step Functions has no
// resource policies (a role in another account cannot call it) and an EventBridge rule only sees its own
// region's events.

import type { SageBuildConfig } from '../core/config/schema';
import { ConfigError } from '../core/errors';

export interface DeploymentTarget {
  partition: string;
  account: string;
  region: string;
}

/** The parts of a state machine ARN: arn:<partition>:states:<region>:<account>:stateMachine:<name>. */
export interface StateMachineArnParts extends DeploymentTarget {
  name: string;
}

export function stateMachineArnParts(arn: string): StateMachineArnParts {
  const [, partition = '', , region = '', account = '', , name = ''] = arn.split(':');
  return { partition, region, account, name };
}

/**
 * The stack's target. The region is config.region when set, else the first pipeline's; every pipeline must be
 * in that account, and, when the notifier is deployed (`needsEvents`), in that region too.
 */
export function deploymentTarget(config: SageBuildConfig, needsEvents: boolean): DeploymentTarget {
  const arns = config.pipelines.map((p) => ({
    pipeline: p.name,
    ...stateMachineArnParts(p.stateMachineArn),
  }));
  const first = arns[0];
  if (!first) throw new ConfigError('The config lists no pipelines.', 'pipelines');
  const region = config.region ?? first.region;
  const target = { partition: first.partition, account: first.account, region };
  for (const arn of arns) {
    if (arn.account !== target.account) {
      throw new ConfigError(
        `Pipeline ${arn.pipeline} is in account ${arn.account} but ${first.pipeline} is in ${target.account}: ` +
          'one SageBuild stack serves the state machines of one account.',
        'pipelines',
      );
    }
    if (arn.partition !== target.partition) {
      throw new ConfigError(
        `Pipeline ${arn.pipeline} is in partition ${arn.partition}, not ${target.partition}.`,
      );
    }
    if (needsEvents && arn.region !== region) {
      throw new ConfigError(
        `Pipeline ${arn.pipeline} is in ${arn.region} but the stack deploys to ${region}: EventBridge rules ` +
          'only see their own region, so its Slack notifications would never arrive. Keep the pipelines of ' +
          'one config in one region (config.region, if set, must be theirs).',
        'pipelines',
      );
    }
  }
  return target;
}
