// Slack over Socket Mode, for development against a real workspace without a public URL: an app-level
// token (xapp-…) opens a WebSocket, and acks travel back on it at once.

import { SocketModeReceiver } from '@slack/bolt';
import type { SlackReceiver } from './receiver';

export function createSocketReceiver(options: { appToken: string }): SlackReceiver {
  const bolt = new SocketModeReceiver({ appToken: options.appToken });
  return {
    bolt,
    async start() {
      await bolt.start();
    },
    async stop() {
      await bolt.stop();
    },
  };
}
