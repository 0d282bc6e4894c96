// EventBridge PutEvents Task states (arn:aws:states:::events:putEvents, also with .waitForTaskToken): the
// entries go to the local event bus, which hands them to its subscribers and HTTP target as EventBridge hands
// a rule's matches to its targets. The response is PutEvents' own: an EventId per entry, FailedEntryCount.

import { randomUUID } from 'node:crypto';

/** One event as EventBridge delivers a PutEvents entry to a target. */
export interface PutEventsEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export interface EventsTarget {
  region: string;
  accountId: string;
  /** Delivers one event to the bus named (default: "default"). */
  put: (event: PutEventsEvent, busName: string) => void;
}

const PUT_EVENTS = /^arn:aws[\w-]*:states:::events:putEvents$/;
/** PutEvents takes 1 to 10 entries per call. */
const MAX_ENTRIES = 10;

function namedError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/** The handler for an EventBridge PutEvents resource (callback suffix removed), or undefined. */
export function eventsTaskHandler(
  resource: string,
  target: EventsTarget | undefined,
): ((params: Record<string, unknown>) => Promise<unknown>) | undefined {
  if (!PUT_EVENTS.test(resource) || !target) return undefined;
  return async (params) => {
    const entries = params.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES) {
      throw namedError('States.Runtime', `PutEvents takes 1 to ${MAX_ENTRIES} Entries.`);
    }
    let failed = 0;
    const results = entries.map((entry: Record<string, unknown>) => {
      // Step Functions serialises an object Detail to the JSON string PutEvents takes; targets get it parsed.
      const detail = parseDetail(entry.Detail);
      if (detail === undefined) {
        failed += 1;
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      const id = randomUUID();
      target.put(
        {
          version: '0',
          id,
          'detail-type': String(entry.DetailType ?? ''),
          source: String(entry.Source ?? ''),
          account: target.accountId,
          time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: target.region,
          resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
          detail,
        },
        typeof entry.EventBusName === 'string' ? entry.EventBusName : 'default',
      );
      return { EventId: id };
    });
    return { Entries: results, FailedEntryCount: failed };
  };
}

/** An entry's Detail as a target receives it: a JSON object; undefined when it is not one. */
function parseDetail(detail: unknown): Record<string, unknown> | undefined {
  if (detail === undefined || detail === null) return {};
  if (typeof detail === 'object' && !Array.isArray(detail)) return detail as Record<string, unknown>;
  if (typeof detail !== 'string') return undefined;
  try {
    const parsed = JSON.parse(detail) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
