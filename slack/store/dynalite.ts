// An in-process DynamoDB (dynalite, a dev dependency) for tests and local runs: the DynamoDB store's real
// wire protocol on 127.0.0.1, without an AWS account. dynalite has no TTL, so expiry rests on the store's reads.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface LocalDynamoDb {
  /** http://127.0.0.1:<port>, e.g. for AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint: string;
  /** A client for it, with dummy credentials. */
  client: DynamoDBClient;
  close(): Promise<void>;
}

type Dynalite = (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;

export async function startDynalite(region = 'us-east-1'): Promise<LocalDynamoDb> {
  // Loaded on demand: it is a dev dependency, and ships no types.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as Dynalite;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    client,
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
