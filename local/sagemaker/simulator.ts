// The simulated SageMaker service: checks each request against the operation's shape as SageMaker does
// (validation.ts, request-shapes.ts), then dispatches to the resource modules. Inputs and outputs use
// SageMaker's PascalCase shapes; output timestamps are Dates (the caller picks the encoding).
import type {
  DescribeEndpointOutput,
  DescribeTrainingJobResponse,
  EndpointStatus,
} from '@aws-sdk/client-sagemaker';
import { realClock, TimeScale, type SimContext } from '../clock';
import { countChecked } from '../conformance';
import { endpointStateChangeEvent, type EndpointStateChangeEvent } from './endpoint-events';
import { Endpoints } from './endpoints';
import { SageMakerApiError } from './errors';
import { copy, type Input } from './input';
import { EndpointConfigs, Models } from './models';
import type { Account } from './names';
import { SimRuntime } from './runtime';
import { Tags } from './tags';
import { REQUEST_SHAPES, trainingJobRules } from './request-shapes';
import { TrainingJobs } from './training';
import type { VariantTimeline } from './traffic';
import { readRequest } from './validation';

export type SageMakerSimulatorOptions = Account & {
  /** Each endpoint status change, as SageMaker sends it to EventBridge. */
  onEndpointEvent?: (event: EndpointStateChangeEvent) => void;
};

type Operation = (input: Input, ctx: SimContext) => object;

export class SageMakerSimulator {
  private readonly runtime = new SimRuntime();
  private readonly training: TrainingJobs;
  private readonly endpoints: Endpoints;
  private readonly operations: Record<string, Operation>;

  constructor(account: SageMakerSimulatorOptions) {
    this.training = new TrainingJobs(account, this.runtime);
    const models = new Models(account);
    const configs = new EndpointConfigs(account, models);
    const onEvent = account.onEndpointEvent;
    this.endpoints = new Endpoints(
      account,
      this.runtime,
      configs,
      (url) => this.training.simulationForModelData(url),
      onEvent &&
        ((endpoint) =>
          onEvent(endpointStateChangeEvent({ ...endpoint, tags: tags.mapOf(endpoint.arn) }, account))),
    );
    // Only endpoints take tags here: a rollback is recorded on the endpoint it changed.
    const tags: Tags = new Tags((arn) => this.endpoints.byArn(arn));
    this.operations = {
      CreateTrainingJob: (input, ctx) => this.training.create(input, ctx),
      DescribeTrainingJob: (input) => this.training.describe(input),
      StopTrainingJob: (input, ctx) => this.training.stop(input, ctx),
      ListTrainingJobs: (input) => this.training.list(input),
      CreateModel: (input, ctx) => models.create(input, ctx),
      DescribeModel: (input) => models.describe(input),
      DeleteModel: (input) => models.delete(input),
      ListModels: (input) => models.list(input),
      CreateEndpointConfig: (input, ctx) => configs.create(input, ctx),
      DescribeEndpointConfig: (input) => configs.describe(input),
      DeleteEndpointConfig: (input) => configs.delete(input),
      ListEndpointConfigs: (input) => configs.list(input),
      CreateEndpoint: (input, ctx) => this.endpoints.create(input, ctx),
      UpdateEndpoint: (input, ctx) => this.endpoints.update(input, ctx),
      DescribeEndpoint: (input) => this.endpoints.describe(input),
      DeleteEndpoint: (input, ctx) => this.endpoints.delete(input, ctx),
      ListEndpoints: (input) => this.endpoints.list(input),
      AddTags: (input) => tags.add(input),
      ListTags: (input) => tags.list(input),
    };
  }

  supports(operation: string): boolean {
    return Object.hasOwn(this.operations, operation);
  }

  /** Runs one operation. Rejects with SageMakerApiError for anything SageMaker itself would refuse. */
  async call(operation: string, input: unknown, ctx: SimContext): Promise<Record<string, unknown>> {
    this.runtime.assertLive();
    const run = this.supports(operation) ? this.operations[operation] : undefined;
    const shape = REQUEST_SHAPES[operation];
    if (!run || !shape)
      throw new SageMakerApiError('UnknownOperationException', `Unknown operation ${operation}.`);
    countChecked('sagemaker: requests checked');
    try {
      const request = readRequest(
        shape,
        input,
        operation === 'CreateTrainingJob' ? trainingJobRules : undefined,
      );
      // Copies keep callers and the stored resources from changing each other.
      return copy(run(request as Input, ctx)) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof SageMakerApiError) countChecked('sagemaker: requests refused');
      throw error;
    }
  }

  /** Resolves with DescribeTrainingJob's output once the job is Completed, Failed or Stopped. */
  async waitForTrainingJob(name: string, signal?: AbortSignal): Promise<DescribeTrainingJobResponse> {
    return copy(await this.training.waitUntilFinished(name, signal));
  }

  /** Resolves with DescribeEndpoint's output once the endpoint is InService, Failed or otherwise settled. */
  async waitForEndpoint(name: string, signal?: AbortSignal): Promise<DescribeEndpointOutput> {
    return copy(await this.endpoints.waitUntilSettled(name, signal));
  }

  /** What an endpoint's variant served over time, for the metrics the local CloudWatch reports. */
  variantTimeline(endpointName: string, variantName: string): VariantTimeline | undefined {
    return this.endpoints.timeline(endpointName, variantName);
  }

  /** Scenario hook for tests: see Endpoints.forceStatus. */
  forceEndpointStatus(name: string, status: EndpointStatus, failureReason?: string): void {
    this.endpoints.forceStatus(name, status, failureReason, {
      clock: realClock,
      timeScale: new TimeScale(1),
    });
  }

  /** Cancels every pending transition and rejects every waiter; later calls throw. */
  dispose(): void {
    this.runtime.dispose();
  }
}
