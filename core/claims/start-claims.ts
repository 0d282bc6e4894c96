// A short claim on a pipeline's next build, so that concurrent starts settle on one build even across Lambda
// containers. ListExecutions is eventually consistent (a build started a moment ago may be missing from it),
// and StartExecution can take seconds: without a claim, a second request in that window starts a second build.
// One interface; adapters one file each (memory for one process, DynamoDB for several).

/** Who holds a claim: the build (execution) name of the start that took it, and since when. */
export interface StartClaim {
  holder: string;
  claimedAt: Date;
}

export type ClaimOutcome = { taken: true } | { taken: false; heldBy: StartClaim };

export interface ClaimOptions {
  /** Also take the claim from this holder, whose build is known to be over (its claim has not run out yet). */
  replacing?: string;
  signal?: AbortSignal;
}

export interface StartClaims {
  /**
   * Takes the claim on `key` for `holder`, for `ttlMs`. Taken when nobody holds it, its holder's time ran out,
   * `holder` already holds it (a retry of the same request: same idempotency key, same build name), or
   * `options.replacing` holds it.
   */
  claim(key: string, holder: string, ttlMs: number, options?: ClaimOptions): Promise<ClaimOutcome>;
  /** Gives the claim back, only if `holder` still holds it: a start that surely did not happen blocks nobody. */
  release(key: string, holder: string, signal?: AbortSignal): Promise<void>;
  close?(): void;
}

/**
 * How long a claim holds: longer than a start can take (its whole answer is bounded by aws.budgetMs, at most
 * 30 s) plus the time ListExecutions takes to show a new build (seconds). After it, ListExecutions is the guard.
 */
export const START_CLAIM_TTL_MS = 60_000;

/** Longest key and holder a claim accepts: a state machine ARN (at most 256) and an execution name (80). */
export const MAX_CLAIM_KEY = 300;
export const MAX_HOLDER = 80;

/** Bounds every length before a claim is stored (keys come from config, holders from our own names). */
export function checkClaimArgs(key: string, holder: string): void {
  if (key.length === 0 || key.length > MAX_CLAIM_KEY) throw new RangeError('claim key length out of range');
  if (holder.length === 0 || holder.length > MAX_HOLDER)
    throw new RangeError('claim holder length out of range');
}
