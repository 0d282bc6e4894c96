// What the core answers about an endpoint's health: the model it serves and since when, the last hour's
// traffic from CloudWatch, a day of hourly buckets for a chart, and the one number that matters when
// something is wrong. Fronts word these (core/wording/health.ts); they never see CloudWatch.

import type { StartedBy } from '../builds/facts';

/** The model live on the endpoint: the build that made its config, when that config went live, who started it. */
export interface LiveServingFact {
  /** The build (execution) name; absent when no recent build made the serving config. */
  build?: string;
  /** When the serving config went live (the variant's deploy time). */
  since?: Date;
  startedBy?: StartedBy;
  endpointConfigName?: string;
}

/**
 * One window's numbers; each is undefined when CloudWatch has no data for it (an idle endpoint publishes no
 * invocation metrics at all).
 */
export interface HealthNumbers {
  requests?: number;
  errors4xx?: number;
  errors5xx?: number;
  /** Percent of requests that failed (4XX and 5XX), 0 to 100. */
  errorRate?: number;
  /** Model latency (SageMaker's ModelLatency, published in microseconds), in milliseconds. */
  latencyP50Ms?: number;
  latencyP99Ms?: number;
  /** CloudWatch's CPUUtilization, averaged: 100 per vCPU, so it can pass 100 on a multi-core instance. */
  cpuPercent?: number;
  memoryPercent?: number;
}

/** One hour of the last day, oldest first; hours without traffic count 0 requests. */
export interface HealthPoint {
  at: Date;
  requests: number;
  /** 4XX and 5XX together. */
  errors: number;
  latencyP50Ms?: number;
}

/** The number that matters first when something is wrong, worst first: server errors, latency, client errors, memory, CPU. */
export type HealthProblemKind = 'server-errors' | 'latency' | 'client-errors' | 'memory' | 'cpu';

export interface HealthProblem {
  kind: HealthProblemKind;
  /** Percent of requests for errors, milliseconds (p99) for latency, percent for memory and CPU. */
  value: number;
}

export interface HealthFact {
  pipeline: string;
  endpointName: string;
  /** SageMaker's EndpointStatus (InService, Updating, ...). */
  status: string;
  /** The variant whose metrics these are (the endpoint's first). */
  variantName: string;
  live: LiveServingFact;
  /**
   * The window health is judged on: the last hour, or, when the live model went live within it, the time
   * since that deploy (then `sinceDeploy` says so), so an hour of the old model's traffic can't hide a bad one.
   */
  lastHour: HealthNumbers;
  sinceDeploy?: SinceDeployWindow;
  /** 24 hourly buckets, oldest first, ending now (the last one is the time since a recent deploy). */
  series24h: HealthPoint[];
  problem?: HealthProblem;
  checkedAt: Date;
}

/** A deploy within the last hour: when it went live (to the whole minute) and the hour just before it. */
export interface SinceDeployWindow {
  from: Date;
  before: HealthNumbers;
}

/** One side of a deploy: its traffic, error rate (percent) and p99 model latency (ms). */
export interface DeployWindow {
  from: Date;
  to: Date;
  requests: number;
  errorRate?: number;
  latencyP99Ms?: number;
}

/**
 * Why a deploy looks worse (error rate or latency), or why no verdict can be given yet (too little traffic
 * on either side of the deploy).
 */
export type DeployVerdictReason = 'error-rate' | 'latency' | 'too-little-traffic';

export interface DeployComparisonFact {
  pipeline: string;
  endpointName: string;
  deployedAt: Date;
  /** The build whose model went live, when a recent build made the config. */
  build?: string;
  startedBy?: StartedBy;
  /** The same length of time before the deploy (an hour by default). */
  before: DeployWindow;
  /** From the deploy until now, at most the window's length. */
  after: DeployWindow;
  worse: boolean;
  why?: DeployVerdictReason;
}
