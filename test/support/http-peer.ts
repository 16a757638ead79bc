import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a peer received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

/** A real HTTP server on loopback that records what it receives (a third party's API). */
export interface HttpPeer {
  readonly url: string;
  readonly port: number;
  readonly received: ReceivedRequest[];
  /** Status codes to answer with, in turn (then 200). */
  readonly answers: number[];
  /** Resolves once `count` requests to paths starting with `prefix` have arrived. */
  waitFor(prefix: string, count?: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startHttpPeer(): Promise<HttpPeer> {
  const received: ReceivedRequest[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        at: Date.now(),
      });
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: status < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${String(port)}`;
  const matching = (prefix: string) => received.filter((r) => r.path.startsWith(prefix));
  return {
    url,
    port,
    received,
    answers,
    async waitFor(prefix, count = 1, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (matching(prefix).length < count) {
        if (Date.now() > deadline)
          throw new Error(
            `peer: ${String(matching(prefix).length)} of ${String(count)} requests to ${prefix} (got ${received.map((r) => r.path).join(', ')})`,
          );
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return matching(prefix);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
