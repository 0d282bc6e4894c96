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
  /**
   * The sentence; `fact` is the latest build's status when choosing the pipeline already fetched it; `build`
   * is the build the person named ("the last one", "yesterday's"), for the questions about one build.
   */
  say(core: SageBuild, pipeline: string, now: Date, fact?: BuildStatusFact, build?: string): Promise<string>;
  offersDetails?: boolean;
}

const DETAILS: Question = {
  aboutRunning: true,
  say: async (core, pipeline, now, _fact, build) => details(await core.details(pipeline, build), now, true),
};

const QUESTIONS: Record<string, Question> = {
  BuildStatusIntent: {
    aboutRunning: true,
    say: async (core, pipeline, now, fact, build) =>
      status(fact ?? (await core.status(pipeline, build)), now, true),
    offersDetails: true,
  },
  BuildDetailsIntent: DETAILS,
  TimeLeftIntent: {
    aboutRunning: true,
    say: async (core, pipeline, now, fact, build) =>
      timeLeft(fact ?? (await core.status(pipeline, build)), now),
  },
  WhyFailedIntent: {
    aboutRunning: false,
    say: async (core, pipeline, now, _fact, build) => whyAnswer(await core.why(pipeline, build), now),
  },
  LastBuildsIntent: {
    aboutRunning: false,
    say: async (core, pipeline, now) => spokenBuildList(await core.list(pipeline), now),
  },
  BuildPassedIntent: {
    aboutRunning: true,
    say: async (core, pipeline, now, fact, build) =>
      passedAnswer(fact ?? (await core.status(pipeline, build)), now, true),
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
  const build = turn.buildRefSlot;
  return withPipeline(turn, { preferRunning: q.aboutRunning }, async (pipeline, latest) => {
    // The latest build's status, fetched while choosing the pipeline, answers only about the latest build.
    const fact = build === undefined ? latest : undefined;
    const said = await turn.budget.run(() => q.say(turn.core, pipeline.name, turn.now(), fact, build));
    // The details offered are the latest build's: after a named build, the answer stands alone.
    if (!q.offersDetails || build !== undefined) return answer(turn.rb, said);
    turn.remember({ offer: { kind: 'details', pipeline: pipeline.name } });
    return question(turn.rb, [said], PROMPTS.wantDetails);
  });
}

export const questionHandlers: TurnHandler[] = Object.entries(QUESTIONS).map(([intent, q]) => ({
  intents: [intent],
  handle: (turn) => ask(turn, q),
}));
