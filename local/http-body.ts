// Reading a request body with a size limit: shared by the local AWS wire, the fake Slack API and the fake
// Alexa API. Each says what a body over its limit fails with.

import type { IncomingMessage } from 'node:http';

/** The whole body of `req`; past `maxBytes` it fails with `tooLarge()` and drops the connection. */
export function readBody(req: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise((resolve, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        fail(tooLarge());
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}
