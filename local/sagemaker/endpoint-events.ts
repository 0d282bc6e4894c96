// EventBridge "SageMaker Endpoint State Change" events, in the shape SageMaker sends them (see "Events that
// Amazon SageMaker AI sends to Amazon EventBridge"): PascalCase detail fields, the status in upper snake case
// (IN_SERVICE, not InService), times in epoch milliseconds, and the endpoint's tags as a key-value map.

import { randomUUID } from 'node:crypto';
import type { EndpointStatus } from '@aws-sdk/client-sagemaker';
import type { Account } from './names';

export const ENDPOINT_STATE_CHANGE = 'SageMaker Endpoint State Change';

export interface EndpointStateChangeEvent {
  version: '0';
  id: string;
  'detail-type': typeof ENDPOINT_STATE_CHANGE;
  source: 'aws.sagemaker';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    EndpointName: string;
    EndpointArn: string;
    EndpointConfigName: string;
    ProductionVariants: { DesiredWeight: number; DesiredInstanceCount: number }[];
    EndpointStatus: string;
    CreationTime: number;
    LastModifiedTime: number;
    Tags: Record<string, string>;
  };
}

/** What the simulator knows of an endpoint when its status changes. */
export interface EndpointSnapshot {
  name: string;
  arn: string;
  configName: string;
  status: EndpointStatus;
  variants: { weight: number; count: number }[];
  creationTime: number;
  lastModifiedTime: number;
  tags: Record<string, string>;
}

/** "InService" -> "IN_SERVICE", "UpdateRollbackFailed" -> "UPDATE_ROLLBACK_FAILED", as the events spell them. */
export function eventStatus(status: EndpointStatus): string {
  return status.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

export function endpointStateChangeEvent(
  endpoint: EndpointSnapshot,
  account: Account,
): EndpointStateChangeEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': ENDPOINT_STATE_CHANGE,
    source: 'aws.sagemaker',
    account: account.accountId,
    time: new Date(endpoint.lastModifiedTime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: account.region,
    resources: [endpoint.arn],
    detail: {
      EndpointName: endpoint.name,
      EndpointArn: endpoint.arn,
      EndpointConfigName: endpoint.configName,
      ProductionVariants: endpoint.variants.map((v) => ({
        DesiredWeight: v.weight,
        DesiredInstanceCount: v.count,
      })),
      EndpointStatus: eventStatus(endpoint.status),
      CreationTime: endpoint.creationTime,
      LastModifiedTime: endpoint.lastModifiedTime,
      Tags: endpoint.tags,
    },
  };
}
