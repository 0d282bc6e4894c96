// The simulated SageMaker driven directly (no HTTP), a fresh one for each test, and the requests those tests
// start from: one account, one training image, and a training job SageMaker accepts.

import { realClock, TimeScale, type SimContext } from '../../local/clock';
import { SageMakerSimulator } from '../../local/sagemaker/simulator';

export const ACCOUNT = { region: 'us-east-1', accountId: '123456789012' };
export const ARN_PREFIX = 'arn:aws:sagemaker:us-east-1:123456789012';
export const SAGEMAKER_ROLE = 'arn:aws:iam::123456789012:role/SageBuildSageMaker';
export const IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
export const OUTPUT_PATH = 's3://sagebuild-artifacts/churn';

/** Time thousands of times faster than life. */
export const fast: SimContext = { clock: realClock, timeScale: new TimeScale(20000) };
/** Slow enough that nothing moves while a test looks. */
export const frozen: SimContext = { clock: realClock, timeScale: new TimeScale(1) };

/** A new simulator before each test of the calling file, disposed after it: call the result to reach it. */
export function simulatorPerTest(): () => SageMakerSimulator {
  let sim: SageMakerSimulator | undefined;
  beforeEach(() => {
    sim = new SageMakerSimulator(ACCOUNT);
  });
  afterEach(() => sim?.dispose());
  return () => {
    if (!sim) throw new Error('the simulator exists only inside a test');
    return sim;
  };
}

/** A CreateTrainingJob request SageMaker accepts; `changes` replace its top-level fields. */
export function trainingJobRequest(
  name: string,
  changes: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    TrainingJobName: name,
    RoleArn: SAGEMAKER_ROLE,
    AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
    HyperParameters: { max_depth: '5' },
    InputDataConfig: [
      {
        ChannelName: 'train',
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://data/train/' } },
      },
    ],
    OutputDataConfig: { S3OutputPath: OUTPUT_PATH },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 7200 },
    ...changes,
  };
}
