// Slack through a Lambda function URL: Bolt's AwsLambdaReceiver, behind a two-argument async handler (Node 24
// runtimes reject callback handlers). The receiver decodes base64 bodies as ASCII, which breaks the signature
// of any body with non-ASCII text ("é" in a command), so the handler decodes them as UTF-8 first. Every event
// passes verify.ts's gate (size, timestamp both ways, signature, a body that reads) before Bolt sees it: Bolt
// parses by content type before it checks the signature, and throws on a mismatch.
//
// This receiver answers only once every listener has finished, so the listeners' work counts against Slack's
// 3 seconds: slack/lambda.ts gives the core a tighter time budget for that reason.

import { AwsLambdaReceiver } from '@slack/bolt';
import type { SlackReceiver } from './receiver';
import { MAX_SLACK_BODY_BYTES, REFUSAL_STATUS, verifySlackRequest, type Refusal } from './verify';

// Bolt's index exports the receiver but not its event types: take them from its handler.
type AwsHandler = ReturnType<AwsLambdaReceiver['toHandler']>;
export type AwsEvent = Parameters<AwsHandler>[0];
export type AwsResponse = Awaited<ReturnType<AwsHandler>>;

export interface SlackLambdaReceiver extends SlackReceiver<AwsLambdaReceiver> {
  handler: (event: AwsEvent, context: unknown) => Promise<AwsResponse>;
}

/** The same event with its body as UTF-8 text, as Slack signed it. */
export function decodeBody<E extends AwsEvent>(event: E): E {
  if (!event.isBase64Encoded || typeof event.body !== 'string') return event;
  return { ...event, body: Buffer.from(event.body, 'base64').toString('utf8'), isBase64Encoded: false };
}

type Headers = Record<string, string | undefined>;

/** A header by name, as HTTP means it: case does not matter. */
function header(headers: Headers, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : undefined;
}

/** The event's headers with one Content-Type, the bare media type Bolt compares against. */
function withContentType(headers: Headers, contentType: string): Headers {
  const rest = Object.fromEntries(
    Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'content-type'),
  );
  return { ...rest, 'Content-Type': contentType };
}

function refused(refusal: Refusal): AwsResponse {
  return { statusCode: REFUSAL_STATUS[refusal], body: '' };
}

/**
 * The event as Bolt may see it, or the answer it gets instead. Anything that is not a function URL event with
 * a text body (null, a string, a base64 body too large to decode) is an unreadable request, not a crash.
 */
export function gate(
  signingSecret: string,
  event: unknown,
  nowMs: number = Date.now(),
): { event: AwsEvent } | { answer: AwsResponse } {
  if (typeof event !== 'object' || event === null) return { answer: refused('unreadable-body') };
  const given = event as AwsEvent;
  const body: unknown = given.body ?? '';
  if (typeof body !== 'string') return { answer: refused('unreadable-body') };
  // Base64 is 4 characters per 3 bytes: a body too large is known before it is decoded.
  const encodedLimit = given.isBase64Encoded ? Math.ceil(MAX_SLACK_BODY_BYTES / 3) * 4 : MAX_SLACK_BODY_BYTES;
  if (body.length > encodedLimit) return { answer: refused('too-large') };
  const decoded = decodeBody({ ...given, body });
  const headers: Headers =
    typeof given.headers === 'object' && given.headers !== null ? (given.headers as Headers) : {};
  const verdict = verifySlackRequest(
    signingSecret,
    {
      rawBody: decoded.body as string,
      signature: header(headers, 'x-slack-signature'),
      timestamp: header(headers, 'x-slack-request-timestamp'),
      contentType: header(headers, 'content-type'),
    },
    nowMs,
  );
  if (!verdict.ok) return { answer: refused(verdict.refusal) };
  if ('sslCheck' in verdict) return { answer: { statusCode: 200, body: '' } };
  return { event: { ...decoded, headers: withContentType(headers, verdict.contentType) } };
}

export function createLambdaReceiver(options: { signingSecret: string }): SlackLambdaReceiver {
  const bolt = new AwsLambdaReceiver({
    signingSecret: options.signingSecret,
    signatureVerification: true,
    // Bolt's default prints the request's X-Slack-Signature header; the request's log line says 401 instead.
    invalidRequestSignatureHandler: () => undefined,
  });
  let boltHandler: AwsHandler | undefined;
  return {
    bolt,
    handler: async (event, context) => {
      const passed = gate(options.signingSecret, event);
      if ('answer' in passed) return passed.answer;
      boltHandler ??= bolt.toHandler();
      return boltHandler(passed.event, context);
    },
    async start() {},
    async stop() {},
  };
}
