// Fault injection for reliability tests: added latency, throttling, server errors and IAM denials.
// Set per run at start, and changed at run time through POST /_local/faults.

import { AwsError } from './protocol';

export interface FaultSettings {
  /** Milliseconds added before every API answer. */
  latencyMs: number;
  /** Share of API calls (0..1) answered with ThrottlingException. */
  throttleRate: number;
  /** Share of API calls (0..1) answered with a 5xx error. */
  errorRate: number;
  /**
   * Share of pipeline SageMaker task calls (0..1) that SageMaker throttles. Step Functions reports them as
   * it really does (see throttledTaskError): SageMaker.AmazonSageMakerException for optimized integrations,
   * SageMaker.SageMakerException for aws-sdk ones. Never a ThrottlingException.
   */
  taskThrottleRate: number;
  /** IAM actions denied to the caller, e.g. "states:StopExecution". */
  deny: string[];
  /** Limit latency/throttle/error faults to these operations (e.g. "ListExecutions"); empty means all. */
  operations: string[];
}

export const NO_FAULTS: FaultSettings = {
  latencyMs: 0,
  throttleRate: 0,
  errorRate: 0,
  taskThrottleRate: 0,
  deny: [],
  operations: [],
};

const RATE_FIELDS = ['throttleRate', 'errorRate', 'taskThrottleRate'] as const;

export class FaultInjector {
  private settings: FaultSettings = { ...NO_FAULTS };
  /**
   * Calls waiting out their added latency since the last resetOverlap(), and the most there have been at once.
   * A call a client gave up on still waits here; one from before the reset is not counted.
   */
  private delaying = 0;
  private peak = 0;
  private round = 0;

  constructor(
    initial: Partial<FaultSettings> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.set(initial);
  }

  get current(): FaultSettings {
    return { ...this.settings, deny: [...this.settings.deny], operations: [...this.settings.operations] };
  }

  /** Replaces the settings; fields left out go back to no fault. */
  set(next: Partial<FaultSettings>): FaultSettings {
    const merged = { ...NO_FAULTS, ...next };
    if (!(merged.latencyMs >= 0)) throw new AwsError('ValidationException', 'latencyMs must be >= 0');
    for (const field of RATE_FIELDS) {
      const rate = merged[field];
      if (!(rate >= 0 && rate <= 1))
        throw new AwsError('ValidationException', `${field} must be between 0 and 1`);
    }
    this.settings = { ...merged, deny: [...merged.deny], operations: [...merged.operations] };
    return this.current;
  }

  /** Applies the faults for one API call: waits, then maybe throws the injected error. */
  async beforeCall(action: string, operation: string, account: string): Promise<void> {
    const s = this.settings;
    const targeted = s.operations.length === 0 || s.operations.includes(operation);
    if (targeted && s.latencyMs > 0) await this.delay(s.latencyMs);
    if (s.deny.includes(action)) {
      throw new AwsError(
        'AccessDeniedException',
        `User: arn:aws:sts::${account}:assumed-role/sagebuild/local is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
      );
    }
    if (targeted && this.chance(s.throttleRate)) throw new AwsError('ThrottlingException', 'Rate exceeded');
    if (targeted && this.chance(s.errorRate)) {
      throw new AwsError(
        'InternalFailure',
        'The request processing has failed because of an unknown error.',
        500,
      );
    }
  }

  /**
   * The most calls delayed at the same time since the last resetOverlap(): 1 means every call waited alone
   * (they were made one after another), more means clients had several in flight at once.
   */
  get peakOverlap(): number {
    return this.peak;
  }

  resetOverlap(): void {
    this.round += 1;
    this.delaying = 0;
    this.peak = 0;
  }

  private async delay(ms: number): Promise<void> {
    const round = this.round;
    this.delaying += 1;
    this.peak = Math.max(this.peak, this.delaying);
    try {
      await new Promise((resolve) => setTimeout(resolve, ms).unref());
    } finally {
      if (round === this.round) this.delaying -= 1;
    }
  }

  /** Whether the next pipeline SageMaker task call should be throttled. */
  throttleTask(): boolean {
    return this.chance(this.settings.taskThrottleRate);
  }

  /** Draws a random number only when a fault is set, so a seeded sequence drives just that fault. */
  private chance(rate: number): boolean {
    return rate > 0 && this.random() < rate;
  }
}
