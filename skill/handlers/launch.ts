// "Alexa, open sage build": a short greeting with the latest build's state, then "What would you like to do?".
// The state is the core's one-build list sentence ("The last prod build started 2 hours ago and is still
// running."): the status sentence answers "is it done?" ("Yes. ..."), a question nobody asked yet.
// If AWS can't be asked, the greeting says so (the core's sentence) and still asks: the person may want help.

import type { Response } from 'ask-sdk-model';
import { noteError } from '../../core/log/request';
import { buildList, errorSentence, noAnswerInTime } from '../../core/wording';
import { SkillDeadline } from '../budget';
import { headline, probe } from '../choose-pipeline';
import { PROMPTS, question } from '../speech';
import type { Turn } from '../turn';
import type { TurnHandler } from './handler';

async function greet(turn: Turn): Promise<Response> {
  return question(turn.rb, [PROMPTS.greeting, await latestState(turn)], PROMPTS.whatNext);
}

async function latestState(turn: Turn): Promise<string> {
  const { core } = turn;
  try {
    const lists = await probe(turn, core.pipelines, (pipeline) => core.list(pipeline, 1));
    const latest = headline(
      lists.flatMap((list) => list.builds),
      core.config.defaultPipeline,
    );
    if (latest) return buildList({ pipeline: latest.pipeline, builds: [latest] }, turn.now());
    // No builds anywhere: one pipeline says so ("There are no prod builds yet."); several need no roll call.
    const [only] = lists;
    return lists.length === 1 && only ? buildList(only, turn.now()) : '';
  } catch (error) {
    noteError(error);
    return error instanceof SkillDeadline ? noAnswerInTime() : errorSentence(error, turn.now());
  }
}

export const launchHandler: TurnHandler = { requestType: 'LaunchRequest', handle: greet };
