// Slack through a Lambda function URL: Bolt's AwsLambdaReceiver, behind a two-argument async handler (Node 24
// runtimes reject callback handlers). The receiver decodes base64 bodies as ASCII, which breaks the signature
// of any body with non-ASCII text ("é" in a command), so the handler decodes them as UTF-8 first.
//
// This receiver answers only once every listener has finished, so the listeners' work counts against Slack's
// 3 seconds: slack/lambda.ts gives the core a tighter time budget for that reason.

import { AwsLambdaReceiver } from '@slack/bolt';
import type { SlackReceiver } from './receiver';

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
      boltHandler ??= bolt.toHandler();
      return boltHandler(decodeBody(event), context);
    },
    async start() {},
    async stop() {},
  };
}
