// What every build operation works with: the pipeline, its region's clients, and the clock.

import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StopExecutionCommand,
  type DescribeExecutionCommandOutput,
  type ExecutionListItem,
  type ExecutionStatus,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { callAws } from '../aws/translate-error';
import type { PipelineConfig } from '../config/schema';
import type { DefinitionCache } from '../machine/definition';
import type { EnteredStatesCache } from './earlier-states';
import type { BuildAsListed, FinishedHistoryCache } from './finished-histories';
import { ConfigError } from '../errors';
import type { BuildStatus, BuildSummary } from './facts';

export interface BuildContext {
  pipeline: PipelineConfig;
  sfn: SFNClient;
  sagemaker: SageMakerClient;
  now: () => Date;
  /** Aborts every call of this operation once its time budget is spent: answers must fit Alexa's 8 s. */
  signal: AbortSignal;
  /** The team's time zone (config `timeZone`): what "yesterday's" and "this morning's" mean. UTC when unset. */
  timeZone?: string;
  /** The state machines' definitions, read once per cold start (per SageBuild instance); none: not cached. */
  definitions?: DefinitionCache;
  /** What was read back of builds' histories (events never change); none: read again each time. */
  enteredStates?: EnteredStatesCache;
  /** The newest page of finished builds' histories (final until a redrive); none: read again each time. */
  finishedHistories?: FinishedHistoryCache;
}

/** Newest first; `maxResults` small, so the answer never depends on how many builds there were. */
export async function listExecutions(
  ctx: BuildContext,
  maxResults: number,
  statusFilter?: ExecutionStatus,
): Promise<ExecutionListItem[]> {
  const page = await callAws('Step Functions', 'states:ListExecutions', () =>
    ctx.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: ctx.pipeline.stateMachineArn, maxResults, statusFilter }),
      { abortSignal: ctx.signal },
    ),
  ).catch((error: unknown) => rethrowMissingMachine(ctx, error));
  return page.executions ?? [];
}

export interface HistoryPage {
  events: HistoryEvent[];
  nextToken?: string;
}

/** One page of a history, newest first. */
export async function historyPage(
  ctx: BuildContext,
  executionArn: string,
  page: { maxResults: number; nextToken?: string; includeExecutionData: boolean },
): Promise<HistoryPage> {
  const read = await callAws('Step Functions', 'states:GetExecutionHistory', () =>
    ctx.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, ...page }), {
      abortSignal: ctx.signal,
    }),
  );
  return read.nextToken
    ? { events: read.events ?? [], nextToken: read.nextToken }
    : { events: read.events ?? [] };
}

/** One page of history, newest first: enough for the current step, whatever the history's length. */
export async function recentHistory(
  ctx: BuildContext,
  executionArn: string,
  maxResults = 25,
): Promise<HistoryEvent[]> {
  return (await historyPage(ctx, executionArn, { maxResults, includeExecutionData: true })).events;
}

/** The newest page of a build's history: kept once the build has finished, so asked for once. */
export async function newestHistory(
  ctx: BuildContext,
  build: BuildAsListed,
  maxResults = 25,
): Promise<HistoryEvent[]> {
  const kept = ctx.finishedHistories?.recall(build, maxResults);
  if (kept) return kept;
  const events = await recentHistory(ctx, build.executionArn ?? '', maxResults);
  ctx.finishedHistories?.remember(build, maxResults, events);
  return events;
}

/** Pages read back at most, 100 events each: a question needing older events stops here. */
const MAX_EXTRA_PAGES = 10;

/**
 * Reads a history back, newest first, one page of 100 at a time, until `found` says the pages read so far
 * hold what it looks for (or the history or the page budget ends). Only for answers that need it.
 */
export async function historyUntil(
  ctx: BuildContext,
  executionArn: string,
  found: (page: HistoryEvent[]) => boolean,
  page: { maxResults: number; includeExecutionData: boolean; maxPages: number } = {
    maxResults: 100,
    includeExecutionData: true,
    maxPages: MAX_EXTRA_PAGES,
  },
): Promise<void> {
  let nextToken: string | undefined;
  for (let pages = 0; pages < page.maxPages; pages += 1) {
    const read = await historyPage(ctx, executionArn, {
      maxResults: page.maxResults,
      includeExecutionData: page.includeExecutionData,
      ...(nextToken ? { nextToken } : {}),
    });
    if (found(read.events)) return;
    nextToken = read.nextToken;
    if (!nextToken) return;
  }
}

export function describeExecution(
  ctx: BuildContext,
  executionArn: string,
): Promise<DescribeExecutionCommandOutput> {
  return callAws('Step Functions', 'states:DescribeExecution', () =>
    ctx.sfn.send(new DescribeExecutionCommand({ executionArn }), { abortSignal: ctx.signal }),
  );
}

/** Stops an execution; Step Functions also stops the task it is running (the training job). */
export async function stopExecution(
  ctx: BuildContext,
  executionArn: string,
  error: string,
  cause: string,
): Promise<Date> {
  const stopped = await callAws('Step Functions', 'states:StopExecution', () =>
    ctx.sfn.send(new StopExecutionCommand({ executionArn, error, cause }), { abortSignal: ctx.signal }),
  );
  return stopped.stopDate ?? ctx.now();
}

export function summaryOf(pipeline: string, item: ExecutionListItem): BuildSummary {
  const summary: BuildSummary = {
    pipeline,
    executionArn: item.executionArn ?? '',
    name: item.name ?? '',
    status: (item.status ?? 'RUNNING') as BuildStatus,
    startedAt: item.startDate ?? new Date(0),
  };
  if (item.stopDate) summary.stoppedAt = item.stopDate;
  return summary;
}

/** A configured state machine that does not exist is a config problem, not an AWS outage. */
export function rethrowMissingMachine(ctx: BuildContext, error: unknown): never {
  if ((error as Error).name === 'StateMachineDoesNotExist') {
    throw new ConfigError(
      `The ${ctx.pipeline.name} pipeline's state machine ${ctx.pipeline.stateMachineArn} does not exist.`,
      'stateMachineArn',
    );
  }
  throw error;
}
