// The filtering, sorting and paging every SageMaker List* operation shares. The request's shape (types,
// enums, MaxResults 1 to 100) was checked by validation.ts before it gets here.
import { decodeToken, encodeToken, isCount } from '../protocol';
import { validationError } from './errors';
import { optionalNumber, optionalString, type Input } from './input';

export type SortOrder = 'Ascending' | 'Descending';

/** What a listed resource is filtered and sorted by. */
export interface ListKeys {
  name: string;
  status: string;
  creationTime: number;
  lastModifiedTime: number;
}

export interface ListOptions<T> {
  /** What is listed ("TrainingJobs"): a token from another listing is refused. */
  kind: string;
  keys: (item: T) => ListKeys;
  /** ListTrainingJobs defaults to Ascending, ListEndpoints to Descending. */
  defaultOrder: SortOrder;
}

const DEFAULT_RESULTS = 10;

// Real SageMaker refuses a NextToken it did not issue for this listing with a ValidationException.
const badToken = (): Error =>
  validationError('Invalid pagination token: the NextToken is not one this service returned.');

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A time filter in epoch ms: the SDK sends epoch seconds; an ISO string is read too. */
function timeFilter(input: Input, field: string): number | undefined {
  const value = input[field];
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') return Date.parse(value);
  return undefined;
}

export function listPage<T>(
  input: Input,
  items: readonly T[],
  options: ListOptions<T>,
): { page: T[]; nextToken?: string } {
  const nameContains = optionalString(input, 'NameContains')?.toLowerCase();
  const statusEquals = optionalString(input, 'StatusEquals');
  const sortBy = optionalString(input, 'SortBy') ?? 'CreationTime';
  const sortOrder = optionalString(input, 'SortOrder') ?? options.defaultOrder;
  const maxResults = optionalNumber(input, 'MaxResults') ?? DEFAULT_RESULTS;
  const createdAfter = timeFilter(input, 'CreationTimeAfter');
  const createdBefore = timeFilter(input, 'CreationTimeBefore');
  const modifiedAfter = timeFilter(input, 'LastModifiedTimeAfter');
  const modifiedBefore = timeFilter(input, 'LastModifiedTimeBefore');
  // Tokens hold an offset: enough for a store that only grows.
  const scope = `List${options.kind}`;
  const offset = decodeToken(optionalString(input, 'NextToken'), scope, isCount, badToken) ?? 0;

  const sortKey = (keys: ListKeys): string | number =>
    sortBy === 'Name' ? keys.name.toLowerCase() : sortBy === 'Status' ? keys.status : keys.creationTime;
  const direction = sortOrder === 'Ascending' ? 1 : -1;
  const matching = items
    .map((item) => ({ item, keys: options.keys(item) }))
    .filter(({ keys }) => nameContains === undefined || keys.name.toLowerCase().includes(nameContains))
    .filter(({ keys }) => statusEquals === undefined || keys.status === statusEquals)
    .filter(({ keys }) => createdAfter === undefined || keys.creationTime > createdAfter)
    .filter(({ keys }) => createdBefore === undefined || keys.creationTime < createdBefore)
    .filter(({ keys }) => modifiedAfter === undefined || keys.lastModifiedTime > modifiedAfter)
    .filter(({ keys }) => modifiedBefore === undefined || keys.lastModifiedTime < modifiedBefore)
    // Ties keep creation order whichever way the list runs, so pages never overlap.
    .sort((a, b) => direction * compare(sortKey(a.keys), sortKey(b.keys)));

  const page = matching.slice(offset, offset + maxResults).map(({ item }) => item);
  const next = offset + maxResults;
  return next < matching.length ? { page, nextToken: encodeToken(scope, next) } : { page };
}
