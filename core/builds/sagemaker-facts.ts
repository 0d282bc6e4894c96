// SageMaker facts for a status answer: the training job's progress, and the endpoint's state.

import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeTrainingJobCommand,
  type DescribeEndpointCommandOutput,
} from '@aws-sdk/client-sagemaker';
import { callAws } from '../aws/translate-error';
import type { BuildContext } from './context';
import type { EndpointFact, TrainingFact } from './facts';

/** SageMaker answers a missing job or endpoint with ValidationException, not ResourceNotFound. */
function isMissing(error: unknown): boolean {
  const e = error as Error;
  return e.name === 'ValidationException' || e.name === 'ResourceNotFound';
}

export async function trainingFact(ctx: BuildContext, jobName: string): Promise<TrainingFact | undefined> {
  try {
    const job = await callAws('SageMaker', 'sagemaker:DescribeTrainingJob', () =>
      ctx.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }), {
        abortSignal: ctx.signal,
      }),
    );
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
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export async function describeEndpoint(
  ctx: BuildContext,
  endpointName: string,
): Promise<DescribeEndpointCommandOutput | undefined> {
  try {
    return await callAws('SageMaker', 'sagemaker:DescribeEndpoint', () =>
      ctx.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }), {
        abortSignal: ctx.signal,
      }),
    );
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export function endpointFactOf(endpoint: DescribeEndpointCommandOutput): EndpointFact {
  const fact: EndpointFact = {
    endpointName: endpoint.EndpointName ?? '',
    status: endpoint.EndpointStatus ?? 'Unknown',
  };
  if (endpoint.EndpointConfigName) fact.endpointConfigName = endpoint.EndpointConfigName;
  if (endpoint.LastModifiedTime) fact.lastModified = endpoint.LastModifiedTime;
  if (endpoint.FailureReason) fact.failureReason = endpoint.FailureReason;
  return fact;
}

/** The model behind the config an endpoint serves (one more call: DescribeEndpointConfig). */
export async function servingModel(
  ctx: BuildContext,
  endpointConfigName: string,
): Promise<string | undefined> {
  try {
    const config = await callAws('SageMaker', 'sagemaker:DescribeEndpointConfig', () =>
      ctx.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpointConfigName }), {
        abortSignal: ctx.signal,
      }),
    );
    return config.ProductionVariants?.[0]?.ModelName;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}
