// What a simulated job does, as steered by its `sagebuild_*` hyperparameters, and the canned words and
// numbers it reports. Pipelines set these hyperparameters to rehearse successes and failures locally.
import type { SecondaryStatus } from '@aws-sdk/client-sagemaker';
import { validationError } from './errors';

/**
 * `sagebuild_simulate`: which failure to act out. `serving-errors` deploys fine and then serves badly (errors,
 * slow answers); `no-traffic` deploys a model nobody calls.
 */
export type Simulation = 'training-failure' | 'endpoint-failure' | 'serving-errors' | 'no-traffic';
const SIMULATIONS: readonly Simulation[] = [
  'training-failure',
  'endpoint-failure',
  'serving-errors',
  'no-traffic',
];

export interface Phase {
  status: SecondaryStatus;
  minutes: number;
  message: string;
}

export interface Metric {
  MetricName: string;
  Value: number;
  Timestamp: number;
}

export interface Scenario {
  simulate?: Simulation;
  validationAuc: number;
  phases: Phase[];
}

const DEFAULT_TOTAL_MINUTES = 45;
const DEFAULT_VALIDATION_AUC = 0.91;
const VALIDATION_RMSE = 0.21;
/** A training failure happens this far into the Training phase. */
export const FAILURE_POINT = 0.6;

export const TRAINING_FAILURE_REASON =
  'AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage "ValueError: Input contains NaN, infinity ' +
  'or a value too large for dtype(\'float32\').\n"\nCommand "/usr/bin/python3 train.py", exit code: 1';

export const healthCheckFailure = (variant: string): string =>
  `The primary container for production variant ${variant} did not pass the ping health check. ` +
  'Please check CloudWatch logs for this endpoint.';

// Fixed overheads around the Training phase, shrunk in proportion for jobs shorter than the default.
function phasesFor(totalMinutes: number): Phase[] {
  const overhead = Math.min(1, totalMinutes / DEFAULT_TOTAL_MINUTES);
  const starting = 2 * overhead;
  const downloading = 3 * overhead;
  const uploading = 2 * overhead;
  return [
    { status: 'Starting', minutes: starting, message: 'Preparing the instances for training' },
    { status: 'Downloading', minutes: downloading, message: 'Downloading input data' },
    {
      status: 'Training',
      minutes: totalMinutes - starting - downloading - uploading,
      message: 'Training image download completed. Training in progress.',
    },
    { status: 'Uploading', minutes: uploading, message: 'Uploading generated training model' },
  ];
}

function positiveNumber(hyperParameters: Record<string, string>, key: string): number | undefined {
  const raw = hyperParameters[key];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw validationError(`Hyperparameter ${key} must be a positive number, got "${raw}".`);
  }
  return value;
}

// A typo in a knob should fail loudly at CreateTrainingJob, not silently run the happy path.
function simulationOf(hyperParameters: Record<string, string>): Simulation | undefined {
  const raw = hyperParameters.sagebuild_simulate;
  if (raw === undefined) return undefined;
  if (!(SIMULATIONS as readonly string[]).includes(raw)) {
    throw validationError(
      `Hyperparameter sagebuild_simulate must be one of ${SIMULATIONS.join(', ')}, got "${raw}".`,
    );
  }
  return raw as Simulation;
}

export function scenarioOf(hyperParameters: Record<string, string>): Scenario {
  return {
    simulate: simulationOf(hyperParameters),
    validationAuc: positiveNumber(hyperParameters, 'sagebuild_metric') ?? DEFAULT_VALIDATION_AUC,
    phases: phasesFor(positiveNumber(hyperParameters, 'sagebuild_training_minutes') ?? DEFAULT_TOTAL_MINUTES),
  };
}

export function completedMetrics(scenario: Scenario, now: number): Metric[] {
  return [
    {
      MetricName: 'train:auc',
      Value: Math.min(0.999, Math.round((scenario.validationAuc + 0.03) * 1000) / 1000),
      Timestamp: now,
    },
    { MetricName: 'validation:auc', Value: scenario.validationAuc, Timestamp: now },
    { MetricName: 'validation:rmse', Value: VALIDATION_RMSE, Timestamp: now },
  ];
}

/** The script logged training metrics before it crashed, so the last one is still reported. */
export function failedMetrics(now: number): Metric[] {
  return [{ MetricName: 'train:auc', Value: 0.78, Timestamp: now }];
}
