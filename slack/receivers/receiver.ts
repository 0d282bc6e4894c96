// The one small interface behind which each way of hearing from Slack sits: HTTP (local and tests), a Lambda
// function URL, and Socket Mode. createSlackApp registers the same listeners whichever it gets.

import type { Receiver } from '@slack/bolt';

export interface SlackReceiver<R extends Receiver = Receiver> {
  /** Bolt's receiver, handed to the App. */
  readonly bolt: R;
  start(): Promise<void>;
  stop(): Promise<void>;
}
