import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteRelationalStore, sql } from '../../../storage/index.ts';
import type { RelationalStore } from '../../../storage/index.ts';
import { SecretsError } from '../../secrets-errors.ts';
import { createEmbeddedSecretStore } from './embedded-secret-store.ts';
import type { EmbeddedSecretStore } from './embedded-secret-store.ts';
import { secretsMigrations } from './secrets-migrations.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const CRYPTO_COLUMNS = ['master_key_id', 'wrap_nonce', 'wrapped_key', 'nonce', 'ciphertext'];

describe('embedded secrets store: what reaches the database', () => {
  let dir: string;
  let db: RelationalStore;
  let store: EmbeddedSecretStore;
  const masterKey = randomBytes(32);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secops-secrets-sec-'));
    dirs.push(dir);
    db = createSqliteRelationalStore({ path: join(dir, 'state.db') });
    await db.migrate(secretsMigrations);
    store = createEmbeddedSecretStore({
      store: db,
      keyring: { current: { id: 'k1', key: masterKey } },
    });
  });
  afterEach(async () => {
    await db.close();
  });

  const fileBytes = (): Buffer =>
    Buffer.concat(
      ['state.db', 'state.db-wal']
        .map((f) => join(dir, f))
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f)),
    );

  const allRows = async (): Promise<Record<string, unknown>[]> => [
    ...(await db.query(sql`SELECT * FROM secrets_paths`)),
    ...(await db.query(sql`SELECT * FROM secrets_versions`)),
    ...(await db.query(sql`SELECT * FROM secops_migrations`)),
  ];

  /** Every representation of a column the test looks for a needle in. */
  const renderings = (value: unknown): string[] => {
    if (value instanceof Uint8Array) {
      const b = Buffer.from(value);
      return [b.toString('latin1'), b.toString('hex'), b.toString('base64'), b.toString('utf8')];
    }
    return [String(value)];
  };

  const forms = (needle: Buffer): string[] => [
    needle.toString('latin1'),
    needle.toString('hex'),
    needle.toString('base64'),
    needle.toString('base64url'),
  ];

  it('never stores a plaintext value or key name, in any column or anywhere in the file', async () => {
    const plaintext = `correct-horse-${randomBytes(12).toString('hex')}`;
    const keyName = `field-${randomBytes(6).toString('hex')}`;
    await store.put('acme', 'prod/db', { [keyName]: plaintext, user: 'admin' });
    await store.put('acme', 'prod/db', { [keyName]: plaintext.toUpperCase() });
    await store.delete('acme', 'prod/db', [1]);
    const rows = await allRows();
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows)
      for (const value of Object.values(row))
        for (const r of renderings(value)) {
          expect(r).not.toContain(plaintext);
          expect(r).not.toContain(plaintext.toUpperCase());
          expect(r).not.toContain(keyName);
        }
    const raw = fileBytes();
    expect(raw.includes(Buffer.from('prod/db'))).toBe(true); // the scan does see stored text
    expect(raw.includes(Buffer.from(plaintext))).toBe(false);
    expect(raw.includes(Buffer.from(keyName))).toBe(false);
    expect((await store.get('acme', 'prod/db')).value[keyName]).toBe(plaintext.toUpperCase());
  });

  it('never stores the master key, in any encoding', async () => {
    for (let i = 0; i < 20; i++) await store.put('acme', `k/${i}`, { v: String(i) });
    await store.rotateMasterKey({ id: 'k2', key: randomBytes(32) });
    const raw = fileBytes().toString('latin1');
    const rows = await allRows();
    for (const form of forms(masterKey)) {
      expect(raw).not.toContain(form);
      for (const row of rows)
        for (const value of Object.values(row))
          for (const r of renderings(value)) expect(r).not.toContain(form);
    }
  });

  it('gives each version its own data key and nonce, and stores 96-bit nonces', async () => {
    await store.put('acme', 'same', { v: 'identical' });
    await store.put('acme', 'same', { v: 'identical' });
    const [a, b] = await db.query<Record<string, Uint8Array>>(
      sql`SELECT wrapped_key, nonce, ciphertext, wrap_nonce FROM secrets_versions ORDER BY version`,
    );
    expect(Buffer.from(a!.nonce!).byteLength).toBe(12);
    expect(Buffer.from(a!.wrap_nonce!).byteLength).toBe(12);
    expect(Buffer.from(a!.wrapped_key!).byteLength).toBe(48);
    expect(Buffer.from(a!.ciphertext!).equals(Buffer.from(b!.ciphertext!))).toBe(false);
    expect(Buffer.from(a!.wrapped_key!).equals(Buffer.from(b!.wrapped_key!))).toBe(false);
    expect(Buffer.from(a!.nonce!).equals(Buffer.from(b!.nonce!))).toBe(false);
  });

  const copyCrypto = async (
    from: { t: string; p: string; v: number },
    to: { t: string; p: string; v: number },
    columns = CRYPTO_COLUMNS,
  ): Promise<void> => {
    const src = await db.queryOne(
      sql`SELECT * FROM secrets_versions WHERE tenant_id = ${from.t} AND path = ${from.p} AND version = ${from.v}`,
    );
    for (const column of columns) {
      await db.execute(sql`
        UPDATE secrets_versions SET ${sql.ident(column)} = ${src![column] as Uint8Array | string}
        WHERE tenant_id = ${to.t} AND path = ${to.p} AND version = ${to.v}`);
    }
  };

  const failure = async (p: Promise<unknown>): Promise<SecretsError> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SecretsError);
    return err as SecretsError;
  };

  it('binds each ciphertext to its tenant, path and version: a moved row never decrypts', async () => {
    await store.put('t1', 'p1', { v: 'source' });
    await store.put('t1', 'p1', { v: 'second' });
    await store.put('t1', 'p2', { v: 'other path' });
    await store.put('t2', 'p1', { v: 'other tenant' });
    const source = { t: 't1', p: 'p1', v: 1 };
    for (const target of [
      { t: 't1', p: 'p2', v: 1 },
      { t: 't2', p: 'p1', v: 1 },
      { t: 't1', p: 'p1', v: 2 },
    ]) {
      await copyCrypto(source, target);
      const err = await failure(store.get(target.t, target.p, target.v));
      expect(err.code).toBe('SECRET_DECRYPT_FAILED');
      expect(err.details).toMatchObject({ stage: 'unwrap' });
    }
    expect((await store.get('t1', 'p1', 1)).value).toEqual({ v: 'source' });
  });

  it('binds the ciphertext to its data key: a ciphertext moved under another key fails', async () => {
    await store.put('t1', 'a', { v: 'a' });
    await store.put('t1', 'b', { v: 'b' });
    await copyCrypto({ t: 't1', p: 'a', v: 1 }, { t: 't1', p: 'b', v: 1 }, ['nonce', 'ciphertext']);
    const err = await failure(store.get('t1', 'b'));
    expect(err.code).toBe('SECRET_DECRYPT_FAILED');
    expect(err.details).toMatchObject({ stage: 'decrypt' });
  });

  it('detects a flipped bit in the ciphertext', async () => {
    await store.put('t1', 'flip', { v: 'intact' });
    const row = await db.queryOne<{ ciphertext: Uint8Array }>(
      sql`SELECT ciphertext FROM secrets_versions WHERE path = ${'flip'}`,
    );
    const tampered = Buffer.from(row!.ciphertext);
    tampered[0] = (tampered[0] ?? 0) ^ 1;
    await db.execute(
      sql`UPDATE secrets_versions SET ciphertext = ${tampered} WHERE path = ${'flip'}`,
    );
    expect((await failure(store.get('t1', 'flip'))).code).toBe('SECRET_DECRYPT_FAILED');
  });

  it('answers a wrong master key with a typed error, never with garbage', async () => {
    await store.put('t1', 'x', { v: 'value' });
    const sameIdWrongBytes = createEmbeddedSecretStore({
      store: db,
      keyring: { current: { id: 'k1', key: randomBytes(32) } },
    });
    const err = await failure(sameIdWrongBytes.get('t1', 'x'));
    expect(err.code).toBe('SECRET_DECRYPT_FAILED');
    const otherId = createEmbeddedSecretStore({
      store: db,
      keyring: { current: { id: 'k9', key: randomBytes(32) } },
    });
    const missing = await failure(otherId.get('t1', 'x'));
    expect(missing.code).toBe('SECRET_MASTER_KEY_MISSING');
    expect(missing.details).toMatchObject({ masterKeyId: 'k1' });
  });

  it('destroy erases the ciphertext and the wrapped data key from the row', async () => {
    await store.put('t1', 'd', { v: 'doomed' });
    await store.destroy('t1', 'd', [1]);
    const row = await db.queryOne(sql`SELECT * FROM secrets_versions WHERE path = ${'d'}`);
    for (const column of CRYPTO_COLUMNS) expect(row![column]).toBeNull();
    expect(row!.destroyed).toBe(1);
  });

  it('keeps values out of errors raised by decryption failures', async () => {
    const secret = `pw-${randomBytes(8).toString('hex')}`;
    await store.put('t1', 'e', { password: secret });
    await store.put('t1', 'f', { password: 'other' });
    await copyCrypto({ t: 't1', p: 'e', v: 1 }, { t: 't1', p: 'f', v: 1 });
    const err = await failure(store.get('t1', 'f'));
    expect(`${String(err)} ${JSON.stringify(err)}`).not.toContain(secret);
  });
});
