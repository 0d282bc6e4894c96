// Tags on SageMaker resources (AddTags, ListTags), keyed by resource ARN as SageMaker keys them.
// Tags belong to the resource itself: they are kept against the stored record, so a resource deleted and
// made again under the same name (and ARN) starts with none, as in SageMaker.
import type { AddTagsOutput, ListTagsOutput, Tag } from '@aws-sdk/client-sagemaker';
import { validationError } from './errors';
import { objectList, requireString, type Input } from './input';

/** The stored record an ARN names today, or undefined when no such resource exists. */
export type ResourceByArn = (arn: string) => object | undefined;

export class Tags {
  private readonly byResource = new WeakMap<object, Map<string, string>>();

  constructor(private readonly resourceByArn: ResourceByArn) {}

  add(input: Input): AddTagsOutput {
    const tags = this.tagsOf(this.resource(requireString(input, 'ResourceArn')));
    const added = objectList(input, 'Tags').map((tag) => ({
      Key: String(tag.Key),
      Value: String(tag.Value ?? ''),
    }));
    // A key given again replaces its value, as AddTags documents.
    for (const tag of added) tags.set(tag.Key, tag.Value);
    return { Tags: added };
  }

  list(input: Input): ListTagsOutput {
    const tags = this.tagsOf(this.resource(requireString(input, 'ResourceArn')));
    const list: Tag[] = [...tags].map(([Key, Value]) => ({ Key, Value }));
    // SageMaker keeps at most 50 tags per resource and MaxResults is at least 50: one page holds them all.
    return { Tags: list };
  }

  /** The tags of the resource an ARN names, as a key-value map (empty when there is none). */
  mapOf(arn: string): Record<string, string> {
    const resource = this.resourceByArn(arn);
    return resource ? Object.fromEntries(this.tagsOf(resource)) : {};
  }

  private resource(arn: string): object {
    const resource = this.resourceByArn(arn);
    // SageMaker answers a tag call on a resource that does not exist with ValidationException.
    if (!resource) throw validationError(`Resource ${arn} not found.`);
    return resource;
  }

  private tagsOf(resource: object): Map<string, string> {
    let tags = this.byResource.get(resource);
    if (!tags) {
      tags = new Map();
      this.byResource.set(resource, tags);
    }
    return tags;
  }
}
