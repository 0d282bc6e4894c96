// Approval gates in a build's history: every `.waitForTaskToken` task, whatever the machine calls it, with its
// token (taken from the TaskScheduled parameters, never from a person), when it began waiting, when it closes,
// and how it ended if it has. Events are linked by previousEventId, as Step Functions chains one task's events.

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { roleOfResource } from '../machine/roles';
import { parseObject } from '../builds/history';
import type { QualityGateFact } from './facts';
import { readDecision, type DecisionRecord } from './decision-record';

export type GateEnd =
  | { kind: 'decided'; at: Date; record: DecisionRecord }
  /** Succeeded or failed by someone else than SageBuild (a team's own callback), or with an unreadable record. */
  | { kind: 'succeeded' | 'failed'; at: Date; error?: string; cause?: string }
  | { kind: 'timed-out' | 'aborted'; at: Date };

export interface GateReading {
  stateName: string;
  scheduledEventId: number;
  waitingSince: Date;
  /** The task token, or undefined when the parameters carry none (then nobody can decide from SageBuild). */
  token?: string;
  timeoutSeconds?: number;
  /** The state's input, for the quality gate facts. */
  input?: Record<string, unknown>;
  end?: GateEnd;
}

/** A real token is at most 2,048 characters (SendTaskSuccess's limit in the API reference). */
const MAX_TOKEN_CHARS = 2048;
/** How far back one task's events are walked from its end to its TaskScheduled (Started, Submitted, ...). */
const MAX_CHAIN = 8;

/** Every approval gate the events show, newest first. Events may come in any order. */
export function readGates(events: HistoryEvent[]): GateReading[] {
  const byId = new Map(events.map((event) => [event.id ?? 0, event]));
  const ends = new Map<number, GateEnd>();
  for (const event of events) {
    const end = endOf(event);
    if (!end) continue;
    const scheduled = scheduledOf(byId, event);
    if (scheduled !== undefined && !ends.has(scheduled)) ends.set(scheduled, end);
  }
  const gates: GateReading[] = [];
  for (const event of events) {
    const details = event.taskScheduledEventDetails;
    if (event.type !== 'TaskScheduled' || !details) continue;
    if (roleOfResource(details.resource ?? '', details.resourceType ?? '') !== 'approval') continue;
    const entered = byId.get(event.previousEventId ?? -1)?.stateEnteredEventDetails;
    const parameters = parseObject(details.parameters);
    const gate: GateReading = {
      stateName: entered?.name ?? 'approval',
      scheduledEventId: event.id ?? 0,
      waitingSince: event.timestamp ?? new Date(0),
    };
    const token = tokenIn(parameters);
    if (token) gate.token = token;
    if (details.timeoutInSeconds !== undefined) gate.timeoutSeconds = details.timeoutInSeconds;
    if (entered?.input) gate.input = parseObject(entered.input);
    const end = ends.get(gate.scheduledEventId);
    if (end) gate.end = end;
    gates.push(gate);
  }
  return gates.sort((a, b) => b.scheduledEventId - a.scheduledEventId);
}

function endOf(event: HistoryEvent): GateEnd | undefined {
  const at = event.timestamp ?? new Date(0);
  switch (event.type) {
    case 'TaskSucceeded': {
      const output = event.taskSucceededEventDetails?.output;
      const record = readDecision(output);
      return record ? { kind: 'decided', at, record } : { kind: 'succeeded', at };
    }
    case 'TaskFailed': {
      const { error, cause } = event.taskFailedEventDetails ?? {};
      const record = readDecision(cause);
      if (record) return { kind: 'decided', at, record };
      return { kind: 'failed', at, ...(error ? { error } : {}), ...(cause ? { cause } : {}) };
    }
    case 'TaskTimedOut':
      return { kind: 'timed-out', at };
    case 'TaskStateAborted':
      return { kind: 'aborted', at };
    default:
      return undefined;
  }
}

/** The TaskScheduled event a task's later event belongs to, following previousEventId. */
function scheduledOf(byId: Map<number, HistoryEvent>, from: HistoryEvent): number | undefined {
  let event: HistoryEvent | undefined = from;
  for (let step = 0; event && step < MAX_CHAIN; step += 1) {
    event = byId.get(event.previousEventId ?? -1);
    if (event?.type === 'TaskScheduled') return event.id;
    if (event?.type?.endsWith('StateEntered')) return undefined;
  }
  return undefined;
}

/**
 * The task token in a task's parameters: a string under a key named like TaskToken (EventBridge Detail, SQS or
 * SNS message, Lambda payload), searched breadth-first so the shallowest wins. Bounded in depth and size.
 */
export function tokenIn(parameters: unknown): string | undefined {
  let level: unknown[] = [parameters];
  for (let depth = 0; depth < 6 && level.length > 0; depth += 1) {
    const next: unknown[] = [];
    for (const value of level) {
      if (!value || typeof value !== 'object') continue;
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        if (/^task_?token$/i.test(key) && typeof inner === 'string' && isTokenShaped(inner)) return inner;
        // An EventBridge Detail or an SQS body is often a JSON string.
        if (typeof inner === 'string' && inner.startsWith('{') && inner.length < 256 * 1024) {
          next.push(parseObject(inner));
        } else if (inner && typeof inner === 'object') next.push(inner);
      }
    }
    level = next.slice(0, 200);
  }
  return undefined;
}

function isTokenShaped(value: string): boolean {
  return value.length > 0 && value.length <= MAX_TOKEN_CHARS && !/\s/.test(value);
}

/** The reference pipeline's quality gate as the gate's input shows it (its qualityGate and training metrics). */
export function qualityGateIn(input: Record<string, unknown> | undefined): QualityGateFact | undefined {
  const gate = input?.qualityGate as Record<string, unknown> | null | undefined;
  if (!gate || typeof gate !== 'object') return undefined;
  const { metricName, threshold, comparison } = gate;
  if (typeof metricName !== 'string' || typeof threshold !== 'number') return undefined;
  if (comparison !== 'GreaterThanOrEqual' && comparison !== 'LessThanOrEqual') return undefined;
  const training = (input?.training ?? {}) as Record<string, unknown>;
  const metrics = Array.isArray(training.FinalMetricDataList) ? training.FinalMetricDataList : [];
  const reported = metrics.find(
    (m): m is { MetricName: string; Value: number } =>
      !!m && typeof m === 'object' && (m as { MetricName?: unknown }).MetricName === metricName,
  );
  const value = typeof reported?.Value === 'number' ? reported.Value : undefined;
  const passed =
    value !== undefined && (comparison === 'GreaterThanOrEqual' ? value >= threshold : value <= threshold);
  const fact: QualityGateFact = { metric: metricName, threshold, comparison, passed };
  if (value !== undefined) fact.value = value;
  return fact;
}
