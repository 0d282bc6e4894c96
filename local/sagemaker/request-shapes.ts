// The request shapes of the operations the local SageMaker serves: member names, required members, string
// lengths and patterns, numeric ranges and enums, as the SageMaker API reference declares them (service
// model sagemaker/2017-07-24, read from botocore 1.43; patterns as the service prints them in messages,
// which is how botocore 1.34 still spelled them). Rarely used nested configurations are `opaque`: their
// JSON type is checked, their members are not, because no pipeline we know of sends them.
import { ENDPOINT_INSTANCE_TYPES, TRAINING_INSTANCE_TYPES } from './instance-types';
import {
  bool,
  float,
  int,
  list,
  long,
  map,
  oneOf,
  opaque,
  opaqueList,
  str,
  struct,
  timestamp,
  type StructureShape,
} from './validation';

// ---- Names, ARNs and locations ------------------------------------------------------------------------------

/** TrainingJobName, EndpointName, EndpointConfigName, VariantName. */
const resourceName = (min = 0) => str({ min, max: 63, pattern: '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}' });
const modelName = str({ min: 0, max: 63, pattern: '^[a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?' });
const roleArn = str({
  min: 20,
  max: 2048,
  pattern: '^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$',
});
const s3Uri = str({ min: 0, max: 1024, pattern: '^(https|s3)://([^/]+)/?(.*)$' });
const kmsKeyId = str({ min: 0, max: 2048, pattern: '.*' });
const anyText = (max: number, min = 0) => str({ min, max, pattern: '.*' });
const tags = list(
  struct(
    {
      Key: str({ min: 1, max: 128, pattern: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$' }),
      Value: str({ min: 0, max: 256, pattern: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$' }),
    },
    ['Key', 'Value'],
  ),
  { min: 0, max: 50 },
);
const vpcConfig = struct(
  {
    SecurityGroupIds: list(str({ min: 0, max: 32, pattern: '[-0-9a-zA-Z]+' }), { min: 1, max: 5 }),
    Subnets: list(str({ min: 0, max: 32, pattern: '[-0-9a-zA-Z]+' }), { min: 1, max: 16 }),
  },
  ['SecurityGroupIds', 'Subnets'],
);
const environment = (max: number) =>
  map(
    str({ min: 0, max, pattern: '[a-zA-Z_][a-zA-Z0-9_]*' }),
    str({ min: 0, max, pattern: '[\\S\\s]*' }),
    100,
  );
const experimentName = str({ min: 1, max: 120, pattern: '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}' });

// ---- Training jobs ---------------------------------------------------------------------------------------------

const trainingInputMode = oneOf(['Pipe', 'File', 'FastFile']);

const channel = struct(
  {
    ChannelName: str({ min: 1, max: 64, pattern: '[A-Za-z0-9\\.\\-_]+' }),
    DataSource: struct({
      S3DataSource: struct(
        {
          S3DataType: oneOf(['ManifestFile', 'S3Prefix', 'AugmentedManifestFile', 'Converse']),
          S3Uri: s3Uri,
          S3DataDistributionType: oneOf(['FullyReplicated', 'ShardedByS3Key']),
          AttributeNames: list(str({ min: 1, max: 256, pattern: '.+' }), { min: 0, max: 16 }),
          InstanceGroupNames: list(str({ min: 1, max: 64, pattern: '.+' }), { min: 0, max: 5 }),
          ModelAccessConfig: opaque,
          HubAccessConfig: opaque,
        },
        ['S3DataType', 'S3Uri'],
      ),
      FileSystemDataSource: opaque,
      DatasetSource: opaque,
    }),
    ContentType: anyText(256),
    CompressionType: oneOf(['None', 'Gzip']),
    RecordWrapperType: oneOf(['None', 'RecordIO']),
    InputMode: trainingInputMode,
    ShuffleConfig: struct({ Seed: long }, ['Seed']),
  },
  ['ChannelName', 'DataSource'],
);

const createTrainingJob = struct(
  {
    TrainingJobName: resourceName(1),
    HyperParameters: map(anyText(256), anyText(2500), 100),
    AlgorithmSpecification: struct(
      {
        TrainingImage: anyText(255),
        AlgorithmName: str({
          min: 1,
          max: 170,
          pattern:
            '(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z\\-]*\\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)$',
        }),
        TrainingInputMode: trainingInputMode,
        MetricDefinitions: list(
          struct(
            {
              Name: str({ min: 1, max: 255, pattern: '.+' }),
              Regex: str({ min: 1, max: 500, pattern: '.+' }),
            },
            ['Name', 'Regex'],
          ),
          { min: 0, max: 40 },
        ),
        EnableSageMakerMetricsTimeSeries: bool,
        ContainerEntrypoint: list(anyText(256), { min: 1, max: 100 }),
        ContainerArguments: list(anyText(256), { min: 1, max: 100 }),
        TrainingImageConfig: opaque,
      },
      ['TrainingInputMode'],
    ),
    RoleArn: roleArn,
    InputDataConfig: list(channel, { min: 1, max: 20 }),
    OutputDataConfig: struct(
      { KmsKeyId: kmsKeyId, S3OutputPath: s3Uri, CompressionType: oneOf(['GZIP', 'NONE']) },
      ['S3OutputPath'],
    ),
    ResourceConfig: struct({
      InstanceType: oneOf(TRAINING_INSTANCE_TYPES),
      // 0 is allowed by the shape since heterogeneous clusters (InstanceGroups); see trainingJobRules.
      InstanceCount: int({ min: 0 }),
      VolumeSizeInGB: int({ min: 0 }),
      VolumeKmsKeyId: kmsKeyId,
      KeepAlivePeriodInSeconds: int({ min: 0, max: 21600 }),
      InstanceGroups: opaqueList,
      TrainingPlanArn: str({
        min: 50,
        max: 2048,
        pattern: 'arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:training-plan/.*',
      }),
      InstancePlacementConfig: opaque,
    }),
    VpcConfig: vpcConfig,
    StoppingCondition: struct({
      MaxRuntimeInSeconds: int({ min: 1 }),
      MaxWaitTimeInSeconds: int({ min: 1 }),
      MaxPendingTimeInSeconds: int({ min: 7200, max: 2419200 }),
    }),
    Tags: tags,
    EnableNetworkIsolation: bool,
    EnableInterContainerTrafficEncryption: bool,
    EnableManagedSpotTraining: bool,
    CheckpointConfig: struct({ S3Uri: s3Uri, LocalPath: anyText(4096) }, ['S3Uri']),
    DebugHookConfig: opaque,
    DebugRuleConfigurations: opaqueList,
    TensorBoardOutputConfig: opaque,
    ExperimentConfig: struct({
      ExperimentName: experimentName,
      TrialName: experimentName,
      TrialComponentDisplayName: experimentName,
      RunName: experimentName,
    }),
    ProfilerConfig: opaque,
    ProfilerRuleConfigurations: opaqueList,
    Environment: environment(512),
    RetryStrategy: struct({ MaximumRetryAttempts: int({ min: 1, max: 30 }) }, ['MaximumRetryAttempts']),
    RemoteDebugConfig: opaque,
    InfraCheckConfig: opaque,
    SessionChainingConfig: opaque,
    ServerlessJobConfig: opaque,
    MlflowConfig: opaque,
    ModelPackageConfig: opaque,
  },
  // AlgorithmSpecification, ResourceConfig and StoppingCondition were required members until serverless
  // training jobs came (ServerlessJobConfig), which this simulator does not run.
  [
    'TrainingJobName',
    'AlgorithmSpecification',
    'RoleArn',
    'OutputDataConfig',
    'ResourceConfig',
    'StoppingCondition',
  ],
);

const trainingJobName = struct({ TrainingJobName: resourceName(1) }, ['TrainingJobName']);

/** The page, sort and creation-time filters every List* operation takes. */
const listRequest = (namePattern: string, sortKeys: readonly string[], extra = {}) =>
  struct({
    NextToken: anyText(8192),
    MaxResults: int({ min: 1, max: 100 }),
    CreationTimeAfter: timestamp,
    CreationTimeBefore: timestamp,
    NameContains: str({ min: 0, max: 63, pattern: namePattern }),
    SortBy: oneOf(sortKeys),
    SortOrder: oneOf(['Ascending', 'Descending']),
    ...extra,
  });

/** Lists of resources with a status also filter by it and by the last change. */
const listWithStatus = (statuses: readonly string[], namePattern: string, extra = {}) =>
  listRequest(namePattern, ['Name', 'CreationTime', 'Status'], {
    LastModifiedTimeAfter: timestamp,
    LastModifiedTimeBefore: timestamp,
    StatusEquals: oneOf(statuses),
    ...extra,
  });

export const TRAINING_JOB_STATUSES = ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped', 'Deleting'];
export const ENDPOINT_STATUSES = [
  'OutOfService',
  'Creating',
  'Updating',
  'SystemUpdating',
  'RollingBack',
  'InService',
  'Deleting',
  'Failed',
  'UpdateRollbackFailed',
] as const;

// ---- Models, endpoint configs, endpoints ---------------------------------------------------------------

const containerDefinition = struct({
  ContainerHostname: resourceName(),
  Image: str({ min: 0, max: 255, pattern: '[\\S]+' }),
  ImageConfig: opaque,
  Mode: oneOf(['SingleModel', 'MultiModel']),
  ModelDataUrl: s3Uri,
  ModelDataSource: opaque,
  AdditionalModelDataSources: opaqueList,
  Environment: environment(1024),
  ModelPackageName: str({
    min: 1,
    max: 176,
    pattern:
      '(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z\\-]*\\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)(\\/[0-9]{1,5})?$',
  }),
  InferenceSpecificationName: str({ min: 1, max: 63, pattern: '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$' }),
  MultiModelConfig: opaque,
});

const productionVariant = struct(
  {
    VariantName: resourceName(),
    ModelName: modelName,
    InitialInstanceCount: int({ min: 1 }),
    InstanceType: oneOf(ENDPOINT_INSTANCE_TYPES),
    InstancePools: opaqueList,
    VariantInstanceProvisionTimeoutInSeconds: int({ min: 300, max: 3600 }),
    InitialVariantWeight: float({ min: 0 }),
    AcceleratorType: oneOf([
      'ml.eia1.medium',
      'ml.eia1.large',
      'ml.eia1.xlarge',
      'ml.eia2.medium',
      'ml.eia2.large',
      'ml.eia2.xlarge',
    ]),
    CoreDumpConfig: opaque,
    ServerlessConfig: struct(
      {
        MemorySizeInMB: int({ min: 1024, max: 6144 }),
        MaxConcurrency: int({ min: 1, max: 200 }),
        ProvisionedConcurrency: int({ min: 1, max: 200 }),
      },
      ['MemorySizeInMB', 'MaxConcurrency'],
    ),
    VolumeSizeInGB: int({ min: 1, max: 512 }),
    ModelDataDownloadTimeoutInSeconds: int({ min: 60, max: 3600 }),
    ContainerStartupHealthCheckTimeoutInSeconds: int({ min: 60, max: 3600 }),
    EnableSSMAccess: bool,
    ManagedInstanceScaling: opaque,
    RoutingConfig: opaque,
    InferenceAmiVersion: oneOf([
      'al2-ami-sagemaker-inference-gpu-2',
      'al2-ami-sagemaker-inference-gpu-2-1',
      'al2-ami-sagemaker-inference-gpu-3-1',
      'al2-ami-sagemaker-inference-neuron-2',
      'al2023-ami-sagemaker-inference-gpu-4-1',
    ]),
    CapacityReservationConfig: opaque,
  },
  ['VariantName'],
);

const modelNameOnly = struct({ ModelName: modelName }, ['ModelName']);
const endpointConfigNameOnly = struct({ EndpointConfigName: resourceName() }, ['EndpointConfigName']);
/** AddTags and ListTags name any SageMaker resource by ARN. */
const resourceArn = str({
  min: 0,
  max: 256,
  pattern: 'arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:.+',
});
const endpointNameOnly = struct({ EndpointName: resourceName() }, ['EndpointName']);

/** Every served operation's request shape, by wire operation name. */
export const REQUEST_SHAPES: Record<string, StructureShape> = {
  CreateTrainingJob: createTrainingJob,
  DescribeTrainingJob: trainingJobName,
  StopTrainingJob: trainingJobName,
  ListTrainingJobs: listWithStatus(TRAINING_JOB_STATUSES, '[a-zA-Z0-9\\-]+', {
    WarmPoolStatusEquals: oneOf(['Available', 'Terminated', 'Reused', 'InUse']),
    TrainingPlanArnEquals: str({
      min: 50,
      max: 2048,
      pattern: 'arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:training-plan/.*',
    }),
  }),
  CreateModel: struct(
    {
      ModelName: modelName,
      PrimaryContainer: containerDefinition,
      Containers: list(containerDefinition, { min: 0, max: 15 }),
      InferenceExecutionConfig: struct({ Mode: oneOf(['Serial', 'Direct']) }, ['Mode']),
      ExecutionRoleArn: roleArn,
      Tags: tags,
      VpcConfig: vpcConfig,
      EnableNetworkIsolation: bool,
    },
    ['ModelName'],
  ),
  DescribeModel: modelNameOnly,
  DeleteModel: modelNameOnly,
  CreateEndpointConfig: struct(
    {
      EndpointConfigName: resourceName(),
      ProductionVariants: list(productionVariant, { min: 1, max: 10 }),
      DataCaptureConfig: opaque,
      Tags: tags,
      KmsKeyId: kmsKeyId,
      AsyncInferenceConfig: opaque,
      ExplainerConfig: opaque,
      ShadowProductionVariants: list(productionVariant, { min: 1, max: 10 }),
      ExecutionRoleArn: roleArn,
      VpcConfig: vpcConfig,
      EnableNetworkIsolation: bool,
      MetricsConfig: opaque,
    },
    ['EndpointConfigName', 'ProductionVariants'],
  ),
  DescribeEndpointConfig: endpointConfigNameOnly,
  DeleteEndpointConfig: endpointConfigNameOnly,
  CreateEndpoint: struct(
    {
      EndpointName: resourceName(),
      EndpointConfigName: resourceName(),
      DeploymentConfig: opaque,
      Tags: tags,
    },
    ['EndpointName', 'EndpointConfigName'],
  ),
  UpdateEndpoint: struct(
    {
      EndpointName: resourceName(),
      EndpointConfigName: resourceName(),
      RetainAllVariantProperties: bool,
      ExcludeRetainedVariantProperties: list(
        struct(
          { VariantPropertyType: oneOf(['DesiredInstanceCount', 'DesiredWeight', 'DataCaptureConfig']) },
          ['VariantPropertyType'],
        ),
        { min: 0, max: 3 },
      ),
      DeploymentConfig: opaque,
      RetainDeploymentConfig: bool,
    },
    ['EndpointName', 'EndpointConfigName'],
  ),
  DescribeEndpoint: endpointNameOnly,
  DeleteEndpoint: endpointNameOnly,
  ListEndpoints: listWithStatus(ENDPOINT_STATUSES, '[a-zA-Z0-9-]+'),
  ListModels: listRequest('[a-zA-Z0-9-]+', ['Name', 'CreationTime']),
  ListEndpointConfigs: listRequest('[a-zA-Z0-9-]+', ['Name', 'CreationTime']),
  AddTags: struct({ ResourceArn: resourceArn, Tags: tags }, ['ResourceArn', 'Tags']),
  ListTags: struct(
    {
      ResourceArn: resourceArn,
      NextToken: str({ min: 0, max: 8192, pattern: '.*' }),
      MaxResults: int({ min: 50, max: 100 }),
    },
    ['ResourceArn'],
  ),
};

/**
 * Rules across members. A training job needs at least one instance unless InstanceGroups describe them:
 * the shape allows 0 only since heterogeneous clusters came, and before that SageMaker answered 0 with
 * "Value '0' at 'resourceConfig.instanceCount' failed to satisfy constraint: Member must have value
 * greater than or equal to 1", which is still its answer for a plain cluster of no instances.
 */
export function trainingJobRules(
  body: Record<string, unknown>,
  fail: (path: string, value: unknown, constraint: string) => void,
): void {
  const resources = body.ResourceConfig as Record<string, unknown> | undefined;
  if (!resources || resources.InstanceGroups !== undefined) return;
  const count = resources.InstanceCount;
  if (count === 0)
    fail('resourceConfig.instanceCount', count, 'Member must have value greater than or equal to 1');
}
