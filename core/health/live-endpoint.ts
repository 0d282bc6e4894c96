// The endpoint a pipeline deploys to, the variant serving on it, and the build behind its config: what every
// health answer starts from. Reuses the lineage the rollback and comparison answers read (ListExecutions,
// the newest successful build's history, DescribeEndpoint), cached across answers.

import type { DescribeEndpointCommandOutput } from '@aws-sdk/client-sagemaker';
import { endpointLineage, type DeploymentCache } from '../builds/lineage';
import { EndpointNotFound, EndpointNotServing } from '../errors';
import type { LiveServingFact } from './facts';
import type { HealthContext, VariantRef } from './metrics';

export interface LiveEndpoint {
  variant: VariantRef;
  status: string;
  live: LiveServingFact;
}

/** When the serving config went live: the variant's deploy time, else the endpoint's last change. */
function deployedAt(endpoint: DescribeEndpointCommandOutput): Date | undefined {
  const variant = endpoint.ProductionVariants?.[0];
  return variant?.DeployedImages?.[0]?.ResolutionTime ?? endpoint.LastModifiedTime;
}

export async function liveEndpoint(ctx: HealthContext, cache: DeploymentCache): Promise<LiveEndpoint> {
  const lineage = await endpointLineage(ctx, cache);
  const endpoint = lineage.endpoint;
  if (!endpoint) throw new EndpointNotFound(ctx.pipeline.name, lineage.endpointName);
  const endpointName = endpoint.EndpointName ?? lineage.endpointName ?? '';
  const status = endpoint.EndpointStatus ?? 'Unknown';
  // Variants are listed once a deploy succeeded; the first one carries the traffic in a single-model endpoint.
  const variantName = endpoint.ProductionVariants?.[0]?.VariantName;
  if (!variantName) throw new EndpointNotServing(ctx.pipeline.name, endpointName, status);
  const live: LiveServingFact = {};
  const since = deployedAt(endpoint);
  if (lineage.live?.name) live.build = lineage.live.name;
  if (since) live.since = since;
  if (lineage.live?.startedBy) live.startedBy = lineage.live.startedBy;
  if (endpoint.EndpointConfigName) live.endpointConfigName = endpoint.EndpointConfigName;
  return { variant: { endpointName, variantName }, status, live };
}
