// Start claims in one process's memory: tests, the local console and the CLI. Check and write happen with no
// await between them, which is what makes the claim conditional here.

import {
  checkClaimArgs,
  type ClaimOptions,
  type ClaimOutcome,
  type StartClaim,
  type StartClaims,
} from './start-claims';

interface Held extends StartClaim {
  until: number;
}

export class MemoryClaims implements StartClaims {
  private readonly held = new Map<string, Held>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async claim(key: string, holder: string, ttlMs: number, options: ClaimOptions = {}): Promise<ClaimOutcome> {
    checkClaimArgs(key, holder);
    const now = this.now().getTime();
    const current = this.held.get(key);
    const free = !current || current.until <= now || [holder, options.replacing].includes(current.holder);
    if (current && !free) {
      return { taken: false, heldBy: { holder: current.holder, claimedAt: current.claimedAt } };
    }
    this.held.set(key, { holder, claimedAt: new Date(now), until: now + ttlMs });
    return { taken: true };
  }

  async release(key: string, holder: string): Promise<void> {
    if (this.held.get(key)?.holder === holder) this.held.delete(key);
  }
}
