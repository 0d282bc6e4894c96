// What every doctor check reports: one line for an operator, saying what was found or what to fix.

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface Check {
  status: CheckStatus;
  /** What was checked, e.g. "prod state machine". */
  title: string;
  /** One or two sentences: what was found, or what to fix. */
  detail: string;
}

export const pass = (title: string, detail: string): Check => ({ status: 'pass', title, detail });
export const fail = (title: string, detail: string): Check => ({ status: 'fail', title, detail });
/** Could not or need not be checked here; never a failure. */
export const skip = (title: string, detail: string): Check => ({ status: 'skip', title, detail });
