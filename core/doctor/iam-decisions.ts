// What iam:SimulatePrincipalPolicy said about a role, as one line: allowed, or which calls are denied and why.
// Pure, so it is tested without AWS.

import type { EvaluationResult } from '@aws-sdk/client-iam';
import { fail, pass, type Check } from './check';
import type { Need } from './role-needs';

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny' | 'unanswered';

const WHY: Record<Exclude<Decision, 'allowed'>, string> = {
  implicitDeny: 'no policy allows it',
  explicitDeny: 'a Deny statement, permissions boundary or SCP blocks it',
  unanswered: 'IAM gave no answer for it',
};

const SERVICES: Record<string, string> = {
  states: 'Step Functions',
  sagemaker: 'SageMaker',
  dynamodb: 'DynamoDB',
  secretsmanager: 'Secrets Manager',
  cloudwatch: 'CloudWatch',
};

/** Denials listed in full; the rest are counted. */
const MAX_LISTED = 4;

/** The decision for one need: a resource-specific result if IAM gave one, else the action's own. */
export function decisionFor(need: Need, results: readonly EvaluationResult[]): Decision {
  for (const result of results) {
    // IAM echoes action names in the case it was sent, but action names are case-insensitive.
    if (result.EvalActionName?.toLowerCase() !== need.action.toLowerCase()) continue;
    const specific = result.ResourceSpecificResults?.find((r) => r.EvalResourceName === need.resource);
    const decision = specific
      ? specific.EvalResourceDecision
      : result.EvalResourceName === need.resource
        ? result.EvalDecision
        : undefined;
    if (decision) return decision;
  }
  return 'unanswered';
}

export function roleCheck(
  title: string,
  roleArn: string,
  needs: readonly Need[],
  results: readonly EvaluationResult[],
): Check {
  const role = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  const denied = new Map<string, { action: string; decision: Decision; what: string[] }>();
  for (const need of needs) {
    const decision = decisionFor(need, results);
    if (decision === 'allowed') continue;
    const key = `${need.action} ${decision}`;
    const entry = denied.get(key) ?? { action: need.action, decision, what: [] };
    if (!entry.what.includes(need.what)) entry.what.push(need.what);
    denied.set(key, entry);
  }
  if (denied.size === 0) {
    const actions = new Set(needs.map((n) => n.action));
    const services = [...new Set(needs.map((n) => SERVICES[n.action.split(':')[0] ?? ''] ?? n.action))];
    return pass(title, `${role} may make all ${actions.size} calls it needs (${services.join(', ')}).`);
  }
  const lines = [...denied.values()].map(
    ({ action, decision, what }) =>
      `${action} on ${what.join(' and ')} (${WHY[decision as Exclude<Decision, 'allowed'>]})`,
  );
  const listed = lines.slice(0, MAX_LISTED).join('; ');
  const more = lines.length > MAX_LISTED ? `; and ${lines.length - MAX_LISTED} more` : '';
  return fail(
    title,
    `${role} is denied ${listed}${more}. Allow ${lines.length === 1 ? 'it' : 'them'} in the role's policy, then deploy the stack again.`,
  );
}
