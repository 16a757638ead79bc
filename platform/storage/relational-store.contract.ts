import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../errors/index.ts';
import type { Migration, RelationalStore } from './relational-store.ts';
import { sql } from './sql.ts';

/**
 * The behaviour every relational store adapter must show. Each adapter's test calls this with a
 * factory that returns a store on a fresh, empty database (or schema).
 */
export function describeRelationalStoreContract(
  name: string,
  make: () => Promise<RelationalStore>,
): void {
  describe(`RelationalStore contract: ${name}`, () => {
    let store: RelationalStore;

    const schema: Migration[] = [
      {
        module: 'contract',
        id: '0001',
        name: 'items',
        up: {
          sqlite: `CREATE TABLE items (id TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0, score REAL, flag INTEGER, data BLOB, doc TEXT, note TEXT);
                   CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);`,
          postgres: `CREATE TABLE items (id TEXT PRIMARY KEY, n BIGINT NOT NULL DEFAULT 0, score DOUBLE PRECISION, flag SMALLINT, data BYTEA, doc JSONB, note TEXT);
                     CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);`,
        },
      },
    ];

    beforeAll(async () => {
      store = await make();
      const report = await store.migrate(schema);
      expect(report.applied).toEqual(['contract:0001']);
    });

    afterAll(async () => {
      await store.close();
    });

    it('re-running migrations applies nothing new', async () => {
      const report = await store.migrate(schema);
      expect(report).toEqual({ applied: [], alreadyApplied: 1 });
    });

    it('refuses a migration edited after it was applied', async () => {
      const edited: Migration = { ...schema[0]!, up: 'CREATE TABLE other (x INTEGER)' };
      await expect(store.migrate([edited])).rejects.toMatchObject({
        code: 'MIGRATION_CHECKSUM_MISMATCH',
      });
    });

    it('applies a batch of migrations atomically: a failing one leaves no trace of the batch', async () => {
      const batch: Migration[] = [
        ...schema,
        { module: 'contract', id: '0002', name: 'good', up: 'CREATE TABLE good_one (x INTEGER)' },
        {
          module: 'contract',
          id: '0003',
          name: 'bad',
          up: 'CREATE TABLE broken (x NOSUCHTYPE_!!)',
        },
      ];
      await expect(store.migrate(batch)).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
      await expect(store.query(sql`SELECT x FROM good_one`)).rejects.toThrow();
      const report = await store.migrate(schema);
      expect(report.applied).toEqual([]);
    });

    it('round-trips every bindable type with the same result shapes in each dialect', async () => {
      const bytes = new Uint8Array([0, 1, 2, 254, 255]);
      const doc = JSON.stringify({ a: [1, 'ü', null], b: { c: true } });
      await store.execute(
        sql`INSERT INTO items (id, n, score, flag, data, doc, note) VALUES (${'t1'}, ${9_007_199_254_740_991}, ${0.5}, ${true}, ${bytes}, ${doc}, ${null})`,
      );
      const row = await store.queryOne<{
        id: string;
        n: number;
        score: number;
        flag: number;
        data: Uint8Array;
        doc: string;
        note: null;
      }>(sql`SELECT id, n, score, flag, data, doc, note FROM items WHERE id = ${'t1'}`);
      expect(row?.n).toBe(9_007_199_254_740_991);
      expect(row?.score).toBe(0.5);
      expect(row?.flag).toBe(1);
      expect(new Uint8Array(row!.data)).toEqual(bytes);
      expect(JSON.parse(row!.doc)).toEqual(JSON.parse(doc));
      expect(row?.note).toBeNull();
      const count = await store.queryOne<{ c: number }>(sql`SELECT count(*) AS c FROM items`);
      expect(count?.c).toBe(1);
    });

    it('reports affected rows and supports RETURNING and ON CONFLICT upserts', async () => {
      const inserted = await store.query<{ id: string }>(
        sql`INSERT INTO items (id, n) VALUES (${'r1'}, ${1}), (${'r2'}, ${2}) RETURNING id`,
      );
      expect(inserted.map((r) => r.id).sort()).toEqual(['r1', 'r2']);
      const upsert = sql`INSERT INTO items (id, n) VALUES (${'r1'}, ${10}) ON CONFLICT (id) DO UPDATE SET n = items.n + excluded.n`;
      await store.execute(upsert);
      expect(
        (await store.queryOne<{ n: number }>(sql`SELECT n FROM items WHERE id = ${'r1'}`))?.n,
      ).toBe(11);
      const ignored = await store.execute(
        sql`INSERT INTO items (id) VALUES (${'r2'}) ON CONFLICT (id) DO NOTHING`,
      );
      expect(ignored.rowCount).toBe(0);
      const updated = await store.execute(
        sql`UPDATE items SET n = n + 1 WHERE id IN (${'r1'}, ${'r2'})`,
      );
      expect(updated.rowCount).toBe(2);
    });

    it('turns unique violations into STORAGE_CONFLICT', async () => {
      await store.execute(sql`INSERT INTO items (id) VALUES (${'dup'})`);
      const err = await store
        .execute(sql`INSERT INTO items (id) VALUES (${'dup'})`)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PlatformError);
      expect((err as PlatformError).code).toBe('STORAGE_CONFLICT');
    });

    it('commits a transaction and rolls one back when its callback throws', async () => {
      await store.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO items (id) VALUES (${'tx-ok'})`);
      });
      await expect(
        store.transaction(async (tx) => {
          await tx.execute(sql`INSERT INTO items (id) VALUES (${'tx-bad'})`);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const ids = (
        await store.query<{ id: string }>(sql`SELECT id FROM items WHERE id LIKE ${'tx-%'}`)
      ).map((r) => r.id);
      expect(ids).toEqual(['tx-ok']);
    });

    it('rolls back a nested savepoint without losing the outer transaction', async () => {
      await store.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO items (id) VALUES (${'outer'})`);
        await expect(
          tx.transaction(async (inner) => {
            await inner.execute(sql`INSERT INTO items (id) VALUES (${'inner'})`);
            throw new Error('inner fails');
          }),
        ).rejects.toThrow('inner fails');
      });
      const ids = (
        await store.query<{ id: string }>(
          sql`SELECT id FROM items WHERE id IN (${'outer'}, ${'inner'})`,
        )
      ).map((r) => r.id);
      expect(ids).toEqual(['outer']);
    });

    it('refuses use of the store itself from inside its own transaction', async () => {
      const err = await store
        .transaction(async () => {
          await store.query(sql`SELECT 1 AS one`);
        })
        .catch((e: unknown) => e);
      expect((err as PlatformError).code).toBe('STORAGE_TX_MISUSE');
    });

    it('commits calls on the store made inside a unit of work together, or none of them', async () => {
      const ids = async (prefix: string) =>
        (
          await store.query<{ id: string }>(
            sql`SELECT id FROM items WHERE id LIKE ${`${prefix}%`} ORDER BY id`,
          )
        ).map((r) => r.id);
      // Services that only hold the store (not a transaction) take part through the store itself.
      const insert = (id: string) => store.execute(sql`INSERT INTO items (id) VALUES (${id})`);
      const result = await store.unitOfWork(async () => {
        await insert('uow-a');
        await store.transaction(async (tx) => {
          await tx.execute(sql`INSERT INTO items (id) VALUES (${'uow-b'})`);
        });
        expect(await ids('uow-')).toEqual(['uow-a', 'uow-b']);
        return 'done';
      });
      expect(result).toBe('done');
      expect(await ids('uow-')).toEqual(['uow-a', 'uow-b']);

      await expect(
        store.unitOfWork(async () => {
          await insert('uowx-a');
          await store.unitOfWork(() => insert('uowx-nested'));
          throw new Error('audit append failed');
        }),
      ).rejects.toThrow('audit append failed');
      expect(await ids('uowx-')).toEqual([]);
    });

    it('runs rollback hooks when a unit of work rolls back, newest first, and never on commit', async () => {
      const undone: string[] = [];
      store.onRollback(() => undone.push('outside'));
      await store.unitOfWork(async () => {
        await store.execute(sql`INSERT INTO items (id) VALUES (${'uowr-kept'})`);
        store.onRollback(() => undone.push('kept'));
      });
      await expect(
        store.unitOfWork(async () => {
          store.onRollback(() => undone.push('first'));
          await store.execute(sql`INSERT INTO items (id) VALUES (${'uowr-lost'})`);
          store.onRollback(() => {
            undone.push('second');
            throw new Error('an undo that fails stops no other');
          });
          throw new Error('audit append failed');
        }),
      ).rejects.toThrow('audit append failed');
      expect(undone).toEqual(['second', 'first']);
    });

    it('runs commit hooks after the outermost unit of work commits, and never on rollback', async () => {
      const done: string[] = [];
      store.onCommit(() => done.push('outside runs at once'));
      await store.unitOfWork(async () => {
        await store.execute(sql`INSERT INTO items (id) VALUES (${'uowc-kept'})`);
        await store.unitOfWork(() => {
          store.onCommit(() => {
            done.push('nested');
            throw new Error('a failing follow-up does not fail the commit');
          });
          return Promise.resolve();
        });
        store.onCommit(() => done.push('outer'));
        expect(done).toEqual(['outside runs at once']);
      });
      await expect(
        store.unitOfWork(async () => {
          store.onCommit(() => done.push('lost'));
          await store.execute(sql`INSERT INTO items (id) VALUES (${'uowc-lost'})`);
          throw new Error('audit append failed');
        }),
      ).rejects.toThrow('audit append failed');
      expect(done).toEqual(['outside runs at once', 'nested', 'outer']);
    });

    it('rolls back a failed transaction inside a unit of work to its savepoint only', async () => {
      await store.unitOfWork(async () => {
        await store.execute(sql`INSERT INTO items (id) VALUES (${'uows-keep'})`);
        await expect(
          store.transaction(async (tx) => {
            await tx.execute(sql`INSERT INTO items (id) VALUES (${'uows-drop'})`);
            throw new Error('conflict');
          }),
        ).rejects.toThrow('conflict');
      });
      const rows = await store.query<{ id: string }>(
        sql`SELECT id FROM items WHERE id LIKE ${'uows-%'}`,
      );
      expect(rows.map((r) => r.id)).toEqual(['uows-keep']);
    });

    it('keeps other callers out of an open unit of work', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const work = store.unitOfWork(async () => {
        await store.execute(sql`INSERT INTO items (id) VALUES (${'uowi-pending'})`);
        entered();
        await gate;
        throw new Error('abandon');
      });
      await inside;
      // A caller outside the unit of work neither joins it nor sees its uncommitted row (SQLite
      // makes it wait for the unit of work to end; PostgreSQL runs it on another connection).
      const outside = store.query<{ id: string }>(
        sql`SELECT id FROM items WHERE id = ${'uowi-pending'}`,
      );
      release();
      await expect(work).rejects.toThrow('abandon');
      expect(await outside).toEqual([]);
      await expect(store.migrate(schema)).resolves.toMatchObject({ applied: [] });
      const err = await store.unitOfWork(() => store.migrate(schema)).catch((e: unknown) => e);
      expect((err as PlatformError).code).toBe('STORAGE_TX_MISUSE');
    });

    it('keeps concurrent read-modify-write transactions from losing updates', async () => {
      await store.execute(sql`INSERT INTO counters (name, value) VALUES (${'c'}, ${0})`);
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.transaction(async (tx) => {
            await tx.execute(sql`UPDATE counters SET value = value + 1 WHERE name = ${'c'}`);
            const row = await tx.queryOne<{ value: number }>(
              sql`SELECT value FROM counters WHERE name = ${'c'}`,
            );
            await tx.execute(
              sql`INSERT INTO items (id, n) VALUES (${`cc-${String(row?.value)}`}, ${row?.value ?? -1})`,
            );
          }),
        ),
      );
      const row = await store.queryOne<{ value: number }>(
        sql`SELECT value FROM counters WHERE name = ${'c'}`,
      );
      expect(row?.value).toBe(20);
      const seen = await store.queryOne<{ c: number }>(
        sql`SELECT count(DISTINCT n) AS c FROM items WHERE id LIKE ${'cc-%'}`,
      );
      expect(seen?.c).toBe(20);
    });

    it('renders dialect-specific fragments and quoted identifiers', async () => {
      const now = sql.dialect({ sqlite: sql`${'sqlite'}`, postgres: sql`${'postgres'}` });
      const row = await store.queryOne<{ d: string }>(sql`SELECT ${now} AS ${sql.ident('d')}`);
      expect(row?.d).toBe(store.dialect);
      expect(() => sql.ident('bad name; drop')).toThrow(TypeError);
    });

    it('reports health', async () => {
      const health = await store.health();
      expect(health).toMatchObject({ ok: true, dialect: store.dialect });
    });
  });

  describe(`RelationalStore contract: ${name} (closing)`, () => {
    it('refuses work after close', async () => {
      const store = await make();
      await store.close();
      await expect(store.query(sql`SELECT 1 AS one`)).rejects.toMatchObject({
        code: 'STORAGE_CLOSED',
      });
      await store.close();
    });
  });
}
