// The shape the Step Functions Data Science SDK's TrainingPipeline template exports: four Task states named
// Training, Create Model, Configure Endpoint and Deploy, each reading every parameter from the execution input
// keyed by its own state name ("TrainingJobName.$": "$$.Execution.Input['Training'].TrainingJobName").

const PARAMETERS: Record<string, string[]> = {
  Training: [
    'AlgorithmSpecification',
    'OutputDataConfig',
    'StoppingCondition',
    'ResourceConfig',
    'RoleArn',
    'InputDataConfig',
    'HyperParameters',
    'TrainingJobName',
  ],
  'Create Model': ['ExecutionRoleArn', 'ModelName', 'PrimaryContainer'],
  'Configure Endpoint': ['EndpointConfigName', 'ProductionVariants'],
  Deploy: ['EndpointConfigName', 'EndpointName'],
};

const RESOURCES: Record<string, string> = {
  Training: 'arn:aws:states:::sagemaker:createTrainingJob.sync',
  'Create Model': 'arn:aws:states:::sagemaker:createModel',
  'Configure Endpoint': 'arn:aws:states:::sagemaker:createEndpointConfig',
  Deploy: 'arn:aws:states:::sagemaker:createEndpoint',
};

function fromInput(state: string): Record<string, string> {
  return Object.fromEntries(
    (PARAMETERS[state] ?? []).map((key) => [`${key}.$`, `$$.Execution.Input['${state}'].${key}`]),
  );
}

const ORDER = ['Training', 'Create Model', 'Configure Endpoint', 'Deploy'];

export const trainingPipelineDefinition = {
  StartAt: 'Training',
  States: Object.fromEntries(
    ORDER.map((state, i) => [
      state,
      {
        Resource: RESOURCES[state],
        Parameters: fromInput(state),
        Type: 'Task',
        ...(i < ORDER.length - 1 ? { Next: ORDER[i + 1] } : { End: true }),
      },
    ]),
  ),
};

/** The input TrainingPipeline.execute() sends, with `name` where the SDK puts its job name. */
export function trainingPipelineInput(
  name: string,
  { endpoint = name, account = '123456789012' } = {},
): Record<string, unknown> {
  const role = `arn:aws:iam::${account}:role/StepFunctionsWorkflowExecutionRole`;
  return {
    Training: {
      AlgorithmSpecification: {
        TrainingImage: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
        TrainingInputMode: 'File',
      },
      OutputDataConfig: { S3OutputPath: 's3://ml-churn/churn/models' },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
      ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 },
      RoleArn: role,
      InputDataConfig: [
        {
          DataSource: {
            S3DataSource: {
              S3DataType: 'S3Prefix',
              S3Uri: 's3://ml-churn/data/train',
              S3DataDistributionType: 'FullyReplicated',
            },
          },
          ChannelName: 'training',
        },
      ],
      HyperParameters: { max_depth: '5', num_round: '100' },
      TrainingJobName: `estimator-${name}`,
    },
    'Create Model': {
      ExecutionRoleArn: role,
      ModelName: name,
      PrimaryContainer: {
        Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
        Environment: {},
        ModelDataUrl: `s3://ml-churn/churn/models/estimator-${name}/output/model.tar.gz`,
      },
    },
    'Configure Endpoint': {
      EndpointConfigName: name,
      ProductionVariants: [
        { InitialInstanceCount: 1, InstanceType: 'ml.m5.xlarge', ModelName: name, VariantName: 'AllTraffic' },
      ],
    },
    Deploy: { EndpointConfigName: name, EndpointName: endpoint },
  };
}
