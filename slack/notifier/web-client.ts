// The notifier's Slack client. Unlike the request path (few retries, short timeout), nobody waits on the
// notifier, and a lost post is a build nobody hears about: it waits out 429s (Retry-After) and retries.

import { LogLevel, WebClient, type RetryOptions } from '@slack/web-api';

/** Six tries after the first; each 429 also waits its Retry-After before the try counts. */
export const NOTIFIER_RETRIES: RetryOptions = {
  retries: 6,
  factor: 2,
  minTimeout: 200,
  maxTimeout: 5000,
  randomize: true,
};

export interface NotifierWebClientOptions {
  /** e.g. a local fake Slack API's `${url}/api/`. */
  slackApiUrl?: string;
  retryConfig?: RetryOptions;
  logLevel?: LogLevel;
}

export function notifierWebClient(token: string, options: NotifierWebClientOptions = {}): WebClient {
  return new WebClient(token, {
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    retryConfig: options.retryConfig ?? NOTIFIER_RETRIES,
    rejectRateLimitedCalls: false,
    timeout: 10_000,
    // The client logs each rate limit at info; the notifier says what matters itself.
    logLevel: options.logLevel ?? LogLevel.WARN,
  });
}
