// The read-only commands' answers: one core call and one of the core's sentences each. Shared by the CLI and
// Slack (slash command and plain language), so a question gets the same answer whichever front asked it.

import type { SageBuild } from '../core/sagebuild';
import { buildList, details, healthAnswer, liveModel, status, timeLeft, whyFailed } from '../core/wording';
import type { Question } from './parse';

type Answer = (core: SageBuild, pipeline: string | undefined, now: Date) => Promise<string>;

const ANSWERS: Record<Question, Answer> = {
  status: async (core, pipeline, now) => status(await core.status(pipeline), now),
  details: async (core, pipeline, now) => details(await core.details(pipeline), now),
  eta: async (core, pipeline, now) => timeLeft(await core.status(pipeline), now),
  list: async (core, pipeline, now) => buildList(await core.list(pipeline), now),
  why: async (core, pipeline, now) => whyFailed(await core.whyFailed(pipeline), now),
  endpoint: async (core, pipeline, now) => liveModel(await core.endpoint(pipeline), now),
  health: async (core, pipeline, now) => healthAnswer(await core.health(pipeline), now),
};

/** Throws the core's errors: each front turns them into its own reply with errorSentence. */
export function answerQuestion(
  core: SageBuild,
  question: Question,
  pipeline: string | undefined,
  now: Date,
): Promise<string> {
  return ANSWERS[question](core, pipeline, now);
}
