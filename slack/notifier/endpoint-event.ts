// EventBridge "SageMaker Endpoint State Change" events, as far as the notifier reads them. SageMaker spells
// the status in upper snake case (IN_SERVICE), unlike DescribeEndpoint (InService); the endpoint itself is
// asked for the rest, since these events may be late, repeated or out of order.

export const ENDPOINT_STATE_CHANGE = 'SageMaker Endpoint State Change';

/** The statuses an update settles in, as the events spell them: only these can end a rollback. */
export const SETTLED_ENDPOINT_STATUSES = ['IN_SERVICE', 'FAILED', 'UPDATE_ROLLBACK_FAILED'] as const;

export interface EndpointStateEvent {
  id: string;
  source: 'aws.sagemaker';
  'detail-type': typeof ENDPOINT_STATE_CHANGE;
  time: string;
  detail: {
    EndpointName: string;
    EndpointStatus: string;
    EndpointArn?: string;
    EndpointConfigName?: string;
  };
}

export function isEndpointStateChange(event: unknown): event is EndpointStateEvent {
  const { source, 'detail-type': type, detail } = fieldsOf(event);
  const { EndpointName, EndpointStatus } = fieldsOf(detail);
  return (
    source === 'aws.sagemaker' &&
    type === ENDPOINT_STATE_CHANGE &&
    typeof EndpointName === 'string' &&
    typeof EndpointStatus === 'string'
  );
}

export function isSettled(event: EndpointStateEvent): boolean {
  return (SETTLED_ENDPOINT_STATUSES as readonly string[]).includes(event.detail.EndpointStatus);
}

function fieldsOf(value: unknown): Partial<Record<string, unknown>> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
