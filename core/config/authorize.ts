// Who may start or stop a pipeline's builds, or subscribe a channel to them. Access is opt-in: an empty list
// allows nobody.
import { NotAuthorized, type AccessAction } from '../errors';
import type { Requester } from '../builds/facts';
import type { PipelineConfig } from './schema';

/** Only the parts of a requester that access rules look at: id, groups and the place the request came from. */
export type AccessRequester = Pick<Requester, 'id' | 'groups' | 'place'>;

export function isAllowed(
  pipeline: PipelineConfig,
  action: AccessAction,
  requester: AccessRequester,
): boolean {
  const { channels } = pipeline.access;
  if (channels.length > 0 && !(requester.place !== undefined && matchesAny(channels, [requester.place]))) {
    return false;
  }
  return matchesAny(pipeline.access[action], [requester.id, ...(requester.groups ?? [])]);
}

export function assertAllowed(
  pipeline: PipelineConfig,
  action: AccessAction,
  requester: AccessRequester,
): void {
  if (!isAllowed(pipeline, action, requester)) throw new NotAuthorized(action, pipeline.name, requester.id);
}

/** "*" matches anyone, "cli:*" anyone whose id starts with "cli:", anything else must match exactly. */
export function matchesAny(patterns: string[], identities: string[]): boolean {
  return patterns.some((pattern) => {
    if (pattern === '*') return true;
    if (pattern.endsWith(':*')) return identities.some((id) => id.startsWith(pattern.slice(0, -1)));
    return identities.includes(pattern);
  });
}
