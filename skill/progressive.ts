// The progressive response ("Checking your build..."): a VoicePlayer.Speak directive sent to the Alexa API while
// the answer is still being worked out. It is a courtesy: a missing token, a slow API or an error never
// affects the answer, they are only logged.

import type { HandlerInput } from 'ask-sdk-core';
import { requestLog } from '../core/log/request';
import { progressiveSsml } from './speech';

/** The Alexa API gets this long (the DefaultApiClient itself has no timeout); the answer waits as long for it. */
export const ENQUEUE_TIMEOUT_MS = 700;

/** The Alexa API's regional hosts, as Alexa names them in `context.System.apiEndpoint`. */
const ALEXA_API_HOSTS = new Set(['api.amazonalexa.com', 'api.eu.amazonalexa.com', 'api.fe.amazonalexa.com']);

/**
 * The skill's access token goes only to the Alexa API, whatever an envelope names: Amazon's hosts over HTTPS,
 * or a stand-in on this machine's loopback (the local console and tests), which reaches nobody else.
 */
export function isAlexaApiEndpoint(endpoint: string): boolean {
  if (endpoint.length > 200) return false;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:' && ALEXA_API_HOSTS.has(url.hostname) && url.port === '') return true;
  return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost');
}

export async function sendProgressive(input: HandlerInput): Promise<void> {
  const { requestEnvelope, serviceClientFactory } = input;
  const system = requestEnvelope.context.System;
  // Without a token and endpoint (a test console, some simulators) there is nowhere to send it.
  if (!serviceClientFactory || !system.apiAccessToken || !system.apiEndpoint) return;
  if (!isAlexaApiEndpoint(system.apiEndpoint)) {
    requestLog().warn('progressive response not sent: the apiEndpoint is not the Alexa API');
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const enqueue = serviceClientFactory.getDirectiveServiceClient().enqueue({
      header: { requestId: requestEnvelope.request.requestId },
      directive: { type: 'VoicePlayer.Speak', speech: progressiveSsml() },
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer in ${ENQUEUE_TIMEOUT_MS} ms`)),
        ENQUEUE_TIMEOUT_MS,
      );
    });
    await Promise.race([enqueue, timeout]);
  } catch (error) {
    requestLog().warn('progressive response not sent', { error });
  } finally {
    clearTimeout(timer);
  }
}
