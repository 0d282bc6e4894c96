// AWS SDK errors become the core's typed errors, so fronts can say something true and friendly.

import { AccessDenied, AwsCredentialsInvalid, AwsUnavailable } from '../errors';

type Service = 'Step Functions' | 'SageMaker' | 'CloudWatch';

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);
const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);
/** The keys themselves were refused or missing: no IAM policy change would help. */
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'CredentialsProviderError',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'EPIPE']);

/** Socket failures; the SDK sometimes wraps them, leaving the code only in the message. */
function isNetworkError(e: SdkErrorShape): boolean {
  if (NETWORK.has(e.code ?? '') || NETWORK.has(e.name ?? '')) return true;
  return [...NETWORK].some((code) => e.message?.includes(code));
}

/** Returns the typed error for infrastructure failures, or the original error for the caller to handle. */
export function translateAwsError(error: unknown, service: Service, action: string): unknown {
  const e = (error ?? {}) as SdkErrorShape;
  const name = e.name ?? '';
  if (DENIED.has(name)) return new AccessDenied(action, e.message);
  if (BAD_CREDENTIALS.has(name)) return new AwsCredentialsInvalid(e.message);
  if (THROTTLING.has(name) || e.$retryable?.throttling)
    return new AwsUnavailable(service, 'throttled', e.message);
  if (name === 'TimeoutError' || name === 'AbortError' || e.code === 'ETIMEDOUT') {
    return new AwsUnavailable(service, 'timeout', e.message);
  }
  if (isNetworkError(e)) return new AwsUnavailable(service, 'unreachable', e.message);
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return new AwsUnavailable(service, 'server-error', e.message);
  return error;
}

/** Runs one AWS call, translating infrastructure failures into typed errors. */
export async function callAws<T>(service: Service, action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translateAwsError(error, service, action);
  }
}
