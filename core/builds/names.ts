// Execution names derived from the request's idempotency key: a retried request maps to the same name, so
// Step Functions itself refuses to start the build twice. Names double as SageMaker job/model names.

import { createHash } from 'node:crypto';

const HASH_CHARS = 12;

export function executionName(pipeline: string, idempotencyKey: string): string {
  const hash = createHash('sha256')
    .update(`${pipeline}\n${idempotencyKey}`)
    .digest('hex')
    .slice(0, HASH_CHARS);
  return `${pipeline}-${hash}`;
}

/** The execution ARN for a name, from the state machine's ARN (same account, region and machine). */
export function executionArnFor(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
