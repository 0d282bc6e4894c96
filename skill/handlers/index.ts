// Every handler of the skill, in dispatch order, and the intents they answer (checked against the models).

import { builtinHandlers } from './builtins';
import type { TurnHandler } from './handler';
import { launchHandler } from './launch';
import { questionHandlers } from './questions';
import { replyHandlers } from './replies';
import { rollbackHandlers } from './rollback';
import { approvalHandlers } from './approvals';
import { startStopHandlers } from './start-stop';

export const HANDLERS: readonly TurnHandler[] = [
  launchHandler,
  ...questionHandlers,
  ...startStopHandlers,
  ...rollbackHandlers,
  ...approvalHandlers,
  ...builtinHandlers,
  ...replyHandlers,
];

/** Every intent some handler answers: custom and AMAZON.* alike. */
export const HANDLED_INTENTS: readonly string[] = HANDLERS.flatMap((h) => h.intents ?? []);

export { errorHandler } from './errors';
export type { TurnHandler } from './handler';
