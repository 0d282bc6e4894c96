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

interface PlainRecord {
  name: string;
  arn: string;
  creationTime: number;
}

/** Models or endpoint configs by name: made once, never changed, listed newest first, deleted by name. */
class Records<T extends PlainRecord> {
  private readonly byName = new NameMap<T>();

  constructor(
    private readonly account: Account,
    private readonly kind: 'model' | 'endpoint-config',
    /** The List operation's plural, e.g. "Models" for ListModels. */
    private readonly listKind: string,
  ) {}

  add(record: T): void {
    this.byName.add(record.name, record, () => alreadyExistsError(this.kind, record.arn));
  }

  /** One page of the List operation, each record as `summary` words it. */
  list<S>(input: Input, summary: (record: T) => S): { page: S[]; nextToken?: string } {
    const { page, nextToken } = listPage(input, this.byName.values(), {
      kind: this.listKind,
      keys: (record) => recordKeys(record.name, record.creationTime),
      defaultOrder: 'Descending',
    });
    return { page: page.map(summary), nextToken };
  }

  delete(name: string): void {
    this.require(name);
    this.byName.delete(name);
  }

  require(name: string): T {
    return this.byName.require(name, () =>
      notFoundError(this.kind, sageMakerArn(this.account, this.kind, name)),
    );
  }
}

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
  private readonly models: Records<Model>;

  constructor(private readonly account: Account) {
    this.models = new Records(account, 'model', 'Models');
  }

  create(input: Input, ctx: SimContext): CreateModelOutput {
    const name = requireName(input, 'ModelName');
    const primaryContainer = optionalObject(input, 'PrimaryContainer');
    const containers = optionalArray(input, 'Containers');
    if (!primaryContainer && !containers?.length) {
      throw validationError('Either PrimaryContainer or Containers must be provided.');
    }
    const arn = sageMakerArn(this.account, 'model', name);
    this.models.add({
      name,
      arn,
      primaryContainer: copy(primaryContainer) as ContainerDefinition | undefined,
      containers: copy(containers) as ContainerDefinition[] | undefined,
      executionRoleArn: optionalString(input, 'ExecutionRoleArn'),
      creationTime: ctx.clock.now(),
    });
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
    const { page, nextToken } = this.models.list(input, (model) => ({
      ModelName: model.name,
      ModelArn: model.arn,
      CreationTime: new Date(model.creationTime),
    }));
    return { Models: page, NextToken: nextToken };
  }

  /** Deleting a model leaves endpoint configs and endpoints that use it working, as in SageMaker. */
  delete(input: Input): Record<string, never> {
    this.models.delete(requireName(input, 'ModelName'));
    return {};
  }

  require(name: string): Model {
    return this.models.require(name);
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
  private readonly configs: Records<EndpointConfig>;

  constructor(
    private readonly account: Account,
    private readonly models: Models,
  ) {
    this.configs = new Records(account, 'endpoint-config', 'EndpointConfigs');
  }

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
    this.configs.add({
      name,
      arn,
      variants: copy(variants) as unknown as ProductionVariant[],
      models,
      creationTime: ctx.clock.now(),
    });
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
    const { page, nextToken } = this.configs.list(input, (config) => ({
      EndpointConfigName: config.name,
      EndpointConfigArn: config.arn,
      CreationTime: new Date(config.creationTime),
    }));
    return { EndpointConfigs: page, NextToken: nextToken };
  }

  /** Deleting a config leaves endpoints that use it serving, as in SageMaker. */
  delete(input: Input): Record<string, never> {
    this.configs.delete(requireName(input, 'EndpointConfigName'));
    return {};
  }

  require(name: string): EndpointConfig {
    return this.configs.require(name);
  }
}
