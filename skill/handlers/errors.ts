// The last line: every error a handler throws becomes a spoken sentence, never an empty or failed response.
// Core errors use the core's sentences (a start without an answer, StartOutcomeUnknown, says how to check); the
// skill's own deadline on a question says AWS is slow.

import type { ErrorHandler } from 'ask-sdk-core';
import { isSageBuildError } from '../../core/errors';
import { noteError, requestLog } from '../../core/log/request';
import { noAnswerInTime, voiceErrorSentence } from '../../core/wording';
import { SkillDeadline } from '../budget';
import { answer } from '../speech';

export function errorHandler(now: () => Date): ErrorHandler {
  return {
    canHandle: () => true,
    handle: (input, error) => {
      // Expected failures (no builds yet, not allowed) are answers; anything else is a bug worth a log line.
      if (!isSageBuildError(error) && !(error instanceof SkillDeadline)) {
        requestLog().error('skill handler failed', { error });
      }
      noteError(error);
      const said = error instanceof SkillDeadline ? noAnswerInTime() : voiceErrorSentence(error, now());
      return answer(input.responseBuilder, said);
    },
  };
}
