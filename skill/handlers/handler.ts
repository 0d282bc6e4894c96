// The shape every handler has: what it answers, and how. createSkill turns these into ask-sdk request handlers,
// and HANDLED_INTENTS (checked against the interaction models) comes from the same list.

import type { Response } from 'ask-sdk-model';
import type { Turn } from '../turn';

export interface TurnHandler {
  /** Intent names this handler answers. */
  intents?: readonly string[];
  /** A request type this handler answers, e.g. "LaunchRequest". */
  requestType?: string;
  handle(turn: Turn): Promise<Response>;
}
