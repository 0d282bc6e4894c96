// `npx sagebuild <command> [pipeline]`: the CLI over the core. Config comes from SAGEBUILD_CONFIG; on a
// laptop with `npm start` running, it talks to that local AWS instead.

import { userInfo } from 'node:os';
import { loadConfig } from '../core/config/load';
import { ConfigError } from '../core/errors';
import { INPUT_LIMITS, tooLong } from '../core/input-limits';
import { SageBuild } from '../core/sagebuild';
import { errorSentence } from '../core/wording';
import { readSession, useLocalSession } from '../local/session-file';
import { helpText, isHelp, runCommandOutcome } from '../commands/run';

function configure(): SageBuild {
  const session = useLocalSession(process.cwd());
  if (session) console.error(`(using the local AWS at ${session.endpoint}, started by npm start)`);
  return new SageBuild(loadConfig());
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
    core = configure();
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
