// Talking to a Bolt receiver the way Slack does, for tests: the request builders of local/slack/requests.ts
// with the test workspace's secrets as defaults, so the tests keep Bolt's signature verification switched on.

import {
  functionUrlEvent as lambdaEvent,
  postSigned as post,
  type PostOptions,
} from '../../local/slack/requests';
import { LogLevel } from '@slack/web-api';
import { LOCAL_BOT, LOCAL_TEAM } from '../../local/slack/workspace';

export {
  FORM,
  JSON_TYPE,
  appMentionEvent,
  blockActionBody,
  blockActionPayload,
  eventBody,
  newTriggerId,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionPayload,
  type BlockAction,
  type EventEnvelopeOptions,
  type PostOptions,
  type SlackSignatureHeaders,
  type SlashCommand,
} from '../../local/slack/requests';

export const TEST_SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
export const TEST_BOT_TOKEN = 'xoxb-0000000000-0000000000000-testbottoken0000';
export const TEST_TEAM_ID = LOCAL_TEAM.id;
export const TEST_APP_ID = LOCAL_BOT.appId;
export const TEST_BOT_USER_ID = LOCAL_BOT.userId;
export const TEST_BOT_ID = LOCAL_BOT.botId;

/** POSTs a signed body to a Bolt receiver (signed with the test secret unless told); the response is Bolt's ack. */
export function postSigned(
  url: string,
  body: string,
  contentType: string,
  secret: string = TEST_SIGNING_SECRET,
  options: PostOptions = {},
): Promise<Response> {
  return post(url, body, contentType, secret, options);
}

/** A signed Lambda function URL event (signed with the test secret unless told), its body base64-encoded. */
export function functionUrlEvent(
  body: string,
  contentType: string,
  secret: string = TEST_SIGNING_SECRET,
): ReturnType<typeof lambdaEvent> {
  return lambdaEvent(body, contentType, secret);
}

/** A WebClient logger that says nothing: WebClient logs every refusal, which some tests ask for on purpose. */
export const SILENT_SLACK_LOGGER = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};
