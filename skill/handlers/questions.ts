// The questions about builds: each one is a core call and a core sentence. A status answer offers the details
// ("Want the details?"), which AMAZON.YesIntent then gives (see follow-ups.ts).

import type { Response } from 'ask-sdk-model';
import type { BuildStatusFact } from '../../core/builds/facts';
import { annotate } from '../../core/log/request';
import type { SageBuild } from '../../core/sagebuild';
import {
  details,
  healthSpeech,
  liveModel,
  passedAnswer,
  spokenBuildList,
  status,
  timeLeft,
  whyAnswer,
} from '../../core/wording';
import { answer, PROMPTS, question } from '../speech';
import type { Turn } from '../turn';
import type { TurnHandler } from './handler';
import { withPipeline } from './pipeline';

interface Question {
  /** Ask about the pipeline with the running build when none is named. */
  aboutRunning: boolean;
  /** The sentence; `fact` is the latest build's status when choosing the pipeline already fetched it. */
  say(core: SageBuild, pipeline: string, now: Date, fact?: BuildStatusFact): Promise<string>;
  offersDetails?: boolean;
}

const DETAILS: Question = {
  aboutRunning: true,
  say: async (core, pipeline, now) => details(await core.details(pipeline), now, true),
};

const QUESTIONS: Record<string, Question> = {
  BuildStatusIntent: {
    aboutRunning: true,
    say: async (core, pipeline, now, fact) => status(fact ?? (await core.status(pipeline)), now, true),
    offersDetails: true,
  },
  BuildDetailsIntent: DETAILS,
  TimeLeftIntent: {
    aboutRunning: true,
    say: async (core, pipeline, now, fact) => timeLeft(fact ?? (await core.status(pipeline)), now),
  },
  WhyFailedIntent: {
    aboutRunning: false,
    say: async (core, pipeline, now) => whyAnswer(await core.why(pipeline), now),
  },
  LastBuildsIntent: {
    aboutRunning: false,
    say: async (core, pipeline, now) => spokenBuildList(await core.list(pipeline), now),
  },
  BuildPassedIntent: {
    aboutRunning: true,
    say: async (core, pipeline, now, fact) => passedAnswer(fact ?? (await core.status(pipeline)), now, true),
  },
  EndpointStatusIntent: {
    aboutRunning: false,
    say: async (core, pipeline, now) => liveModel(await core.endpoint(pipeline), now, true),
  },
  EndpointHealthIntent: {
    aboutRunning: false,
    say: async (core, pipeline, now) => healthSpeech(await core.health(pipeline), now),
  },
};

/** Gives the details of a pipeline's latest build: the answer to "give me details" and to "yes" after a status. */
export async function answerDetails(turn: Turn, pipeline: string): Promise<Response> {
  annotate({ pipeline });
  const said = await turn.budget.run(() => DETAILS.say(turn.core, pipeline, turn.now()));
  return answer(turn.rb, said);
}

async function ask(turn: Turn, q: Question): Promise<Response> {
  return withPipeline(turn, { preferRunning: q.aboutRunning }, async (pipeline, fact) => {
    const said = await turn.budget.run(() => q.say(turn.core, pipeline.name, turn.now(), fact));
    if (!q.offersDetails) return answer(turn.rb, said);
    turn.remember({ offer: { kind: 'details', pipeline: pipeline.name } });
    return question(turn.rb, [said], PROMPTS.wantDetails);
  });
}

export const questionHandlers: TurnHandler[] = Object.entries(QUESTIONS).map(([intent, q]) => ({
  intents: [intent],
  handle: (turn) => ask(turn, q),
}));
