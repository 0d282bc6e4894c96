// How a status, a card or Alexa names an approver the config lists only by identity ("cli:root", "alexa:*",
// "slack:U0123"): by the way that person decides, never by a raw ID.

/** "root on the command line", "anyone using Alexa", "a Slack member": one identity pattern, for people. */
export function approverLabel(pattern: string): string {
  const at = pattern.indexOf(':');
  const kind = at < 0 ? pattern : pattern.slice(0, at);
  const who = at < 0 ? '' : pattern.slice(at + 1);
  const anyone = who === '*';
  switch (kind) {
    case '*':
      return 'anyone';
    case 'cli':
      // A console user's name is the name they log in with, not an opaque ID.
      return anyone || !/^[\w.-]{1,32}$/.test(who)
        ? 'anyone on the command line'
        : `${who} on the command line`;
    case 'alexa':
    case 'alexa-person':
      return anyone ? 'anyone using Alexa' : 'someone using Alexa';
    case 'slack':
      return anyone ? 'anyone in Slack' : 'a Slack member';
    case 'slack-group':
      return anyone ? 'anyone in Slack' : 'a Slack user group';
    default:
      return 'someone else';
  }
}
