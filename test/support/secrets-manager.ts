// A local stand-in for Secrets Manager: GetSecretValue over its JSON 1.1 protocol (POST /, x-amz-target
// secretsmanager.GetSecretValue), so an unmodified SecretsManagerClient reaches it through
// AWS_ENDPOINT_URL_SECRETS_MANAGER, in this process or in a Lambda bundle run by plain `node`.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSecretsManager {
  /** http://127.0.0.1:<port>: the value for AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  endpoint: string;
  /** Every request, oldest first: its x-amz-target and the SecretId asked for. */
  asked: { target?: string; secretId?: string }[];
  close(): Promise<void>;
}

export interface FakeSecretsOptions {
  /** Secrets the stand-in takes requests for and never answers: a read must give up on its own. */
  silent?: readonly string[];
}

/**
 * Serves `secrets` by id: an object is returned as its JSON, a string as SecretString verbatim. Any other id
 * or operation gets ResourceNotFoundException.
 */
export async function startFakeSecretsManager(
  secrets: Readonly<Record<string, unknown>>,
  options: FakeSecretsOptions = {},
): Promise<FakeSecretsManager> {
  const asked: FakeSecretsManager['asked'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const { SecretId } = JSON.parse(body || '{}') as { SecretId?: string };
      asked.push({ target, secretId: SecretId });
      if (SecretId !== undefined && options.silent?.includes(SecretId)) return;
      const secret = SecretId === undefined ? undefined : secrets[SecretId];
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target !== 'secretsmanager.GetSecretValue' || secret === undefined) {
        res.statusCode = 400;
        res.end(
          JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find it." }),
        );
        return;
      }
      res.end(
        JSON.stringify({
          ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${SecretId}-AbCdEf`,
          Name: SecretId,
          VersionId: 'v1',
          SecretString: typeof secret === 'string' ? secret : JSON.stringify(secret),
          CreatedDate: 1_700_000_000,
        }),
      );
    });
  });
  await new Promise<void>((resolve, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
