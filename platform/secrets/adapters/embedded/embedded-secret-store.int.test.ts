import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createFreshSchema,
  probePostgres,
  requireOrSkip,
} from '../../../../test/support/services.ts';
import { createPostgresRelationalStore, sql } from '../../../storage/index.ts';
import type { RelationalStore } from '../../../storage/index.ts';
import { describeSecretStoreContract } from '../../secret-store.contract.ts';
import { createEmbeddedSecretStore } from './embedded-secret-store.ts';
import { secretsMigrations } from './secrets-migrations.ts';

const url = requireOrSkip('PostgreSQL', await probePostgres());
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

async function freshStore(pgUrl: string): Promise<RelationalStore> {
  const { schema, drop } = await createFreshSchema(pgUrl);
  drops.push(drop);
  const db = createPostgresRelationalStore({ url: pgUrl, schema, poolSize: 8 });
  await db.migrate(secretsMigrations);
  return db;
}

describe.skipIf(url === undefined)('embedded secrets on postgres', () => {
  if (url === undefined) return;
  const pgUrl = url;

  describeSecretStoreContract('embedded on postgres (pg, fresh schema)', async () => {
    const db = await freshStore(pgUrl);
    const store = createEmbeddedSecretStore({
      store: db,
      keyring: { current: { id: 'k1', key: randomBytes(32) } },
    });
    return { store, close: () => db.close() };
  });

  it('rotates the master key in one transaction, ciphertexts untouched', async () => {
    const db = await freshStore(pgUrl);
    try {
      const k1 = { id: 'k1', key: randomBytes(32) };
      const k2 = { id: 'k2', key: randomBytes(32) };
      const store = createEmbeddedSecretStore({ store: db, keyring: { current: k1 } });
      for (let i = 0; i < 30; i++) await store.put(`t${i % 3}`, `p/${i}`, { n: String(i) });
      const ciphertexts = async () =>
        (
          await db.query<{ ciphertext: Uint8Array; nonce: Uint8Array; master_key_id: string }>(
            sql`SELECT ciphertext, nonce, master_key_id FROM secrets_versions ORDER BY tenant_id, path`,
          )
        ).map((r) => ({
          c: Buffer.from(r.ciphertext).toString('hex'),
          n: Buffer.from(r.nonce).toString('hex'),
          k: r.master_key_id,
        }));
      const before = await ciphertexts();
      expect(await store.rotateMasterKey(k2)).toEqual({ masterKeyId: 'k2', rewrapped: 30 });
      const after = await ciphertexts();
      expect(after.map(({ c, n }) => ({ c, n }))).toEqual(before.map(({ c, n }) => ({ c, n })));
      expect(new Set(after.map((r) => r.k))).toEqual(new Set(['k2']));
      const onlyNew = createEmbeddedSecretStore({ store: db, keyring: { current: k2 } });
      for (let i = 0; i < 30; i++)
        expect((await onlyNew.get(`t${i % 3}`, `p/${i}`)).value).toEqual({ n: String(i) });
    } finally {
      await db.close();
    }
  });
});
