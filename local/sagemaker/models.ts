// Models and endpoint configs: plain records that endpoints deploy. Neither has a lifecycle of its own.
import type {
  ContainerDefinition,
  CreateEndpointConfigOutput,
  CreateModelOutput,
  DescribeEndpointConfigOutput,
  DescribeModelOutput,
  ListEndpointConfigsOutput,
  ListModelsOutput,
  ProductionVariant,
} from '@aws-sdk/client-sagemaker';
import type { SimContext } from '../clock';
import { validationError } from './errors';
import { copy, objectList, optionalArray, optionalObject, optionalString, type Input } from './input';
import { NameMap, requireName, sageMakerArn, type Account, type ResourceKind } from './names';
import { listPage, type ListKeys } from './paging';
import { constraintErrors } from './validation';

/** SageMaker's wording for a missing or duplicate model, endpoint config or endpoint. */
const LABELS: Record<ResourceKind, string> = {
  'training-job': 'training job',
  model: 'model',
  'endpoint-config': 'endpoint configuration',
  endpoint: 'endpoint',
};

export const notFoundError = (kind: ResourceKind, arn: string): Error =>
  validationError(`Could not find ${LABELS[kind]} "${arn}".`);

export const alreadyExistsError = (kind: ResourceKind, arn: string): Error =>
  validationError(`Cannot create already existing ${LABELS[kind]} "${arn}".`);

/** Models and configs have no status and never change after creation. */
const recordKeys = (name: string, creationTime: number): ListKeys => ({
  name,
  status: '',
  creationTime,
  lastModifiedTime: creationTime,
});

export interface Model {
  name: string;
  arn: string;
  primaryContainer?: ContainerDefinition;
  containers?: ContainerDefinition[];
  executionRoleArn?: string;
  creationTime: number;
}

/** Every container of a model, whichever way it was declared. */
export const containersOf = (model: Model): ContainerDefinition[] =>
  model.primaryContainer ? [model.primaryContainer] : (model.containers ?? []);

export class Models {
  private readonly models = new NameMap<Model>();

  constructor(private readonly account: Account) {}

  create(input: Input, ctx: SimContext): CreateModelOutput {
    const name = requireName(input, 'ModelName');
    const primaryContainer = optionalObject(input, 'PrimaryContainer');
    const containers = optionalArray(input, 'Containers');
    if (!primaryContainer && !containers?.length) {
      throw validationError('Either PrimaryContainer or Containers must be provided.');
    }
    const arn = sageMakerArn(this.account, 'model', name);
    this.models.add(
      name,
      {
        name,
        arn,
        primaryContainer: copy(primaryContainer) as ContainerDefinition | undefined,
        containers: copy(containers) as ContainerDefinition[] | undefined,
        executionRoleArn: optionalString(input, 'ExecutionRoleArn'),
        creationTime: ctx.clock.now(),
      },
      () => alreadyExistsError('model', arn),
    );
    return { ModelArn: arn };
  }

  describe(input: Input): DescribeModelOutput {
    const model = this.require(requireName(input, 'ModelName'));
    return {
      ModelName: model.name,
      ModelArn: model.arn,
      PrimaryContainer: model.primaryContainer,
      Containers: model.containers,
      ExecutionRoleArn: model.executionRoleArn,
      CreationTime: new Date(model.creationTime),
      EnableNetworkIsolation: false,
    };
  }

  list(input: Input): ListModelsOutput {
    const { page, nextToken } = listPage(input, this.models.values(), {
      kind: 'Models',
      keys: (model) => recordKeys(model.name, model.creationTime),
      defaultOrder: 'Descending',
    });
    return {
      Models: page.map((model) => ({
        ModelName: model.name,
        ModelArn: model.arn,
        CreationTime: new Date(model.creationTime),
      })),
      NextToken: nextToken,
    };
  }

  /** Deleting a model leaves endpoint configs and endpoints that use it working, as in SageMaker. */
  delete(input: Input): Record<string, never> {
    const name = requireName(input, 'ModelName');
    this.require(name);
    this.models.delete(name);
    return {};
  }

  require(name: string): Model {
    return this.models.require(name, () => notFoundError('model', sageMakerArn(this.account, 'model', name)));
  }
}

export interface EndpointConfig {
  name: string;
  arn: string;
  variants: ProductionVariant[];
  /** Each variant's model as it was when the config was made: later deletions don't reach deployments. */
  models: Map<string, Model>;
  creationTime: number;
}

export class EndpointConfigs {
  private readonly configs = new NameMap<EndpointConfig>();

  constructor(
    private readonly account: Account,
    private readonly models: Models,
  ) {}

  create(input: Input, ctx: SimContext): CreateEndpointConfigOutput {
    const name = requireName(input, 'EndpointConfigName');
    const variants = objectList(input, 'ProductionVariants');
    const models = new Map<string, Model>();
    variants.forEach((variant, i) => {
      // Real configs may omit ModelName for inference components, which this simulator does not serve.
      const modelName = variant.ModelName;
      if (typeof modelName !== 'string') {
        throw constraintErrors([
          `Value null at 'productionVariants.${i + 1}.member.modelName' failed to satisfy constraint: ` +
            'Member must not be null',
        ]);
      }
      models.set(String(variant.VariantName), this.models.require(modelName));
    });
    const arn = sageMakerArn(this.account, 'endpoint-config', name);
    this.configs.add(
      name,
      {
        name,
        arn,
        variants: copy(variants) as unknown as ProductionVariant[],
        models,
        creationTime: ctx.clock.now(),
      },
      () => alreadyExistsError('endpoint-config', arn),
    );
    return { EndpointConfigArn: arn };
  }

  describe(input: Input): DescribeEndpointConfigOutput {
    const config = this.require(requireName(input, 'EndpointConfigName'));
    return {
      EndpointConfigName: config.name,
      EndpointConfigArn: config.arn,
      ProductionVariants: config.variants,
      CreationTime: new Date(config.creationTime),
    };
  }

  list(input: Input): ListEndpointConfigsOutput {
    const { page, nextToken } = listPage(input, this.configs.values(), {
      kind: 'EndpointConfigs',
      keys: (config) => recordKeys(config.name, config.creationTime),
      defaultOrder: 'Descending',
    });
    return {
      EndpointConfigs: page.map((config) => ({
        EndpointConfigName: config.name,
        EndpointConfigArn: config.arn,
        CreationTime: new Date(config.creationTime),
      })),
      NextToken: nextToken,
    };
  }

  /** Deleting a config leaves endpoints that use it serving, as in SageMaker. */
  delete(input: Input): Record<string, never> {
    const name = requireName(input, 'EndpointConfigName');
    this.require(name);
    this.configs.delete(name);
    return {};
  }

  require(name: string): EndpointConfig {
    return this.configs.require(name, () =>
      notFoundError('endpoint-config', sageMakerArn(this.account, 'endpoint-config', name)),
    );
  }
}
