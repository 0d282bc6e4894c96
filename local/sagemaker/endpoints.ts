// Simulated endpoints: Creating/Updating take simulated minutes, an update keeps serving the old config
// until it is done, and a model marked with `sagebuild_simulate=endpoint-failure` fails its health check.
import { createHash } from 'node:crypto';
import type {
  CreateEndpointOutput,
  DescribeEndpointOutput,
  EndpointStatus,
  ListEndpointsOutput,
  ProductionVariantSummary,
  UpdateEndpointOutput,
} from '@aws-sdk/client-sagemaker';
import type { SimContext } from '../clock';
import { validationError } from './errors';
import type { Input } from './input';
import {
  containersOf,
  notFoundError,
  alreadyExistsError,
  type EndpointConfig,
  type EndpointConfigs,
} from './models';
import { NameMap, requireName, sageMakerArn, type Account } from './names';
import { listPage } from './paging';
import type { SimRuntime } from './runtime';
import { healthCheckFailure, type Simulation } from './scenario';
import type { TrafficProfile, VariantTimeline } from './traffic';
import type { EndpointSnapshot } from './endpoint-events';

/** Told of every status change, as SageMaker tells EventBridge (tags are the caller's to add). */
export type EndpointStatusListener = (endpoint: Omit<EndpointSnapshot, 'tags'>) => void;

const IN_PROGRESS: readonly EndpointStatus[] = [
  'Creating',
  'Updating',
  'SystemUpdating',
  'RollingBack',
  'Deleting',
];

const CREATE_MINUTES = 8;
const UPDATE_MINUTES = 6;
const ROLLBACK_MINUTES = 3;
const DELETE_MINUTES = 2;

interface Endpoint {
  name: string;
  arn: string;
  status: EndpointStatus;
  /** The config serving traffic (or being created): an update only replaces it once it succeeds. */
  config: EndpointConfig;
  /** When the serving config's variants went live; unset until the first deployment succeeds. */
  deployedAt?: number;
  pending?: { config: EndpointConfig; startTime: number };
  /** Every config that went live, oldest first: the traffic CloudWatch reports follows it. */
  deployments: { at: number; config: EndpointConfig }[];
  failureReason?: string;
  creationTime: number;
  lastModifiedTime: number;
  /** Cancels the transition under way (a delete ends it). */
  cancel?: () => void;
}

/** SageMaker pins the image it deployed by digest. A stable fake digest is enough here. */
function resolvedImage(image: string): string {
  if (image.includes('@')) return image;
  const digest = createHash('sha256').update(image).digest('hex');
  return `${image.replace(/:[^/:]+$/, '')}@sha256:${digest}`;
}

export class Endpoints {
  private readonly endpoints = new NameMap<Endpoint>();

  constructor(
    private readonly account: Account,
    private readonly runtime: SimRuntime,
    private readonly configs: EndpointConfigs,
    /** Which simulation, if any, the training job that produced this model data asked for. */
    private readonly simulationFor: (modelDataUrl: string) => Simulation | undefined,
    private readonly onStatus?: EndpointStatusListener,
  ) {}

  create(input: Input, ctx: SimContext): CreateEndpointOutput {
    const name = requireName(input, 'EndpointName');
    const config = this.configs.require(requireName(input, 'EndpointConfigName'));
    const arn = sageMakerArn(this.account, 'endpoint', name);
    const now = ctx.clock.now();
    const endpoint = this.endpoints.add(
      name,
      { name, arn, status: 'Creating', config, creationTime: now, lastModifiedTime: now, deployments: [] },
      () => alreadyExistsError('endpoint', arn),
    );
    endpoint.cancel = this.runtime.after(ctx, CREATE_MINUTES * 60, () => {
      const failing = this.failingVariant(config);
      if (failing) {
        endpoint.failureReason = healthCheckFailure(failing);
        this.setStatus(endpoint, 'Failed', ctx);
      } else {
        endpoint.deployedAt = ctx.clock.now();
        endpoint.deployments.push({ at: endpoint.deployedAt, config });
        this.setStatus(endpoint, 'InService', ctx);
      }
    });
    return { EndpointArn: arn };
  }

  update(input: Input, ctx: SimContext): UpdateEndpointOutput {
    const endpoint = this.require(requireName(input, 'EndpointName'));
    if (IN_PROGRESS.includes(endpoint.status)) {
      throw validationError(`Cannot update in-progress endpoint "${endpoint.arn}".`);
    }
    const config = this.configs.require(requireName(input, 'EndpointConfigName'));
    // A failed endpoint has no earlier deployment to fall back to.
    const canRollBack = endpoint.status !== 'Failed';
    endpoint.pending = { config, startTime: ctx.clock.now() };
    // The last failure's reason is shown only until the next update starts, as in SageMaker.
    endpoint.failureReason = undefined;
    this.setStatus(endpoint, 'Updating', ctx);
    endpoint.cancel = this.runtime.after(ctx, UPDATE_MINUTES * 60, () => {
      const failing = this.failingVariant(config);
      if (!failing) {
        endpoint.config = config;
        endpoint.deployedAt = ctx.clock.now();
        endpoint.deployments.push({ at: endpoint.deployedAt, config });
        endpoint.failureReason = undefined;
        endpoint.pending = undefined;
        this.setStatus(endpoint, 'InService', ctx);
        return;
      }
      endpoint.failureReason = healthCheckFailure(failing);
      if (!canRollBack) {
        endpoint.pending = undefined;
        this.setStatus(endpoint, 'Failed', ctx);
        return;
      }
      // Like SageMaker: roll back, then keep serving the old config with the failure reason shown.
      this.setStatus(endpoint, 'RollingBack', ctx);
      endpoint.cancel = this.runtime.after(ctx, ROLLBACK_MINUTES * 60, () => {
        endpoint.pending = undefined;
        this.setStatus(endpoint, 'InService', ctx);
      });
    });
    return { EndpointArn: endpoint.arn };
  }

  /**
   * Scenario hook for tests: the endpoint reports `status` at once, as SageMaker would after a rollback
   * that failed (UpdateRollbackFailed) or a delete someone started (Deleting). Pending transitions still run.
   */
  forceStatus(
    name: string,
    status: EndpointStatus,
    failureReason: string | undefined,
    ctx: SimContext,
  ): void {
    const endpoint = this.require(name);
    endpoint.failureReason = failureReason;
    this.setStatus(endpoint, status, ctx);
  }

  /** The stored endpoint an ARN names, for tagging: SageMaker ARNs carry the name in lower case. */
  byArn(arn: string): object | undefined {
    const prefix = sageMakerArn(this.account, 'endpoint', '');
    if (!arn.startsWith(prefix)) return undefined;
    const endpoint = this.endpoints.get(arn.slice(prefix.length));
    return endpoint?.arn === arn ? endpoint : undefined;
  }

  describe(input: Input): DescribeEndpointOutput {
    return this.describeEndpoint(this.require(requireName(input, 'EndpointName')));
  }

  /** Deleting: whatever was under way stops, and the endpoint is gone after a couple of minutes. */
  delete(input: Input, ctx: SimContext): Record<string, never> {
    const endpoint = this.require(requireName(input, 'EndpointName'));
    if (endpoint.status === 'Deleting') return {};
    endpoint.cancel?.();
    endpoint.pending = undefined;
    this.setStatus(endpoint, 'Deleting', ctx);
    endpoint.cancel = this.runtime.after(ctx, DELETE_MINUTES * 60, () => {
      this.endpoints.delete(endpoint.name);
      this.changed(endpoint);
    });
    return {};
  }

  list(input: Input): ListEndpointsOutput {
    const { page, nextToken } = listPage(input, this.endpoints.values(), {
      kind: 'Endpoints',
      keys: (endpoint) => ({
        name: endpoint.name,
        status: endpoint.status,
        creationTime: endpoint.creationTime,
        lastModifiedTime: endpoint.lastModifiedTime,
      }),
      defaultOrder: 'Descending',
    });
    return {
      Endpoints: page.map((endpoint) => ({
        EndpointName: endpoint.name,
        EndpointArn: endpoint.arn,
        CreationTime: new Date(endpoint.creationTime),
        LastModifiedTime: new Date(endpoint.lastModifiedTime),
        EndpointStatus: endpoint.status,
      })),
      NextToken: nextToken,
    };
  }

  /** Resolves with the describe output once the endpoint is no longer creating, updating or rolling back. */
  waitUntilSettled(name: string, signal?: AbortSignal): Promise<DescribeEndpointOutput> {
    return this.runtime.waitUntil(
      this.key(name),
      () => {
        const endpoint = this.require(name);
        return IN_PROGRESS.includes(endpoint.status) ? undefined : this.describeEndpoint(endpoint);
      },
      signal,
    );
  }

  /**
   * What the endpoint's variant served over time, for the metrics it publishes; undefined when there is no
   * such endpoint or variant (CloudWatch then has no data).
   */
  timeline(endpointName: string, variantName: string): VariantTimeline | undefined {
    const endpoint = this.endpoints.get(endpointName);
    // Metric dimensions match exactly: "churn-prod" and "Churn-Prod" are different series.
    if (!endpoint || endpoint.name !== endpointName) return undefined;
    const deployments = endpoint.deployments.flatMap(({ at, config }) => {
      const variant = config.variants.find((v) => v.VariantName === variantName);
      return variant ? [{ at, profile: this.profileOf(config, variantName) }] : [];
    });
    return deployments.length > 0 ? { endpointName, variantName, deployments } : undefined;
  }

  private require(name: string): Endpoint {
    // Real SageMaker answers a missing endpoint with ValidationException, not ResourceNotFound.
    return this.endpoints.require(name, () =>
      notFoundError('endpoint', sageMakerArn(this.account, 'endpoint', name)),
    );
  }

  private key(name: string): string {
    return `endpoint/${name.toLowerCase()}`;
  }

  private changed(endpoint: Endpoint): void {
    this.runtime.changed(this.key(endpoint.name));
  }

  private setStatus(endpoint: Endpoint, status: EndpointStatus, ctx: SimContext): void {
    endpoint.status = status;
    endpoint.lastModifiedTime = ctx.clock.now();
    this.changed(endpoint);
    if (ctx.quiet) return;
    this.onStatus?.({
      name: endpoint.name,
      arn: endpoint.arn,
      configName: endpoint.config.name,
      status,
      variants: endpoint.config.variants.map((v) => ({
        weight: v.InitialVariantWeight ?? 1,
        count: v.InitialInstanceCount ?? 1,
      })),
      creationTime: endpoint.creationTime,
      lastModifiedTime: endpoint.lastModifiedTime,
    });
  }

  /** The first variant whose model came from a job that asked for an endpoint failure. */
  private failingVariant(config: EndpointConfig): string | undefined {
    return config.variants.find((variant) =>
      this.simulationsOf(config, variant.VariantName ?? '').includes('endpoint-failure'),
    )?.VariantName;
  }

  /** The simulations the training jobs behind a variant's model asked for. */
  private simulationsOf(config: EndpointConfig, variantName: string): Simulation[] {
    const model = config.models.get(variantName);
    return (model ? containersOf(model) : []).flatMap((container) => {
      const simulation = container.ModelDataUrl ? this.simulationFor(container.ModelDataUrl) : undefined;
      return simulation ? [simulation] : [];
    });
  }

  private profileOf(config: EndpointConfig, variantName: string): TrafficProfile {
    const simulations = this.simulationsOf(config, variantName);
    if (simulations.includes('serving-errors')) return 'serving-errors';
    return simulations.includes('no-traffic') ? 'no-traffic' : 'busy';
  }

  private variantSummaries(endpoint: Endpoint, deployedAt: number): ProductionVariantSummary[] {
    const config = endpoint.config;
    return config.variants.map((variant) => {
      const weight = variant.InitialVariantWeight ?? 1;
      const count = variant.InitialInstanceCount ?? 1;
      const model = config.models.get(variant.VariantName ?? '');
      const images = (model ? containersOf(model) : [])
        .map((container) => container.Image)
        .filter((image): image is string => image !== undefined);
      return {
        VariantName: variant.VariantName,
        DeployedImages: images.map((image) => ({
          SpecifiedImage: image,
          ResolvedImage: resolvedImage(image),
          ResolutionTime: new Date(deployedAt),
        })),
        CurrentWeight: weight,
        DesiredWeight: weight,
        CurrentInstanceCount: count,
        DesiredInstanceCount: count,
      };
    });
  }

  private describeEndpoint(endpoint: Endpoint): DescribeEndpointOutput {
    return {
      EndpointName: endpoint.name,
      EndpointArn: endpoint.arn,
      EndpointConfigName: endpoint.config.name,
      ProductionVariants:
        endpoint.deployedAt === undefined ? undefined : this.variantSummaries(endpoint, endpoint.deployedAt),
      EndpointStatus: endpoint.status,
      FailureReason: endpoint.failureReason,
      CreationTime: new Date(endpoint.creationTime),
      LastModifiedTime: new Date(endpoint.lastModifiedTime),
      PendingDeploymentSummary: endpoint.pending && {
        EndpointConfigName: endpoint.pending.config.name,
        StartTime: new Date(endpoint.pending.startTime),
      },
    };
  }
}
