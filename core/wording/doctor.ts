// Sentences for `npm run doctor`. Unlike errorSentence (for chat and speech, where the person asking can't fix
// AWS), these speak to the operator at a terminal: they name the action, the resource and what to do.

import { AccessDenied, AwsCredentialsInvalid, AwsUnavailable } from '../errors';

const UNAVAILABLE: Record<AwsUnavailable['reason'], string> = {
  timeout: 'did not answer in time',
  throttled: 'kept throttling the calls',
  unreachable: 'could not be reached',
  'server-error': 'failed on its side',
};

/** Raw AWS messages are kept short: they explain, but a whole response would bury the line. */
const MAX_MESSAGE = 200;

export interface AwsCall {
  /** e.g. "Step Functions" */
  service: string;
  /** e.g. "states:DescribeStateMachine" */
  action: string;
  /** The ARN or name the call was about, if any. */
  resource?: string;
}

/** A failed AWS call, translated by translateAwsError, as what it means and what to do. */
export function awsProblemSentence(error: unknown, call: AwsCall): string {
  const on = call.resource ? ` on ${call.resource}` : '';
  if (error instanceof AccessDenied) {
    return `Your AWS credentials may not call ${call.action}${on}. Allow it for the user or role running the doctor.`;
  }
  if (error instanceof AwsCredentialsInvalid) {
    return 'AWS did not accept your credentials (missing, expired or wrong). Check them with `aws sts get-caller-identity`.';
  }
  if (error instanceof AwsUnavailable) {
    return `${call.service} ${UNAVAILABLE[error.reason]} (${call.action}). Check your network and region, then run the doctor again.`;
  }
  const e = (error ?? {}) as { name?: string; message?: string };
  const message = (e.message ?? '').replace(/\s+/g, ' ').trim();
  const said = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
  return `${call.service} refused ${call.action}${on}: ${e.name ?? 'Error'}${said ? ` (${said})` : ''}.`;
}
