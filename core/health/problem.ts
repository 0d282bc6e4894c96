// The one number that matters when an endpoint is unwell, and whether a deploy made things clearly worse.
// Thresholds are deliberately plain so a person can check them against the numbers shown.

import type {
  DeployVerdictReason,
  DeployWindow,
  HealthNumbers,
  HealthProblem,
  HealthProblemKind,
} from './facts';

/** Below this many requests in a window, rates and percentiles say too little to judge by. */
export const MIN_REQUESTS_TO_JUDGE = 50;

const THRESHOLDS = {
  serverErrorPercent: 1,
  latencyP99Ms: 1000,
  clientErrorPercent: 5,
  memoryPercent: 90,
  cpuPercent: 90,
};

export function percentOf(part: number | undefined, whole: number | undefined): number | undefined {
  if (part === undefined || whole === undefined || whole <= 0) return undefined;
  return (part / whole) * 100;
}

/** The value a problem of `kind` measures in `numbers` (to say what it was before a deploy). */
export function problemValue(kind: HealthProblemKind, numbers: HealthNumbers): number | undefined {
  switch (kind) {
    case 'server-errors':
      return percentOf(numbers.errors5xx, numbers.requests);
    case 'client-errors':
      return percentOf(numbers.errors4xx, numbers.requests);
    case 'latency':
      return numbers.latencyP99Ms;
    case 'memory':
      return numbers.memoryPercent;
    case 'cpu':
      return numbers.cpuPercent;
  }
}

/** The worst thing wrong in a window, in order of what hurts callers most; none when all is well. */
export function problemOf(numbers: HealthNumbers): HealthProblem | undefined {
  const judged = (numbers.requests ?? 0) >= MIN_REQUESTS_TO_JUDGE;
  const serverErrors = percentOf(numbers.errors5xx, numbers.requests);
  const clientErrors = percentOf(numbers.errors4xx, numbers.requests);
  if (judged && serverErrors !== undefined && serverErrors >= THRESHOLDS.serverErrorPercent) {
    return { kind: 'server-errors', value: serverErrors };
  }
  if (judged && numbers.latencyP99Ms !== undefined && numbers.latencyP99Ms >= THRESHOLDS.latencyP99Ms) {
    return { kind: 'latency', value: numbers.latencyP99Ms };
  }
  if (judged && clientErrors !== undefined && clientErrors >= THRESHOLDS.clientErrorPercent) {
    return { kind: 'client-errors', value: clientErrors };
  }
  if (numbers.memoryPercent !== undefined && numbers.memoryPercent >= THRESHOLDS.memoryPercent) {
    return { kind: 'memory', value: numbers.memoryPercent };
  }
  if (numbers.cpuPercent !== undefined && numbers.cpuPercent >= THRESHOLDS.cpuPercent) {
    return { kind: 'cpu', value: numbers.cpuPercent };
  }
  return undefined;
}

/**
 * Clearly worse: the error rate up by at least 2 points and at least doubled, or p99 latency up by half or
 * more, with enough requests on both sides to tell. With too little traffic there is no verdict.
 */
export function deployVerdict(
  before: DeployWindow,
  after: DeployWindow,
): { worse: boolean; why?: DeployVerdictReason } {
  if (before.requests < MIN_REQUESTS_TO_JUDGE || after.requests < MIN_REQUESTS_TO_JUDGE) {
    return { worse: false, why: 'too-little-traffic' };
  }
  const rateBefore = before.errorRate ?? 0;
  const rateAfter = after.errorRate ?? 0;
  if (rateAfter - rateBefore >= 2 && rateAfter >= 2 * rateBefore) return { worse: true, why: 'error-rate' };
  if (
    before.latencyP99Ms !== undefined &&
    after.latencyP99Ms !== undefined &&
    after.latencyP99Ms >= 1.5 * before.latencyP99Ms
  ) {
    return { worse: true, why: 'latency' };
  }
  return { worse: false };
}
