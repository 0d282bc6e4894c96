// `alexa: <what you would say>` in the `npm start` console: the words go to an Alexa simulator, through the
// interaction model, to the real skill handler in this process, as they would from an Echo. One simulator for
// the whole console, so a session (a confirmation, a follow-up question) carries over from line to line.

import type { SageBuildConfig } from '../../core/config/schema';
import type { SageBuild } from '../../core/sagebuild';
import { modelFor } from '../../interaction-models/build-model';
import { createSkill } from '../../skill/skill';
import type { LineHandler } from '../console';
import { LOCAL_SKILL_ID } from '../local-config';
import { startFakeAlexaApi } from './fake-api';
import { AlexaSimulator, type Turn } from './simulator';
import { ssmlToText } from './speech';

export const ALEXA_USAGE = 'alexa: <what you would say>';
const PREFIX = /^alexa\s*:\s*/i;

export interface AlexaConsoleOptions {
  core: SageBuild;
  config: SageBuildConfig;
  /** The local user's name: the simulated Alexa account is amzn1.ask.account.LOCAL-<user>. */
  user: string;
  /** Prints a line as it happens (progressive responses arrive while the skill is still working). */
  print: (line: string) => void;
}

export interface AlexaConsole {
  handler: LineHandler;
  close(): Promise<void>;
}

export async function startAlexaConsole(options: AlexaConsoleOptions): Promise<AlexaConsole> {
  const { core, config, user, print } = options;
  const skillId = config.alexa?.skillId ?? LOCAL_SKILL_ID;
  const api = await startFakeAlexaApi({
    onDirective: (directive) => print(`alexa (progress): ${ssmlToText(directive.speech)}`),
  });
  const skill = createSkill({ core, skillId });
  const alexa = new AlexaSimulator({
    model: modelFor(config),
    invoke: (event) => skill.invoke(event),
    skillId,
    userId: `amzn1.ask.account.LOCAL-${user}`,
    apiEndpoint: api.url,
  });
  return {
    handler: {
      usage: ALEXA_USAGE,
      matches: (line) => PREFIX.test(line),
      run: async (line) => {
        const words = line.replace(PREFIX, '');
        if (!words) return 'Say something after "alexa:", for example: alexa: is my build done';
        return describeTurn(await alexa.say(words));
      },
    },
    close: () => api.close(),
  };
}

/** What Alexa says, and whether it is waiting for an answer. */
export function describeTurn(turn: Turn): string {
  const lines = [turn.speech ? `alexa: ${turn.speech}` : '(Alexa left the skill.)'];
  if (turn.timedOut) {
    lines.push(
      `(The skill took ${(turn.elapsedMs / 1000).toFixed(1)} s; a real Alexa gives up after 8 s and says the skill did not respond.)`,
    );
  }
  if (!turn.ended) {
    lines.push(
      turn.reprompt
        ? `(Alexa is listening… if you say nothing, Alexa asks: ${turn.reprompt})`
        : '(Alexa is listening…)',
    );
  }
  return lines.join('\n');
}
