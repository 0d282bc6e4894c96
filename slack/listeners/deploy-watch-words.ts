// What the deploy watch says in a build card's thread when the endpoint got clearly worse after the build's
// model went live, and the question its Rollback button asks. Slack-only words (the watch posts nowhere
// else); the numbers are the core's, the person is a mention or the core's name for them.

import { relativeTime } from '../../core/wording';
import { escapeMrkdwn } from '../cards/mrkdwn';

interface WindowNumbers {
  requests: number;
  errorRate?: number;
  latencyP99Ms?: number;
}

export interface DeployChange {
  pipeline: string;
  build: string;
  deployedAt: Date;
  now: Date;
  before: WindowNumbers;
  after: WindowNumbers;
  /** The core's reason: 'error-rate' or 'latency'. */
  why?: string;
  /** Slack mrkdwn for who started the build: a mention, or a name. */
  who?: string;
}

function percent(value: number | undefined): string {
  if (value === undefined) return 'none';
  return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10}%`;
}

function milliseconds(value: number | undefined): string {
  return value === undefined ? 'unknown' : `${Math.round(value)} ms`;
}

/** The change that made it "clearly worse", in numbers before and after. */
function whatChanged(change: DeployChange): string {
  const { before, after } = change;
  if (change.why === 'latency') {
    return `its slowest requests (p99) went from ${milliseconds(before.latencyP99Ms)} to ${milliseconds(after.latencyP99Ms)}`;
  }
  return `failed requests went from ${percent(before.errorRate)} to ${percent(after.errorRate)}`;
}

export const DEPLOY_WATCH_WORDS = {
  warning: (change: DeployChange): string => {
    const pipeline = escapeMrkdwn(change.pipeline);
    const when = relativeTime(change.deployedAt, change.now);
    const to = change.who ? `${change.who}, the` : 'The';
    return (
      `:warning: ${to} ${pipeline} endpoint got worse after build ${escapeMrkdwn(change.build)} went live ${when}: ` +
      `${whatChanged(change)}. Roll back to the model it replaced? Only the button rolls back.`
    );
  },
  question: (pipeline: string, build: string): string =>
    `Put the ${pipeline} endpoint back on the model it served before build ${build}?`,
};
