// trigger_ids as Slack's views.open takes them (docs.slack.dev/reference/methods/views.open): in the shape
// "132456.7890123.abcdef" (else invalid_trigger_id), once (exchanged_trigger_id) and within 3 seconds of the
// click that made them (expired_trigger_id). The local workspace's requests put the click's time (epoch ms)
// first in the id (local/slack/requests.ts newTriggerId), which is how the fake knows a trigger's age.

import { SlackMethodError } from './slack-method-error';

/** How long Slack lets an app exchange a trigger_id for a view. */
export const TRIGGER_LIFETIME_MS = 3000;
const SHAPE = /^(\d+)\.(\d+)\.([0-9a-f]+)$/;
/** Exchanged ids remembered at most: enough for any test or console session. */
const MAX_REMEMBERED = 10_000;

export class TriggerIds {
  private readonly exchanged = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes a trigger_id for one view, or throws Slack's refusal. */
  exchange(triggerId: unknown): void {
    const shape = typeof triggerId === 'string' ? SHAPE.exec(triggerId) : null;
    if (!shape) throw new SlackMethodError('invalid_trigger_id');
    const id = triggerId as string;
    if (this.exchanged.has(id)) throw new SlackMethodError('exchanged_trigger_id');
    if (this.now() - Number(shape[1]) > TRIGGER_LIFETIME_MS) throw new SlackMethodError('expired_trigger_id');
    if (this.exchanged.size >= MAX_REMEMBERED) this.exchanged.clear();
    this.exchanged.add(id);
  }

  reset(): void {
    this.exchanged.clear();
  }
}
