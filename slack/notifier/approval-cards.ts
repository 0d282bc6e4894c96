// Every copy of a build's approval card, updated in place once its gate is no longer open: by the buttons'
// handlers after a decision, and by the notifier when the build ends (a gate that timed out, or a build
// stopped while it waited, closes with nobody clicking).

import type { WebClient } from '@slack/web-api';
import type { DecisionResult } from '../../core/approvals/facts';
import { renderClosedApprovalCard } from '../cards/approval-card';
import type { ApprovalCardMessage, SlackStore } from '../store/store';

export interface ApprovalCardsDeps {
  store: SlackStore;
  web: Pick<WebClient, 'chat'>;
  now: () => Date;
  /** Where a card Slack would not update is noted: the decision itself stands. */
  warn: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * Says how the gate ended on every card of the build (and on `clicked`, if the store lacks it). Only an
 * answer that knows who decided updates them, so a request that merely lost the race never overwrites the
 * winner's card with less. Returns how many cards were updated.
 */
export async function closeApprovalCards(
  deps: ApprovalCardsDeps,
  result: DecisionResult,
  clicked?: ApprovalCardMessage,
): Promise<number> {
  const knows = result.outcome !== 'already-decided' || result.decidedBy !== undefined;
  if (!knows) return 0;
  const cards: ApprovalCardMessage[] = await deps.store
    .approvalCards(result.approval.executionArn)
    .catch(() => []);
  if (clicked && !cards.some((c) => c.channel === clicked.channel && c.ts === clicked.ts))
    cards.push(clicked);
  const card = renderClosedApprovalCard({ approval: result.approval }, result, deps.now());
  const updated = await Promise.all(
    cards.map(({ channel, ts }) =>
      deps.web.chat.update({ channel, ts, ...card }).then(
        () => 1,
        (error: unknown) => {
          deps.warn('Approval card not updated', { channel, error });
          return 0;
        },
      ),
    ),
  );
  return updated.reduce<number>((sum, n) => sum + n, 0);
}
