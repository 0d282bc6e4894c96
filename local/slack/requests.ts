// Requests as Slack sends them to a Bolt receiver: slash commands, interactivity payloads and Events API
// envelopes, signed with the signing secret (v0 HMAC-SHA256 of `v0:{timestamp}:{body}`). The console plays a
// Slack workspace with these, and tests use them, so Bolt's signature verification stays on everywhere.

import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { LOCAL_BOT, LOCAL_TEAM } from './workspace';

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

export interface SlackSignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/** Slack's request signature. `timestamp` is in seconds; a stale one lets tests check the 5-minute window. */
export function signSlackRequest(
  body: string,
  signingSecret: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': String(timestamp) };
}

/**
 * A Lambda function URL event (payload 2.0) for a signed Slack request, its body base64-encoded as function URLs
 * deliver it. A wrong `signingSecret` gives a forged request.
 */
export function functionUrlEvent(body: string, contentType: string, signingSecret: string) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': contentType, ...signSlackRequest(body, signingSecret) },
    requestContext: { http: { method: 'POST', path: '/' } },
    body: Buffer.from(body, 'utf8').toString('base64'),
    isBase64Encoded: true,
  };
}

/**
 * A trigger_id in Slack's shape ("132456.7890123.abcdef": digits, digits, hex). The local workspace puts the
 * moment it was issued (epoch ms) first, so the fake Web API can refuse it once expired (Slack: 3 seconds).
 */
export function newTriggerId(issuedAtMs: number = Date.now()): string {
  return `${issuedAtMs}.${randomBytes(4).readUInt32BE(0)}.${randomBytes(12).toString('hex')}`;
}

export interface SlashCommand {
  command: string;
  text: string;
  user_id: string;
  user_name?: string;
  channel_id: string;
  channel_name?: string;
  team_id?: string;
  team_domain?: string;
  trigger_id?: string;
  response_url: string;
}

/** A slash command as Slack posts it: form-encoded, with the fields in Slack's order. */
export function slashCommandBody(command: SlashCommand): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: command.team_id ?? LOCAL_TEAM.id,
    team_domain: command.team_domain ?? LOCAL_TEAM.domain,
    channel_id: command.channel_id,
    channel_name: command.channel_name ?? command.channel_id.toLowerCase(),
    user_id: command.user_id,
    user_name: command.user_name ?? command.user_id.toLowerCase(),
    command: command.command,
    text: command.text,
    api_app_id: LOCAL_BOT.appId,
    is_enterprise_install: 'false',
    response_url: command.response_url,
    trigger_id: command.trigger_id ?? newTriggerId(),
  }).toString();
}

/** An interactivity payload (block_actions, view_submission, …): `payload=<urlencoded JSON>`. */
export function blockActionBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface BlockAction {
  actionId: string;
  blockId?: string;
  value?: string;
  userId: string;
  userName?: string;
  channelId: string;
  /** The channel's name, without "#" (Slack sends it); made from the ID when left out. */
  channelName?: string;
  /** The button's label, as the payload's action repeats it; the action_id when left out. */
  label?: string;
  /** The message the button is on. */
  messageTs: string;
  message?: object;
  responseUrl: string;
  triggerId?: string;
  /** For a button with a confirm dialog, Slack only sends the action after "confirm": nothing extra to add. */
  actionTs?: string;
}

/** A `block_actions` payload for a button click, shaped like Slack's. */
export function blockActionPayload(action: BlockAction): object {
  const actionTs = action.actionTs ?? `${(Date.now() / 1000).toFixed(6)}`;
  return {
    type: 'block_actions',
    user: {
      id: action.userId,
      username: action.userName ?? action.userId.toLowerCase(),
      team_id: LOCAL_TEAM.id,
    },
    api_app_id: LOCAL_BOT.appId,
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: action.messageTs,
      channel_id: action.channelId,
      is_ephemeral: false,
    },
    trigger_id: action.triggerId ?? newTriggerId(),
    team: { id: LOCAL_TEAM.id, domain: LOCAL_TEAM.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: action.channelId, name: action.channelName ?? action.channelId.toLowerCase() },
    message: action.message ?? { type: 'message', ts: action.messageTs, text: '', user: LOCAL_BOT.userId },
    response_url: action.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: action.actionId,
        block_id: action.blockId ?? 'actions',
        ...(action.value !== undefined ? { value: action.value } : {}),
        text: { type: 'plain_text', text: action.label ?? action.actionId, emoji: true },
        action_ts: actionTs,
      },
    ],
  };
}

export interface ViewSubmission {
  userId: string;
  userName?: string;
  /** The view as views.open answered it (id, callback_id, private_metadata, blocks, …). */
  view: Record<string, unknown>;
  /** What the person typed: block_id → action_id → value, for plain_text_inputs. */
  values: Record<string, Record<string, string | null>>;
}

/** A `view_submission` payload for a modal's submit button, shaped like Slack's. */
export function viewSubmissionPayload(submission: ViewSubmission): object {
  const values = Object.fromEntries(
    Object.entries(submission.values).map(([block, actions]) => [
      block,
      Object.fromEntries(
        Object.entries(actions).map(([action, value]) => [action, { type: 'plain_text_input', value }]),
      ),
    ]),
  );
  return {
    type: 'view_submission',
    team: { id: LOCAL_TEAM.id, domain: LOCAL_TEAM.domain },
    user: {
      id: submission.userId,
      username: submission.userName ?? submission.userId.toLowerCase(),
      name: submission.userName ?? submission.userId.toLowerCase(),
      team_id: LOCAL_TEAM.id,
    },
    api_app_id: LOCAL_BOT.appId,
    token: 'deprecated-verification-token',
    trigger_id: newTriggerId(),
    view: {
      type: 'modal',
      team_id: LOCAL_TEAM.id,
      private_metadata: '',
      callback_id: '',
      external_id: '',
      clear_on_close: false,
      notify_on_close: false,
      previous_view_id: null,
      app_id: LOCAL_BOT.appId,
      app_installed_team_id: LOCAL_TEAM.id,
      bot_id: LOCAL_BOT.botId,
      ...submission.view,
      root_view_id: submission.view.id,
      state: { values },
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export interface EventEnvelopeOptions {
  event_id?: string;
  event_time?: number;
  team_id?: string;
}

/** An Events API `event_callback` envelope around `event` (app_mention, message, app_home_opened, …). */
export function eventBody(event: object, options: EventEnvelopeOptions = {}): string {
  const teamId = options.team_id ?? LOCAL_TEAM.id;
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: LOCAL_BOT.appId,
    event,
    type: 'event_callback',
    event_id: options.event_id ?? `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
    event_time: options.event_time ?? Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: teamId,
        user_id: LOCAL_BOT.userId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  });
}

/** An `app_mention` event: "<@BOT> words" from a user in a channel. */
export function appMentionEvent(text: string, user: string, channel: string, ts?: string): object {
  const eventTs = ts ?? `${(Date.now() / 1000).toFixed(6)}`;
  return {
    type: 'app_mention',
    user,
    text: `<@${LOCAL_BOT.userId}> ${text}`,
    ts: eventTs,
    channel,
    event_ts: eventTs,
    team: LOCAL_TEAM.id,
  };
}

export interface PostOptions {
  /** Seconds; defaults to now. */
  timestamp?: number;
  /** Extra headers, e.g. Slack's retry headers `x-slack-retry-num`/`x-slack-retry-reason`. */
  headers?: Record<string, string>;
}

/** POSTs a signed body to a Bolt receiver; the HTTP response is Bolt's ack. */
export function postSigned(
  url: string,
  body: string,
  contentType: string,
  secret: string,
  options: PostOptions = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      ...signSlackRequest(body, secret, options.timestamp),
      ...options.headers,
    },
    body,
  });
}
