import { afterAll, describe, expect, it } from 'vitest';
import { createFreshSchema, probePostgres, requireOrSkip } from '../../test/support/services.ts';
import { createPostgresRelationalStore, sql } from '../storage/index.ts';
import { appendMany, auditFixtures, describeAuditLogContract } from './audit-log.contract.ts';
import { describeAuditTamperContract } from './audit-tamper.contract.ts';

const url = requireOrSkip('PostgreSQL', await probePostgres());
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

describe.skipIf(url === undefined)('audit log on PostgreSQL', () => {
  if (url === undefined) return;
  const make = async () => {
    const { schema, drop } = await createFreshSchema(url, 'secops_audit');
    drops.push(drop);
    return createPostgresRelationalStore({ url, schema, poolSize: 5 });
  };
  describeAuditLogContract('postgres (pg, fresh schema)', make);
  describeAuditTamperContract('postgres (pg, fresh schema)', make);

  describe('append-only triggers', () => {
    const fixture = auditFixtures(make);

    it('refuse UPDATE, DELETE and TRUNCATE of records and checkpoints with the trigger error', async () => {
      const f = await fixture();
      await appendMany(f, 3);
      await f.log.checkpoint();
      const refused = (table: string, op: string): unknown =>
        expect.objectContaining({
          code: 'P0001',
          message: `${table} is append-only: ${op} refused`,
        });
      await expect(
        f.store.execute(sql`UPDATE audit_records SET outcome = ${'denied'} WHERE seq = 1`),
      ).rejects.toEqual(refused('audit_records', 'UPDATE'));
      await expect(f.store.execute(sql`DELETE FROM audit_records WHERE seq = 3`)).rejects.toEqual(
        refused('audit_records', 'DELETE'),
      );
      await expect(f.store.execute(sql`TRUNCATE audit_records`)).rejects.toEqual(
        refused('audit_records', 'TRUNCATE'),
      );
      await expect(f.store.execute(sql`TRUNCATE audit_checkpoints`)).rejects.toEqual(
        refused('audit_checkpoints', 'TRUNCATE'),
      );
      await expect(
        f.store.execute(sql`UPDATE audit_checkpoints SET note = ${'x'}`),
      ).rejects.toEqual(refused('audit_checkpoints', 'UPDATE'));
      expect(await f.log.verify()).toMatchObject({ ok: true, records: 3, checkpoints: 1 });
    });

    it('serialises appends of transactions on separate connections even when they overlap', async () => {
      const f = await fixture();
      // Each transaction appends, then waits, holding the head row lock while others queue.
      const appended = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          f.store
            .transaction(async (tx) => {
              const record = await f.log.append(tx, {
                actor: { id: `a${i}`, kind: 'agent' },
                tenantId: 't',
                action: 'secrets.read',
                resource: { type: 'secret', id: `s${i}` },
                outcome: i % 3 === 0 ? 'denied' : 'success',
              });
              await tx.execute(sql`SELECT pg_sleep(0.01)`);
              if (i % 4 === 1) throw new Error('rolled back');
              return record.seq;
            })
            .catch(() => undefined),
        ),
      );
      const committed = appended.filter((seq) => seq !== undefined);
      expect(committed).toHaveLength(9);
      const page = await f.log.list({ limit: 100 });
      expect(page.records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(await f.log.verify()).toMatchObject({ ok: true, records: 9 });
    });
  });
});
