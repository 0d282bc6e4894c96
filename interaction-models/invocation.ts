// Recognises how a person addresses the skill by name, as Alexa does before its language understanding runs:
// "open sage build" is a launch, "ask sage build is my build done" carries a request. Also takes the Slack
// form "@SageBuild is my build done?", where the name is written as one word.
import { INVOCATION_NAME } from './language';
import { normalizeText } from './normalize';

export interface Invocation {
  /** True for a bare "open sage build": Alexa sends a LaunchRequest. */
  launch: boolean;
  /** Whether the skill was named at all (otherwise `rest` is the whole utterance, as said in a session). */
  invoked: boolean;
  /** The request after the name and its connecting word, in normal form. */
  rest?: string;
}

const WAKE = '(?:(?:hey|ok|okay) )?alexa ';
const OPEN = 'open|launch|start|begin|load|run|resume|use|play|talk to';
const ASK = 'ask|tell';
// Alexa drops these between the name and the request: "ask sage build to stop the build".
const CONNECT = 'to|for|about|if|whether|that|and';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function stripInvocation(utterance: string, invocationName: string = INVOCATION_NAME): Invocation {
  const text = normalizeText(utterance).replace(new RegExp(`^${WAKE}`), '');
  const spoken = normalizeText(invocationName);
  const name = `(?:${escape(spoken)}|${escape(spoken.replace(/ /g, ''))})`;
  const addressed = new RegExp(`^(?:(?:${OPEN}|${ASK}) )?${name}(?: (?:(?:${CONNECT}) )?(.+))?$`).exec(text);
  if (!addressed) return { launch: false, invoked: false, ...(text ? { rest: text } : {}) };
  const rest = addressed[1];
  return rest ? { launch: false, invoked: true, rest } : { launch: true, invoked: true };
}
