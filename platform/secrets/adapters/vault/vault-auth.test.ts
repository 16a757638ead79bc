import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../clock/index.ts';
import { SecretsError } from '../../secrets-errors.ts';
import { startLocalKv2Server } from './local-kv2-server.ts';
import type { LocalKv2Server } from './local-kv2-server.ts';
import { createVaultSecretStore } from './vault-secret-store.ts';

describe('vault adapter: AppRole tokens', () => {
  let server: LocalKv2Server;
  afterEach(() => server.close());

  const setup = async (ttl: number, maxTtl?: number) => {
    const clock = createManualClock();
    server = await startLocalKv2Server({
      clock,
      approle: {
        roleId: 'role',
        secretId: 'the-secret-id',
        tokenTtlSeconds: ttl,
        ...(maxTtl === undefined ? {} : { tokenMaxTtlSeconds: maxTtl }),
      },
    });
    const store = createVaultSecretStore({
      address: server.address,
      auth: { method: 'approle', roleId: 'role', secretId: 'the-secret-id' },
      clock,
    });
    const count = (suffix: string): number =>
      server.requests.filter((r) => r.path.endsWith(suffix)).length;
    return {
      clock,
      store,
      logins: () => count('/approle/login'),
      renewals: () => count('/renew-self'),
    };
  };

  it('logs in once, lazily, even for concurrent first requests', async () => {
    const { store, logins } = await setup(60);
    expect(logins()).toBe(0);
    await Promise.all([1, 2, 3, 4].map((i) => store.put('t', `p${i}`, { v: String(i) })));
    await store.get('t', 'p1');
    expect(logins()).toBe(1);
  });

  it('renews the token once two thirds of its lease have passed', async () => {
    const { clock, store, logins, renewals } = await setup(60);
    await store.put('t', 'p', { v: '1' });
    clock.advance(30_000);
    await store.get('t', 'p');
    expect(renewals()).toBe(0);
    clock.advance(15_000);
    await store.get('t', 'p');
    expect(renewals()).toBe(1);
    clock.advance(45_000); // 90 s after login: alive only thanks to the renewal
    await store.get('t', 'p');
    expect(renewals()).toBe(2);
    expect(logins()).toBe(1);
  });

  it('logs in again when the token expired or reached its max TTL', async () => {
    const { clock, store, logins, renewals } = await setup(60, 60);
    await store.put('t', 'p', { v: '1' });
    clock.advance(45_000);
    await store.get('t', 'p'); // renewed, capped at the 60 s max TTL
    expect(renewals()).toBe(1);
    clock.advance(16_000);
    await store.get('t', 'p');
    expect(logins()).toBe(2);
    clock.advance(3_600_000);
    await store.get('t', 'p');
    expect(logins()).toBe(3);
  });

  it('logs in again and retries once when Vault revoked the token', async () => {
    const { store, logins } = await setup(600);
    await store.put('t', 'p', { v: '1' });
    server.revokeTokens();
    expect((await store.get('t', 'p')).value).toEqual({ v: '1' });
    expect(logins()).toBe(2);
  });

  it('reports a rejected login as SECRET_BACKEND_AUTH_FAILED without the secret id', async () => {
    await setup(60);
    const store = createVaultSecretStore({
      address: server.address,
      auth: { method: 'approle', roleId: 'role', secretId: 'wrong-secret-id-123' },
    });
    const err = await store.get('t', 'p').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretsError);
    expect((err as SecretsError).code).toBe('SECRET_BACKEND_AUTH_FAILED');
    expect(`${String(err)} ${JSON.stringify(err)}`).not.toContain('wrong-secret-id-123');
  });
});
