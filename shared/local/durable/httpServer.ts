import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { DurableHttpHandler } from './httpApi';

export interface ListeningServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Serves `handler` on 127.0.0.1 with an ephemeral port (0 by default), so that parallel tests
 * never collide. Unknown paths get a 404.
 */
export async function listenDurableHttpApi(handler: DurableHttpHandler, port = 0): Promise<ListeningServer> {
  const server: Server = createServer((request, response) => {
    handler(request, response)
      .then((handled) => {
        if (!handled) {
          response.writeHead(404, { 'Content-Type': 'application/json' });
          response.end(JSON.stringify({ code: 'NotFound', message: 'not a Durable HTTP API path' }));
        }
      })
      .catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ code: 'InternalError', message: String(error) }));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
