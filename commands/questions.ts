// The read-only commands' answers: one core call and one of the core's sentences each. Shared by the CLI and
// Slack (slash command and plain language), so a question gets the same answer whichever front asked it.
// `build` is a build reference ("dev-7bf6177351f8", "last", "yesterday's"); without it, the latest build.

import type { SageBuild } from '../core/sagebuild';
import {
  buildLines,
  details,
  healthAnswer,
  liveModel,
  passedAnswer,
  status,
  timeLeft,
  whyAnswer,
} from '../core/wording';
import type { Question } from './parse';

type Answer = (core: SageBuild, pipeline: string | undefined, now: Date, build?: string) => Promise<string>;

const ANSWERS: Record<Question, Answer> = {
  status: async (core, pipeline, now, build) => status(await core.status(pipeline, build), now),
  details: async (core, pipeline, now, build) => details(await core.details(pipeline, build), now),
  eta: async (core, pipeline, now, build) => timeLeft(await core.status(pipeline, build), now),
  list: async (core, pipeline, now) => buildLines(await core.list(pipeline), now),
  why: async (core, pipeline, now, build) => whyAnswer(await core.why(pipeline, build), now),
  endpoint: async (core, pipeline, now) => liveModel(await core.endpoint(pipeline), now),
  health: async (core, pipeline, now) => healthAnswer(await core.health(pipeline), now),
  passed: async (core, pipeline, now, build) => passedAnswer(await core.status(pipeline, build), now),
};

/** Throws the core's errors: each front turns them into its own reply with errorSentence. */
export function answerQuestion(
  core: SageBuild,
  question: Question,
  pipeline: string | undefined,
  now: Date,
  build?: string,
): Promise<string> {
  return ANSWERS[question](core, pipeline, now, build);
}
