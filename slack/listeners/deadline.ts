// Time limits for Slack calls on a request path. On Lambda the receiver answers Slack only once the listeners
// are done, so a call that hangs (a group lookup, a response_url) would cost the whole request its 3 seconds.

/** usergroups.users.list, per group, all looked up at once. */
export const GROUP_LOOKUP_MS = 800;
/** A post to a response_url. */
export const RESPOND_MS = 1000;

export class DeadlinePassed extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'DeadlinePassed';
  }
}

/** `work`, or a DeadlinePassed after `ms`. The work itself goes on; only the waiting stops. */
export function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlinePassed(what, ms)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
