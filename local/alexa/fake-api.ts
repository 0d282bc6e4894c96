// A local stand-in for the Alexa API at `context.System.apiEndpoint`, for the one call the skill makes:
// progressive responses. ask-sdk-core's DirectiveServiceClient sends `POST {apiEndpoint}/v1/directives` with
// `Authorization: Bearer {apiAccessToken}` and a SendDirectiveRequest body; Alexa answers 204 with no body.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { services } from 'ask-sdk-model';
import { readBody } from '../http-body';

export interface ProgressiveResponse {
  /** The request the skill was answering when it sent this (header.requestId). */
  requestId: string;
  speech: string;
  /** The bearer token it used. */
  token: string;
  receivedAt: Date;
}

export interface FakeAlexaApi {
  /** The apiEndpoint to put in request envelopes. */
  url: string;
  /** Every accepted progressive response, oldest first. */
  directives: ProgressiveResponse[];
  close(): Promise<void>;
}

export interface FakeAlexaApiOptions {
  /** When set, only this bearer token is accepted (401 otherwise), like an apiAccessToken check. */
  token?: string;
  /** Called for each accepted progressive response, as it arrives. */
  onDirective?: (directive: ProgressiveResponse) => void;
}

const MAX_BODY_BYTES = 64 * 1024;

class Rejection extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startFakeAlexaApi(options: FakeAlexaApiOptions = {}): Promise<FakeAlexaApi> {
  const directives: ProgressiveResponse[] = [];
  const server = createServer((req, res) => {
    accept(req, options.token)
      .then((directive) => {
        directives.push(directive);
        options.onDirective?.(directive);
        res.writeHead(204).end();
      })
      .catch((error: unknown) => reject(res, error));
  });
  await new Promise<void>((resolve, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    directives,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function accept(req: IncomingMessage, expectedToken: string | undefined): Promise<ProgressiveResponse> {
  if ((req.url ?? '').split('?')[0] !== '/v1/directives') {
    throw new Rejection(404, 'NOT_FOUND', `No such API: ${req.method} ${req.url}`);
  }
  if (req.method !== 'POST') throw new Rejection(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed`);
  const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!token || (expectedToken !== undefined && token !== expectedToken)) {
    throw new Rejection(401, 'UNAUTHORIZED', 'Missing or wrong bearer token');
  }
  const text = await readBody(req, MAX_BODY_BYTES, () => new Rejection(413, 'TOO_LARGE', 'Body too large'));
  const body = parseBody(text.toString('utf8'));
  return {
    requestId: body.header.requestId,
    speech: body.directive.speech ?? '',
    token,
    receivedAt: new Date(),
  };
}

/** Checks the body is a SendDirectiveRequest for VoicePlayer.Speak, the only directive the API takes. */
function parseBody(text: string): services.directive.SendDirectiveRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Rejection(400, 'INVALID_DIRECTIVE', 'The body is not JSON');
  }
  const request = body as Partial<services.directive.SendDirectiveRequest> | null;
  if (typeof request?.header?.requestId !== 'string' || request.header.requestId === '') {
    throw new Rejection(400, 'INVALID_DIRECTIVE', 'header.requestId is required');
  }
  if (request.directive?.type !== 'VoicePlayer.Speak' || typeof request.directive.speech !== 'string') {
    throw new Rejection(400, 'INVALID_DIRECTIVE', 'directive must be VoicePlayer.Speak with speech');
  }
  return request as services.directive.SendDirectiveRequest;
}

function reject(res: ServerResponse, error: unknown): void {
  const { status, code, message } =
    error instanceof Rejection ? error : new Rejection(500, 'INTERNAL_ERROR', String(error));
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code, message }));
}
