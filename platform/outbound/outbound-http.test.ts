import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki } from '../../test/support/certificates.ts';
import { createOutboundHttp, OutboundError } from './index.ts';
import type { OutboundHttpOptions, ResolveHost } from './index.ts';

interface Seen {
  readonly path: string;
  readonly method: string;
  readonly host: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly localAddress: string | undefined;
  readonly body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A real HTTP server on loopback that records every request it receives. */
async function startServer(
  routes: Readonly<Record<string, Handler>>,
  host = '127.0.0.1',
  port = 0,
): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      seen.push({
        path,
        method: req.method ?? '',
        host: req.headers.host,
        headers: req.headers,
        localAddress: req.socket.localAddress,
        body,
      });
      const handler = routes[path];
      if (handler === undefined) res.writeHead(404).end('no route');
      else handler(req, res, body);
    });
  });
  server.listen(port, host);
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, seen };
}

const stop = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => {
      resolve();
    });
  });

const redirect =
  (status: number, location: string): Handler =>
  (_req, res) => {
    res.writeHead(status, { location }).end();
  };

async function refusal(promise: Promise<unknown>): Promise<OutboundError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof OutboundError) return err;
    throw err;
  }
  throw new Error('expected an OutboundError');
}

const fixedResolver =
  (answers: Readonly<Record<string, readonly string[]>>): ResolveHost =>
  (host) => {
    const found = answers[host];
    return found === undefined
      ? Promise.reject(Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' }))
      : Promise.resolve(found);
  };

describe('refused destinations', () => {
  // Plain http and any port allowed, so that only the address decides.
  const http = createOutboundHttp({ allowHttp: true, allowedPorts: [8080] });

  it.each([
    ['http://127.0.0.1/', '127.0.0.1', 'loopback'],
    ['http://2130706433/', '127.0.0.1', 'loopback'],
    ['http://0177.0.0.1/', '127.0.0.1', 'loopback'],
    ['http://0x7f.1/', '127.0.0.1', 'loopback'],
    ['http://0x7f000001/', '127.0.0.1', 'loopback'],
    ['http://017700000001/', '127.0.0.1', 'loopback'],
    ['http://127.1/', '127.0.0.1', 'loopback'],
    ['http://①②⑦.0.0.1/', '127.0.0.1', 'loopback'],
    ['http://0/', '0.0.0.0', 'unspecified'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', 'cloud metadata'],
    ['http://0xa9fea9fe/', '169.254.169.254', 'cloud metadata'],
    ['http://10.0.0.1:8080/', '10.0.0.1', 'private'],
    ['http://192.168.0.1/', '192.168.0.1', 'private'],
    ['http://100.100.100.200/', '100.100.100.200', 'CGNAT'],
    ['http://[::1]/', '::1', 'loopback'],
    ['http://[::]/', '::', 'unspecified'],
    ['http://[fe80::1]/', 'fe80::1', 'link-local'],
    ['http://[fd00:ec2::254]/', 'fd00:ec2::254', 'unique local'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1', 'IPv4-mapped 127.0.0.1'],
    ['http://[::ffff:a9fe:a9fe]/', '::ffff:a9fe:a9fe', 'IPv4-mapped 169.254.169.254'],
    ['http://[64:ff9b::7f00:1]/', '64:ff9b::7f00:1', 'NAT64 127.0.0.1'],
    ['http://[2002:7f00:1::]/', '2002:7f00:1::', '6to4 127.0.0.1'],
    [
      'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/',
      '2001:0:4136:e378:8000:63bf:80ff:fffe',
      'Teredo',
    ],
    ['http://[ff02::1]/', 'ff02::1', 'multicast'],
    ['http://255.255.255.255/', '255.255.255.255', 'broadcast'],
  ])('refuses %s (normalised to %s: %s)', async (url, address, reason) => {
    const err = await refusal(http.assertAllowedUrl(url));
    expect(err.code).toBe('OUTBOUND_DESTINATION_REFUSED');
    expect(err.kind).toBe('forbidden');
    expect(err.details).toMatchObject({ address });
    expect(err.message).toContain(reason);
  });

  it('names the host in messages but never the path or query string', async () => {
    const err = await refusal(
      http.request('http://127.0.0.1/services/T0/B0/s3cr3tpath?token=hunter2', {
        headers: { authorization: 'Bearer topsecret' },
        body: 'secret body',
        method: 'POST',
      }),
    );
    expect(err.message).toContain('http://127.0.0.1');
    for (const secret of ['s3cr3tpath', 'hunter2', 'topsecret', 'secret body'])
      expect(JSON.stringify({ m: err.message, d: err.details })).not.toContain(secret);
  });

  it('refuses names that resolve to loopback unless the range is allowed', async () => {
    const err = await refusal(http.assertAllowedUrl('http://localhost/'));
    expect(err.code).toBe('OUTBOUND_DESTINATION_REFUSED');
    expect(err.message).toContain('localhost resolves to an address in a refused range: loopback');
    // localhost may resolve to ::1 as well on other machines: allow both loopbacks.
    const allowed = createOutboundHttp({
      allowHttp: true,
      allowPrivateNetworks: ['127.0.0.0/8', '::1/128'],
    });
    await expect(allowed.assertAllowedUrl('http://localhost/')).resolves.toBeUndefined();
  });

  it('refuses a name if any of its addresses is refused', async () => {
    const resolve = fixedResolver({
      'only-v4.test': ['127.0.0.1'],
      'mixed.test': ['127.0.0.1', '::1'],
      'public-and-private.test': ['93.184.215.14', '10.0.0.5'],
    });
    const h = createOutboundHttp({
      allowHttp: true,
      allowPrivateNetworks: ['127.0.0.0/8'],
      resolve,
    });
    await expect(h.assertAllowedUrl('http://only-v4.test/')).resolves.toBeUndefined();
    expect((await refusal(h.assertAllowedUrl('http://mixed.test/'))).details).toMatchObject({
      address: '::1',
    });
    expect(
      (await refusal(h.assertAllowedUrl('http://public-and-private.test/'))).details,
    ).toMatchObject({ address: '10.0.0.5' });
  });

  it('reports resolution failures, empty answers and non-addresses', async () => {
    const resolve: ResolveHost = (host) =>
      host === 'empty.test'
        ? Promise.resolve([])
        : host === 'junk.test'
          ? Promise.resolve(['not-an-address'])
          : Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' }));
    const h = createOutboundHttp({ resolve });
    expect((await refusal(h.assertAllowedUrl('https://missing.test/'))).code).toBe(
      'OUTBOUND_FAILED',
    );
    expect((await refusal(h.assertAllowedUrl('https://empty.test/'))).code).toBe('OUTBOUND_FAILED');
    expect((await refusal(h.assertAllowedUrl('https://junk.test/'))).code).toBe(
      'OUTBOUND_DESTINATION_REFUSED',
    );
  });

  it('applies the host allowlist before resolving', async () => {
    const asked: string[] = [];
    const h = createOutboundHttp({
      allowedHosts: ['*.hooks.test'],
      resolve: (host) => {
        asked.push(host);
        return Promise.resolve(['93.184.215.14']);
      },
    });
    await expect(h.assertAllowedUrl('https://a.hooks.test/x')).resolves.toBeUndefined();
    for (const url of [
      'https://hooks.test/',
      'https://evilhooks.test/',
      'https://a.hooks.test.evil/',
    ])
      expect((await refusal(h.assertAllowedUrl(url))).code).toBe('OUTBOUND_DESTINATION_REFUSED');
    expect(asked).toEqual(['a.hooks.test']);
  });

  it('names the field in issues when asked to', async () => {
    const h = createOutboundHttp();
    const bad = await refusal(h.assertAllowedUrl('ftp://example.com/', { field: 'body.url' }));
    expect(bad).toMatchObject({ code: 'OUTBOUND_URL_INVALID', kind: 'invalid' });
    expect(bad.issues).toEqual([{ path: 'body.url', message: 'must use http or https' }]);
    const refused = await refusal(h.assertAllowedUrl('https://127.0.0.1/', { field: 'body.url' }));
    expect(refused.code).toBe('OUTBOUND_DESTINATION_REFUSED');
    expect(refused.issues[0]?.path).toBe('body.url');
  });

  it('refuses bad options, methods and client-owned headers', async () => {
    for (const options of [
      { timeoutMs: 0 },
      { maxResponseBytes: -1 },
      { maxRedirects: 1.5 },
      { allowedPorts: [70_000] },
      { allowPrivateNetworks: ['10.0.0.0/40'] },
      { allowedHosts: ['*'] },
    ] satisfies OutboundHttpOptions[])
      expect(() => createOutboundHttp(options)).toThrow(
        expect.objectContaining({ code: 'OUTBOUND_POLICY_INVALID' }),
      );
    const h = createOutboundHttp();
    for (const init of [
      { method: 'TRACE' },
      { method: 'CONNECT' },
      { headers: { Host: 'internal.example' } },
      { headers: { 'Transfer-Encoding': 'chunked' } },
      { headers: { 'Proxy-Authorization': 'x' } },
      { headers: { 'x-token': 'a\r\nInjected: 1' } },
      { headers: { 'bad header': 'x' } },
    ])
      expect((await refusal(h.request('https://example.com/', init))).code).toBe(
        'OUTBOUND_REQUEST_INVALID',
      );
    expect((await refusal(h.request('https://user:pw@example.com/'))).code).toBe(
      'OUTBOUND_URL_INVALID',
    );
  });
});

describe('requests to a real loopback server', () => {
  let srv: Awaited<ReturnType<typeof startServer>>;
  let base: string;
  let policy: OutboundHttpOptions;
  const endlessClosed = Promise.withResolvers<undefined>();

  beforeAll(async () => {
    srv = await startServer({
      '/hello': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'x-multi': ['a', 'b'] }).end('hello');
      },
      '/echo': (req, res, body) => {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ method: req.method, body, headers: req.headers }));
      },
      '/to-metadata': redirect(302, 'http://169.254.169.254/latest/meta-data/iam/'),
      '/to-decimal-loopback': (_req, res) => {
        res.writeHead(302, { location: `http://2130706434:${srv.port}/hello` }).end();
      },
      '/to-ipv6-loopback': redirect(301, `http://[::1]/`),
      '/to-other-loopback': (_req, res) => {
        res.writeHead(307, { location: `http://127.0.0.2:${srv.port}/hello` }).end();
      },
      '/to-file': redirect(302, 'file:///etc/passwd'),
      '/to-userinfo': redirect(302, 'http://user:pw@example.com/'),
      '/r/4': redirect(302, '/r/3'),
      '/r/3': redirect(302, '/r/2'),
      '/r/2': redirect(302, '/r/1#ignored'),
      '/r/1': redirect(302, '/r/0'),
      '/r/0': (_req, res) => {
        res.end('done');
      },
      '/loop': redirect(302, '/loop'),
      '/see-other': redirect(303, '/echo'),
      '/temporary': redirect(307, '/echo'),
      '/found': redirect(302, '/echo'),
      '/cross-origin': (_req, res) => {
        res.writeHead(307, { location: `http://other-origin.test:${srv.port}/echo` }).end();
      },
      '/hang': () => {
        // never answers
      },
      '/hang-body': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
      },
      '/big-declared': (_req, res) => {
        res.writeHead(200, { 'content-length': '2000' }).end('x'.repeat(2000));
      },
      '/exactly-limit': (_req, res) => {
        res.end('y'.repeat(1000));
      },
      '/endless': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const timer = setInterval(() => res.write(Buffer.alloc(256, 1)), 1);
        res.on('close', () => {
          clearInterval(timer);
          endlessClosed.resolve(undefined);
        });
      },
    });
    base = `http://127.0.0.1:${srv.port}`;
    policy = {
      allowHttp: true,
      allowPrivateNetworks: ['127.0.0.1/32'],
      allowedPorts: [srv.port],
      resolve: fixedResolver({ 'other-origin.test': ['127.0.0.1'] }),
    };
  });
  afterAll(async () => {
    await stop(srv.server);
  });

  const hits = (path: string) => srv.seen.filter((s) => s.path === path).length;

  it('answers when the destination is allowed', async () => {
    const res = await createOutboundHttp(policy).request(`${base}/hello`);
    expect(res.status).toBe(200);
    expect(res.text()).toBe('hello');
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.headers['x-multi']).toBe('a, b');
    expect(res.redirects).toBe(0);
    expect(res.url).toBe(`${base}/hello`);
  });

  it('sends method, headers and body, with a default user agent', async () => {
    const res = await createOutboundHttp(policy).request(`${base}/echo`, {
      method: 'post',
      headers: { 'Content-Type': 'application/json', 'X-Api-Key': 'k' },
      body: '{"a":1}',
    });
    const echoed = JSON.parse(res.text()) as {
      method: string;
      body: string;
      headers: Record<string, string>;
    };
    expect(echoed.method).toBe('POST');
    expect(echoed.body).toBe('{"a":1}');
    expect(echoed.headers['x-api-key']).toBe('k');
    expect(echoed.headers['user-agent']).toBe('ClayTom-SecOps');
    expect(echoed.headers.host).toBe(`127.0.0.1:${srv.port}`);
  });

  it('refuses before connecting: https only, port policy, private ranges', async () => {
    const before = hits('/hello');
    const cases: [OutboundHttpOptions, string][] = [
      [{ allowPrivateNetworks: ['127.0.0.1/32'], allowedPorts: [srv.port] }, 'plain http'],
      [{ allowHttp: true, allowPrivateNetworks: ['127.0.0.1/32'] }, `port ${srv.port}`],
      [{ allowHttp: true, allowedPorts: [srv.port] }, 'loopback'],
    ];
    for (const [options, reason] of cases) {
      const err = await refusal(createOutboundHttp(options).request(`${base}/hello`));
      expect(err.code).toBe('OUTBOUND_DESTINATION_REFUSED');
      expect(err.message).toContain(reason);
    }
    expect(hits('/hello')).toBe(before);
  });

  it.each([
    ['/to-metadata', 'cloud metadata'],
    ['/to-decimal-loopback', 'loopback'],
    ['/to-ipv6-loopback', 'loopback'],
    ['/to-other-loopback', 'loopback'],
    ['/to-file', 'http or https'],
    ['/to-userinfo', 'credentials'],
  ])('refuses a redirect from %s (%s)', async (path, reason) => {
    const before = hits('/hello');
    const err = await refusal(createOutboundHttp(policy).request(`${base}${path}`));
    expect(err.code).toBe('OUTBOUND_DESTINATION_REFUSED');
    expect(err.message).toMatch(/^redirect 1: /u);
    expect(err.message).toContain(reason);
    expect(hits('/hello')).toBe(before);
  });

  it('follows up to maxRedirects redirects, each checked again', async () => {
    const h = createOutboundHttp(policy);
    const res = await h.request(`${base}/r/3`);
    expect(res.text()).toBe('done');
    expect(res.redirects).toBe(3);
    expect(res.url).toBe(`${base}/r/0`);
    expect((await refusal(h.request(`${base}/r/4`))).code).toBe('OUTBOUND_TOO_MANY_REDIRECTS');
    expect((await refusal(h.request(`${base}/loop`))).code).toBe('OUTBOUND_TOO_MANY_REDIRECTS');
    const none = createOutboundHttp({ ...policy, maxRedirects: 0 });
    expect((await refusal(none.request(`${base}/r/1`))).code).toBe('OUTBOUND_TOO_MANY_REDIRECTS');
  });

  it('turns POST into GET on 302/303, keeps it on 307, and drops secrets across origins', async () => {
    const h = createOutboundHttp(policy);
    const send = async (path: string) =>
      JSON.parse(
        (
          await h.request(`${base}${path}`, {
            method: 'POST',
            headers: { authorization: 'Bearer t', 'x-api-key': 'k', accept: 'application/json' },
            body: 'payload',
          })
        ).text(),
      ) as { method: string; body: string; headers: Record<string, string | undefined> };
    expect(await send('/see-other')).toMatchObject({ method: 'GET', body: '' });
    expect(await send('/found')).toMatchObject({ method: 'GET', body: '' });
    const kept = await send('/temporary');
    expect(kept).toMatchObject({ method: 'POST', body: 'payload' });
    expect(kept.headers.authorization).toBe('Bearer t');
    const crossed = await send('/cross-origin');
    expect(crossed).toMatchObject({ method: 'POST', body: 'payload' });
    expect(crossed.headers.host).toBe(`other-origin.test:${srv.port}`);
    expect(crossed.headers.authorization).toBeUndefined();
    expect(crossed.headers['x-api-key']).toBeUndefined();
    expect(crossed.headers.accept).toBe('application/json');
  });

  it('times out on a server that does not answer, or stops sending the body', async () => {
    const h = createOutboundHttp({ ...policy, timeoutMs: 300 });
    const silent = await refusal(h.request(`${base}/hang`));
    expect(silent).toMatchObject({ code: 'OUTBOUND_TIMEOUT', kind: 'unavailable' });
    expect(silent.message).toContain(`http://127.0.0.1:${srv.port}`);
    expect((await refusal(h.request(`${base}/hang-body`))).code).toBe('OUTBOUND_TIMEOUT');
  });

  it('stops reading at maxResponseBytes and aborts the stream', async () => {
    const h = createOutboundHttp({ ...policy, maxResponseBytes: 1000 });
    expect((await h.request(`${base}/exactly-limit`)).body.length).toBe(1000);
    const head = await h.request(`${base}/big-declared`, { method: 'HEAD' });
    expect(head).toMatchObject({ status: 200, headers: { 'content-length': '2000' } });
    expect(head.body.length).toBe(0);
    expect(await refusal(h.request(`${base}/big-declared`))).toMatchObject({
      code: 'OUTBOUND_TOO_LARGE',
      kind: 'too_large',
    });
    expect((await refusal(h.request(`${base}/endless`))).code).toBe('OUTBOUND_TOO_LARGE');
    // The server sees the connection go: the endless body is not drained in the background.
    await endlessClosed.promise;
  });

  it('lets the caller abort', async () => {
    const controller = new AbortController();
    const pending = createOutboundHttp(policy).request(`${base}/hang`, {
      signal: controller.signal,
    });
    setTimeout(() => {
      controller.abort();
    }, 50);
    const err = await refusal(pending);
    expect(err.code).toBe('OUTBOUND_FAILED');
    expect(err.message).toContain('aborted');
  });

  it('reports a refused connection as OUTBOUND_FAILED', async () => {
    const closed = await startServer({});
    const port = closed.port;
    await stop(closed.server);
    const err = await refusal(
      createOutboundHttp({ ...policy, allowedPorts: [port] }).request(`http://127.0.0.1:${port}/`),
    );
    expect(err).toMatchObject({ code: 'OUTBOUND_FAILED', details: { code: 'ECONNREFUSED' } });
  });
});

describe('DNS pinning', () => {
  let publicSrv: Awaited<ReturnType<typeof startServer>>;
  let internalSrv: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    // 127.0.0.1 stands for the vetted public address, 127.0.0.2 for an internal service on the
    // same port that a rebinding DNS answer would like to reach.
    const who =
      (name: string): Handler =>
      (req, res) => {
        res.end(
          JSON.stringify({ server: name, host: req.headers.host, local: req.socket.localAddress }),
        );
      };
    publicSrv = await startServer({ '/whoami': who('public'), '/again': redirect(302, '/whoami') });
    internalSrv = await startServer({ '/whoami': who('internal') }, '127.0.0.2', publicSrv.port);
  });
  afterAll(async () => {
    await stop(publicSrv.server);
    await stop(internalSrv.server);
  });

  const rebinding = () => {
    const calls: string[] = [];
    const resolve: ResolveHost = (host) => {
      calls.push(host);
      return Promise.resolve(calls.length === 1 ? ['127.0.0.1'] : ['127.0.0.2']);
    };
    return { calls, resolve };
  };

  const options = (resolve: ResolveHost): OutboundHttpOptions => ({
    allowHttp: true,
    allowPrivateNetworks: ['127.0.0.1/32'],
    allowedPorts: [publicSrv.port],
    resolve,
  });

  it('connects to the vetted address and keeps the name in the Host header', async () => {
    // `.test` names never resolve in real DNS: an answer proves the pinned address was used.
    const { calls, resolve } = rebinding();
    const res = await createOutboundHttp(options(resolve)).request(
      `http://rebind.test:${publicSrv.port}/whoami`,
    );
    expect(JSON.parse(res.text())).toEqual({
      server: 'public',
      host: `rebind.test:${publicSrv.port}`,
      local: '127.0.0.1',
    });
    expect(calls).toEqual(['rebind.test']);
    expect(internalSrv.seen).toHaveLength(0);
  });

  it('never reaches the rebinding answer: the next resolution is vetted again and refused', async () => {
    const { calls, resolve } = rebinding();
    const h = createOutboundHttp(options(resolve));
    await h.request(`http://rebind.test:${publicSrv.port}/whoami`);
    const err = await refusal(h.request(`http://rebind.test:${publicSrv.port}/whoami`));
    expect(err.code).toBe('OUTBOUND_DESTINATION_REFUSED');
    expect(err.details).toMatchObject({ address: '127.0.0.2' });
    expect(calls).toHaveLength(2);
    expect(internalSrv.seen).toHaveLength(0);
  });

  it('vets a redirect to the same name again', async () => {
    const { resolve } = rebinding();
    const err = await refusal(
      createOutboundHttp(options(resolve)).request(`http://rebind.test:${publicSrv.port}/again`),
    );
    expect(err.code).toBe('OUTBOUND_DESTINATION_REFUSED');
    expect(err.message).toMatch(/^redirect 1: /u);
    expect(internalSrv.seen).toHaveLength(0);
  });
});

describe('TLS to a pinned address', () => {
  let pki: Awaited<ReturnType<typeof createTestPki>>;
  let server: Server;
  let port: number;
  const sni: (string | undefined)[] = [];

  beforeAll(async () => {
    pki = await createTestPki();
    // The certificate names localhost and 127.0.0.1 only.
    server = createTlsServer(
      {
        cert: pki.server.cert,
        key: pki.server.key,
        SNICallback: (servername, cb) => {
          sni.push(servername);
          cb(null);
        },
      },
      (req, res) => {
        if (req.url === '/downgrade') res.writeHead(302, { location: 'http://localhost/' }).end();
        else res.end('tls ok');
      },
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await stop(server);
  });

  const tls = (extra: Partial<OutboundHttpOptions> = {}) =>
    createOutboundHttp({
      allowPrivateNetworks: ['127.0.0.1/32'],
      allowedPorts: [port],
      extraCaCertificates: [pki.ca],
      resolve: fixedResolver({ localhost: ['127.0.0.1'], 'wrong-name.test': ['127.0.0.1'] }),
      ...extra,
    });

  it('sends SNI and verifies the certificate against the name, not the pinned address', async () => {
    const res = await tls().request(`https://localhost:${port}/`);
    expect(res.text()).toBe('tls ok');
    expect(sni.at(-1)).toBe('localhost');
    // The certificate is valid for 127.0.0.1, where the connection goes, but not for this name.
    const err = await refusal(tls().request(`https://wrong-name.test:${port}/`));
    expect(err).toMatchObject({
      code: 'OUTBOUND_FAILED',
      details: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    });
    expect(sni.at(-1)).toBe('wrong-name.test');
  });

  it('trusts only the default roots unless told otherwise', async () => {
    const rest: OutboundHttpOptions = {
      allowPrivateNetworks: ['127.0.0.1/32'],
      allowedPorts: [port],
      resolve: fixedResolver({ localhost: ['127.0.0.1'] }),
    };
    const err = await refusal(createOutboundHttp(rest).request(`https://localhost:${port}/`));
    expect(err.code).toBe('OUTBOUND_FAILED');
  });

  it('refuses a redirect from https down to plain http', async () => {
    const err = await refusal(tls().request(`https://localhost:${port}/downgrade`));
    expect(err.code).toBe('OUTBOUND_DESTINATION_REFUSED');
    expect(err.message).toContain('plain http');
  });
});
