// Slack over plain HTTP: Bolt's HTTPReceiver, signature verification on (tests sign their requests). Bolt
// answers as soon as a listener acks, so slow work never holds up Slack's 3 seconds.

import type { AddressInfo } from 'node:net';
import { HTTPReceiver } from '@slack/bolt';
import type { SlackReceiver } from './receiver';

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
  });
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
