// Simulated training jobs: they walk SageMaker's secondary statuses on timers, in simulated time, and
// record each transition on the clock of the call that created them.
import type {
  DescribeTrainingJobResponse,
  ListTrainingJobsResponse,
  SecondaryStatus,
  CreateTrainingJobResponse,
  TrainingJobStatus,
} from '@aws-sdk/client-sagemaker';
import type { SimContext } from '../clock';
import { SageMakerApiError, validationError } from './errors';
import { copy, optionalStringMap, requireString, type Input } from './input';
import { NameMap, requireName, sageMakerArn, type Account } from './names';
import { listPage } from './paging';
import type { SimRuntime } from './runtime';
import {
  completedMetrics,
  failedMetrics,
  FAILURE_POINT,
  scenarioOf,
  TRAINING_FAILURE_REASON,
  type Metric,
  type Scenario,
  type Simulation,
} from './scenario';

const FINISHED: readonly TrainingJobStatus[] = ['Completed', 'Failed', 'Stopped'];

/** Request fields DescribeTrainingJob echoes back. */
const ECHOED_FIELDS = [
  'HyperParameters',
  'AlgorithmSpecification',
  'RoleArn',
  'InputDataConfig',
  'OutputDataConfig',
  'ResourceConfig',
  'VpcConfig',
  'StoppingCondition',
  'CheckpointConfig',
  'Environment',
  'ExperimentConfig',
] as const;

type Echoed = Pick<DescribeTrainingJobResponse, (typeof ECHOED_FIELDS)[number]>;

const STOP_MINUTES = 1;

interface Transition {
  Status: SecondaryStatus;
  StartTime: number;
  EndTime?: number;
  StatusMessage: string;
}

interface TrainingJob {
  name: string;
  arn: string;
  echoed: Echoed;
  /** `${S3OutputPath}/${name}/`: every artifact of the job lives under it. */
  outputPrefix: string;
  scenario: Scenario;
  status: TrainingJobStatus;
  transitions: Transition[];
  creationTime: number;
  lastModifiedTime: number;
  trainingStartTime?: number;
  trainingEndTime?: number;
  failureReason?: string;
  metrics?: Metric[];
  modelArtifacts?: string;
  cancel?: () => void;
}

const date = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));
const seconds = (from: number, to: number): number => Math.max(0, Math.round((to - from) / 1000));

export class TrainingJobs {
  private readonly jobs = new NameMap<TrainingJob>();

  constructor(
    private readonly account: Account,
    private readonly runtime: SimRuntime,
  ) {}

  create(input: Input, ctx: SimContext): CreateTrainingJobResponse {
    const name = requireName(input, 'TrainingJobName');
    // The shape makes TrainingImage optional (AlgorithmName may stand in); this simulator runs images only.
    requireString(input, 'AlgorithmSpecification.TrainingImage');
    const outputPath = requireString(input, 'OutputDataConfig.S3OutputPath');
    const hyperParameters = optionalStringMap(input, 'HyperParameters') ?? {};
    const arn = sageMakerArn(this.account, 'training-job', name);
    const now = ctx.clock.now();

    const job = this.jobs.add(
      name,
      {
        name,
        arn,
        echoed: copy(Object.fromEntries(ECHOED_FIELDS.map((field) => [field, input[field]]))) as Echoed,
        outputPrefix: `${outputPath.replace(/\/+$/, '')}/${name}/`,
        scenario: scenarioOf(hyperParameters),
        status: 'InProgress',
        transitions: [],
        creationTime: now,
        lastModifiedTime: now,
      },
      () =>
        new SageMakerApiError(
          'ResourceInUse',
          'Training job names must be unique within an AWS account and region, and a training job with this ' +
            `name already exists (${arn})`,
        ),
    );
    this.enterPhase(job, 0, ctx);
    return { TrainingJobArn: arn };
  }

  describe(input: Input): DescribeTrainingJobResponse {
    return this.describeJob(this.find(requireName(input, 'TrainingJobName')));
  }

  stop(input: Input, ctx: SimContext): Record<string, never> {
    const job = this.find(requireName(input, 'TrainingJobName'));
    if (job.status !== 'InProgress') {
      throw validationError(`The request was rejected because the training job is in status ${job.status}.`);
    }
    job.cancel?.();
    job.status = 'Stopping';
    this.transition(job, 'Stopping', 'Stopping the training job', ctx.clock.now());
    job.cancel = this.runtime.after(ctx, STOP_MINUTES * 60, () =>
      this.finish(job, 'Stopped', 'Training job stopped', ctx.clock.now()),
    );
    return {};
  }

  list(input: Input): ListTrainingJobsResponse {
    // No simulated job runs in a warm pool or on a training plan, so those filters match nothing.
    const filteredAway =
      input.WarmPoolStatusEquals !== undefined || input.TrainingPlanArnEquals !== undefined;
    const { page, nextToken } = listPage(input, filteredAway ? [] : this.jobs.values(), {
      kind: 'TrainingJobs',
      keys: (job) => ({
        name: job.name,
        status: job.status,
        creationTime: job.creationTime,
        lastModifiedTime: job.lastModifiedTime,
      }),
      defaultOrder: 'Ascending',
    });
    return {
      TrainingJobSummaries: page.map((job) => ({
        TrainingJobName: job.name,
        TrainingJobArn: job.arn,
        CreationTime: new Date(job.creationTime),
        TrainingEndTime: date(job.trainingEndTime),
        LastModifiedTime: new Date(job.lastModifiedTime),
        TrainingJobStatus: job.status,
        SecondaryStatus: job.transitions.at(-1)?.Status,
      })),
      NextToken: nextToken,
    };
  }

  /** Resolves with the describe output once the job is Completed, Failed or Stopped. */
  waitUntilFinished(name: string, signal?: AbortSignal): Promise<DescribeTrainingJobResponse> {
    return this.runtime.waitUntil(
      this.key(name),
      () => {
        const job = this.find(name);
        return FINISHED.includes(job.status) ? this.describeJob(job) : undefined;
      },
      signal,
    );
  }

  /** The simulation asked for by the job whose output holds `modelDataUrl`, if any. */
  simulationForModelData(modelDataUrl: string): Simulation | undefined {
    return this.jobs.values().find((job) => modelDataUrl.startsWith(job.outputPrefix))?.scenario.simulate;
  }

  private find(name: string): TrainingJob {
    // Real SageMaker answers a missing training job with ValidationException, not ResourceNotFound.
    return this.jobs.require(name, () => validationError('Requested resource not found.'));
  }

  private key(name: string): string {
    return `training-job/${name.toLowerCase()}`;
  }

  private enterPhase(job: TrainingJob, index: number, ctx: SimContext): void {
    const phase = job.scenario.phases[index];
    const now = ctx.clock.now();
    if (!phase) {
      this.complete(job, now);
      return;
    }
    this.transition(job, phase.status, phase.message, now);
    // Billing starts once instances are up, which is when they begin downloading.
    if (phase.status === 'Downloading') job.trainingStartTime = now;
    const failsNow = phase.status === 'Training' && job.scenario.simulate === 'training-failure';
    const minutes = failsNow ? phase.minutes * FAILURE_POINT : phase.minutes;
    job.cancel = this.runtime.after(ctx, minutes * 60, () =>
      failsNow ? this.fail(job, ctx.clock.now()) : this.enterPhase(job, index + 1, ctx),
    );
  }

  private complete(job: TrainingJob, now: number): void {
    job.modelArtifacts = `${job.outputPrefix}output/model.tar.gz`;
    job.metrics = completedMetrics(job.scenario, now);
    this.finish(job, 'Completed', 'Training job completed', now);
  }

  private fail(job: TrainingJob, now: number): void {
    job.failureReason = TRAINING_FAILURE_REASON;
    job.metrics = failedMetrics(now);
    this.finish(job, 'Failed', 'Training job failed', now);
  }

  /** Moves to a new secondary status and tells waiters, who see the job as it now is. */
  private transition(
    job: TrainingJob,
    status: SecondaryStatus,
    message: string,
    now: number,
    last = false,
  ): void {
    const previous = job.transitions.at(-1);
    if (previous) previous.EndTime = now;
    // A final status starts and ends at once, as SageMaker records it.
    job.transitions.push({
      Status: status,
      StartTime: now,
      EndTime: last ? now : undefined,
      StatusMessage: message,
    });
    job.lastModifiedTime = now;
    this.runtime.changed(this.key(job.name));
  }

  private finish(
    job: TrainingJob,
    status: 'Completed' | 'Failed' | 'Stopped',
    message: string,
    now: number,
  ): void {
    job.cancel = undefined;
    job.status = status;
    job.trainingEndTime = now;
    this.transition(job, status, message, now, true);
  }

  private describeJob(job: TrainingJob): DescribeTrainingJobResponse {
    const billed =
      job.trainingStartTime !== undefined && job.trainingEndTime !== undefined
        ? seconds(job.trainingStartTime, job.trainingEndTime)
        : undefined;
    return {
      TrainingJobName: job.name,
      TrainingJobArn: job.arn,
      ModelArtifacts: job.modelArtifacts ? { S3ModelArtifacts: job.modelArtifacts } : undefined,
      TrainingJobStatus: job.status,
      SecondaryStatus: job.transitions.at(-1)?.Status,
      FailureReason: job.failureReason,
      ...job.echoed,
      CreationTime: new Date(job.creationTime),
      TrainingStartTime: date(job.trainingStartTime),
      TrainingEndTime: date(job.trainingEndTime),
      LastModifiedTime: new Date(job.lastModifiedTime),
      SecondaryStatusTransitions: job.transitions.map((t) => ({
        Status: t.Status,
        StartTime: new Date(t.StartTime),
        EndTime: date(t.EndTime),
        StatusMessage: t.StatusMessage,
      })),
      FinalMetricDataList: job.metrics?.map((m) => ({ ...m, Timestamp: new Date(m.Timestamp) })),
      EnableNetworkIsolation: false,
      EnableInterContainerTrafficEncryption: false,
      EnableManagedSpotTraining: false,
      TrainingTimeInSeconds: billed,
      BillableTimeInSeconds: billed,
    };
  }
}
