// Resource names and ARNs. SageMaker names are unique regardless of case and ARNs carry them in lower case.
import { requireString, type Input } from './input';

/** A resource name from a request whose shape was already checked (validation.ts): pattern and length hold. */
export function requireName(input: Input, path: string): string {
  return requireString(input, path);
}

export interface Account {
  region: string;
  accountId: string;
}

export type ResourceKind = 'training-job' | 'model' | 'endpoint-config' | 'endpoint';

export function sageMakerArn(account: Account, kind: ResourceKind, name: string): string {
  return `arn:aws:sagemaker:${account.region}:${account.accountId}:${kind}/${name.toLowerCase()}`;
}

/** A map keyed by resource name, ignoring case as SageMaker does. Keeps insertion (creation) order. */
export class NameMap<T> {
  private readonly items = new Map<string, T>();

  get(name: string): T | undefined {
    return this.items.get(name.toLowerCase());
  }

  /** The named item, or throws `notFound()`. */
  require(name: string, notFound: () => Error): T {
    const item = this.get(name);
    if (item === undefined) throw notFound();
    return item;
  }

  /** Adds a new item, or throws `duplicate()` when the name is taken. */
  add(name: string, item: T, duplicate: () => Error): T {
    if (this.items.has(name.toLowerCase())) throw duplicate();
    this.items.set(name.toLowerCase(), item);
    return item;
  }

  delete(name: string): void {
    this.items.delete(name.toLowerCase());
  }

  values(): T[] {
    return [...this.items.values()];
  }
}
