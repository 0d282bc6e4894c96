// People in Slack text: a Slack user with no name we know becomes a mention, which Slack shows as their
// name; everyone else is named by the core ("Ana", "someone using Alexa"). Never a raw ID.

import type { StartedBy } from '../../core/builds/facts';
import { personName } from '../../core/wording';
import { escapeMrkdwn, mention } from './mrkdwn';

/** "U0123" for someone who asked from Slack ("slack:U0123"), else undefined. */
export function slackUserIdOf(who: StartedBy | undefined): string | undefined {
  return /^slack:([UW][A-Z0-9]+)$/.exec(who?.id ?? '')?.[1];
}

/** A Slack user to mention in place of a name: one whose name we don't know. */
export function mentionedUserOf(who: StartedBy | undefined): string | undefined {
  return who?.displayName?.trim() ? undefined : slackUserIdOf(who);
}

/** The person as Slack mrkdwn: their name (escaped), a mention, or the core's phrase. */
export function slackPersonName(who: StartedBy | undefined): string | undefined {
  const user = mentionedUserOf(who);
  if (user) return mention(user);
  const name = personName(who);
  return name === undefined ? undefined : escapeMrkdwn(name);
}
