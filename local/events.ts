// EventBridge "Step Functions Execution Status Change" events, in AWS's exact shape, for in-process
// subscribers and, optionally, an HTTP target (the Slack notifier's local URL).

import { randomUUID } from 'node:crypto';
import { guarded } from './listeners';
import type { EndpointStateChangeEvent } from './sagemaker/endpoint-events';
import type { PutEventsEvent } from './stepfunctions/events-tasks';
import { redriveInfo, type ExecutionRecord } from './stepfunctions/model';

export interface ExecutionStatusChangeEvent {
  version: '0';
  id: string;
  'detail-type': 'Step Functions Execution Status Change';
  source: 'aws.states';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: string;
    startDate: number;
    stopDate: number | null;
    input: string;
    output: string | null;
    inputDetails: { included: boolean };
    outputDetails: { included: boolean } | null;
    error: string | null;
    cause: string | null;
    redriveCount: number;
    redriveDate: null;
    redriveStatus: string;
    redriveStatusReason: string;
    stateMachineVersionArn: null;
    stateMachineAliasArn: null;
  };
}

export type EventListener = (event: ExecutionStatusChangeEvent) => void;

/**
 * Any event on the bus: Step Functions' status changes, the events PutEvents tasks put (approval requests),
 * and SageMaker's endpoint status changes.
 */
export type BusEvent = ExecutionStatusChangeEvent | PutEventsEvent | EndpointStateChangeEvent;
export type AnyEventListener = (event: BusEvent) => void;

export function statusChangeEvent(
  execution: ExecutionRecord,
  account: string,
  region: string,
): ExecutionStatusChangeEvent {
  const final = execution.status !== 'RUNNING';
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account,
    time: new Date(final ? (execution.stopDate ?? Date.now()) : execution.startDate)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [execution.arn],
    detail: {
      executionArn: execution.arn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate,
      stopDate: execution.stopDate ?? null,
      input: execution.input,
      output: execution.output ?? null,
      inputDetails: { included: true },
      outputDetails: execution.output === undefined ? null : { included: true },
      error: execution.error ?? null,
      cause: execution.cause ?? null,
      redriveCount: 0,
      redriveDate: null,
      ...redriveInfo(execution),
      stateMachineVersionArn: null,
      stateMachineAliasArn: null,
    },
  };
}

/** Delivers events to subscribers and an optional URL; a failing subscriber or target never stops a build. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private readonly allListeners = new Set<AnyEventListener>();

  constructor(private readonly targetUrl?: string) {}

  /** Status changes only. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every event: status changes and PutEvents tasks' events (e.g. "SageBuild Approval Requested"). */
  subscribeAll(listener: AnyEventListener): () => void {
    this.allListeners.add(listener);
    return () => this.allListeners.delete(listener);
  }

  publish(event: ExecutionStatusChangeEvent): void {
    for (const listener of this.listeners) guarded('an event subscriber', () => listener(event));
    this.deliver(event);
  }

  /**
   * An event a PutEvents task put: to every-event subscribers and the target URL, as the stack's rule routes
   * SageBuild's approval requests to the notifier next to the status changes.
   */
  publishPut(event: PutEventsEvent): void {
    this.deliver(event);
  }

  /** A "SageMaker Endpoint State Change": to every-event subscribers and the target URL, as the stack's rule. */
  publishSageMaker(event: EndpointStateChangeEvent): void {
    this.deliver(event);
  }

  private deliver(event: BusEvent): void {
    for (const listener of this.allListeners) guarded('an event subscriber', () => listener(event));
    if (this.targetUrl) void this.post(this.targetUrl, event);
  }

  private async post(url: string, event: BusEvent): Promise<void> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) console.error(`local AWS: event target ${url} answered ${response.status}`);
    } catch (error) {
      console.error(`local AWS: event target ${url} unreachable: ${(error as Error).message}`);
    }
  }
}
