// What the deploy watch says in a build card's thread when the endpoint got clearly worse after the build's
// model went live, and the question its Rollback button asks. The numbers are the core's sentence
// (deployComparisonAnswer); Slack adds the mention, the warning sign and the offer.

import type { DeployComparisonFact } from '../../core/health/facts';
import { deployComparisonAnswer } from '../../core/wording';
import { escapeMrkdwn } from '../cards/mrkdwn';

export const DEPLOY_WATCH_WORDS = {
  /** `who` is Slack mrkdwn already (a mention, or an escaped name). */
  warning: (fact: DeployComparisonFact, now: Date, who: string | undefined): string => {
    const to = who ? `${who}, the` : 'The';
    return (
      `:warning: ${to} ${escapeMrkdwn(fact.pipeline)} endpoint got worse. ` +
      `${escapeMrkdwn(deployComparisonAnswer(fact, now))} Roll back to the model it replaced? Only the button rolls back.`
    );
  },
  question: (pipeline: string, build: string): string =>
    `Put the ${pipeline} endpoint back on the model it served before build ${build}?`,
};
