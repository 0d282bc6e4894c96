// SDK failures become typed errors with a true sentence: IAM, credentials, throttling, timeouts, outages.

import { translateAwsError } from '../core/aws/translate-error';
import { AccessDenied, AwsCredentialsInvalid, AwsUnavailable } from '../core/errors';
import { errorSentence } from '../core/wording';

function sdkError(name: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, ...fields });
}

test.each([
  ['AccessDeniedException', AccessDenied],
  ['UnrecognizedClientException', AwsCredentialsInvalid],
  ['ExpiredTokenException', AwsCredentialsInvalid],
  ['InvalidSignatureException', AwsCredentialsInvalid],
  ['CredentialsProviderError', AwsCredentialsInvalid],
  ['ThrottlingException', AwsUnavailable],
  ['TimeoutError', AwsUnavailable],
  ['AbortError', AwsUnavailable],
])('%s becomes %p', (name, type) => {
  const translated = translateAwsError(sdkError(name), 'Step Functions', 'states:ListExecutions');
  expect(translated).toBeInstanceOf(type);
  expect(errorSentence(translated)).not.toMatch(/something went wrong/);
});

test('AccessDenied names the IAM action; bad credentials do not blame IAM', () => {
  const denied = translateAwsError(
    sdkError('AccessDeniedException'),
    'Step Functions',
    'states:StopExecution',
  );
  expect(errorSentence(denied)).toContain('states:StopExecution');
  const expired = translateAwsError(
    sdkError('ExpiredTokenException'),
    'SageMaker',
    'sagemaker:DescribeEndpoint',
  );
  expect(errorSentence(expired)).toMatch(/credentials/);
  expect(errorSentence(expired)).not.toMatch(/allowed to call/);
});

test('network failures are "unreachable", even when the SDK wraps them', () => {
  const refused = translateAwsError(sdkError('Error', { code: 'ECONNREFUSED' }), 'SageMaker', 'x');
  const wrapped = translateAwsError(
    new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9'),
    'SageMaker',
    'x',
  );
  for (const error of [refused, wrapped]) expect(error).toMatchObject({ reason: 'unreachable' });
});

test('5xx is a server error; a modelled service error passes through untouched', () => {
  const fiveHundred = translateAwsError(
    sdkError('InternalFailure', { $metadata: { httpStatusCode: 500 } }),
    'SageMaker',
    'x',
  );
  expect(fiveHundred).toMatchObject({ reason: 'server-error' });
  const missing = sdkError('ExecutionDoesNotExist', { $metadata: { httpStatusCode: 400 } });
  expect(translateAwsError(missing, 'Step Functions', 'x')).toBe(missing);
});
