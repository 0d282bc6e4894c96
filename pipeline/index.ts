import definition from './sagemaker-deploy.asl.json';
import { definitionWithApproval, type ApprovalGateOptions } from './approval-gate';

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * The reference Amazon States Language definition of the SageMaker train-and-deploy build.
 * asl-validator, and so aws-local-stepfunctions' StateMachine, adds QueryLanguage to every state
 * in place: hand them a copy.
 */
// Cast: TS widens mixed-shape JSON arrays with `?: undefined` members, which JsonObject rejects.
export const referenceDefinition = definition as unknown as JsonObject;

/**
 * The definition a reference pipeline runs: the reference one, with an approval gate before the deploy when the
 * pipeline's config has an `approval` section (pipeline/approval-gate.ts).
 */
export function pipelineDefinition(approval?: ApprovalGateOptions): JsonObject {
  return approval ? definitionWithApproval(referenceDefinition, approval) : referenceDefinition;
}

export {
  APPROVAL_EVENT,
  APPROVAL_STATE_NAMES,
  definitionWithApproval,
  type ApprovalGateOptions,
} from './approval-gate';

/** Names of the main states, in order; the core reads them aloud, so they are plain words. */
export const PIPELINE_STATE_NAMES = {
  trainModel: 'Train model',
  checkQualityGate: 'Check quality gate',
  saveModel: 'Save model',
  createEndpointConfig: 'Create endpoint config',
  checkEndpoint: 'Check endpoint',
  createEndpoint: 'Create endpoint',
  updateEndpoint: 'Update endpoint',
  waitForEndpoint: 'Wait for endpoint',
  checkEndpointStatus: 'Check endpoint status',
  isEndpointInService: 'Is endpoint in service',
  buildSucceeded: 'Build succeeded',
} as const;

export type PipelineStateName = (typeof PIPELINE_STATE_NAMES)[keyof typeof PIPELINE_STATE_NAMES];

export interface QualityGate {
  /** A metric from the training job's FinalMetricDataList, e.g. "validation:auc". */
  metricName: string;
  threshold: number;
  comparison: 'GreaterThanOrEqual' | 'LessThanOrEqual';
}

/**
 * Execution input. Training job, model and endpoint config are named after the execution,
 * so they are not part of the input.
 */
export interface PipelineInput {
  /** Kept across builds: an existing endpoint is updated in place and keeps serving. */
  endpointName: string;
  roleArn: string;
  trainingImage: string;
  /** Defaults to trainingImage (the definition fills it in when absent). */
  inferenceImage?: string;
  trainingInputS3Uri: string;
  outputS3Uri: string;
  trainingInstanceType: string;
  trainingInstanceCount: number;
  trainingVolumeSizeGb: number;
  /** Should stay below the "Train model" task timeout of 48 hours. */
  maxTrainingSeconds: number;
  endpointInstanceType: string;
  endpointInstanceCount: number;
  /** SageMaker only takes string hyperparameter values. */
  hyperparameters: Record<string, string>;
  /** Omit to deploy whatever training produced. */
  qualityGate?: QualityGate;
  startedBy?: { id?: string; displayName?: string };
}

/** A realistic XGBoost build input for `endpointName`; `overrides` replace top-level fields. */
export function exampleInput(endpointName: string, overrides: Partial<PipelineInput> = {}): PipelineInput {
  const image = '123456789012.dkr.ecr.us-east-1.amazonaws.com/sagebuild-xgboost:1.7-1';
  return {
    endpointName,
    roleArn: 'arn:aws:iam::123456789012:role/SageBuildSageMakerRole',
    trainingImage: image,
    inferenceImage: image,
    trainingInputS3Uri: `s3://sagebuild-demo-data-123456789012/${endpointName}/train/`,
    outputS3Uri: `s3://sagebuild-demo-artifacts-123456789012/${endpointName}/`,
    trainingInstanceType: 'ml.m5.xlarge',
    trainingInstanceCount: 1,
    trainingVolumeSizeGb: 30,
    maxTrainingSeconds: 3600,
    endpointInstanceType: 'ml.m5.large',
    endpointInstanceCount: 1,
    hyperparameters: {
      objective: 'binary:logistic',
      eval_metric: 'auc',
      max_depth: '5',
      eta: '0.2',
      num_round: '100',
    },
    qualityGate: { metricName: 'validation:auc', threshold: 0.8, comparison: 'GreaterThanOrEqual' },
    ...overrides,
  };
}
