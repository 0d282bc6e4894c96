// When a front must have its answer: Alexa hangs up at 8 s, and the skill says what it has a little before.
// The front sets it once per request (answerBy); every core call made for that request then spends on AWS no
// more than its own budget (config aws.budgetMs) nor the time left before the front's deadline. So a second
// call in the same request (a status check before a start) still ends before the front stops waiting, and the
// answer is what the core knows, not "AWS is slow". AsyncLocalStorage carries it: no argument threads through.

import { AsyncLocalStorage } from 'node:async_hooks';

const deadlines = new AsyncLocalStorage<number>();

/** Runs `work` with every core call in it bound to finish its AWS calls by `at` (ms since the epoch). */
export function answerBy<T>(at: number, work: () => Promise<T>): Promise<T> {
  return deadlines.run(at, work);
}

/** How long one core call may spend on AWS now: its budget, cut to the front's deadline when there is one. */
export function awsBudgetMs(budgetMs: number, now: number = Date.now()): number {
  const at = deadlines.getStore();
  return at === undefined ? budgetMs : Math.max(0, Math.min(budgetMs, at - now));
}

/** The signal that ends one core call's AWS calls; already aborted when no time is left, so none is sent. */
export function awsBudgetSignal(budgetMs: number): AbortSignal {
  const ms = awsBudgetMs(budgetMs);
  if (ms > 0) return AbortSignal.timeout(ms);
  return AbortSignal.abort(new DOMException('The answer has no time left for AWS.', 'TimeoutError'));
}
