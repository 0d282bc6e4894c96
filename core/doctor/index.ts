// The doctor's AWS checks for a live deployment (`npm run doctor`). A front runs these groups and prints their
// lines; the Slack check lives with the Slack front (slack/doctor-check.ts), since the core knows no Slack.

import { AwsClientPool } from '../aws/clients';
import type { SageBuildConfig } from '../config/schema';
import { roleClients } from './clients';
import { checkRoles, ROLES_TITLE } from './roles';
import type { CheckGroup } from './run';
import { findStack, STACK_OUTPUTS, type StackLookup } from './stack';
import { checkPipeline } from './state-machines';

export { checkAlexa } from './alexa';
export { pass, fail, skip, type Check, type CheckStatus } from './check';
export { checkConfig, type ConfigCheck } from './config-check';
export { startGroups, type CheckGroup } from './run';

export const DEFAULT_STACK = 'SageBuild';

export interface AwsChecksOptions {
  /** The CloudFormation stack with the Lambdas' role outputs. */
  stackName: string;
  /** How the person names another stack, for the "no such stack" line. */
  otherStackHint?: string;
  /** Why there is no stack to look at (the local AWS): the roles are skipped without calling anything. */
  noStackBecause?: string;
  now?: () => Date;
}

export interface AwsChecks {
  /** In the order they print: each pipeline, then the Lambda roles. */
  groups: CheckGroup[];
  /** Where the stack is deployed (and its secret kept): config.region, else the first pipeline's. */
  region: string;
  /**
   * The Slack tokens secret the stack made (its SlackSecretName output), for a config that names none; or why
   * it is not known (no stack, or it could not be read).
   */
  slackSecret(signal: AbortSignal): Promise<{ id: string } | { unknown: string }>;
  close(): void;
}

export function awsChecks(config: SageBuildConfig, options: AwsChecksOptions): AwsChecks {
  const pool = new AwsClientPool(config.aws);
  // The stack is deployed where the pipelines run unless the config says otherwise.
  const region = config.region ?? config.pipelines[0]?.region ?? 'us-east-1';
  const clients = roleClients(config.aws, region);
  // Read once, by whichever check asks first.
  let stack: Promise<StackLookup> | undefined;
  const lookup = (signal: AbortSignal): Promise<StackLookup> => {
    if (options.noStackBecause) return Promise.resolve({ skipped: options.noStackBecause });
    const { stackName, otherStackHint } = options;
    stack ??= findStack(
      clients,
      { stackName, region, ...(otherStackHint ? { otherStackHint } : {}) },
      signal,
    );
    return stack;
  };
  const pipelines = config.pipelines.map((pipeline, i): CheckGroup => ({
    title: `${pipeline.name} state machine`,
    run: (signal) =>
      checkPipeline(pipeline, {
        clients: pool.forRegion(pipeline.region),
        signal,
        field: `pipelines[${i}].stateMachineArn`,
        ...(options.now ? { now: options.now } : {}),
      }),
  }));
  return {
    groups: [
      ...pipelines,
      {
        title: ROLES_TITLE,
        run: async (signal) => checkRoles(config, clients.iam, await lookup(signal), signal),
      },
    ],
    region,
    async slackSecret(signal) {
      const found = await lookup(signal);
      if (!('found' in found)) return { unknown: 'skipped' in found ? found.skipped : found.failed };
      const id = found.found.outputs.get(STACK_OUTPUTS.slackSecretName);
      return id
        ? { id }
        : { unknown: `The stack ${found.found.name} has no ${STACK_OUTPUTS.slackSecretName} output.` };
    },
    close() {
      pool.destroy();
      clients.destroy();
    },
  };
}
