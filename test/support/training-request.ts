// The training request a reference pipeline input describes, but for the job's name, run time and
// hyperparameters: what the reference machine sends to SageMaker, and what the tests' team machines send.

import type { PipelineInput } from '../../pipeline';

export function trainingRequestFor(input: PipelineInput): Record<string, unknown> {
  return {
    AlgorithmSpecification: { TrainingImage: input.trainingImage, TrainingInputMode: 'File' },
    RoleArn: input.roleArn,
    InputDataConfig: [
      {
        ChannelName: 'train',
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: input.trainingInputS3Uri,
            S3DataDistributionType: 'FullyReplicated',
          },
        },
      },
    ],
    OutputDataConfig: { S3OutputPath: input.outputS3Uri },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
  };
}
