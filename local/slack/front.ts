// Which Slack the `npm start` console gets: the real workspace over Socket Mode when its three tokens are in
// the environment, otherwise a pretend workspace on a fake Slack API. If the real one can't be reached (a bad
// token, no network), the console says why and plays its own workspace rather than not starting at all.

import { startSlackConsole, type SlackConsole, type SlackConsoleOptions } from './console-line';
import { startLiveSlack, wantsSocketMode } from './live';

export type { SlackConsole } from './console-line';

export async function startSlack(
  options: SlackConsoleOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SlackConsole> {
  if (!wantsSocketMode(env)) return startSlackConsole(options);
  try {
    return await startLiveSlack({ ...options, env });
  } catch (error) {
    // The message names what failed (e.g. "An API error occurred: invalid_auth"), never a token.
    console.error(
      `Slack Socket Mode did not start (${(error as Error).message}); using a local workspace instead.`,
    );
    return startSlackConsole(options);
  }
}
