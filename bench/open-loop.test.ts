// The open-loop generator against real node:http servers on loopback. Bounds are loose on
// purpose: they prove the logic (schedule, coordinated-omission correction, error accounting),
// never speed.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { getRequest, ingestRequest, runOpenLoop } from './open-loop.ts';

const servers: Server[] = [];

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<string> {
  const server = createServer({ keepAliveTimeout: 60_000 }, handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runOpenLoop', () => {
  it('offers the configured rate and measures at least the server delay', async () => {
    const url = await serve((_req, res) => {
      setTimeout(() => res.end('{"ok":true}'), 20);
    });
    const r = await runOpenLoop({
      url,
      connections: 10,
      rate: 200,
      seconds: 2,
      warmupSeconds: 0.5,
      request: getRequest('/', { Authorization: 'Bearer t' }),
    });
    expect(r.connected).toBe(10);
    expect(Math.abs(r.scheduled - 400)).toBeLessThanOrEqual(1);
    expect(r.completed).toBe(r.scheduled);
    expect(r.latency.count).toBe(r.scheduled);
    expect(r.errors.total).toBe(0);
    expect(r.achievedRate).toBeGreaterThan(100);
    expect(r.achievedRate).toBeLessThanOrEqual(200 * 1.05);
    expect(r.latency.p50).toBeGreaterThanOrEqual(19);
    expect(r.latency.p99).toBeGreaterThanOrEqual(r.latency.p50);
  });

  it('charges a stall to every request scheduled during it, not only the few sent', async () => {
    // Answers at once, except that once, 1.5 s into the run, it holds every response for 500 ms.
    let first = 0;
    let stallUntil = 0;
    let receivedDuringStall = 0;
    const url = await serve((_req, res) => {
      const now = Date.now();
      first ||= now;
      if (stallUntil === 0 && now - first >= 1500) stallUntil = now + 500;
      if (now < stallUntil) {
        receivedDuringStall++;
        setTimeout(() => res.end('ok'), stallUntil - now);
      } else {
        res.end('ok');
      }
    });
    const r = await runOpenLoop({
      url,
      connections: 5,
      rate: 200,
      seconds: 3,
      warmupSeconds: 0.5,
      request: getRequest('/'),
    });
    expect(stallUntil).toBeGreaterThan(0);
    // One request in flight per connection: the server saw at most 5 during the stall…
    expect(receivedDuringStall).toBeLessThanOrEqual(5);
    expect(r.completed).toBe(r.scheduled);
    expect(r.errors.total).toBe(0);
    // …yet ~100 of the ~600 requests were due during it, and each counts from when it was due:
    // measured from the send, only those 5 (< 1 %) would be slow and p99 would not move.
    expect(r.latency.p99).toBeGreaterThanOrEqual(250);
    expect(r.maxBacklog).toBeGreaterThan(5);
  });

  it('counts non-2xx responses as errors', async () => {
    const url = await serve((_req, res) => {
      res.statusCode = 500;
      res.end('{"error":"boom"}');
    });
    const r = await runOpenLoop({
      url,
      connections: 4,
      rate: 100,
      seconds: 1,
      warmupSeconds: 0.2,
      request: getRequest('/'),
    });
    expect(r.completed).toBe(r.scheduled);
    expect(r.errors.non2xx).toBe(r.scheduled);
    expect(r.errors.total).toBe(r.scheduled);
  });

  it('counts a connection closed mid-request as an error, and reconnects', async () => {
    const url = await serve((req) => {
      req.socket.destroy();
    });
    const r = await runOpenLoop({
      url,
      connections: 4,
      rate: 50,
      seconds: 1,
      warmupSeconds: 0.2,
      timeoutMs: 2_000,
      request: getRequest('/'),
    });
    expect(r.scheduled).toBeGreaterThan(0);
    expect(r.completed).toBe(0);
    expect(r.errors.socket).toBeGreaterThan(0);
    expect(r.errors.socket + r.errors.timeout).toBe(r.scheduled);
  });

  it('does not count a server closing the connection after a complete response', async () => {
    const url = await serve((_req, res) => {
      res.setHeader('Connection', 'close');
      res.end('bye');
    });
    const r = await runOpenLoop({
      url,
      connections: 4,
      rate: 50,
      seconds: 1,
      warmupSeconds: 0.2,
      request: getRequest('/'),
    });
    expect(r.completed).toBe(r.scheduled);
    expect(r.errors.total).toBe(0);
  });

  it('counts requests never answered as timeouts, with their latency as a lower bound', async () => {
    const url = await serve(() => undefined);
    const r = await runOpenLoop({
      url,
      connections: 2,
      rate: 20,
      seconds: 1,
      warmupSeconds: 0.2,
      timeoutMs: 300,
      request: getRequest('/'),
    });
    expect(r.completed).toBe(0);
    expect(r.errors.timeout).toBe(r.scheduled);
    expect(r.latency.count).toBe(r.scheduled);
    expect(r.latency.p50).toBeGreaterThanOrEqual(300);
  });

  it('counts connections that cannot be opened as connect errors', async () => {
    const url = await serve(() => undefined);
    for (const server of servers.splice(0)) {
      await new Promise((resolve) => server.close(resolve)); // the port is now refused
    }
    const r = await runOpenLoop({
      url,
      connections: 3,
      rate: 10,
      seconds: 0.3,
      warmupSeconds: 0,
      timeoutMs: 200,
      connectAttempts: 2,
      request: getRequest('/'),
    });
    expect(r.connected).toBe(0);
    expect(r.errors.connect).toBe(3);
  });

  it('sends ingest requests with 10 NDJSON lines, unique per request', async () => {
    const messages = new Set<string>();
    let requests = 0;
    let lines = 0;
    const headers = new Set<string>();
    const url = await serve((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        requests++;
        for (const line of body.split('\n')) {
          lines++;
          messages.add((JSON.parse(line) as { message: string }).message);
        }
        headers.add(`${req.headers.authorization ?? ''} ${req.headers['content-type'] ?? ''}`);
        res.end('{"created":10}');
      });
    });
    const r = await runOpenLoop({
      url,
      connections: 4,
      rate: 100,
      seconds: 1,
      warmupSeconds: 0.2,
      processes: 2,
      request: ingestRequest('sct_test'),
    });
    await sleep(50);
    expect(r.errors.total).toBe(0);
    expect(requests).toBeGreaterThanOrEqual(r.scheduled);
    expect(lines).toBe(requests * 10);
    expect(messages.size).toBe(lines);
    expect([...headers]).toEqual(['Bearer sct_test application/x-ndjson']);
  });
});
