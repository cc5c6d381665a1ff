/**
 * The one way the infra tests' local HTTP stand-ins (the SNS and SES stubs,
 * the recording proxy in front of DynamoDB Local, a scan stub) listen and
 * stop: on 127.0.0.1, port 0 (a free port), each request's body read whole
 * before the stand-in answers it, and a stop that ends every open connection
 * (an SDK's keep-alive socket, a request still unanswered) so a test's
 * `afterAll` never waits on one.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answers one request, its body already read; a thrown error (or rejection) destroys the answer with it. */
export type LocalHandler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void | Promise<void>;

/** A listening local server. */
export interface LocalServer {
  /** Where to point a client: `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Stops listening and ends every open connection; resolves once the server is closed. */
  close(): Promise<void>;
}

/** Starts a server on a free port of 127.0.0.1 that answers each request with `handler`. */
export async function listenLocally(handler: LocalHandler): Promise<LocalServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = async () => handler(req, Buffer.concat(chunks), res);
      answer().catch((error: unknown) => res.destroy(error as Error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // After close(): no new connection is accepted, and the open ones (idle or mid-request) end now.
        server.closeAllConnections();
      }),
  };
}
