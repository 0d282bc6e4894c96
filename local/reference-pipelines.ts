// The two pipelines `npm start` runs, prod and dev, made from the reference definition, with a realistic
// past: builds replayed fast on a clock that lands them hours and days ago, so every record (history,
// training jobs, endpoints) is one the real pipeline produced, just shifted in time.

import { exampleInput, pipelineDefinition, type PipelineInput } from '../pipeline';
import { replayClock, TimeScale } from './clock';
import type { LocalAws } from './local-aws';
import { approveGatesWhileRunning } from './stepfunctions/past-approvals';

export interface LocalPipeline<Input extends object = PipelineInput> {
  name: string;
  aliases: string[];
  stateMachineArn: string;
  defaultInput: Input;
  /** The input paths people may change at a start; none when left out. */
  allowedInputKeys?: string[];
  /** The local Slack channel that hears about this pipeline's builds. */
  slackChannel: string;
  /** The definition file a team's own pipeline came from (`npm start -- --pipeline <file>`). */
  file?: string;
  /** The config's approval gate: the reference definition then has its gate state. */
  approval?: LocalApproval;
}

export interface LocalApproval {
  approvers: (string | { id: string; name: string })[];
  timeoutHours: number;
}

/**
 * The gate `npm start` puts on prod: Ana (from the past builds) by name, and whoever uses the console, its
 * Slack or its Alexa, so a prod build can be let through locally.
 */
export const LOCAL_PROD_APPROVAL: LocalApproval = {
  approvers: [{ id: 'slack:U0ANALIMA', name: 'Ana Lima' }, 'slack:U0LOCALUSER', 'cli:*', 'alexa:*'],
  timeoutHours: 24,
};

interface PastBuild {
  hoursAgo: number;
  name: string;
  startedBy: { id?: string; displayName: string };
  hyperparameters?: Record<string, string>;
}

const NIGHTLY = { displayName: 'the nightly schedule' };
const ANA = { id: 'slack:U0ANALIMA', displayName: 'Ana Lima' };
const SAM = { id: 'alexa:amzn1.ask.account.SAMPLE-SAM', displayName: 'Sam Okafor' };

const PAST: Record<string, PastBuild[]> = {
  prod: [
    { hoursAgo: 74, name: 'prod-nightly-1', startedBy: NIGHTLY },
    { hoursAgo: 50, name: 'prod-nightly-2', startedBy: NIGHTLY },
    { hoursAgo: 29, name: 'prod-retrain-ana', startedBy: ANA, hyperparameters: { max_depth: '6' } },
    { hoursAgo: 26, name: 'prod-nightly-3', startedBy: NIGHTLY },
    {
      hoursAgo: 7,
      name: 'prod-retrain-sam',
      startedBy: SAM,
      hyperparameters: { max_depth: '12', sagebuild_simulate: 'training-failure' },
    },
    { hoursAgo: 2, name: 'prod-nightly-4', startedBy: NIGHTLY },
  ],
  dev: [
    { hoursAgo: 30, name: 'dev-ana-1', startedBy: ANA },
    { hoursAgo: 5, name: 'dev-ana-2', startedBy: ANA, hyperparameters: { eta: '0.3' } },
    {
      hoursAgo: 3,
      name: 'dev-ana-3',
      startedBy: ANA,
      hyperparameters: { eta: '0.9', sagebuild_metric: '0.71' },
    },
  ],
};

/** Seeded builds run this much faster than live ones: a whole build takes a fraction of a second. */
const REPLAY_SPEEDUP = 300;

/** What the reference definition lets people change at a start: its sizes and hyperparameters. */
export const REFERENCE_ALLOWED_INPUT_KEYS = [
  'hyperparameters.*',
  'trainingInstanceType',
  'trainingInstanceCount',
  'endpointInstanceType',
  'endpointInstanceCount',
];

const ALIASES = {
  prod: ['production', 'live'],
  dev: ['development', 'staging', 'test'],
};

/** The names and aliases the reference pipelines take, so a team's own pipeline picks another. */
export function referencePipelineNames(): string[] {
  return Object.entries(ALIASES).flatMap(([name, aliases]) => [name, ...aliases]);
}

export function referencePipelines(local: LocalAws): LocalPipeline[] {
  const arn = (name: string) =>
    `arn:aws:states:${local.region}:${local.accountId}:stateMachine:sagebuild-${name}`;
  return [
    {
      name: 'prod',
      aliases: ALIASES.prod,
      stateMachineArn: arn('prod'),
      defaultInput: exampleInput('churn-prod'),
      allowedInputKeys: REFERENCE_ALLOWED_INPUT_KEYS,
      slackChannel: 'C0PRODBUILDS',
    },
    {
      name: 'dev',
      aliases: ALIASES.dev,
      stateMachineArn: arn('dev'),
      defaultInput: exampleInput('churn-dev', { trainingInstanceType: 'ml.m5.large' }),
      allowedInputKeys: REFERENCE_ALLOWED_INPUT_KEYS,
      slackChannel: 'C0DEVBUILDS',
    },
  ];
}

/**
 * Creates both state machines and, unless `past` is false, replays their history. `approval` puts a gate on
 * prod (`npm start` does; tests and benchmarks choose).
 */
export async function loadReferencePipelines(
  local: LocalAws,
  options: { past?: boolean; approval?: LocalApproval } = {},
): Promise<LocalPipeline[]> {
  const pipelines = referencePipelines(local);
  const prod = pipelines.find((pipeline) => pipeline.name === 'prod');
  if (prod && options.approval) prod.approval = options.approval;
  for (const pipeline of pipelines) {
    local.stepFunctions.createStateMachine({
      name: pipeline.stateMachineArn.split(':').pop(),
      definition: JSON.stringify(pipelineDefinition(pipeline.approval)),
      roleArn: `arn:aws:iam::${local.accountId}:role/SageBuildStepFunctionsRole`,
    });
  }
  if (options.past !== false) {
    await Promise.all(pipelines.map((pipeline) => replayPast(local, pipeline, PAST[pipeline.name] ?? [])));
  }
  return pipelines;
}

async function replayPast(local: LocalAws, pipeline: LocalPipeline, builds: PastBuild[]): Promise<void> {
  const timeScale = new TimeScale(local.timeScale.factor * REPLAY_SPEEDUP);
  for (const build of builds) {
    const input: PipelineInput = {
      ...pipeline.defaultInput,
      hyperparameters: { ...pipeline.defaultInput.hyperparameters, ...build.hyperparameters },
      startedBy: build.startedBy,
    };
    const clock = replayClock(Date.now() - build.hoursAgo * 3600_000, REPLAY_SPEEDUP);
    const { executionArn } = local.stepFunctions.startExecution(
      { stateMachineArn: pipeline.stateMachineArn, name: build.name, input: JSON.stringify(input) },
      // Quiet: these builds happened in the past, so no EventBridge target or subscriber hears of them.
      { clock, timeScale, quiet: true },
    );
    if (pipeline.approval) await approveGatesWhileRunning(local.stepFunctions, executionArn, ANA, clock);
    else await local.stepFunctions.waitFor(executionArn);
  }
}
