import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server as TcpServer, Socket } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretsError } from '../../secrets-errors.ts';
import { startLocalKv2Server } from './local-kv2-server.ts';
import type { LocalKv2Server } from './local-kv2-server.ts';
import { createVaultSecretStore } from './vault-secret-store.ts';

const failure = async (p: Promise<unknown>): Promise<SecretsError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SecretsError);
  return err as SecretsError;
};

const everything = (err: unknown): string =>
  `${String(err)}\n${JSON.stringify(err)}\n${inspect(err, { depth: 8 })}`;

describe('vault adapter: failures map to typed errors', () => {
  let server: LocalKv2Server;
  beforeAll(async () => {
    server = await startLocalKv2Server({ namespaces: ['team-a'] });
  });
  afterAll(() => server.close());

  const storeWith = (token: string, extra: { namespace?: string } = {}) =>
    createVaultSecretStore({ address: server.address, auth: { method: 'token', token }, ...extra });

  it('maps a refused connection to SECRET_UNAVAILABLE', async () => {
    const gone = await startLocalKv2Server();
    const address = gone.address;
    await gone.close();
    const store = createVaultSecretStore({ address, auth: { method: 'token', token: 'x' } });
    expect((await failure(store.get('t', 'p'))).code).toBe('SECRET_UNAVAILABLE');
    expect((await store.health()).ok).toBe(false);
  });

  it('maps a server that never answers to SECRET_UNAVAILABLE after the timeout', async () => {
    const sockets: Socket[] = [];
    const silent: TcpServer = createTcpServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const store = createVaultSecretStore({
      address: `http://127.0.0.1:${port}`,
      auth: { method: 'token', token: 'x' },
      timeoutMs: 150,
    });
    const err = await failure(store.put('t', 'p', { password: 'hunter2' }));
    expect(err.code).toBe('SECRET_UNAVAILABLE');
    expect(err.message).toContain('did not answer');
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('maps a sealed Vault to SECRET_UNAVAILABLE and an unhealthy status', async () => {
    const store = storeWith(server.rootToken);
    expect((await store.health()).ok).toBe(true);
    server.sealed = true;
    try {
      expect((await failure(store.get('t', 'p'))).code).toBe('SECRET_UNAVAILABLE');
      const health = await store.health();
      expect(health.ok).toBe(false);
      expect(health.detail).toContain('sealed');
    } finally {
      server.sealed = false;
    }
  });

  it('maps a bad token or a policy denial to SECRET_BACKEND_FORBIDDEN, never showing the token', async () => {
    const bogus = `hvs.${randomBytes(12).toString('hex')}`;
    const err = await failure(storeWith(bogus).get('t', 'p'));
    expect(err.code).toBe('SECRET_BACKEND_FORBIDDEN');
    expect(everything(err)).not.toContain(bogus);
    const limited = server.issueToken({ paths: ['secret/data/other/'] });
    const denied = await failure(storeWith(limited).put('t', 'p', { v: 'x' }));
    expect(denied.code).toBe('SECRET_BACKEND_FORBIDDEN');
    expect(everything(denied)).not.toContain(limited);
    await storeWith(limited).put('other', 'p', { v: 'allowed' });
  });

  it('keeps namespaces apart through X-Vault-Namespace', async () => {
    const inTeam = storeWith(server.rootToken, { namespace: 'team-a' });
    const inRoot = storeWith(server.rootToken);
    await inTeam.put('t', 'ns/secret', { v: 'team' });
    expect((await failure(inRoot.get('t', 'ns/secret'))).code).toBe('SECRET_NOT_FOUND');
    expect(await inRoot.list('t', 'ns')).toEqual([]);
    expect((await inTeam.get('t', 'ns/secret')).value).toEqual({ v: 'team' });
    expect(server.requests.some((r) => r.namespace === 'team-a')).toBe(true);
  });
});

describe('vault adapter: a misbehaving Vault never makes values leak', () => {
  let echo: Server;
  let address: string;
  beforeAll(async () => {
    // Answers every write by echoing the request body inside Vault's error shape.
    echo = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = req.url?.includes('/boom/') === true ? 500 : 400;
        const text = JSON.stringify({
          errors: [`cannot store ${Buffer.concat(chunks).toString()}`],
        });
        res.writeHead(status, { 'content-type': 'application/json' }).end(text);
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    address = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

  it('drops Vault error text from failed writes', async () => {
    const store = createVaultSecretStore({ address, auth: { method: 'token', token: 't' } });
    const secret = `pw-${randomBytes(8).toString('hex')}`;
    for (const path of ['plain', 'boom/x']) {
      const err = await failure(store.put('t', path, { password: secret }));
      expect(err.code).toBe('SECRET_BACKEND_ERROR');
      expect(everything(err)).not.toContain(secret);
    }
  });

  it('keeps Vault error text for requests without values, as a diagnostic', async () => {
    const store = createVaultSecretStore({ address, auth: { method: 'token', token: 't' } });
    const err = await failure(store.get('t', 'boom/y'));
    expect(err.code).toBe('SECRET_BACKEND_ERROR');
    expect(err.details.vaultErrors).toEqual([expect.stringContaining('cannot store')]);
  });
});
