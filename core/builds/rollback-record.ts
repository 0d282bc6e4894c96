// A rollback written where every front and process can read it back: the endpoint's own tags (AddTags,
// ListTags). The record only counts while the endpoint serves (or is moving to) the config it names: the
// next deploy replaces the config, and the old record then says nothing.

import {
  AddTagsCommand,
  ListTagsCommand,
  type DescribeEndpointCommandOutput,
  type ListTagsCommandOutput,
  type Tag,
} from '@aws-sdk/client-sagemaker';
import { callAws } from '../aws/translate-error';
import { requestLog } from '../log/request';
import type { BuildContext } from './context';
import type { RollbackRecord, StartedBy } from './facts';

const KEYS = {
  byId: 'sagebuild:rollback:by-id',
  byName: 'sagebuild:rollback:by-name',
  at: 'sagebuild:rollback:at',
  build: 'sagebuild:rollback:build',
  fromBuild: 'sagebuild:rollback:from-build',
  config: 'sagebuild:rollback:config',
} as const;

/** SageMaker's tag values: letters, numbers, spaces and `_.:/=+-@`, at most 256 characters. */
const TAG_VALUE_MAX = 256;
const NOT_IN_TAG_VALUE = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;

export function tagValue(text: string): string {
  return text.replace(NOT_IN_TAG_VALUE, ' ').slice(0, TAG_VALUE_MAX);
}

export type RollbackRecordInput = Omit<RollbackRecord, 'inProgress'>;

/**
 * Tags the endpoint with the rollback. The endpoint is already updating by then, so a tag that can't be
 * written (e.g. a role without sagemaker:AddTags) is logged and reported as not recorded, never an error.
 */
export async function writeRollbackRecord(
  ctx: BuildContext,
  endpointArn: string,
  record: RollbackRecordInput,
): Promise<boolean> {
  const tags: Tag[] = [
    { Key: KEYS.byId, Value: tagValue(record.by.id ?? '') },
    { Key: KEYS.byName, Value: tagValue(record.by.displayName ?? '') },
    { Key: KEYS.at, Value: record.at.toISOString() },
    { Key: KEYS.build, Value: tagValue(record.build) },
    { Key: KEYS.fromBuild, Value: tagValue(record.fromBuild ?? '') },
    { Key: KEYS.config, Value: tagValue(record.endpointConfigName) },
  ];
  try {
    await callAws('SageMaker', 'sagemaker:AddTags', () =>
      ctx.sagemaker.send(new AddTagsCommand({ ResourceArn: endpointArn, Tags: tags }), {
        abortSignal: ctx.signal,
      }),
    );
    return true;
  } catch (error) {
    requestLog().warn('Rollback not recorded on the endpoint', { error, endpointArn });
    return false;
  }
}

/** The rollback that put the endpoint on the config it serves (or is moving to), if one did. */
export async function readRollbackRecord(
  ctx: BuildContext,
  endpoint: DescribeEndpointCommandOutput,
): Promise<RollbackRecord | undefined> {
  if (!endpoint.EndpointArn) return undefined;
  const record = await rollbackTags(ctx, endpoint.EndpointArn);
  return (
    record &&
    rollbackServing(
      record,
      endpoint.EndpointConfigName,
      endpoint.PendingDeploymentSummary?.EndpointConfigName,
    )
  );
}

/**
 * The record, while the endpoint serves (or is moving to) the config it names; undefined once a deploy (or
 * another update) put a different config there.
 */
export function rollbackServing(
  record: RollbackRecordInput,
  currentConfig: string | undefined,
  pendingConfig: string | undefined,
): RollbackRecord | undefined {
  const inProgress = pendingConfig === record.endpointConfigName;
  if (currentConfig !== record.endpointConfigName && !inProgress) return undefined;
  return { ...record, inProgress };
}

/**
 * The last rollback the endpoint's tags record, whether or not a deploy replaced it since: one ListTags, on
 * the ARN SageMaker gives the endpoint (same account and region as the pipeline's state machine). Undefined
 * when there is none, or no such endpoint.
 */
export async function rollbackTags(
  ctx: BuildContext,
  endpointArn: string,
): Promise<Omit<RollbackRecord, 'inProgress'> | undefined> {
  let listed: ListTagsCommandOutput;
  try {
    listed = await callAws('SageMaker', 'sagemaker:ListTags', () =>
      ctx.sagemaker.send(new ListTagsCommand({ ResourceArn: endpointArn }), { abortSignal: ctx.signal }),
    );
  } catch (error) {
    // SageMaker answers a tag call on a missing resource with ValidationException.
    if ((error as Error).name === 'ValidationException') return undefined;
    throw error;
  }
  const tags = new Map((listed.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  const config = tags.get(KEYS.config);
  const at = new Date(tags.get(KEYS.at) ?? '');
  const build = tags.get(KEYS.build);
  if (!config || !build || Number.isNaN(at.getTime())) return undefined;
  const by: StartedBy = {};
  if (tags.get(KEYS.byId)) by.id = tags.get(KEYS.byId);
  if (tags.get(KEYS.byName)) by.displayName = tags.get(KEYS.byName);
  const fromBuild = tags.get(KEYS.fromBuild);
  return { by, at, build, endpointConfigName: config, ...(fromBuild ? { fromBuild } : {}) };
}

/** arn:<partition>:sagemaker:<region>:<account>:endpoint/<name in lower case>, from the pipeline's machine. */
export function endpointArnFor(stateMachineArn: string, endpointName: string): string {
  const [, partition, , region, account] = stateMachineArn.split(':');
  return `arn:${partition}:sagemaker:${region}:${account}:endpoint/${endpointName.toLowerCase()}`;
}
