// `npx sagebuild <command> [pipeline]`: the CLI over the core. Config comes from SAGEBUILD_CONFIG; on a
// laptop with `npm start` running in the same folder, it talks to that local AWS instead (the newest live one
// when several run), and says which.

import { userInfo } from 'node:os';
import { loadConfig } from '../core/config/load';
import { ConfigError } from '../core/errors';
import { INPUT_LIMITS, tooLong } from '../core/input-limits';
import { SageBuild } from '../core/sagebuild';
import { errorSentence } from '../core/wording';
import {
  chooseSession,
  readSession,
  useLocalSession,
  type LocalSession,
  type SessionChoice,
} from '../local/session-file';
import { helpText, isHelp, runCommandOutcome } from '../commands/run';

async function configure(): Promise<SageBuild> {
  const root = process.cwd();
  if (!process.env.SAGEBUILD_CONFIG) {
    const choice = await chooseSession(root);
    if (choice) {
      useLocalSession(root, process.env, choice.session);
      console.error(sessionNote(choice));
    } else {
      const silent = readSession(root);
      if (silent) console.error(silentNote(silent));
    }
  }
  return new SageBuild(loadConfig());
}

/** "20:41", with the day when it was not today. */
function startTime(session: LocalSession): string {
  const at = new Date(session.startedAt);
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  if (at.toDateString() === new Date().toDateString()) return time;
  return `${time} on ${at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })}`;
}

/** Which `npm start` this answer comes from: "(using the local AWS at ..., started by npm start (pid 1234) at 20:41)". */
function sessionNote({ session, running }: SessionChoice): string {
  const which = `the local AWS at ${session.endpoint}, started by npm start (pid ${session.pid}) at ${startTime(session)}`;
  const newest = running > 1 ? `: the newest of ${running} npm start sessions running in this folder` : '';
  return `(using ${which}${newest})`;
}

/** A live `npm start` whose local AWS doesn't answer (still starting, or its pid now belongs to another program). */
function silentNote(session: LocalSession): string {
  return `(npm start (pid ${session.pid}) seems to run in this folder, but its local AWS at ${session.endpoint} doesn't answer)`;
}

async function main(argv: string[]): Promise<number> {
  // Bounded before anything reads it, as every front bounds what it is sent.
  const length = argv.join(' ').length;
  if (length > INPUT_LIMITS.requestChars) {
    console.error(errorSentence(tooLong('command line', length, INPUT_LIMITS.requestChars)));
    return 2;
  }
  if (isHelp(argv) && !process.env.SAGEBUILD_CONFIG && !readSession(process.cwd())) {
    console.log(`Usage: sagebuild <command> [pipeline]\n${helpText()}`);
    return 0;
  }
  let core: SageBuild;
  try {
    core = await configure();
  } catch (error) {
    // The person at a terminal runs SageBuild: tell them exactly which field is wrong.
    console.error(error instanceof ConfigError ? error.message : errorSentence(error));
    console.error('Set SAGEBUILD_CONFIG to your config file, or run `npm start` for the local AWS.');
    return 2;
  }
  try {
    const user = userInfo().username;
    const outcome = await runCommandOutcome(argv, {
      core,
      requester: { id: `cli:${user}`, displayName: user },
    });
    console.log(outcome.text);
    return outcome.ok ? 0 : 1;
  } finally {
    core.close();
  }
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
