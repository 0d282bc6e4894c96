// A build's card as the buttons and the Home tab show it: the notifier's own renderer, fed the core's latest
// facts, so a Refresh looks exactly like the notifier's next update.

import type { KnownBlock } from '@slack/types';
import type { BuildStatusFact } from '../../core/builds/facts';
import { renderBuildCard } from '../cards/build-card';
import { consoleUrlFor } from '../cards/console-url';

export function cardFor(fact: BuildStatusFact, now: Date): { text: string; blocks: KnownBlock[] } {
  return renderBuildCard(fact, {
    consoleUrl: consoleUrlFor(fact.executionArn),
    canStop: fact.status === 'RUNNING',
    now,
  });
}
