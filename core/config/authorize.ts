// Who may start or stop a pipeline's builds. Access is opt-in: an empty list allows nobody.
import { NotAuthorized, type GuardedAction } from '../errors';
import type { PipelineConfig } from './schema';

export interface AccessRequester {
  /** e.g. "slack:U0123", "alexa:amzn1.ask.account.X", "cli:ana". */
  id: string;
  /** Groups the front has resolved for the requester, e.g. ["slack-group:S0123"]. */
  groups?: string[];
  /** Where the request came from, e.g. "slack:C0123"; required when the pipeline limits channels. */
  place?: string;
}

export function isAllowed(
  pipeline: PipelineConfig,
  action: GuardedAction,
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
  action: GuardedAction,
  requester: AccessRequester,
): void {
  if (!isAllowed(pipeline, action, requester)) throw new NotAuthorized(action, pipeline.name, requester.id);
}

/** "*" matches anyone, "cli:*" anyone whose id starts with "cli:", anything else must match exactly. */
function matchesAny(patterns: string[], identities: string[]): boolean {
  return patterns.some((pattern) => {
    if (pattern === '*') return true;
    if (pattern.endsWith(':*')) return identities.some((id) => id.startsWith(pattern.slice(0, -1)));
    return identities.includes(pattern);
  });
}
