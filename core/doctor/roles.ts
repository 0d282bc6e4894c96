// Check 4: the deployed Lambdas' IAM roles may make the calls SageBuild makes. The roles come from the stack's
// outputs; iam:SimulatePrincipalPolicy judges each (action, resource) pair without calling anything for real.
// No stack, or no CloudFormation (the local AWS), is a skip with the reason: the doctor can't tell, not "broken".

import { SimulatePrincipalPolicyCommand, type EvaluationResult } from '@aws-sdk/client-iam';
import type { SageBuildConfig } from '../config/schema';
import { failureSentence } from './aws-failure';
import { fail, skip, type Check } from './check';
import type { RoleClients } from './clients';
import { roleCheck } from './iam-decisions';
import { LAMBDA_ROLES, placeOf, roleNeeds, type LambdaRole, type Need } from './role-needs';
import type { DeployedStack, StackLookup } from './stack';

export const ROLES_TITLE = 'Lambda roles';
/** Simulations in flight per role: IAM's API is rate limited per account. */
const PARALLEL_SIMULATIONS = 4;

export async function checkRoles(
  config: SageBuildConfig,
  iam: RoleClients['iam'],
  lookup: StackLookup,
  signal: AbortSignal,
): Promise<Check[]> {
  if ('skipped' in lookup) return [skip(ROLES_TITLE, lookup.skipped)];
  if ('failed' in lookup) return [fail(ROLES_TITLE, lookup.failed)];
  const stack = lookup.found;
  return Promise.all(LAMBDA_ROLES.map((role) => checkRole(role, config, iam, stack, signal)));
}

async function checkRole(
  role: LambdaRole,
  config: SageBuildConfig,
  iam: RoleClients['iam'],
  stack: DeployedStack,
  signal: AbortSignal,
): Promise<Check> {
  const roleArn = stack.outputs.get(role.output);
  if (!roleArn) {
    return skip(
      role.title,
      `The stack ${stack.name} has no ${role.output} output, so this role was not checked.`,
    );
  }
  const needs = roleNeeds(role, config, placeOf(roleArn, stack));
  try {
    const results = await simulate(iam, roleArn, needs, signal);
    return roleCheck(role.title, roleArn, needs, results);
  } catch (error) {
    // IAM's NoSuchEntity, as the SDK names it.
    if ((error as Error).name === 'NoSuchEntityException') {
      return fail(
        role.title,
        `${roleArn} (the stack's ${role.output}) does not exist. Deploy the stack again.`,
      );
    }
    const call = { service: 'IAM', action: 'iam:SimulatePrincipalPolicy', resource: roleArn };
    return skip(role.title, `${failureSentence(error, call)} This role was not checked.`);
  }
}

/** One simulation per resource, with that resource's actions: each answer is then about exactly one resource. */
async function simulate(
  iam: RoleClients['iam'],
  roleArn: string,
  needs: Need[],
  signal: AbortSignal,
): Promise<EvaluationResult[]> {
  const byResource = new Map<string, Set<string>>();
  for (const need of needs) {
    byResource.set(need.resource, (byResource.get(need.resource) ?? new Set()).add(need.action));
  }
  const groups = [...byResource.entries()];
  const results: EvaluationResult[] = [];
  for (let i = 0; i < groups.length; i += PARALLEL_SIMULATIONS) {
    const batch = groups.slice(i, i + PARALLEL_SIMULATIONS);
    const answers = await Promise.all(
      batch.map(([resource, actions]) => simulateOne(iam, roleArn, resource, [...actions], signal)),
    );
    results.push(...answers.flat());
  }
  return results;
}

async function simulateOne(
  iam: RoleClients['iam'],
  roleArn: string,
  resource: string,
  actions: string[],
  signal: AbortSignal,
): Promise<EvaluationResult[]> {
  const results: EvaluationResult[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: roleArn,
        ActionNames: actions,
        ResourceArns: [resource],
        ...(marker ? { Marker: marker } : {}),
      }),
      { abortSignal: signal },
    );
    results.push(...(page.EvaluationResults ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return results;
}
