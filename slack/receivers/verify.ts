// The gate every Slack request passes before Bolt sees it, on the HTTP and the Lambda receiver alike. Bolt's
// own check refuses old timestamps but serves any in the future, and its Lambda receiver parses the body by
// content type before it verifies the signature (a mismatch throws). Here the order is: size, timestamp (both
// ways), signature over the raw bytes, then whether the body reads as Slack sends it. Only a request that
// passes all four reaches Bolt, which checks the signature once more.
//
// The answers say nothing about why: 413 too large, 401 not from Slack (or not now), 400 signed but unreadable.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';

/** Slack's replay window, applied both ways: a request dated more than this from now is refused. */
export const SLACK_TIMESTAMP_TOLERANCE_S = 5 * 60;

/** Slack's largest payloads (modal submissions) are far below this; Bolt's own default is 4 MB. */
export const MAX_SLACK_BODY_BYTES = 2 * 1024 * 1024;

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

export type SlackContentType = typeof FORM | typeof JSON_TYPE;

/** Why a request was refused, for the log line: never anything the request contained. */
export type Refusal = 'too-large' | 'bad-timestamp' | 'bad-signature' | 'unreadable-body';

export const REFUSAL_STATUS: Record<Refusal, number> = {
  'too-large': 413,
  'bad-timestamp': 401,
  'bad-signature': 401,
  'unreadable-body': 400,
};

export interface SlackRequestParts {
  rawBody: string;
  /** Byte length of the body as received (the raw body's UTF-8 length when not given). */
  bytes?: number;
  signature: string | undefined;
  timestamp: string | undefined;
  contentType: string | undefined;
}

export type Verdict =
  | { ok: true; contentType: SlackContentType }
  | { ok: false; refusal: Refusal }
  /** Slack's unsigned `ssl_check=1` probe: answered 200 with no listener run. */
  | { ok: true; sslCheck: true };

/** Whether a request may reach Bolt, and with which content type (its bare media type, as Bolt compares). */
export function verifySlackRequest(
  signingSecret: string,
  parts: SlackRequestParts,
  nowMs: number = Date.now(),
): Verdict {
  const bytes = parts.bytes ?? Buffer.byteLength(parts.rawBody, 'utf8');
  if (bytes > MAX_SLACK_BODY_BYTES) return { ok: false, refusal: 'too-large' };
  const contentType = mediaType(parts.contentType);
  // Slack's certificate probe carries no signature; Bolt answers it the same way (and drops anything else).
  if (contentType === FORM && isSslCheck(parts.rawBody)) return { ok: true, sslCheck: true };
  if (!timestampIsCurrent(parts.timestamp, nowMs)) return { ok: false, refusal: 'bad-timestamp' };
  if (!signatureMatches(signingSecret, parts)) return { ok: false, refusal: 'bad-signature' };
  if (!contentType || !readsAs(parts.rawBody, contentType)) return { ok: false, refusal: 'unreadable-body' };
  return { ok: true, contentType };
}

/** Whole seconds since the epoch, within the window either side of now. "1e9", " 12", "NaN" are not. */
export function timestampIsCurrent(timestamp: string | undefined, nowMs: number): boolean {
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) <= SLACK_TIMESTAMP_TOLERANCE_S;
}

function signatureMatches(signingSecret: string, parts: SlackRequestParts): boolean {
  const { signature, timestamp, rawBody } = parts;
  if (typeof signature !== 'string' || !signature.startsWith('v0=')) return false;
  const expected = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** "application/json; charset=utf-8" → "application/json"; anything Slack doesn't send → undefined. */
function mediaType(header: string | undefined): SlackContentType | undefined {
  const bare = (typeof header === 'string' ? header : '').split(';')[0]?.trim().toLowerCase();
  return bare === FORM || bare === JSON_TYPE ? bare : undefined;
}

function isSslCheck(rawBody: string): boolean {
  return parseQuery(rawBody).ssl_check === '1';
}

/** Whether Bolt's parser will read the body as an object without throwing. */
function readsAs(rawBody: string, contentType: SlackContentType): boolean {
  if (contentType === JSON_TYPE) return isJsonObject(rawBody);
  const { payload } = parseQuery(rawBody);
  if (payload === undefined) return true;
  return typeof payload === 'string' && isJsonObject(payload);
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
