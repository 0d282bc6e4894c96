// SageMaker facts for a status answer: the training job's progress, and the endpoint's state.

import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeTrainingJobCommand,
  type DescribeEndpointCommandOutput,
  type DescribeTrainingJobCommandOutput,
} from '@aws-sdk/client-sagemaker';
import { callAws } from '../aws/translate-error';
import type { BuildContext } from './context';
import type { EndpointFact, TrainingFact } from './facts';

/** One SageMaker Describe call; a missing resource is undefined, not an error. */
async function describe<T>(ctx: BuildContext, action: string, call: (signal: AbortSignal) => Promise<T>) {
  try {
    return await callAws('SageMaker', `sagemaker:${action}`, () => call(ctx.signal));
  } catch (error) {
    // SageMaker answers a missing job or endpoint with ValidationException, not ResourceNotFound.
    const name = (error as Error).name;
    if (name === 'ValidationException' || name === 'ResourceNotFound') return undefined;
    throw error;
  }
}

export async function trainingFact(ctx: BuildContext, jobName: string): Promise<TrainingFact | undefined> {
  const job = await describe<DescribeTrainingJobCommandOutput>(ctx, 'DescribeTrainingJob', (abortSignal) =>
    ctx.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }), { abortSignal }),
  );
  if (!job) return undefined;
  const fact: TrainingFact = {
    jobName,
    status: job.TrainingJobStatus ?? 'Unknown',
    metrics: (job.FinalMetricDataList ?? [])
      .filter((m) => m.MetricName && typeof m.Value === 'number')
      .map((m) => ({ name: m.MetricName as string, value: m.Value as number })),
  };
  if (job.SecondaryStatus) fact.secondaryStatus = job.SecondaryStatus;
  const lastTransition = job.SecondaryStatusTransitions?.at(-1);
  if (lastTransition?.StatusMessage) fact.secondaryStatusMessage = lastTransition.StatusMessage;
  if (job.FailureReason) fact.failureReason = job.FailureReason;
  return fact;
}

export function describeEndpoint(
  ctx: BuildContext,
  endpointName: string,
): Promise<DescribeEndpointCommandOutput | undefined> {
  return describe(ctx, 'DescribeEndpoint', (abortSignal) =>
    ctx.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }), { abortSignal }),
  );
}

export function endpointFactOf(endpoint: DescribeEndpointCommandOutput): EndpointFact {
  const fact: EndpointFact = {
    endpointName: endpoint.EndpointName ?? '',
    status: endpoint.EndpointStatus ?? 'Unknown',
  };
  if (endpoint.EndpointConfigName) fact.endpointConfigName = endpoint.EndpointConfigName;
  const pending = endpoint.PendingDeploymentSummary?.EndpointConfigName;
  if (pending) fact.pendingConfigName = pending;
  if (endpoint.LastModifiedTime) fact.lastModified = endpoint.LastModifiedTime;
  if (endpoint.FailureReason) fact.failureReason = endpoint.FailureReason;
  return fact;
}

/** The model behind the config an endpoint serves (one more call: DescribeEndpointConfig). */
export async function servingModel(
  ctx: BuildContext,
  endpointConfigName: string,
): Promise<string | undefined> {
  const config = await describe(ctx, 'DescribeEndpointConfig', (abortSignal) =>
    ctx.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpointConfigName }), {
      abortSignal,
    }),
  );
  return config?.ProductionVariants?.[0]?.ModelName;
}
