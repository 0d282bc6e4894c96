// The simulated SageMaker service: dispatches wire operation names to the resource modules. Inputs and
// outputs use SageMaker's PascalCase shapes; output timestamps are Dates (the caller picks the encoding).
import type {
  DescribeEndpointOutput,
  DescribeTrainingJobResponse,
  EndpointStatus,
} from '@aws-sdk/client-sagemaker';
import { realClock, TimeScale, type SimContext } from '../clock';
import { Endpoints } from './endpoints';
import { SageMakerApiError, validationError } from './errors';
import { copy, isObject, type Input } from './input';
import { EndpointConfigs, Models } from './models';
import type { Account } from './names';
import { SimRuntime } from './runtime';
import { TrainingJobs } from './training';

export type SageMakerSimulatorOptions = Account;

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
    this.endpoints = new Endpoints(account, this.runtime, models, configs, (url) =>
      this.training.simulationForModelData(url),
    );
    this.operations = {
      CreateTrainingJob: (input, ctx) => this.training.create(input, ctx),
      DescribeTrainingJob: (input) => this.training.describe(input),
      StopTrainingJob: (input, ctx) => this.training.stop(input, ctx),
      ListTrainingJobs: (input) => this.training.list(input),
      CreateModel: (input, ctx) => models.create(input, ctx),
      DescribeModel: (input) => models.describe(input),
      CreateEndpointConfig: (input, ctx) => configs.create(input, ctx),
      DescribeEndpointConfig: (input) => configs.describe(input),
      CreateEndpoint: (input, ctx) => this.endpoints.create(input, ctx),
      UpdateEndpoint: (input, ctx) => this.endpoints.update(input, ctx),
      DescribeEndpoint: (input) => this.endpoints.describe(input),
      ListEndpoints: (input) => this.endpoints.list(input),
    };
  }

  supports(operation: string): boolean {
    return Object.hasOwn(this.operations, operation);
  }

  /** Runs one operation. Rejects with SageMakerApiError for anything SageMaker itself would refuse. */
  async call(
    operation: string,
    input: Record<string, unknown>,
    ctx: SimContext,
  ): Promise<Record<string, unknown>> {
    this.runtime.assertLive();
    const run = this.supports(operation) ? this.operations[operation] : undefined;
    if (!run) throw new SageMakerApiError('UnknownOperationException', `Unknown operation ${operation}.`);
    if (!isObject(input)) throw validationError('The request body must be a JSON object.');
    // Copies keep callers and the stored resources from changing each other.
    return copy(run(input, ctx)) as Record<string, unknown>;
  }

  /** Resolves with DescribeTrainingJob's output once the job is Completed, Failed or Stopped. */
  async waitForTrainingJob(name: string, signal?: AbortSignal): Promise<DescribeTrainingJobResponse> {
    return copy(await this.training.waitUntilFinished(name, signal));
  }

  /** Resolves with DescribeEndpoint's output once the endpoint is InService, Failed or otherwise settled. */
  async waitForEndpoint(name: string, signal?: AbortSignal): Promise<DescribeEndpointOutput> {
    return copy(await this.endpoints.waitUntilSettled(name, signal));
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
