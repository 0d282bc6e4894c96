// The AWS SDK clients the core uses, sized for an 8-second voice budget: each request has a timeout and
// retries are few. AWS_ENDPOINT_URL (the standard variable) points them at the local AWS.

import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';

export interface AwsClientSettings {
  /** Per-request timeout, connection included. */
  timeoutMs: number;
  /** Total attempts per call, the first included. */
  maxAttempts: number;
}

export interface AwsClients {
  sfn: SFNClient;
  sagemaker: SageMakerClient;
  /** Only health answers use it (GetMetricData). */
  cloudwatch: CloudWatchClient;
}

/** Any AWS SDK client's options for these settings: a timeout per request, connection included, and few retries. */
export function clientOptions(settings: AwsClientSettings, region: string) {
  return {
    region,
    maxAttempts: settings.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: Math.min(1000, settings.timeoutMs),
      requestTimeout: settings.timeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

/** One pair of clients per region, made on first use and reused (each holds a connection pool). */
export class AwsClientPool {
  private readonly byRegion = new Map<string, AwsClients>();

  constructor(private readonly settings: AwsClientSettings) {}

  forRegion(region: string): AwsClients {
    let clients = this.byRegion.get(region);
    if (!clients) {
      const common = clientOptions(this.settings, region);
      clients = {
        sfn: new SFNClient(common),
        sagemaker: new SageMakerClient(common),
        cloudwatch: new CloudWatchClient(common),
      };
      this.byRegion.set(region, clients);
    }
    return clients;
  }

  destroy(): void {
    for (const clients of this.byRegion.values()) {
      clients.sfn.destroy();
      clients.sagemaker.destroy();
      clients.cloudwatch.destroy();
    }
    this.byRegion.clear();
  }
}
