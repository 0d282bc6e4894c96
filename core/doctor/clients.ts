// The CloudFormation and IAM clients only the doctor needs, bounded like the core's (core/aws/clients.ts):
// a timeout per request and few retries. AWS_ENDPOINT_URL, if set, points them at it too.

import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { IAMClient } from '@aws-sdk/client-iam';
import { clientOptions, type AwsClientSettings } from '../aws/clients';

export interface RoleClients {
  cloudFormation: CloudFormationClient;
  iam: IAMClient;
}

export function roleClients(settings: AwsClientSettings, region: string): RoleClients & { destroy(): void } {
  const common = clientOptions(settings, region);
  const cloudFormation = new CloudFormationClient(common);
  const iam = new IAMClient(common);
  return {
    cloudFormation,
    iam,
    destroy() {
      cloudFormation.destroy();
      iam.destroy();
    },
  };
}
