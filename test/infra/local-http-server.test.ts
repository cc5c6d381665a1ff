/**
 * The stand-ins' server (support/local-http-server.ts): it answers on a free
 * local port with the request's whole body, a handler's failure ends the
 * answer instead of leaving it open, and closing it ends every open
 * connection, one mid-request included, so a test never hangs on its stop.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { listenLocally } from './support/local-http-server';

/** Resolves with `value` after `ms`. */
const resolveAfter = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

/** POSTs `body` to `url`; resolves with the answer's status and body, or the error that ended it. */
function post(url: string, body: string): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      res.on('error', (error) => resolve({ error: error.message }));
    });
    req.on('error', (error) => resolve({ error: error.message }));
    req.end(body);
  });
}

describe('a local stand-in server', () => {
  it('listens on 127.0.0.1 on a free port and hands the handler the whole body', async () => {
    const server = await listenLocally((req, body, res) => {
      res.writeHead(200).end(`${req.method} ${req.url} ${body.toString()}`);
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await post(`${server.url}/path`, 'x'.repeat(100_000))).toEqual({
        status: 200,
        body: `POST /path ${'x'.repeat(100_000)}`,
      });
    } finally {
      await server.close();
    }
  });

  it('ends the answer when the handler fails, synchronously or not', async () => {
    const server = await listenLocally(async (req) => {
      if (req.url === '/sync') throw new Error('boom');
      await resolveAfter(1, undefined);
      throw new Error('later');
    });
    const answered = (path: string) =>
      Promise.race([post(`${server.url}${path}`, ''), resolveAfter(2_000, 'no end')]);
    try {
      expect(await answered('/sync')).toEqual({ error: expect.any(String) });
      expect(await answered('/async')).toEqual({ error: expect.any(String) });
    } finally {
      await server.close();
    }
  });

  it('closes with a request still unanswered: the connection is ended, the close does not wait for it', async () => {
    let received!: () => void;
    const arrived = new Promise<void>((resolve) => (received = resolve));
    const server = await listenLocally(() => received()); // never answers
    const pending = post(server.url, 'hello');
    await arrived;

    const closed = await Promise.race([
      server.close().then(() => 'closed'),
      resolveAfter(2_000, 'still open'),
    ]);

    expect(closed).toBe('closed');
    expect(await pending).toEqual({ error: expect.any(String) });
  });
});
