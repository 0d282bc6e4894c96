// The deployed CloudFormation stack: its outputs (the Lambdas' roles, its tables, the Slack secret) and the full
// ARN of the tokens secret, which policies name with its random suffix and no output carries. Read once and
// shared by the roles check and the Slack check.

import { DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { AccessDenied, AwsCredentialsInvalid } from '../errors';
import type { AwsCall } from '../wording/doctor';
import { failureSentence, typedFailure } from './aws-failure';
import type { RoleClients } from './clients';

/** Output names of SageBuild's stack (infra/outputs.ts) that the doctor reads. */
export const STACK_OUTPUTS = {
  slackSecretName: 'SlackSecretName',
  storeTableName: 'StoreTableName',
  startClaimsTableName: 'StartClaimsTableName',
} as const;

export interface DeployedStack {
  name: string;
  region: string;
  outputs: Map<string, string>;
  /** The Slack tokens secret's full ARN, when the stack made it. */
  secretArn?: string;
}

/** The stack; why the checks that need it are skipped; or why it is broken (a failed or half-made deploy). */
export type StackLookup = { found: DeployedStack } | { skipped: string } | { failed: string };

export interface StackOptions {
  stackName: string;
  region: string;
  /** How the person can name another stack, e.g. "--stack <name>"; added to the "no such stack" sentence. */
  otherStackHint?: string;
}

export async function findStack(
  clients: RoleClients,
  options: StackOptions,
  signal: AbortSignal,
): Promise<StackLookup> {
  try {
    const { Stacks = [] } = await clients.cloudFormation.send(
      new DescribeStacksCommand({ StackName: options.stackName }),
      { abortSignal: signal },
    );
    const status = stackStatusProblem(options.stackName, Stacks[0]?.StackStatus);
    if (status) return status;
    const outputs = new Map<string, string>();
    for (const output of Stacks[0]?.Outputs ?? []) {
      if (output.OutputKey && output.OutputValue) outputs.set(output.OutputKey, output.OutputValue);
    }
    const secretArn = await stackSecretArn(clients, options.stackName, signal);
    return {
      found: {
        name: options.stackName,
        region: options.region,
        outputs,
        ...(secretArn ? { secretArn } : {}),
      },
    };
  } catch (error) {
    return { skipped: stackProblem(error, options) };
  }
}

/**
 * A stack whose outputs cannot be trusted: a deploy in progress is skipped (run the doctor when it ends); a
 * failed one, or a change set never executed, fails, since the Lambdas are then missing or not as configured.
 * UPDATE_ROLLBACK_COMPLETE is the previous, working version.
 */
export function stackStatusProblem(stackName: string, status: string | undefined): StackLookup | undefined {
  if (!status || /^(CREATE|UPDATE|IMPORT)_COMPLETE$|^UPDATE_ROLLBACK_COMPLETE$/.test(status))
    return undefined;
  if (status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS') {
    return {
      skipped: `The stack ${stackName} is ${status}: run the doctor again when the deploy has finished.`,
    };
  }
  return {
    failed:
      `The stack ${stackName} is ${status}, so its Lambdas are missing or not as configured. See its events in ` +
      'the CloudFormation console, fix the cause, and run npm run deploy again.',
  };
}

/** The secret's physical ID is its ARN. Not knowing it only makes the secret's simulation less exact. */
async function stackSecretArn(
  clients: RoleClients,
  stackName: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  let token: string | undefined;
  try {
    do {
      const page = await clients.cloudFormation.send(
        new ListStackResourcesCommand({ StackName: stackName, ...(token ? { NextToken: token } : {}) }),
        { abortSignal: signal },
      );
      const secret = page.StackResourceSummaries?.find(
        (r) => r.ResourceType === 'AWS::SecretsManager::Secret',
      );
      if (secret?.PhysicalResourceId) return secret.PhysicalResourceId;
      token = page.NextToken;
    } while (token);
  } catch {
    // Fall back to the secret's name (see role-needs.ts).
  }
  return undefined;
}

function stackProblem(error: unknown, options: StackOptions): string {
  const notChecked = "so the Lambdas' roles were not checked.";
  const e = error as { name?: string; message?: string };
  if (e.name === 'ValidationError' && /does not exist/.test(e.message ?? '')) {
    const hint = options.otherStackHint ? ` (name yours with ${options.otherStackHint})` : '';
    return `No CloudFormation stack named ${options.stackName} in ${options.region}${hint}, ${notChecked}`;
  }
  const call: AwsCall = {
    service: 'CloudFormation',
    action: 'cloudformation:DescribeStacks',
    resource: options.stackName,
  };
  const typed = typedFailure(error, call);
  // A custom endpoint that is not CloudFormation (the local AWS) answers in a way no SDK can read.
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (endpoint && !(typed instanceof AccessDenied || typed instanceof AwsCredentialsInvalid)) {
    return `CloudFormation did not answer at ${endpoint} (AWS_ENDPOINT_URL), ${notChecked}`;
  }
  return `${failureSentence(error, call)} The Lambdas' roles were not checked.`;
}
