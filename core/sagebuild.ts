// The core's front door. Fronts (CLI, Alexa, Slack) call these methods with what a person asked, and get
// facts back; core/wording turns the facts into sentences. The core never knows which front asked.

import { awsBudgetSignal } from './aws/answer-deadline';
import { AwsClientPool } from './aws/clients';
import { startClaimsFor } from './claims/from-config';
import type { StartClaims } from './claims/start-claims';
import { resolvePipeline } from './config/pipelines';
import { assertLength, assertOverridesBounded, INPUT_LIMITS } from './input-limits';
import type { PipelineConfig, SageBuildConfig } from './config/schema';
import type { BuildContext } from './builds/context';
import { EtaCache } from './builds/eta';
import { DefinitionCache } from './machine/definition';
import { EnteredStatesCache } from './builds/earlier-states';
import { FinishedHistoryCache } from './builds/finished-histories';
import type {
  BuildListFact,
  BuildStatusFact,
  FailureFact,
  LiveModelFact,
  ModelComparisonFact,
  RollbackNewsFact,
  RollbackPlan,
  RollbackResult,
  StartResult,
  StopResult,
} from './builds/facts';
import { compareWithLive } from './builds/comparison';
import { DeploymentCache } from './builds/lineage';
import { planRollback, rollBack, type RollbackRequest } from './builds/rollback';
import { pipelineOfEndpoint, rollbackNews } from './builds/rollback-news';
import { liveRollback, withComparison, withLineage, withRollback } from './builds/live-facts';
import { lastFailure, liveModel, recentBuilds } from './builds/queries';
import { startBuild, type StartRequest } from './builds/start';
import { buildDetails, buildStatus, buildStatusOf } from './builds/status';
import { stopBuild, type StopRequest } from './builds/stop';
import { decide, gateOutcome } from './approvals/decide';
import type { ApprovalFact, DecisionResult } from './approvals/facts';
import { openGates } from './approvals/waiting';
import type { DeployComparisonFact, HealthFact } from './health/facts';
import { endpointHealth } from './health/health';
import type { HealthContext } from './health/metrics';
import { DEFAULT_TIME_ZONE } from './time/zoned';
import { assertWindowMinutes, deployComparison } from './health/since-deploy';
import type { BuildSummary, Requester } from './builds/facts';
import { readBuildRef, resolveBuildRef } from './builds/build-ref';
import { whyFact, type WhyFact } from './builds/why';
import { settingsOf, type AgainResult } from './builds/again';
import { buildDetailsOf } from './builds/status';

export interface SageBuildOptions {
  clients?: AwsClientPool;
  now?: () => Date;
  /** Where starts claim their pipeline; by default from the config (aws.startClaimsTable, else memory). */
  claims?: StartClaims;
}

export class SageBuild {
  private readonly clients: AwsClientPool;
  private readonly now: () => Date;
  private readonly etaCache: EtaCache;
  private readonly definitions: DefinitionCache;
  private readonly enteredStates = new EnteredStatesCache();
  private readonly finishedHistories = new FinishedHistoryCache();
  private readonly claims: StartClaims;
  private readonly deployments = new DeploymentCache();

  constructor(
    readonly config: SageBuildConfig,
    options: SageBuildOptions = {},
  ) {
    this.clients = options.clients ?? new AwsClientPool(config.aws);
    this.now = options.now ?? (() => new Date());
    this.etaCache = new EtaCache(() => this.now().getTime());
    this.definitions = new DefinitionCache(() => this.now().getTime());
    this.claims = options.claims ?? startClaimsFor(config, this.now);
  }

  get pipelines(): PipelineConfig[] {
    return this.config.pipelines;
  }

  /** The pipeline a person meant; throws PipelineNotFound (with a suggestion) or PipelineAmbiguous. */
  pipeline(requested?: string): PipelineConfig {
    return resolvePipeline(this.config, requested);
  }

  async start(request: StartRequest & { pipeline?: string }): Promise<StartResult> {
    assertOverridesBounded(request.overrides ?? {});
    return startBuild(this.context(request.pipeline), request, this.claims);
  }

  async stop(request: StopRequest & { pipeline?: string }): Promise<StopResult> {
    if (request.build !== undefined) assertBuildName(request.build);
    const ref = request.build !== undefined ? readBuildRef(request.build) : undefined;
    // "stop the last one": the build the words name, stopped by its name like any other.
    if (ref && ref.kind !== 'name') {
      const build = await resolveBuildRef(this.context(request.pipeline), ref);
      return stopBuild(this.context(request.pipeline), { ...request, build: build.name });
    }
    return stopBuild(this.context(request.pipeline), request);
  }

  /**
   * "Run it again": a new build with the settings `build` (default: the latest) was started with, through
   * every check a start makes.
   */
  async again(request: StartRequest & { pipeline?: string; build?: string }): Promise<AgainResult> {
    const { from, settings } = await this.buildSettings(request.pipeline, request.build);
    const started = await this.start({ ...request, pipeline: from.pipeline, overrides: settings });
    return { started, from, settings };
  }

  /** The settings a build (default: the latest) was started with, as overrides for a new start. */
  async buildSettings(
    pipeline: string | undefined,
    build = 'last',
  ): Promise<{ from: BuildSummary; settings: Record<string, string> }> {
    const from = await this.findBuild(pipeline, build);
    return { from, settings: await settingsOf(this.context(from.pipeline), from) };
  }

  /** The build a person referred to: a name, an execution ARN, "last", "previous", "yesterday's"... */
  async findBuild(pipeline: string | undefined, ref: string): Promise<BuildSummary> {
    assertBuildName(ref);
    const read = readBuildRef(ref) ?? { kind: 'name' as const, name: ref.trim() };
    return resolveBuildRef(this.context(pipeline), read);
  }

  async status(pipeline?: string, build?: string): Promise<BuildStatusFact> {
    if (build !== undefined) {
      const found = await this.findBuild(pipeline, build);
      const fact = await this.statusOf(pipeline, found.name);
      // "last" is the latest build, answered as any status; other references say whose build it is.
      return readBuildRef(build)?.kind === 'latest' ? fact : { ...fact, named: true };
    }
    const ctx = this.context(pipeline);
    return withRollback(ctx, await buildStatus(ctx, this.etaCache));
  }

  /** One build's status, by name or execution ARN (for a card or a button on an older build). */
  async statusOf(pipeline: string | undefined, build: string): Promise<BuildStatusFact> {
    assertBuildName(build);
    const ctx = this.context(pipeline);
    const fact = await buildStatusOf(ctx, this.etaCache, build);
    if (fact.status === 'RUNNING') return fact;
    // A finished build's card shows its model next to the live one, and a rollback the endpoint is under.
    return withRollback(ctx, await withComparison(ctx, fact, this.deployments));
  }

  /** Status plus training metrics even after training: one call more than `status`. */
  async details(pipeline?: string, build?: string): Promise<BuildStatusFact> {
    const ctx = this.context(pipeline);
    if (build !== undefined) {
      const found = await this.findBuild(pipeline, build);
      return withComparison(ctx, await buildDetailsOf(ctx, this.etaCache, found.name), this.deployments);
    }
    return withComparison(ctx, await buildDetails(ctx, this.etaCache), this.deployments);
  }

  async list(pipeline?: string, limit = 10): Promise<BuildListFact> {
    return recentBuilds(this.context(pipeline), limit);
  }

  async whyFailed(pipeline?: string): Promise<FailureFact> {
    return lastFailure(this.context(pipeline));
  }

  /** Why the named (else the latest) build ended as it did, and the last failure when it didn't fail. */
  async why(pipeline?: string, build?: string): Promise<WhyFact> {
    const named = build !== undefined ? await this.findBuild(pipeline, build) : undefined;
    return whyFact(this.context(pipeline), named, this.deployments);
  }

  async endpoint(pipeline?: string): Promise<LiveModelFact> {
    const ctx = this.context(pipeline);
    return withLineage(ctx, await liveModel(ctx), this.deployments);
  }

  /** What `rollback` would do, every check made (access included); changes nothing. For the question first. */
  async rollbackPlan(request: RollbackRequest & { pipeline?: string }): Promise<RollbackPlan> {
    assertRollbackTargets(request);
    return planRollback(this.context(request.pipeline), request, this.deployments);
  }

  /** Puts the endpoint back on an earlier successful build's config (by default the one before the live one). */
  async rollback(request: RollbackRequest & { pipeline?: string }): Promise<RollbackResult> {
    assertRollbackTargets(request);
    return rollBack(this.context(request.pipeline), request, this.deployments);
  }

  /** The rollback that put the endpoint on its current config, if one did (for cards and status lines). */
  async currentRollback(pipeline?: string) {
    return liveRollback(this.context(pipeline), this.deployments);
  }

  /**
   * The rollback an endpoint settled from (done or failed), when its tags record a recent one and a pipeline's
   * defaultInput names the endpoint: for announcing it, whichever front rolled back. Else undefined.
   */
  async rollbackNews(endpointName: string): Promise<RollbackNewsFact | undefined> {
    assertLength('endpoint name', endpointName, INPUT_LIMITS.endpointNameChars);
    const pipeline = pipelineOfEndpoint(this.pipelines, endpointName);
    if (!pipeline) return undefined;
    return rollbackNews(this.context(pipeline.name), endpointName, this.deployments);
  }

  /** A build's final metrics (default: the latest build's) next to the model live when it finished. */
  async compareWithLive(pipeline?: string, build?: string): Promise<ModelComparisonFact> {
    if (build !== undefined) assertBuildName(build);
    return compareWithLive(this.context(pipeline), build, this.deployments);
  }

  /** Gates open now: the pipeline's, or every pipeline's with an `approval` section when none is named. */
  async approvals(pipeline?: string): Promise<ApprovalFact[]> {
    const names =
      pipeline !== undefined
        ? [this.pipeline(pipeline).name]
        : this.pipelines.filter((p) => p.approval).map((p) => p.name);
    const found = await Promise.all(names.map((name) => openGates(this.context(name))));
    return found.flat().map(({ fact }) => fact);
  }

  /** Approves the gate the pipeline's (or the named) build waits at; only the pipeline's approvers may. */
  async approve(request: {
    pipeline?: string;
    build?: string;
    requester: Requester;
  }): Promise<DecisionResult> {
    if (request.build !== undefined) assertBuildName(request.build);
    return decide(this.context(request.pipeline), this.claims, { ...request, decision: 'approved' });
  }

  /** Rejects the gate: the build fails with the reason given. */
  async reject(request: {
    pipeline?: string;
    build?: string;
    requester: Requester;
    reason?: string;
  }): Promise<DecisionResult> {
    if (request.build !== undefined) assertBuildName(request.build);
    if (request.reason !== undefined) assertLength('reason', request.reason, INPUT_LIMITS.requestChars);
    return decide(this.context(request.pipeline), this.claims, { ...request, decision: 'rejected' });
  }

  /** The live model and the endpoint's last hour and day from CloudWatch: one GetMetricData call. */
  async health(pipeline?: string): Promise<HealthFact> {
    return endpointHealth(this.healthContext(pipeline), this.deployments);
  }

  /** The window since the last deploy (default an hour) against as long before it: worse or not. */
  async sinceDeploy(pipeline?: string, minutes?: number): Promise<DeployComparisonFact> {
    if (minutes !== undefined) assertWindowMinutes(minutes);
    return deployComparison(this.healthContext(pipeline), this.deployments, minutes);
  }

  /** How the named build's gate ended (decided by whom, or closed), deciding nothing; undefined while open. */
  async approvalOutcome(request: { pipeline?: string; build: string }): Promise<DecisionResult | undefined> {
    assertBuildName(request.build);
    return gateOutcome(this.context(request.pipeline), request.build);
  }

  close(): void {
    this.clients.destroy();
    this.claims.close?.();
  }

  private healthContext(requested?: string): HealthContext {
    const ctx = this.context(requested);
    return { ...ctx, cloudwatch: this.clients.forRegion(ctx.pipeline.region).cloudwatch };
  }

  // Methods are async so that a bad pipeline name rejects like any other error, never throws synchronously.
  private context(requested?: string): BuildContext {
    const pipeline = this.pipeline(requested);
    const { sfn, sagemaker } = this.clients.forRegion(pipeline.region);
    return {
      pipeline,
      sfn,
      sagemaker,
      now: this.now,
      signal: awsBudgetSignal(this.config.aws.budgetMs),
      timeZone: this.config.timeZone ?? DEFAULT_TIME_ZONE,
      definitions: this.definitions,
      enteredStates: this.enteredStates,
      finishedHistories: this.finishedHistories,
    };
  }
}

function assertRollbackTargets(request: { to?: string; from?: string }): void {
  if (request.to !== undefined) assertBuildName(request.to);
  if (request.from !== undefined) assertBuildName(request.from);
}

/** A build name or ARN past any real one's length is refused before it is looked for (or quoted back). */
function assertBuildName(build: string): void {
  assertLength('build name', build, INPUT_LIMITS.buildNameChars);
}
