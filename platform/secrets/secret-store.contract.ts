import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretStore } from './secret-store.ts';
import { SecretsError } from './secrets-errors.ts';
import type { SecretsErrorCode } from './secrets-errors.ts';

/** What an adapter's test hands the contract: a store on a clean backend, and its teardown. */
export interface SecretStoreFixture {
  readonly store: SecretStore;
  close(): Promise<void>;
}

async function codeOf(promise: Promise<unknown>): Promise<SecretsErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    if (err instanceof SecretsError) return err.code;
    throw err;
  }
}

/** Removes every path of a tenant (recursive list, then deleteAll), so backends are left clean. */
export async function purgeTenant(store: SecretStore, tenantId: string): Promise<void> {
  const walk = async (folder: string): Promise<void> => {
    for (const child of await store.list(tenantId, folder)) {
      if (child.endsWith('/')) await walk(`${folder}${child}`);
      else await store.deleteAll(tenantId, `${folder}${child}`);
    }
  };
  await walk('');
}

/**
 * The behaviour every `SecretStore` adapter must show. Each test works in its own random tenant,
 * so the suite runs on a shared backend (a real Vault mount) and cleans up after itself.
 */
export function describeSecretStoreContract(
  name: string,
  make: () => Promise<SecretStoreFixture>,
): void {
  describe(`SecretStore contract: ${name}`, () => {
    let fixture: SecretStoreFixture;
    let store: SecretStore;
    const tenants: string[] = [];
    const tenant = (): string => {
      const id = `t-${randomBytes(6).toString('hex')}`;
      tenants.push(id);
      return id;
    };

    beforeAll(async () => {
      fixture = await make();
      store = fixture.store;
    });

    afterAll(async () => {
      for (const t of tenants) await purgeTenant(store, t);
      await fixture.close();
    });

    it('writes versions and reads the latest or any kept one', async () => {
      const t = tenant();
      const v1 = await store.put(t, 'app/db', { user: 'app', password: 'one' });
      const v2 = await store.put(t, 'app/db', { user: 'app', password: 'two' });
      expect(v1).toMatchObject({ version: 1, destroyed: false });
      expect(v2).toMatchObject({ version: 2, destroyed: false });
      expect(v1).not.toHaveProperty('deletedAt');
      expect(Number.isNaN(Date.parse(v1.createdAt))).toBe(false);
      const latest = await store.get(t, 'app/db');
      expect(latest.value).toEqual({ user: 'app', password: 'two' });
      expect(latest.meta).toMatchObject({ version: 2, destroyed: false });
      expect((await store.get(t, 'app/db', 1)).value).toEqual({ user: 'app', password: 'one' });
      const meta = await store.metadata(t, 'app/db');
      expect(meta).toMatchObject({ path: 'app/db', currentVersion: 2, casRequired: false });
      expect(meta.versions.map((v) => v.version)).toEqual([1, 2]);
      expect(Date.parse(meta.updatedAt)).toBeGreaterThanOrEqual(Date.parse(meta.createdAt));
      expect(await store.put(t, 'app/empty', {})).toMatchObject({ version: 1 });
      expect((await store.get(t, 'app/empty')).value).toEqual({});
    });

    it('answers SECRET_NOT_FOUND for a missing path or version', async () => {
      const t = tenant();
      expect(await codeOf(store.get(t, 'nope'))).toBe('SECRET_NOT_FOUND');
      expect(await codeOf(store.metadata(t, 'nope'))).toBe('SECRET_NOT_FOUND');
      await store.put(t, 'one', { a: 'b' });
      expect(await codeOf(store.get(t, 'one', 2))).toBe('SECRET_NOT_FOUND');
      expect(await codeOf(store.get(t, 'one', 0))).toBe('SECRET_ARGUMENT_INVALID');
      for (const op of [
        () => store.delete(t, 'nope'),
        () => store.delete(t, 'nope', [1]),
        () => store.undelete(t, 'nope', [1]),
        () => store.destroy(t, 'nope', [1]),
        () => store.deleteAll(t, 'nope'),
      ])
        expect(await codeOf(op())).toBe('SECRET_NOT_FOUND');
    });

    it('checks and sets: cas 0 creates only, a stale cas writes nothing', async () => {
      const t = tenant();
      expect(await store.put(t, 'cas', { v: '1' }, { cas: 0 })).toMatchObject({ version: 1 });
      expect(await codeOf(store.put(t, 'cas', { v: 'x' }, { cas: 0 }))).toBe('SECRET_CAS_MISMATCH');
      expect(await store.put(t, 'cas', { v: '2' }, { cas: 1 })).toMatchObject({ version: 2 });
      expect(await codeOf(store.put(t, 'cas', { v: 'x' }, { cas: 1 }))).toBe('SECRET_CAS_MISMATCH');
      expect(await codeOf(store.put(t, 'fresh', { v: 'x' }, { cas: 3 }))).toBe(
        'SECRET_CAS_MISMATCH',
      );
      expect(await codeOf(store.get(t, 'fresh'))).toBe('SECRET_NOT_FOUND');
      expect((await store.metadata(t, 'cas')).currentVersion).toBe(2);
      expect((await store.get(t, 'cas')).value).toEqual({ v: '2' });
      expect(await codeOf(store.put(t, 'cas', { v: 'x' }, { cas: -1 }))).toBe(
        'SECRET_ARGUMENT_INVALID',
      );
    });

    it('requires cas on a path whose settings say so', async () => {
      const t = tenant();
      await store.updateMetadata(t, 'strict', { casRequired: true });
      const meta = await store.metadata(t, 'strict');
      expect(meta).toMatchObject({ currentVersion: 0, casRequired: true, versions: [] });
      expect(await codeOf(store.get(t, 'strict'))).toBe('SECRET_NOT_FOUND');
      expect(await codeOf(store.put(t, 'strict', { a: 'b' }))).toBe('SECRET_CAS_REQUIRED');
      expect(await store.put(t, 'strict', { a: 'b' }, { cas: 0 })).toMatchObject({ version: 1 });
      await store.updateMetadata(t, 'strict', { casRequired: false });
      expect(await store.put(t, 'strict', { a: 'c' })).toMatchObject({ version: 2 });
    });

    it('keeps only maxVersions versions, removing the oldest', async () => {
      const t = tenant();
      await store.updateMetadata(t, 'pruned', { maxVersions: 2 });
      for (let i = 1; i <= 4; i++) await store.put(t, 'pruned', { n: String(i) });
      const meta = await store.metadata(t, 'pruned');
      expect(meta.maxVersions).toBe(2);
      expect(meta.currentVersion).toBe(4);
      expect(meta.versions.map((v) => v.version)).toEqual([3, 4]);
      expect(await codeOf(store.get(t, 'pruned', 1))).toBe('SECRET_NOT_FOUND');
      expect((await store.get(t, 'pruned', 3)).value).toEqual({ n: '3' });
    });

    it('lists direct children with folders ending in /, sorted', async () => {
      const t = tenant();
      for (const p of ['svc/a', 'svc/b/c', 'svc/b/d/e', 'svc', 'top', 'svc/B', 'other/x'])
        await store.put(t, p, { k: 'v' });
      expect(await store.list(t, '')).toEqual(['other/', 'svc', 'svc/', 'top']);
      expect(await store.list(t, 'svc')).toEqual(['B', 'a', 'b/']);
      expect(await store.list(t, 'svc/')).toEqual(['B', 'a', 'b/']);
      expect(await store.list(t, 'svc/b')).toEqual(['c', 'd/']);
      expect(await store.list(t, 'svc/b/d/')).toEqual(['e']);
      expect(await store.list(t, 'missing/')).toEqual([]);
      expect(await store.list(t, 'top')).toEqual([]);
      await store.delete(t, 'svc/a');
      expect(await store.list(t, 'svc')).toContain('a');
      await store.deleteAll(t, 'svc/b/d/e');
      expect(await store.list(t, 'svc/b')).toEqual(['c']);
      expect(await codeOf(store.list(t, '../x'))).toBe('SECRET_PATH_INVALID');
    });

    it('soft-deletes the latest version and undeletes it', async () => {
      const t = tenant();
      await store.put(t, 'soft', { v: '1' });
      await store.put(t, 'soft', { v: '2' });
      await store.delete(t, 'soft');
      expect(await codeOf(store.get(t, 'soft'))).toBe('SECRET_VERSION_DELETED');
      expect((await store.get(t, 'soft', 1)).value).toEqual({ v: '1' });
      const deleted = (await store.metadata(t, 'soft')).versions[1];
      expect(deleted?.deletedAt).toEqual(expect.any(String));
      expect(deleted?.destroyed).toBe(false);
      await store.delete(t, 'soft');
      await store.undelete(t, 'soft', [2]);
      expect((await store.get(t, 'soft')).value).toEqual({ v: '2' });
      expect((await store.metadata(t, 'soft')).versions[1]).not.toHaveProperty('deletedAt');
    });

    it('soft-deletes and undeletes chosen versions, skipping unknown ones', async () => {
      const t = tenant();
      for (let i = 1; i <= 3; i++) await store.put(t, 'multi', { v: String(i) });
      await store.delete(t, 'multi', [1, 2, 99]);
      expect(await codeOf(store.get(t, 'multi', 1))).toBe('SECRET_VERSION_DELETED');
      expect(await codeOf(store.get(t, 'multi', 2))).toBe('SECRET_VERSION_DELETED');
      expect((await store.get(t, 'multi')).value).toEqual({ v: '3' });
      await store.undelete(t, 'multi', [1, 42]);
      expect((await store.get(t, 'multi', 1)).value).toEqual({ v: '1' });
      expect(await codeOf(store.get(t, 'multi', 2))).toBe('SECRET_VERSION_DELETED');
      expect(await codeOf(store.delete(t, 'multi', []))).toBe('SECRET_ARGUMENT_INVALID');
      expect(await codeOf(store.undelete(t, 'multi', []))).toBe('SECRET_ARGUMENT_INVALID');
      expect(await codeOf(store.destroy(t, 'multi', [0]))).toBe('SECRET_ARGUMENT_INVALID');
    });

    it('destroys versions for good: undelete cannot bring them back', async () => {
      const t = tenant();
      await store.put(t, 'gone', { v: '1' });
      await store.put(t, 'gone', { v: '2' });
      await store.put(t, 'gone', { v: '3' });
      await store.delete(t, 'gone', [2]);
      await store.destroy(t, 'gone', [1, 2]);
      expect(await codeOf(store.get(t, 'gone', 1))).toBe('SECRET_VERSION_DESTROYED');
      expect(await codeOf(store.get(t, 'gone', 2))).toBe('SECRET_VERSION_DESTROYED');
      await store.undelete(t, 'gone', [1, 2]);
      expect(await codeOf(store.get(t, 'gone', 1))).toBe('SECRET_VERSION_DESTROYED');
      const versions = (await store.metadata(t, 'gone')).versions;
      expect(versions.map((v) => [v.version, v.destroyed])).toEqual([
        [1, true],
        [2, true],
        [3, false],
      ]);
      expect(versions[1]?.deletedAt).toEqual(expect.any(String));
      expect((await store.get(t, 'gone')).value).toEqual({ v: '3' });
      await store.destroy(t, 'gone', [3]);
      await store.delete(t, 'gone');
      expect(await codeOf(store.get(t, 'gone'))).toBe('SECRET_VERSION_DESTROYED');
    });

    it('deleteAll removes metadata and every version; a new write starts at 1', async () => {
      const t = tenant();
      await store.put(t, 'all/x', { v: '1' });
      await store.put(t, 'all/x', { v: '2' });
      await store.deleteAll(t, 'all/x');
      expect(await codeOf(store.get(t, 'all/x'))).toBe('SECRET_NOT_FOUND');
      expect(await codeOf(store.get(t, 'all/x', 1))).toBe('SECRET_NOT_FOUND');
      expect(await codeOf(store.metadata(t, 'all/x'))).toBe('SECRET_NOT_FOUND');
      expect(await store.list(t, '')).toEqual([]);
      expect(await store.put(t, 'all/x', { v: 'new' })).toMatchObject({ version: 1 });
      expect((await store.get(t, 'all/x')).value).toEqual({ v: 'new' });
    });

    it('isolates tenants absolutely: another tenant sees nothing and changes nothing', async () => {
      const a = tenant();
      const b = tenant();
      await store.put(a, 'shared/name', { owner: 'a' });
      expect(await codeOf(store.get(b, 'shared/name'))).toBe('SECRET_NOT_FOUND');
      expect(await codeOf(store.get(b, 'shared/name', 1))).toBe('SECRET_NOT_FOUND');
      expect(await codeOf(store.metadata(b, 'shared/name'))).toBe('SECRET_NOT_FOUND');
      expect(await store.list(b, '')).toEqual([]);
      expect(await store.list(b, 'shared')).toEqual([]);
      for (const op of [
        () => store.delete(b, 'shared/name'),
        () => store.destroy(b, 'shared/name', [1]),
        () => store.undelete(b, 'shared/name', [1]),
        () => store.deleteAll(b, 'shared/name'),
      ])
        expect(await codeOf(op())).toBe('SECRET_NOT_FOUND');
      expect(await store.put(b, 'shared/name', { owner: 'b' }, { cas: 0 })).toMatchObject({
        version: 1,
      });
      expect((await store.get(a, 'shared/name')).value).toEqual({ owner: 'a' });
      expect((await store.get(b, 'shared/name')).value).toEqual({ owner: 'b' });
      await store.deleteAll(b, 'shared/name');
      expect((await store.metadata(a, 'shared/name')).currentVersion).toBe(1);
    });

    it('rejects bad tenants and paths with SECRET_PATH_INVALID', async () => {
      const t = tenant();
      const badPaths = [
        '',
        '/a',
        'a/',
        'a//b',
        '..',
        'a/../b',
        'a/./b',
        'a b',
        'a\u0000b',
        'ä',
        'a?b',
        'x'.repeat(600),
        Array.from({ length: 17 }, () => 's').join('/'),
      ];
      for (const p of badPaths) {
        expect(await codeOf(store.put(t, p, { a: 'b' }))).toBe('SECRET_PATH_INVALID');
        expect(await codeOf(store.get(t, p))).toBe('SECRET_PATH_INVALID');
      }
      for (const bad of ['', '..', 'a/b', 't x']) {
        expect(await codeOf(store.put(bad, 'p', { a: 'b' }))).toBe('SECRET_PATH_INVALID');
        expect(await codeOf(store.list(bad, ''))).toBe('SECRET_PATH_INVALID');
      }
    });

    it('round-trips unicode keys and values, and refuses lone surrogates', async () => {
      const t = tenant();
      const value = {
        pässwörd: 'Grüße, 世界 🌍🔐 — مرحبا ‮rtl‬ e\u0301',
        '🔑': '\u0000\u0001\t\n"\\/ \u2028\u2029',
        __proto__x: 'not a prototype',
        ['__proto__']: 'own key',
        empty: '',
      };
      await store.put(t, 'intl', value);
      const read = await store.get(t, 'intl');
      expect(read.value).toEqual(value);
      expect(Object.getPrototypeOf(read.value)).toBe(Object.prototype);
      expect(await codeOf(store.put(t, 'intl', { a: '\ud800' }))).toBe('SECRET_VALUE_INVALID');
      expect(await codeOf(store.put(t, 'intl', { ['\udc00']: 'x' }))).toBe('SECRET_VALUE_INVALID');
      const notStrings = [{ n: 1 }, { o: { nested: 'x' } }, ['a'], null, 'text'] as unknown[];
      for (const v of notStrings)
        expect(await codeOf(store.put(t, 'intl', v as Record<string, string>))).toBe(
          'SECRET_VALUE_INVALID',
        );
      expect((await store.metadata(t, 'intl')).currentVersion).toBe(1);
    });

    it('stores large values and refuses oversized ones', async () => {
      const t = tenant();
      const big = { blob: 'x'.repeat(200_000), pem: '-----BEGIN-----\n'.repeat(10_000) };
      await store.put(t, 'big', big);
      expect((await store.get(t, 'big')).value).toEqual(big);
      expect(await codeOf(store.put(t, 'big', { blob: 'y'.repeat(600_000) }))).toBe(
        'SECRET_VALUE_TOO_LARGE',
      );
      expect((await store.metadata(t, 'big')).currentVersion).toBe(1);
    });

    it('loses no version under concurrent writes', async () => {
      const t = tenant();
      const writes = Array.from({ length: 8 }, (_, i) => ({ writer: String(i) }));
      const metas = await Promise.all(writes.map((v) => store.put(t, 'busy', v)));
      expect(metas.map((m) => m.version).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      for (const [i, m] of metas.entries())
        expect((await store.get(t, 'busy', m.version)).value).toEqual(writes[i]);
      expect((await store.metadata(t, 'busy')).currentVersion).toBe(8);
    });

    it('lets exactly one of many concurrent cas=0 creations win', async () => {
      const t = tenant();
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          codeOf(store.put(t, 'race', { i: String(i) }, { cas: 0 })),
        ),
      );
      expect(results.filter((r) => r === 'resolved')).toHaveLength(1);
      expect(results.filter((r) => r === 'SECRET_CAS_MISMATCH')).toHaveLength(5);
      expect((await store.metadata(t, 'race')).currentVersion).toBe(1);
    });

    it('never puts a value in an error message, its details or its JSON', async () => {
      const t = tenant();
      const secret = `s3cr3t-${randomBytes(8).toString('hex')}`;
      await store.put(t, 'leak', { password: secret });
      const failures = [
        () => store.put(t, 'leak', { password: secret }, { cas: 0 }),
        () => store.put(t, 'leak', { password: secret, n: 5 as unknown as string }),
        () => store.put(t, 'leak', { password: secret + 'x'.repeat(600_000) }),
        () => store.put(t, 'leak', { [secret]: { nested: secret } as unknown as string }),
        () => store.put(t, `bad path ${secret}`, { password: secret }),
        () => store.put(`${secret}/x`, 'p', { password: secret }),
      ];
      for (const failure of failures) {
        const err = await failure().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(SecretsError);
        const text = [
          String(err),
          JSON.stringify(err),
          inspect(err, { depth: 5 }),
          JSON.stringify((err as SecretsError).details),
          JSON.stringify((err as SecretsError).issues),
        ].join('\n');
        expect(text).not.toContain(secret);
      }
    });

    it('reports health', async () => {
      const health = await store.health();
      expect(health.ok).toBe(true);
      expect(typeof health.detail).toBe('string');
    });
  });
}
