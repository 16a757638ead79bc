import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteRelationalStore, sql } from '../../../storage/index.ts';
import type { RelationalStore } from '../../../storage/index.ts';
import { SecretsError } from '../../secrets-errors.ts';
import { createEmbeddedSecretStore } from './embedded-secret-store.ts';
import type { EmbeddedSecretStore } from './embedded-secret-store.ts';
import type { MasterKey } from './master-keyring.ts';
import { secretsMigrations } from './secrets-migrations.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Snapshot {
  key: string;
  masterKeyId: string | null;
  nonce: string;
  ciphertext: string;
  wrappedKey: string;
}

describe('master key rotation', () => {
  let db: RelationalStore;
  let store: EmbeddedSecretStore;
  const k1: MasterKey = { id: 'k1', key: randomBytes(32) };
  const k2: MasterKey = { id: 'k2', key: randomBytes(32) };
  const values = new Map<string, Record<string, string>>();

  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secops-secrets-rot-'));
    dirs.push(dir);
    db = createSqliteRelationalStore({ path: join(dir, 'state.db') });
    await db.migrate(secretsMigrations);
    store = createEmbeddedSecretStore({ store: db, keyring: { current: k1 } });
    values.clear();
    for (const tenant of ['t1', 't2'])
      for (let i = 0; i < 3; i++)
        for (let v = 1; v <= 2; v++) {
          const value = { n: `${tenant}/${i}/${v}`, pad: randomBytes(8).toString('hex') };
          await store.put(tenant, `app/s${i}`, value);
          values.set(`${tenant}:app/s${i}:${v}`, value);
        }
    await store.destroy('t1', 'app/s0', [1]);
    values.delete('t1:app/s0:1');
  });
  afterEach(async () => {
    await db.close();
  });

  const snapshot = async (): Promise<Snapshot[]> =>
    (
      await db.query<{
        tenant_id: string;
        path: string;
        version: number;
        master_key_id: string | null;
        nonce: Uint8Array | null;
        ciphertext: Uint8Array | null;
        wrapped_key: Uint8Array | null;
      }>(sql`SELECT * FROM secrets_versions ORDER BY tenant_id, path, version`)
    ).map((r) => ({
      key: `${r.tenant_id}:${r.path}:${r.version}`,
      masterKeyId: r.master_key_id,
      nonce: Buffer.from(r.nonce ?? []).toString('hex'),
      ciphertext: Buffer.from(r.ciphertext ?? []).toString('hex'),
      wrappedKey: Buffer.from(r.wrapped_key ?? []).toString('hex'),
    }));

  const readAll = async (s: EmbeddedSecretStore): Promise<void> => {
    for (const [key, value] of values) {
      const [tenant, path, version] = key.split(':') as [string, string, string];
      expect((await s.get(tenant, path, Number(version))).value).toEqual(value);
    }
  };

  it('re-wraps every data key and leaves every ciphertext byte-identical', async () => {
    const before = await snapshot();
    const report = await store.rotateMasterKey(k2);
    expect(report).toEqual({ masterKeyId: 'k2', rewrapped: 11 });
    const after = await snapshot();
    expect(after.map((r) => r.key)).toEqual(before.map((r) => r.key));
    after.forEach((row, i) => {
      const old = before[i]!;
      expect(row.ciphertext).toBe(old.ciphertext);
      expect(row.nonce).toBe(old.nonce);
      if (old.masterKeyId === null) {
        expect(row.masterKeyId).toBeNull(); // destroyed: nothing to re-wrap
      } else {
        expect(row.masterKeyId).toBe('k2');
        expect(row.wrappedKey).not.toBe(old.wrappedKey);
      }
    });
    await readAll(store);
  });

  it('reads everything afterwards with only the new key loaded; the old key alone fails', async () => {
    await store.rotateMasterKey(k2);
    const onlyNew = createEmbeddedSecretStore({ store: db, keyring: { current: k2 } });
    await readAll(onlyNew);
    await onlyNew.put('t1', 'after', { v: 'new' });
    expect((await onlyNew.get('t1', 'after')).value).toEqual({ v: 'new' });
    const onlyOld = createEmbeddedSecretStore({ store: db, keyring: { current: k1 } });
    await expect(onlyOld.get('t1', 'app/s1')).rejects.toMatchObject({
      code: 'SECRET_MASTER_KEY_MISSING',
    });
  });

  it('completes a rotation whose key was deployed first, and is idempotent', async () => {
    const deployed = createEmbeddedSecretStore({
      store: db,
      keyring: { current: k2, previous: [k1] },
    });
    await deployed.put('t1', 'app/s1', { n: 'under k2' });
    values.set('t1:app/s1:3', { n: 'under k2' });
    expect(await deployed.rotateMasterKey(k2)).toEqual({ masterKeyId: 'k2', rewrapped: 11 });
    expect(await deployed.rotateMasterKey(k2)).toEqual({ masterKeyId: 'k2', rewrapped: 0 });
    await readAll(createEmbeddedSecretStore({ store: db, keyring: { current: k2 } }));
  });

  it('refuses a known id with different key material', async () => {
    await expect(store.rotateMasterKey({ id: 'k1', key: randomBytes(32) })).rejects.toMatchObject({
      code: 'SECRET_MASTER_KEY_INVALID',
    });
    await expect(store.rotateMasterKey({ id: 'k3', key: randomBytes(16) })).rejects.toMatchObject({
      code: 'SECRET_MASTER_KEY_INVALID',
    });
    await readAll(store);
  });

  it('is all or nothing: one key that does not unwrap leaves every row as it was', async () => {
    const corrupt = Buffer.alloc(48, 7);
    await db.execute(
      sql`UPDATE secrets_versions SET wrapped_key = ${corrupt} WHERE tenant_id = ${'t2'} AND path = ${'app/s2'} AND version = ${2}`,
    );
    const before = await snapshot();
    const err = await store.rotateMasterKey(k2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretsError);
    expect((err as SecretsError).code).toBe('SECRET_DECRYPT_FAILED');
    expect(await snapshot()).toEqual(before);
    values.delete('t2:app/s2:2');
    await readAll(store); // k1 stays loaded as a previous key
  });
});
