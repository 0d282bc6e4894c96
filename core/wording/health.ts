// Endpoint health in words: a short text for the CLI and Slack, a shorter one for voice, and the verdict on
// the last deploy. When something is wrong, the number that matters comes first. Voice names the build by
// who started it, never by its (hex) name.

import type { DeployComparisonFact, HealthFact, HealthNumbers, HealthProblem } from '../health/facts';
import { problemValue } from '../health/problem';
import { personName } from './dialog';
import { relativeTime, spokenDuration } from './duration';

type Medium = 'text' | 'voice';

/** "0.4%", "9.8%", "12%": a decimal only where it matters. Voice says "percent". */
export function percent(value: number, medium: Medium = 'text'): string {
  const shown = value < 10 ? (Math.round(value * 10) / 10).toString() : Math.round(value).toString();
  return medium === 'voice' ? `${shown} percent` : `${shown}%`;
}

/** "38 ms", "1.2 s" (voice: "38 milliseconds", "1.2 seconds"). */
export function latency(ms: number, medium: Medium = 'text'): string {
  if (ms >= 1000) {
    const seconds = (Math.round(ms / 100) / 10).toString();
    return medium === 'voice' ? `${seconds} seconds` : `${seconds} s`;
  }
  const whole = Math.max(1, Math.round(ms));
  return medium === 'voice' ? `${whole} milliseconds` : `${whole} ms`;
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const plural = (n: number, word: string): string => `${count(n)} ${word}${Math.round(n) === 1 ? '' : 's'}`;

/** SageMaker's endpoint status in words: "InService" → "in service", "UpdateRollbackFailed" → "update rollback failed". */
export function statusWords(status: string): string {
  return status.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The one number that matters, as a clause: "9.8% of requests failed with server errors". */
export function problemClause(problem: HealthProblem, medium: Medium = 'text'): string {
  switch (problem.kind) {
    case 'server-errors':
      return `${percent(problem.value, medium)} of requests failed with server errors`;
    case 'latency':
      return `the slowest 1 in 100 requests took ${latency(problem.value, medium)} or more`;
    case 'client-errors':
      return `${percent(problem.value, medium)} of requests were refused as bad requests`;
    case 'memory':
      return `memory use is at ${percent(problem.value, medium)}`;
    case 'cpu':
      return `CPU use is at ${percent(problem.value, medium)}`;
  }
}

/** The judged window's name: "in the last hour", or "since the deploy 4 minutes ago" after a recent deploy. */
function windowPhrase(fact: HealthFact, now: Date): string {
  if (!fact.sinceDeploy) return 'in the last hour';
  return `since the deploy ${relativeTime(fact.live.since ?? fact.sinceDeploy.from, now)}`;
}

/**
 * The problem, worst number first, and after a recent deploy what it was before it:
 * "Since the deploy 4 minutes ago: 10% of requests failed with server errors, up from 0.8% before it."
 */
function problemSentence(fact: HealthFact, problem: HealthProblem, now: Date, medium: Medium): string {
  const clause = problemClause(problem, medium);
  if (!fact.sinceDeploy) return `${clause} in the last hour.`;
  const before = problemValue(problem.kind, fact.sinceDeploy.before);
  const shown =
    before === undefined
      ? ''
      : problem.kind === 'latency'
        ? `, up from ${latency(before, medium)} before it`
        : `, up from ${percent(before, medium)} before it`;
  const since = windowPhrase(fact, now);
  // Voice runs on after "needs attention:", text starts a sentence.
  const lead = medium === 'voice' ? `${since},` : `${since[0]!.toUpperCase()}${since.slice(1)}:`;
  return `${lead} ${clause}${shown}.`;
}

function trafficLine(hour: HealthNumbers): string {
  if (hour.requests === undefined) return 'no requests';
  const failed = (hour.errors4xx ?? 0) + (hour.errors5xx ?? 0);
  const parts = [plural(hour.requests, 'request')];
  if (hour.errorRate !== undefined) {
    const split =
      failed > 0
        ? ` (${plural(hour.errors4xx ?? 0, 'client error')}, ${plural(hour.errors5xx ?? 0, 'server error')})`
        : '';
    parts.push(`${percent(hour.errorRate)} failed${split}`);
  }
  return parts.join(', ');
}

function latencyLine(hour: HealthNumbers): string | undefined {
  if (hour.latencyP50Ms === undefined) return undefined;
  const p99 = hour.latencyP99Ms !== undefined ? `, ${latency(hour.latencyP99Ms)} p99` : '';
  return `Model latency ${latency(hour.latencyP50Ms)} median${p99}.`;
}

function instanceLine(hour: HealthNumbers): string | undefined {
  const parts = [
    hour.cpuPercent !== undefined ? `CPU ${percent(hour.cpuPercent)}` : undefined,
    hour.memoryPercent !== undefined ? `memory ${percent(hour.memoryPercent)}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return parts.length > 0 ? `${parts.join(', ')}.` : undefined;
}

/** "serving prod-nightly-4 (started by the nightly schedule), live since 2 hours ago" */
function servingPhrase(fact: HealthFact, now: Date): string {
  const who = personName(fact.live.startedBy);
  const build = fact.live.build
    ? `serving ${fact.live.build}${who ? ` (started by ${who})` : ''}`
    : 'serving a model no recent build deployed';
  return fact.live.since ? `${build}, live since ${relativeTime(fact.live.since, now)}` : build;
}

/**
 * For the CLI and Slack:
 * "Something is wrong: 9.8% of requests failed with server errors in the last hour.
 *  The prod endpoint churn-prod is in service, serving prod-4 (started by Ana Lima), live since 2 hours ago.
 *  Last hour: 5,230 requests, 9.9% failed (21 client errors, 497 server errors). Model latency ... CPU ..."
 */
export function healthAnswer(fact: HealthFact, now: Date): string {
  const lines: string[] = [];
  if (fact.problem) {
    const sentence = problemSentence(fact, fact.problem, now, 'text');
    lines.push(`Something is wrong${fact.sinceDeploy ? '. ' : ': '}${sentence}`);
  }
  lines.push(
    `The ${fact.pipeline} endpoint ${fact.endpointName} is ${statusWords(fact.status)}, ${servingPhrase(fact, now)}.`,
  );
  const detail = [latencyLine(fact.lastHour), instanceLine(fact.lastHour)].filter(Boolean).join(' ');
  const window = windowPhrase(fact, now);
  const label = fact.sinceDeploy ? `${window[0]!.toUpperCase()}${window.slice(1)}` : 'Last hour';
  lines.push(`${label}: ${trafficLine(fact.lastHour)}.${detail ? ` ${detail}` : ''}`);
  return lines.join('\n');
}

/** Who put the live model there and for how long, for voice: " It has served Ana Lima's build for 2 hours." */
function spokenServing(fact: HealthFact, now: Date): string {
  const who = personName(fact.live.startedBy);
  if (!fact.live.since) return '';
  const served = spokenDuration(Math.max(0, now.getTime() - fact.live.since.getTime()));
  return ` It has served ${who ? `${who}'s build` : 'this model'} for ${served}.`;
}

/** For voice, brief, worst number first. */
export function healthSpeech(fact: HealthFact, now: Date): string {
  const hour = fact.lastHour;
  const endpoint = `The ${fact.pipeline} endpoint`;
  if (fact.problem) {
    return `${endpoint} needs attention: ${problemSentence(fact, fact.problem, now, 'voice')}${spokenServing(fact, now)}`;
  }
  const window = windowPhrase(fact, now);
  if (hour.requests === undefined) {
    return `${endpoint} is ${statusWords(fact.status)} but had no requests ${window}.${spokenServing(fact, now)}`;
  }
  const failed = hour.errorRate !== undefined ? `, ${percent(hour.errorRate, 'voice')} failed` : '';
  const speed =
    hour.latencyP50Ms !== undefined
      ? `, and the model answers in about ${latency(hour.latencyP50Ms, 'voice')}`
      : '';
  return `${endpoint} is healthy: ${plural(hour.requests, 'request')} ${window}${failed}${speed}.${spokenServing(fact, now)}`;
}

/** "Since the deploy of prod-5 40 minutes ago: 9.8% of requests failed, up from 0.4% the hour before." */
export function deployComparisonAnswer(fact: DeployComparisonFact, now: Date): string {
  const build = fact.build ? ` of ${fact.build}` : '';
  const since = `Since the deploy${build} ${relativeTime(fact.deployedAt, now)}`;
  const { before, after } = fact;
  if (fact.why === 'too-little-traffic') {
    return `${since} there have been ${plural(after.requests, 'request')}: too few to tell yet whether it made things worse.`;
  }
  if (fact.why === 'error-rate') {
    return `${since}, ${percent(after.errorRate ?? 0)} of requests failed, up from ${percent(before.errorRate ?? 0)} before it.`;
  }
  if (fact.why === 'latency' && after.latencyP99Ms !== undefined && before.latencyP99Ms !== undefined) {
    return `${since}, the slowest requests take ${latency(after.latencyP99Ms)}, up from ${latency(before.latencyP99Ms)} before it (p99).`;
  }
  const rate = after.errorRate !== undefined ? `, ${percent(after.errorRate)} failed` : '';
  return `${since}: no worse than before it (${plural(after.requests, 'request')}${rate}).`;
}
