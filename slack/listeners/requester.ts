// Who is asking, for the core's access rules: "slack:U…", the Slack user groups that matter, and the channel
// the request came from. Groups cost a Web API call each, so they are looked up only when a pipeline's rule
// names a group and the person is not already allowed without one, remembered for a minute, and waited for
// at most GROUP_LOOKUP_MS: not knowing in time counts as not a member, and the core's refusal says why.

import type { WebClient } from '@slack/web-api';
import type { Requester } from '../../core/builds/facts';
import { isAllowed } from '../../core/config/authorize';
import type { PipelineConfig } from '../../core/config/schema';
import type { AccessAction } from '../../core/errors';
import { requestLog } from '../../core/log/request';
import { GROUP_LOOKUP_MS, within } from './deadline';

const GROUP_PREFIX = 'slack-group:';
const GROUP_TTL_MS = 60_000;

/** A Slack person in a place: what every payload (command, event, action) tells us. */
export interface Person {
  userId: string;
  userName?: string;
  /** Absent on the Home tab, which is no channel: channel-limited pipelines then refuse. */
  channelId?: string;
}

export function baseRequester(person: Person): Requester {
  return {
    id: `slack:${person.userId}`,
    ...(person.userName ? { displayName: person.userName } : {}),
    ...(person.channelId ? { place: `slack:${person.channelId}` } : {}),
  };
}

export class GroupDirectory {
  private readonly members = new Map<string, { users: Set<string>; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The requester for `action` on `pipeline`, with the groups its rules name that the person is in. */
  async requester(
    client: WebClient,
    person: Person,
    pipeline: PipelineConfig,
    action: AccessAction,
  ): Promise<Requester> {
    return this.withGroups(client, person, pipeline.access[action], (base) =>
      isAllowed(pipeline, action, base),
    );
  }

  /**
   * The requester with the groups `rules` name that the person is in; no lookup when the rules name none or
   * the person is allowed without one (e.g. an approval gate's approvers).
   */
  async withGroups(
    client: WebClient,
    person: Person,
    rules: string[],
    allowedAlready: (base: Requester) => boolean,
  ): Promise<Requester> {
    const base = baseRequester(person);
    const named = rules
      .filter((rule) => rule.startsWith(GROUP_PREFIX) && !rule.endsWith(':*'))
      .map((rule) => rule.slice(GROUP_PREFIX.length));
    if (named.length === 0 || allowedAlready(base)) return base;
    const member = await Promise.all(named.map((group) => this.has(client, group, person.userId)));
    return { ...base, groups: named.filter((_, i) => member[i]).map((group) => GROUP_PREFIX + group) };
  }

  private async has(client: WebClient, group: string, userId: string): Promise<boolean> {
    const cached = this.members.get(group);
    if (cached && this.now() - cached.at < GROUP_TTL_MS) return cached.users.has(userId);
    try {
      // Bounded: on Lambda, Slack's 3 seconds wait for it.
      const { users = [] } = await within(
        GROUP_LOOKUP_MS,
        'usergroups.users.list',
        client.usergroups.users.list({ usergroup: group }),
      );
      this.members.set(group, { users: new Set(users), at: this.now() });
      return users.includes(userId);
    } catch (error) {
      // Not knowing means not a member: the core then refuses, and says why.
      requestLog().warn('usergroups.users.list failed: counted as not a member', { group, error });
      return false;
    }
  }
}
