// Lambda Task states in the local AWS. There is no real Lambda here: a test (or the local runner) may
// register a function by name; any other function fails the task as Step Functions reports a missing one
// (Lambda.ResourceNotFoundException, cause as recorded in LocalStack's error_handling snapshots).
import { randomUUID } from 'node:crypto';

/** A local stand-in for a Lambda function: takes the payload, returns the result (or throws). */
export type LocalFunction = (payload: unknown) => unknown;

export interface LambdaTarget {
  region: string;
  accountId: string;
  functions: ReadonlyMap<string, LocalFunction>;
}

const OPTIMIZED = /^arn:aws[\w-]*:states:::lambda:invoke$/;
const DIRECT = /^arn:aws[\w-]*:lambda:[^:]+:\d{12}:function:([^:]+)(?::[^:]+)?$/;

function namedError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/** "my-fn", "my-fn:prod", "123456789012:function:my-fn" or a whole ARN → my-fn. */
function functionNameOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 170) return undefined;
  const parts = value.split(':');
  const at = parts.indexOf('function');
  return at >= 0 ? parts[at + 1] : parts[0];
}

async function invoke(target: LambdaTarget, name: string | undefined, payload: unknown): Promise<unknown> {
  const fn = name === undefined ? undefined : target.functions.get(name);
  if (!fn) {
    const arn = `arn:aws:lambda:${target.region}:${target.accountId}:function:${name ?? ''}:$LATEST`;
    throw namedError(
      'Lambda.ResourceNotFoundException',
      `Function not found: ${arn} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; ` +
        `Request ID: ${randomUUID()}; Proxy: null)`,
    );
  }
  try {
    return await fn(payload);
  } catch (error) {
    // A function error: its errorType is the state's error, the error JSON its cause.
    const { name: errorType, message } = error instanceof Error ? error : new Error(String(error));
    throw namedError(
      errorType,
      JSON.stringify({ errorMessage: message, errorType, requestId: randomUUID(), stackTrace: [] }),
    );
  }
}

/** The handler for a Lambda resource, or undefined when the resource is not Lambda. */
export function lambdaTaskHandler(
  resource: string,
  target: LambdaTarget,
): ((params: Record<string, unknown>) => Promise<unknown>) | undefined {
  if (OPTIMIZED.test(resource)) {
    return async (params) => {
      const payload = await invoke(target, functionNameOf(params.FunctionName), params.Payload ?? null);
      const requestId = randomUUID();
      return {
        ExecutedVersion: '$LATEST',
        Payload: payload,
        SdkHttpMetadata: { HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: requestId },
        StatusCode: 200,
      };
    };
  }
  const direct = DIRECT.exec(resource);
  if (direct) return (params) => invoke(target, direct[1], params);
  return undefined;
}
