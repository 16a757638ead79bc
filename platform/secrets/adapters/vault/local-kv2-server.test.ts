import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalKv2Server } from './local-kv2-server.ts';
import type { LocalKv2Server } from './local-kv2-server.ts';

/** The value at a path of keys inside a parsed JSON body. */
const at = (json: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], json);

// The local server must answer as Vault documents, or the adapter's tests prove nothing.
describe('local KV v2 server: Vault wire behaviour', () => {
  let server: LocalKv2Server;

  beforeAll(async () => {
    server = await startLocalKv2Server({
      approle: { roleId: 'r', secretId: 's', tokenTtlSeconds: 1200 },
    });
  });
  afterAll(() => server.close());

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    token: string | null = server.rootToken,
  ): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`${server.address}/v1/${path}`, {
      method,
      headers: token === null ? {} : { 'X-Vault-Token': token },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
  };

  it('writes and reads versions with the documented shapes', async () => {
    const w = await call('POST', 'secret/data/wire/a', { data: { foo: 'bar' } });
    expect(w.status).toBe(200);
    expect(at(w.json, 'data')).toEqual({
      created_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      custom_metadata: null,
      deletion_time: '',
      destroyed: false,
      version: 1,
    });
    expect(w.json).toMatchObject({
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      warnings: null,
    });
    await call('PUT', 'secret/data/wire/a', { data: { foo: 'baz' } });
    const r = await call('GET', 'secret/data/wire/a');
    expect(r.status).toBe(200);
    expect(at(r.json, 'data', 'data')).toEqual({ foo: 'baz' });
    expect(at(r.json, 'data', 'metadata')).toMatchObject({
      version: 2,
      deletion_time: '',
      destroyed: false,
    });
    const v1 = await call('GET', 'secret/data/wire/a?version=1');
    expect(at(v1.json, 'data', 'data')).toEqual({ foo: 'bar' });
    expect(await call('GET', 'secret/data/wire/a?version=7')).toEqual({
      status: 404,
      json: { errors: [] },
    });
    expect(await call('GET', 'secret/data/wire/none')).toEqual({
      status: 404,
      json: { errors: [] },
    });
    expect((await call('POST', 'secret/data/wire/a', { nodata: 1 })).json).toEqual({
      errors: ['no data provided'],
    });
    expect((await call('GET', 'secret/data/wire/')).status).toBe(404);
  });

  it('applies check-and-set with Vault messages', async () => {
    await call('POST', 'secret/data/wire/cas', { data: { a: '1' }, options: { cas: 0 } });
    expect(
      await call('POST', 'secret/data/wire/cas', { data: { a: '2' }, options: { cas: 0 } }),
    ).toEqual({
      status: 400,
      json: { errors: ['check-and-set parameter did not match the current version'] },
    });
    await call('POST', 'secret/metadata/wire/cas', { cas_required: true });
    expect((await call('POST', 'secret/data/wire/cas', { data: { a: '3' } })).json).toEqual({
      errors: ['check-and-set parameter required for this call'],
    });
  });

  it('soft-deletes, undeletes and destroys, answering 404 with metadata when gone', async () => {
    await call('POST', 'secret/data/wire/d', { data: { a: '1' } });
    await call('POST', 'secret/data/wire/d', { data: { a: '2' } });
    expect((await call('DELETE', 'secret/data/wire/d')).status).toBe(204);
    const deleted = await call('GET', 'secret/data/wire/d');
    expect(deleted.status).toBe(404);
    expect(at(deleted.json, 'data', 'data')).toBeNull();
    expect(at(deleted.json, 'data', 'metadata', 'deletion_time')).not.toBe('');
    expect((await call('POST', 'secret/undelete/wire/d', { versions: [2] })).status).toBe(204);
    expect((await call('GET', 'secret/data/wire/d')).status).toBe(200);
    expect((await call('POST', 'secret/delete/wire/d', { versions: '1' })).status).toBe(204);
    expect((await call('PUT', 'secret/destroy/wire/d', { versions: [1] })).status).toBe(204);
    const destroyed = await call('GET', 'secret/data/wire/d?version=1');
    expect(destroyed.status).toBe(404);
    expect(at(destroyed.json, 'data', 'metadata')).toMatchObject({ destroyed: true, version: 1 });
    expect((await call('POST', 'secret/delete/wire/d', { versions: [] })).json).toEqual({
      errors: ['No version number provided'],
    });
    expect((await call('PUT', 'secret/destroy/wire/d', {})).json).toEqual({
      errors: ['no version number provided'],
    });
    expect((await call('POST', 'secret/delete/wire/missing', { versions: [1] })).status).toBe(204);
  });

  it('reads and deletes metadata, pruning beyond max_versions', async () => {
    await call('POST', 'secret/metadata/wire/m', {
      max_versions: 2,
      custom_metadata: { owner: 'soc' },
    });
    for (const n of ['1', '2', '3']) await call('POST', 'secret/data/wire/m', { data: { n } });
    const m = await call('GET', 'secret/metadata/wire/m');
    expect(m.status).toBe(200);
    expect(at(m.json, 'data')).toMatchObject({
      current_version: 3,
      oldest_version: 2,
      max_versions: 2,
      cas_required: false,
      delete_version_after: '0s',
      custom_metadata: { owner: 'soc' },
    });
    expect(Object.keys(at(m.json, 'data', 'versions') as object)).toEqual(['2', '3']);
    expect(at(m.json, 'data', 'versions', '3')).toEqual({
      created_time: expect.any(String),
      deletion_time: '',
      destroyed: false,
    });
    expect((await call('DELETE', 'secret/metadata/wire/m')).status).toBe(204);
    expect((await call('GET', 'secret/metadata/wire/m')).status).toBe(404);
  });

  it('lists folders with LIST or GET ?list=true, 404 when empty', async () => {
    for (const p of ['ls/x', 'ls/y/z', 'ls/y/w'])
      await call('POST', `secret/data/${p}`, { data: { a: 'b' } });
    const viaList = await call('LIST', 'secret/metadata/ls');
    const viaGet = await call('GET', 'secret/metadata/ls/?list=true');
    expect(at(viaList.json, 'data')).toEqual({ keys: ['x', 'y/'] });
    expect(at(viaGet.json, 'data')).toEqual(at(viaList.json, 'data'));
    expect(await call('LIST', 'secret/metadata/nothing-here')).toEqual({
      status: 404,
      json: { errors: [] },
    });
  });

  it('authenticates with tokens and AppRole, and reports health', async () => {
    expect(await call('GET', 'secret/data/wire/a', undefined, null)).toEqual({
      status: 403,
      json: { errors: ['permission denied'] },
    });
    expect((await call('GET', 'secret/data/wire/a', undefined, 'hvs.bogus')).status).toBe(403);
    const bad = await call('POST', 'auth/approle/login', { role_id: 'r', secret_id: 'x' }, null);
    expect(bad).toEqual({ status: 400, json: { errors: ['invalid role or secret ID'] } });
    const ok = await call('POST', 'auth/approle/login', { role_id: 'r', secret_id: 's' }, null);
    expect(ok.status).toBe(200);
    expect(at(ok.json, 'auth')).toMatchObject({
      client_token: expect.any(String),
      lease_duration: 1200,
      renewable: true,
      token_type: 'service',
    });
    const token = at(ok.json, 'auth', 'client_token') as string;
    expect((await call('GET', 'secret/data/wire/a', undefined, token)).status).toBe(200);
    const renewed = await call('POST', 'auth/token/renew-self', {}, token);
    expect(at(renewed.json, 'auth', 'lease_duration')).toBe(1200);
    const health = await call('GET', 'sys/health', undefined, null);
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ initialized: true, sealed: false, standby: false });
    server.sealed = true;
    expect((await call('GET', 'sys/health', undefined, null)).status).toBe(503);
    expect(await call('GET', 'secret/data/wire/a')).toEqual({
      status: 503,
      json: { errors: ['Vault is sealed'] },
    });
    server.sealed = false;
  });
});
