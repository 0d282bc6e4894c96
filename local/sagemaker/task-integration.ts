// How Step Functions Task states reach the simulated SageMaker, with real Step Functions semantics:
// the optimized integration (arn:aws:states:::sagemaker:<op>[.sync]) and the SDK integration
// (arn:aws:states:::aws-sdk:sagemaker:<op>), each with its own error naming. Outputs carry times as epoch ms.
import { randomUUID } from 'node:crypto';
import type { SimContext } from '../clock';
import { mapDates } from '../protocol';
import { SageMakerApiError } from './errors';
import type { SageMakerSimulator } from './simulator';

export type TaskContext = SimContext & {
  signal?: AbortSignal;
  /** Told the create call's response of a `.sync` task (history's TaskSubmitted), before its outcome. */
  onSubmitted?: (response: unknown) => void;
};
export type TaskHandler = (params: Record<string, unknown>) => Promise<unknown>;
type Integration = 'optimized' | 'aws-sdk';

const RESOURCE = /^arn:aws[\w-]*:states:[^:]*:[^:]*:(sagemaker|aws-sdk:sagemaker):([a-zA-Z]+)(\.[a-zA-Z]+)?$/;

// Errors SageMaker models get their own SDK exception class; everything else surfaces as the base class.
const MODELED_ERRORS = new Set([
  'ResourceNotFound',
  'ResourceInUse',
  'ResourceLimitExceeded',
  'ConflictException',
]);

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function integrationOf(resource: string): Integration | undefined {
  const service = RESOURCE.exec(resource)?.[1];
  if (service === undefined) return undefined;
  return service === 'sagemaker' ? 'optimized' : 'aws-sdk';
}

/**
 * The Error a Task state reports when SageMaker throttles its call, or undefined for a resource that is not
 * SageMaker. Step Functions names no ThrottlingException here: throttling is an unmodelled SageMaker error,
 * so it surfaces as SageMaker.AmazonSageMakerException (optimized) or SageMaker.SageMakerException (aws-sdk).
 */
export function throttledTaskError(resource: string): Error | undefined {
  const integration = integrationOf(resource);
  if (!integration) return undefined;
  return asTaskError(integration, new SageMakerApiError('ThrottlingException', 'Rate exceeded')) as Error;
}

/** SageMaker's refusal, renamed and reworded the way Step Functions reports it for this integration. */
function asTaskError(integration: Integration, error: unknown): unknown {
  if (!(error instanceof SageMakerApiError)) return error;
  const { type, statusCode, message } = error;
  const requestId = randomUUID();
  if (integration === 'optimized') {
    return namedError(
      'SageMaker.AmazonSageMakerException',
      `${message} (Service: AmazonSageMaker; Status Code: ${statusCode}; Error Code: ${type}; ` +
        `Request ID: ${requestId}; Proxy: null)`,
    );
  }
  const exception = MODELED_ERRORS.has(type)
    ? type.replace(/(Exception)?$/, 'Exception')
    : 'SageMakerException';
  return namedError(
    `SageMaker.${exception}`,
    `${message} (Service: SageMaker, Status Code: ${statusCode}, Request ID: ${requestId})`,
  );
}

/** Step Functions hands SageMaker timestamps to the next state as epoch-ms numbers. */
export function datesToEpochMs(value: unknown): unknown {
  return mapDates(value, (date) => date.getTime());
}

async function callAs(
  integration: Integration,
  sim: SageMakerSimulator,
  operation: string,
  params: Record<string, unknown>,
  ctx: SimContext,
): Promise<Record<string, unknown>> {
  try {
    return await sim.call(operation, params, ctx);
  } catch (error) {
    throw asTaskError(integration, error);
  }
}

/** createTrainingJob.sync: start the job, wait for it to finish, and fail the task unless it Completed. */
async function runTrainingJobSync(
  sim: SageMakerSimulator,
  params: Record<string, unknown>,
  ctx: TaskContext,
): Promise<unknown> {
  ctx.signal?.throwIfAborted();
  const created = await callAs('optimized', sim, 'CreateTrainingJob', params, ctx);
  ctx.onSubmitted?.(withSdkMetadata(datesToEpochMs(created) as Record<string, unknown>));
  const name = String(params.TrainingJobName);
  let described;
  try {
    described = await sim.waitForTrainingJob(name, ctx.signal);
  } catch (error) {
    // Stopping the execution stops the job, as Step Functions does; it may already be finishing.
    if (ctx.signal?.aborted)
      await sim.call('StopTrainingJob', { TrainingJobName: name }, ctx).catch(() => undefined);
    throw error;
  }
  const output = datesToEpochMs(described);
  // Step Functions reports a failed or stopped job with the whole describe output as the Cause.
  if (described.TrainingJobStatus !== 'Completed')
    throw namedError('States.TaskFailed', JSON.stringify(output));
  return output;
}

/**
 * The create call's response as Step Functions hands it on for `.sync` tasks: the API's fields plus the
 * Java SDK's response metadata (as in the recorded TaskSubmitted of services/test_ecs_task_service).
 */
function withSdkMetadata(response: Record<string, unknown>): Record<string, unknown> {
  const requestId = randomUUID();
  const headers = { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': requestId };
  return {
    ...response,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, [value]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

function unsupported(resource: string): TaskHandler {
  return () => Promise.reject(namedError('States.Runtime', `The local AWS does not simulate ${resource}.`));
}

/**
 * The handler for a Task state's Resource, or undefined when the resource is not SageMaker.
 * A SageMaker resource the simulator cannot serve gets a handler that fails with States.Runtime.
 */
export function sageMakerTaskHandler(
  resource: string,
  sim: SageMakerSimulator,
  ctx: TaskContext,
): TaskHandler | undefined {
  const match = RESOURCE.exec(resource);
  if (!match) return undefined;
  const [, service = '', action = '', pattern] = match;
  const integration: Integration = service === 'sagemaker' ? 'optimized' : 'aws-sdk';
  const operation = action.charAt(0).toUpperCase() + action.slice(1);
  if (!sim.supports(operation)) return unsupported(resource);
  if (pattern === '.sync' && integration === 'optimized' && operation === 'CreateTrainingJob') {
    return (params) => runTrainingJobSync(sim, params, ctx);
  }
  if (pattern !== undefined) return unsupported(resource);
  return async (params) => datesToEpochMs(await callAs(integration, sim, operation, params, ctx));
}
