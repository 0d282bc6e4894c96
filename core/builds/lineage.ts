// The endpoint's lineage: which build made the config the endpoint serves now, and which successful build
// deployed before it. Rollback and model comparison both rest on it. Everything comes from the builds'
// histories (the SageMaker names their tasks used, whatever the machine calls its states), so it works for a
// team's own machine as well as the reference pipeline.

import type { DescribeEndpointCommandOutput } from '@aws-sdk/client-sagemaker';
import type { ExecutionListItem, HistoryEvent } from '@aws-sdk/client-sfn';
import { historyUntil, listExecutions, type BuildContext } from './context';
import type { BuildStatus, ModelComparisonFact, StartedBy } from './facts';
import { parseObject, readHistory, startedByOf } from './history';
import { describeEndpoint } from './sagemaker-facts';

/** What one build made and used, read from its history. */
export interface BuildDeployment {
  executionArn: string;
  name: string;
  status: BuildStatus;
  startedAt: Date;
  stoppedAt?: Date;
  startedBy?: StartedBy;
  trainingJobName?: string;
  modelName?: string;
  endpointConfigName?: string;
  endpointName?: string;
  /** The quality gate's metric, from the build's input (`qualityGate.metricName`), when it has a gate. */
  gateMetric?: string;
  /**
   * The config the endpoint served before this build deployed, where the build's own describeEndpoint calls
   * saw it (the reference pipeline checks the endpoint before updating it, and polls it while it updates).
   */
  replacedConfigName?: string;
}

/** Successful builds looked at, newest first: enough for "the one before", bounded whatever the history. */
export const LINEAGE_BUILDS = 20;
/** A build's history is read back this far at most: 5,000 events, a long deploy's polls included. */
const HISTORY_PAGES = 5;
const HISTORY_PAGE_SIZE = 1000;
/** Finished builds remembered at most; the oldest remembered go first. */
const MAX_REMEMBERED = 200;

/** Finished builds' deployments, per SageBuild instance: a finished build's history never changes. */
export class DeploymentCache {
  private readonly byArn = new Map<string, BuildDeployment>();
  // A finished build's metrics next to the model live when it finished never change: a card refreshed or
  // asked about again costs no DescribeTrainingJob.
  private readonly comparisons = new Map<string, ModelComparisonFact>();

  get(executionArn: string): BuildDeployment | undefined {
    return this.byArn.get(executionArn);
  }

  remember(deployment: BuildDeployment): void {
    if (deployment.status === 'RUNNING' || deployment.status === 'PENDING_REDRIVE') return;
    remember(this.byArn, deployment.executionArn, deployment);
  }

  comparison(executionArn: string): ModelComparisonFact | undefined {
    return this.comparisons.get(executionArn);
  }

  rememberComparison(executionArn: string, fact: ModelComparisonFact): void {
    remember(this.comparisons, executionArn, fact);
  }
}

/** Newest last; past MAX_REMEMBERED the least recently remembered goes. */
function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

/** One build's deployment: its history read back to ExecutionStarted (or the page budget). */
export async function deploymentOf(
  ctx: BuildContext,
  item: ExecutionListItem,
  cache?: DeploymentCache,
): Promise<BuildDeployment> {
  const executionArn = item.executionArn ?? '';
  const known = cache?.get(executionArn);
  if (known) return known;
  const deployment: BuildDeployment = {
    executionArn,
    name: item.name ?? '',
    status: (item.status ?? 'RUNNING') as BuildStatus,
    startedAt: item.startDate ?? new Date(0),
  };
  if (item.stopDate) deployment.stoppedAt = item.stopDate;
  const seenConfigs: string[] = [];
  await historyUntil(ctx, executionArn, (page) => noteDeployment(deployment, page, seenConfigs), {
    maxResults: HISTORY_PAGE_SIZE,
    includeExecutionData: true,
    maxPages: HISTORY_PAGES,
  });
  const replaced = seenConfigs.find((name) => name !== deployment.endpointConfigName);
  if (replaced && deployment.endpointConfigName) deployment.replacedConfigName = replaced;
  cache?.remember(deployment);
  return deployment;
}

/**
 * Pages come newest first: the first page to name a resource names the newest one, and it wins. Notes the
 * configs the build's describeEndpoint calls saw; says whether the page reached ExecutionStarted.
 */
function noteDeployment(deployment: BuildDeployment, page: HistoryEvent[], seenConfigs: string[]): boolean {
  const reading = readHistory(page);
  for (const event of page) {
    if (event.type !== 'TaskSucceeded') continue;
    const output = parseObject(event.taskSucceededEventDetails?.output);
    // A DescribeEndpoint answer: the config serving at that moment (an update serves the old one until done).
    if (typeof output.EndpointStatus === 'string' && typeof output.EndpointConfigName === 'string') {
      seenConfigs.push(output.EndpointConfigName);
    }
  }
  deployment.trainingJobName ??= reading.trainingJobName;
  deployment.modelName ??= reading.modelName;
  deployment.endpointConfigName ??= reading.endpointConfigName;
  deployment.endpointName ??= reading.endpointName;
  deployment.startedBy ??= reading.startedBy;
  const started = page.find((e) => e.type === 'ExecutionStarted');
  if (started) {
    const input = parseObject(started.executionStartedEventDetails?.input);
    deployment.startedBy ??= startedByOf(input);
    deployment.gateMetric ??= gateMetricOf(input);
  }
  // Drop what no page named, so a cached deployment reads the same as a fresh one.
  for (const key of Object.keys(deployment) as (keyof BuildDeployment)[]) {
    if (deployment[key] === undefined) delete deployment[key];
  }
  return reading.complete;
}

/** The reference pipeline's input names its gate's metric; a team's own machine may have none. */
function gateMetricOf(input: Record<string, unknown>): string | undefined {
  const gate = input.qualityGate;
  if (!gate || typeof gate !== 'object') return undefined;
  const metric = (gate as Record<string, unknown>).metricName;
  return typeof metric === 'string' && metric ? metric : undefined;
}

export interface EndpointLineage {
  /** The endpoint the builds deploy to (from their histories, else the pipeline's defaultInput). */
  endpointName?: string;
  /** DescribeEndpoint's answer; absent when the endpoint does not exist. */
  endpoint?: DescribeEndpointCommandOutput;
  /** The build that made the config the endpoint serves now; absent when no recent build made it. */
  live?: BuildDeployment;
  /**
   * The build whose config the endpoint served before `live` deployed (as `live`'s history saw it), else the
   * newest successful build before `live` that deployed a different config.
   */
  previous?: BuildDeployment;
  /** Recent successful builds that deployed, newest first, as far as they were read. */
  deployed: BuildDeployment[];
}

/**
 * Reads successful builds newest first, only as far as needed: usually the newest two histories (both kept
 * in the cache afterwards), more after a rollback put an older build's config back.
 */
export async function endpointLineage(ctx: BuildContext, cache?: DeploymentCache): Promise<EndpointLineage> {
  const successes = await listExecutions(ctx, LINEAGE_BUILDS, 'SUCCEEDED');
  const deployed: BuildDeployment[] = [];
  const lineage: EndpointLineage = { deployed };
  let index = 0;
  const next = async (): Promise<BuildDeployment | undefined> => {
    while (index < successes.length) {
      const deployment = await deploymentOf(ctx, successes[index++] as ExecutionListItem, cache);
      if (deployment.endpointConfigName) {
        deployed.push(deployment);
        return deployment;
      }
    }
    return undefined;
  };
  const newest = await next();
  lineage.endpointName = newest?.endpointName ?? configuredEndpoint(ctx);
  if (!lineage.endpointName) return lineage;
  const endpoint = await describeEndpoint(ctx, lineage.endpointName);
  if (!endpoint) return lineage;
  lineage.endpoint = endpoint;
  const serving = endpoint.EndpointConfigName;
  let older: BuildDeployment | undefined;
  for (let build = newest; build; build = await next()) {
    if (!lineage.live) {
      if (build.endpointConfigName === serving) lineage.live = build;
      continue;
    }
    const replaced = lineage.live.replacedConfigName;
    older ??= build.endpointConfigName !== serving ? build : undefined;
    if (replaced === undefined ? older : build.endpointConfigName === replaced) {
      lineage.previous = replaced === undefined ? older : build;
      break;
    }
  }
  // The replaced config was made by no recent build: the older build that deployed is the best guess left.
  lineage.previous ??= older;
  return lineage;
}

/** A successful build by name or execution ARN among the recent ones, read from its history. */
export async function deployedBuild(
  ctx: BuildContext,
  build: string,
  cache?: DeploymentCache,
): Promise<BuildDeployment | undefined> {
  const successes = await listExecutions(ctx, LINEAGE_BUILDS, 'SUCCEEDED');
  const item = successes.find((e) => e.name === build || e.executionArn === build);
  return item ? deploymentOf(ctx, item, cache) : undefined;
}

function configuredEndpoint(ctx: BuildContext): string | undefined {
  const name = ctx.pipeline.defaultInput.endpointName;
  return typeof name === 'string' && name ? name : undefined;
}
