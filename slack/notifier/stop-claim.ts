// One build's stop is told in Slack once. Whoever tells it claims this key in the store first: a Stop
// button or `/sagebuild stop` (which announce it in the channel), or else the notifier (a stop from Alexa or
// the command line, told in the card's thread). The card's update always happens; only the line is shared.

/** The store claim for telling one build's stop. */
export function stopKey(executionArn: string): string {
  return `stop:${executionArn}`;
}
