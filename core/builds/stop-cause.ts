// Who stopped a build, and why, as SageBuild writes it into the execution's stop cause and reads it back.
// The cause is the only place Step Functions keeps it, and people read it (the AWS console, cards, answers):
// it names the person as a person would, never by a raw ID, so it can be shown as it is.

import { personName } from '../wording/dialog';
import type { FailureFact, Requester } from './facts';

/** The error SageBuild gives a stop, so a stop cause can be told apart from other people's. */
export const STOP_ERROR = 'StoppedBySageBuild';

const MAX_NAME = 100;
const MAX_CAUSE = 32768;
const CAUSE = /^Stopped by (.+?) via SageBuild(?:: ([\s\S]*))?$/;
/** Ids of earlier causes, written before names were: "alexa:amzn1.ask.account.X", "slack:U0123", "cli:root". */
const RAW_ID = /^[a-z][a-z-]*:\S+$/;

export interface StopCause {
  /** Who stopped it, as a person would say it: "Ana", "someone using Alexa". */
  stoppedBy: string;
  /** The reason the person gave, if any. */
  reason?: string;
}

/** "Stopped by Ana via SageBuild: not needed", with the name or "someone using Alexa", never the id. */
export function stopCause(requester: Requester, reason?: string): string {
  const name = personName(requester) ?? '';
  const who =
    oneLine(name.slice(0, MAX_NAME * 2))
      .slice(0, MAX_NAME)
      .trim() || 'someone';
  const why = reason ? oneLine(reason.slice(0, MAX_CAUSE)) : '';
  return `Stopped by ${who} via SageBuild${why ? `: ${why}` : ''}`.slice(0, MAX_CAUSE);
}

/** The person and reason of a cause `stopCause` wrote; undefined for any other cause. */
export function readStopCause(cause: string | undefined): StopCause | undefined {
  const match = CAUSE.exec((cause ?? '').slice(0, MAX_CAUSE).trim());
  if (!match?.[1]) return undefined;
  const named = match[1].trim();
  const stoppedBy = RAW_ID.test(named) ? (personName({ id: named }) ?? 'someone') : named;
  const reason = match[2]?.trim();
  return reason ? { stoppedBy, reason } : { stoppedBy };
}

/**
 * A stopped build's failure with the stop said once: who stopped it apart, and as reason only the words the
 * person gave (else the error, which the sentences know to leave out).
 */
export function withStopper(failure: FailureFact, cause: string | undefined): FailureFact {
  if (failure.status !== 'ABORTED') return failure;
  const stop = readStopCause(cause);
  if (!stop) return failure;
  const stopped: FailureFact = {
    ...failure,
    stoppedBy: stop.stoppedBy,
    reason: stop.reason ?? failure.error,
  };
  delete stopped.reasonFromSageMaker;
  return stopped;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
