// The filtering, sorting and paging every SageMaker List* operation shares.
import { decodeToken, encodeToken, isCount } from '../protocol';
import { validationError } from './errors';
import { constraintError, optionalEnum, optionalNumber, optionalString, type Input } from './input';

export type SortOrder = 'Ascending' | 'Descending';

/** What a listed resource is filtered and sorted by. */
export interface ListKeys {
  name: string;
  status: string;
  creationTime: number;
}

export interface ListOptions<T> {
  /** What is listed ("TrainingJobs"): a token from another listing is refused. */
  kind: string;
  keys: (item: T) => ListKeys;
  statuses: readonly string[];
  /** ListTrainingJobs defaults to Ascending, ListEndpoints to Descending. */
  defaultOrder: SortOrder;
}

const SORT_KEYS = ['Name', 'CreationTime', 'Status'] as const;
const MAX_RESULTS = 100;
const DEFAULT_RESULTS = 10;

// Real SageMaker refuses a NextToken it did not issue for this listing with a ValidationException.
const badToken = (): Error =>
  validationError('Invalid pagination token: the NextToken is not one this service returned.');

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function listPage<T>(
  input: Input,
  items: readonly T[],
  options: ListOptions<T>,
): { page: T[]; nextToken?: string } {
  const nameContains = optionalString(input, 'NameContains')?.toLowerCase();
  const statusEquals = optionalEnum(input, 'StatusEquals', options.statuses);
  const sortBy = optionalEnum(input, 'SortBy', SORT_KEYS) ?? 'CreationTime';
  const sortOrder =
    optionalEnum(input, 'SortOrder', ['Ascending', 'Descending'] as const) ?? options.defaultOrder;
  const maxResults = optionalNumber(input, 'MaxResults') ?? DEFAULT_RESULTS;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS) {
    throw constraintError('MaxResults', maxResults, `Member must be an integer from 1 to ${MAX_RESULTS}`);
  }
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
    // Ties keep creation order whichever way the list runs, so pages never overlap.
    .sort((a, b) => direction * compare(sortKey(a.keys), sortKey(b.keys)));

  const page = matching.slice(offset, offset + maxResults).map(({ item }) => item);
  const next = offset + maxResults;
  return next < matching.length ? { page, nextToken: encodeToken(scope, next) } : { page };
}
