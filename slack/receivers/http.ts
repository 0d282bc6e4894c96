// Slack over plain HTTP: Bolt's HTTPReceiver, signature verification on (tests sign their requests). Bolt
// answers as soon as a listener acks, so slow work never holds up Slack's 3 seconds. Every POST to the events
// path is read (bounded) and passes verify.ts's gate first: Bolt alone would serve requests dated in the
// future, and would log the parser's message, which quotes body text, for a malformed body.

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPReceiver } from '@slack/bolt';
import type { SlackReceiver } from './receiver';
import { MAX_SLACK_BODY_BYTES, REFUSAL_STATUS, verifySlackRequest } from './verify';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface HttpReceiverOptions {
  signingSecret: string;
  /** 0 (the default) picks a free port; `url` tells which. */
  port?: number;
  host?: string;
}

export interface SlackHttpReceiver extends SlackReceiver {
  /** Where Slack posts commands, actions and events, once started. */
  readonly url: string;
}

export function createHttpReceiver(options: HttpReceiverOptions): SlackHttpReceiver {
  const host = options.host ?? '127.0.0.1';
  const bolt = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    signatureVerification: true,
    bodyLimit: MAX_SLACK_BODY_BYTES,
  });
  // Bolt's server calls this property per request: the gate goes in front of Bolt's own listener.
  bolt.requestListener = gated(options.signingSecret, bolt.requestListener);
  let url = '';
  return {
    bolt,
    get url() {
      if (!url) throw new Error('The Slack HTTP receiver is not started.');
      return url;
    },
    async start() {
      const server = await bolt.start({ port: options.port ?? 0, host });
      const { port } = server.address() as AddressInfo;
      url = `http://${host}:${port}${SLACK_EVENTS_PATH}`;
    },
    async stop() {
      await bolt.stop();
      url = '';
    },
  };
}

/** Slack's POSTs are gated; anything else (another path, a GET) is Bolt's to route or refuse as before. */
function gated(signingSecret: string, boltListener: RequestListener): RequestListener {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== SLACK_EVENTS_PATH || req.method?.toUpperCase() !== 'POST') {
      boltListener(req, res);
      return;
    }
    void screen(signingSecret, req, res, boltListener).catch(() => answer(res, 400));
  };
}

async function screen(
  signingSecret: string,
  req: IncomingMessage,
  res: ServerResponse,
  boltListener: RequestListener,
): Promise<void> {
  const body = await readBounded(req);
  if (!body) {
    // The rest is read and dropped, so the connection stays usable and the client hears the 413.
    req.resume();
    return answer(res, REFUSAL_STATUS['too-large']);
  }
  const verdict = verifySlackRequest(signingSecret, {
    rawBody: body.toString('utf8'),
    bytes: body.length,
    signature: single(req.headers['x-slack-signature']),
    timestamp: single(req.headers['x-slack-request-timestamp']),
    contentType: single(req.headers['content-type']),
  });
  if (!verdict.ok) return answer(res, REFUSAL_STATUS[verdict.refusal]);
  if ('sslCheck' in verdict) return answer(res, 200);
  // Bolt reads a request whose rawBody is already buffered as is, and compares the bare media type.
  Object.assign(req, { rawBody: body });
  req.headers['content-type'] = verdict.contentType;
  boltListener(req, res);
}

/** The body, or undefined once it passes MAX_SLACK_BODY_BYTES (declared or sent): no more of it is kept. */
function readBounded(req: IncomingMessage): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length']) > MAX_SLACK_BODY_BYTES) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_SLACK_BODY_BYTES) return void chunks.push(chunk);
      // Stop keeping it, but leave the socket alone so the 413 can still be sent.
      req.off('data', onData);
      resolve(undefined);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function answer(res: ServerResponse, status: number): void {
  if (!res.headersSent) res.writeHead(status).end();
}
