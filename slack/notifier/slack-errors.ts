// Which Slack failures a retry could fix. A channel that is gone or a message someone deleted will not come
// back, so those are logged and left; anything else makes the notifier hand the event back for a retry.

import { ErrorCode } from '@slack/web-api';

/** Slack's own answers that mean "try again later" rather than "this will never work". */
const TRANSIENT_ANSWERS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

export function isPermanentSlackError(error: unknown): boolean {
  const coded = error as { code?: string; data?: { error?: string } };
  return coded?.code === ErrorCode.PlatformError && !TRANSIENT_ANSWERS.has(coded.data?.error ?? '');
}

/** The Slack error code or message, for a log line (never the request, which holds the token). */
export function slackErrorText(error: unknown): string {
  const coded = error as { code?: string; data?: { error?: string }; message?: string };
  return coded?.data?.error ?? coded?.message ?? String(error);
}
