// A failed CloudFormation or IAM call as the operator's sentence, through the core's error translation.

import { translateAwsError } from '../aws/translate-error';
import { awsProblemSentence, type AwsCall } from '../wording/doctor';

/**
 * translateAwsError's typed error. Its service names only Step Functions and SageMaker, so the label passed is a
 * stand-in: only the kind of failure (denied, bad credentials, unreachable...) is used.
 */
export const typedFailure = (error: unknown, call: AwsCall): unknown =>
  translateAwsError(error, 'Step Functions', call.action);

export const failureSentence = (error: unknown, call: AwsCall): string =>
  awsProblemSentence(typedFailure(error, call), call);
