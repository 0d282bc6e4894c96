// Start claims in a DynamoDB table, shared by every Lambda container: one conditional PutItem takes a claim.
// Items: pk "start#<key>", holder, claimedAt and until (epoch ms), expiresAt (epoch s, the table's TTL, which
// deletes late: conditions read `until`, never rely on the item being gone). The table itself: claims-table.ts
// (tests, local runs) and infra/start-claims.ts (deployed).

import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { checkClaimArgs, type ClaimOptions, type ClaimOutcome, type StartClaims } from './start-claims';

export const CLAIMS_TTL_ATTRIBUTE = 'expiresAt';
/** The table's only key: a string partition key. */
export const CLAIMS_KEY_ATTRIBUTE = 'pk';

/** A claim released or expired between our failed put and our read: try again, a few times at most. */
const ATTEMPTS = 3;

type Item = Record<string, AttributeValue>;

export class DynamoDbClaims implements StartClaims {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async claim(key: string, holder: string, ttlMs: number, options: ClaimOptions = {}): Promise<ClaimOutcome> {
    checkClaimArgs(key, holder);
    const { signal } = options;
    for (let attempt = 1; ; attempt++) {
      const now = this.now().getTime();
      if (await this.put(key, holder, now, ttlMs, options)) return { taken: true };
      const { Item: item } = await this.client.send(
        // Consistent: the read must see the write that beat ours.
        new GetItemCommand({ TableName: this.table, Key: keyOf(key), ConsistentRead: true }),
        { abortSignal: signal },
      );
      const until = Number(item?.until?.N);
      if (item?.holder?.S && until > now) {
        return {
          taken: false,
          heldBy: { holder: item.holder.S, claimedAt: new Date(Number(item.claimedAt?.N ?? now)) },
        };
      }
      if (attempt >= ATTEMPTS) throw new Error(`start claim ${key} kept changing`);
    }
  }

  async release(key: string, holder: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: keyOf(key),
          ConditionExpression: '#holder = :holder',
          ExpressionAttributeNames: { '#holder': 'holder' },
          ExpressionAttributeValues: { ':holder': { S: holder } },
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      // Someone else's claim by now (ours ran out and was taken): theirs to keep.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  close(): void {
    this.client.destroy();
  }

  /** The conditional put: free, run out, or already ours. False when another start holds the claim. */
  private async put(
    key: string,
    holder: string,
    now: number,
    ttlMs: number,
    { replacing, signal }: ClaimOptions,
  ): Promise<boolean> {
    const until = now + ttlMs;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            ...keyOf(key),
            holder: { S: holder },
            claimedAt: { N: String(now) },
            until: { N: String(until) },
            [CLAIMS_TTL_ATTRIBUTE]: { N: String(Math.ceil(until / 1000)) },
          },
          ConditionExpression:
            'attribute_not_exists(#pk) OR #until <= :now OR #holder = :holder' +
            (replacing === undefined ? '' : ' OR #holder = :replacing'),
          ExpressionAttributeNames: { '#pk': CLAIMS_KEY_ATTRIBUTE, '#until': 'until', '#holder': 'holder' },
          ExpressionAttributeValues: {
            ':now': { N: String(now) },
            ':holder': { S: holder },
            ...(replacing === undefined ? {} : { ':replacing': { S: replacing } }),
          },
        }),
        { abortSignal: signal },
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function keyOf(key: string): Item {
  return { [CLAIMS_KEY_ATTRIBUTE]: { S: `start#${key}` } };
}
