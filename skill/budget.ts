// Alexa hangs up after 8 seconds. The core bounds its own AWS calls (config.aws.budgetMs, and no later than
// CORE_MARGIN_MS before the skill's deadline, however many core calls one request makes), but the skill keeps
// its own clock too: after `progressiveAfterMs` the user hears "Checking your build..." (a progressive
// response), and at `deadlineMs` the skill stops waiting and says AWS is slow, rather than timing out.

import { answerBy } from '../core/aws/answer-deadline';
import { ENQUEUE_TIMEOUT_MS } from './progressive';

/**
 * The core's AWS calls end this long before the skill's deadline: the core then answers with what it knows,
 * and the skill speaks that rather than "AWS is slow".
 */
export const CORE_MARGIN_MS = 300;

/** The skill's own deadline passed before the core answered. */
export class SkillDeadline extends Error {
  constructor(readonly waitedMs: number) {
    super(`The core did not answer within ${waitedMs} ms.`);
    this.name = 'SkillDeadline';
  }
}

export interface BudgetOptions {
  progressiveAfterMs: number;
  deadlineMs: number;
  /** Sends the progressive response; must not throw (see progressive.ts). */
  sendProgressive: () => Promise<void>;
  /** Longest wait for a progressive response still in flight when the answer is ready. */
  progressiveWaitMs?: number;
}

/** One request's time budget; every core call of the request runs through `run`. */
export class Budget {
  private readonly startedAt = Date.now();
  private progressive?: Promise<void>;

  constructor(private readonly options: BudgetOptions) {}

  /** Whether a progressive response went out (or is going out) for this request. */
  get progressiveSent(): boolean {
    return this.progressive !== undefined;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const remaining = this.startedAt + this.options.deadlineMs - Date.now();
    if (remaining <= 0) throw new SkillDeadline(this.options.deadlineMs);
    const task = answerBy(this.startedAt + this.options.deadlineMs - CORE_MARGIN_MS, work);
    const timers: NodeJS.Timeout[] = [];
    const progressiveDue = this.startedAt + this.options.progressiveAfterMs - Date.now();
    if (!this.progressive) {
      timers.push(setTimeout(() => (this.progressive ??= this.options.sendProgressive()), progressiveDue));
    }
    const deadline = new Promise<never>((_, reject) => {
      timers.push(setTimeout(() => reject(new SkillDeadline(this.options.deadlineMs)), remaining));
    });
    try {
      return await Promise.race([task, deadline]);
    } finally {
      timers.forEach(clearTimeout);
      await this.settleProgressive();
    }
  }

  /** Alexa drops a progressive response that arrives after the answer, so give one in flight a moment. */
  private async settleProgressive(): Promise<void> {
    if (!this.progressive) return;
    let timer: NodeJS.Timeout | undefined;
    const cap = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.progressiveWaitMs ?? ENQUEUE_TIMEOUT_MS);
    });
    await Promise.race([this.progressive, cap]);
    clearTimeout(timer);
  }
}
