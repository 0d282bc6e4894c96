// Slack formatting for text from the core and from AWS. Slack reads &, < and > as control characters in
// mrkdwn (links, mentions), so every such text is escaped here, once, before it meets Slack's markup.

/** Escapes the three characters Slack asks apps to escape in message text. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** "<url|label>": `|` and `>` would end the link early, so the label's are escaped and the URL's encoded. */
export function link(url: string, label: string): string {
  const safeUrl = url.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C');
  return `<${safeUrl}|${escapeMrkdwn(label)}>`;
}

/** "<@U0123>": a mention that notifies the user. */
export function mention(userId: string): string {
  return `<@${userId}>`;
}

/**
 * Cuts text to Slack's limit for a field, ending in "…". Escaped text is never cut inside an entity such
 * as "&amp;", which Slack would show half-written.
 */
export function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1).replace(/&[a-z]*$/, '');
  return `${cut}…`;
}
