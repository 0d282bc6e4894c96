// The wire: AWS JSON protocol over HTTP. Routes `x-amz-target: <Service>.<Operation>` to a service's
// operation table, turns errors into {"__type", "message"}, and never lets a bad request crash the server.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './http-body';
import { AwsError, toWire } from './protocol';

export type Operation = (input: Record<string, unknown>) => unknown;

export interface WireService {
  /** The x-amz-target prefix, e.g. "AWSStepFunctions". */
  targetPrefix: string;
  /** The IAM action prefix, e.g. "states". */
  iamPrefix: string;
  contentType: string;
  operation(name: string): Operation | undefined;
  /** How this service words an error on the wire, when not as a plain {"__type", "message"}. */
  encodeError?(type: string, message: string, status: number): ErrorWire;
}

export interface ErrorWire {
  body: object;
  headers: Record<string, string>;
}

export interface WireHooks {
  beforeCall(iamAction: string, operation: string): Promise<void>;
  /** Local-only endpoints under /_local/ (health, faults). */
  admin(path: string, method: string, body: unknown): Promise<unknown> | unknown;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;
const FALLBACK_CONTENT_TYPE = 'application/x-amz-json-1.1';

export function createWireHandler(services: WireService[], hooks: WireHooks) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    let contentType = FALLBACK_CONTENT_TYPE;
    let service: WireService | undefined;
    try {
      const body = await readBody(
        req,
        MAX_BODY_BYTES,
        () => new AwsError('SerializationException', 'Request body too large', 413),
      );
      const path = (req.url ?? '/').split('?')[0] as string;
      if (path.startsWith('/_local/')) {
        const result = await hooks.admin(
          path,
          req.method ?? 'GET',
          body.length ? parseJson(body) : undefined,
        );
        return send(res, 200, 'application/json', requestId, result ?? {});
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const [prefix, operationName] = target.split('.', 2);
      service = services.find((s) => s.targetPrefix === prefix);
      if (service) contentType = service.contentType;
      const operation = service && operationName ? service.operation(operationName) : undefined;
      if (req.method !== 'POST' || !service || !operation || !operationName) {
        throw new AwsError(
          'UnknownOperationException',
          `Unknown operation: '${target || `${req.method} ${path}`}'`,
        );
      }
      const input = body.length ? parseJson(body) : {};
      if (!input || typeof input !== 'object' || Array.isArray(input)) {
        throw new AwsError('SerializationException', 'Request body must be a JSON object');
      }
      await hooks.beforeCall(`${service.iamPrefix}:${operationName}`, operationName);
      const result = await operation(input as Record<string, unknown>);
      send(res, 200, contentType, requestId, toWire(result ?? {}));
    } catch (error) {
      const { status, type, message } = describeError(error);
      if (status >= 500 && type === 'InternalFailure' && !(error instanceof AwsError)) {
        console.error(`local AWS: internal error: ${(error as Error).stack ?? String(error)}`);
      }
      const wire = service?.encodeError?.(type, message, status) ?? {
        body: { __type: type, message },
        headers: {},
      };
      if (!res.headersSent) send(res, status, contentType, requestId, wire.body, wire.headers);
    }
  };
}

function describeError(error: unknown): { status: number; type: string; message: string } {
  const e = error as { type?: unknown; statusCode?: unknown; message?: unknown };
  if (error instanceof Error && typeof e.type === 'string') {
    return {
      status: typeof e.statusCode === 'number' ? e.statusCode : 400,
      type: e.type,
      message: error.message,
    };
  }
  return {
    status: 500,
    type: 'InternalFailure',
    message: 'The request processing has failed because of an unknown error.',
  };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new AwsError(
      'SerializationException',
      'Start of structure or map found where not expected, or malformed JSON',
    );
  }
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  requestId: string,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': requestId,
  });
  res.end(payload);
}
