import { describe, expect, it } from 'vitest';
import { sql } from '../storage/index.ts';
import type { RelationalStore } from '../storage/index.ts';
import { appendMany, auditFixtures } from './audit-log.contract.ts';
import type { AuditLogFixture } from './audit-log.contract.ts';
import type { RecordRow } from './audit-store.ts';
import { canonicalJson } from './canonical-json.ts';
import { CHAIN_GENESIS, chainHash } from './hash-chain.ts';
import { hashLeaf } from './merkle-tree.ts';

/** What an attacker with database access does first: switch the append-only triggers off. */
async function dropTriggers(store: RelationalStore): Promise<void> {
  if (store.dialect === 'postgres') {
    await store.execute(sql`ALTER TABLE audit_records DISABLE TRIGGER USER`);
    await store.execute(sql`ALTER TABLE audit_checkpoints DISABLE TRIGGER USER`);
    return;
  }
  for (const name of [
    'audit_records_no_update',
    'audit_records_no_delete',
    'audit_checkpoints_no_update',
    'audit_checkpoints_no_delete',
  ]) {
    await store.execute(sql`DROP TRIGGER ${sql.ident(name)}`);
  }
}

const CONTENT = [
  'time_ms',
  'tenant_id',
  'actor_id',
  'actor_kind',
  'action',
  'resource_type',
  'resource_id',
  'outcome',
  'request_id',
  'source_address',
  'user_agent',
  'record_json',
  'leaf_hash',
  'chain_hash',
] as const;

async function row(store: RelationalStore, seq: number): Promise<RecordRow> {
  const found = await store.queryOne<RecordRow>(
    sql`SELECT * FROM audit_records WHERE seq = ${seq}`,
  );
  if (found === undefined) throw new Error(`no record ${seq}`);
  return found;
}

/** Overwrites every column but seq of record `seq` with `values`. */
async function overwrite(
  store: RelationalStore,
  seq: number,
  values: Partial<RecordRow>,
): Promise<void> {
  for (const column of CONTENT) {
    const value = values[column];
    if (value === undefined) continue;
    await store.execute(
      sql`UPDATE audit_records SET ${sql.ident(column)} = ${value} WHERE seq = ${seq}`,
    );
  }
}

/** Six records, checkpoints signed at 3 and 6, triggers dropped. */
async function tamperable(f: AuditLogFixture): Promise<{ notes: string[] }> {
  await appendMany(f, 3);
  const three = await f.log.checkpoint();
  await appendMany(f, 3, 4);
  const six = await f.log.checkpoint();
  expect(await f.log.verify()).toMatchObject({
    ok: true,
    records: 6,
    checkpoints: 2,
    treeSize: 6,
    complete: true,
  });
  await dropTriggers(f.store);
  return { notes: [three.note, six.note] };
}

/** Tamper detection on one relational store adapter: rows changed directly in the database. */
export function describeAuditTamperContract(
  name: string,
  make: () => Promise<RelationalStore>,
): void {
  describe(`AuditLog tamper detection: ${name}`, () => {
    const fixture = auditFixtures(make);

    it('reports an edited record', async () => {
      const f = await fixture();
      await tamperable(f);
      const target = await row(f.store, 3);
      await overwrite(f.store, 3, {
        record_json: target.record_json.replace('"success"', '"denied"'),
      });
      expect((await f.log.verify()).broken).toMatchObject({ reason: 'edited', seq: 3 });
      // Checkpointing only checks what came after the latest checkpoint; verify() sees it all.
      await expect(f.log.checkpoint()).resolves.toMatchObject({ treeSize: 6 });
    });

    it('reports an indexed column changed apart from the content', async () => {
      const f = await fixture();
      await tamperable(f);
      await overwrite(f.store, 2, { tenant_id: 'tenant-z' });
      const report = await f.log.verify();
      expect(report).toMatchObject({ ok: false, records: 1, broken: { reason: 'edited', seq: 2 } });
    });

    it('reports a deleted record as missing', async () => {
      const f = await fixture();
      await tamperable(f);
      await f.store.execute(sql`DELETE FROM audit_records WHERE seq = 4`);
      expect((await f.log.verify()).broken).toMatchObject({ reason: 'missing', seq: 4 });
    });

    it('reports two records whose contents were swapped as reordered', async () => {
      const f = await fixture();
      await tamperable(f);
      const [two, five] = [await row(f.store, 2), await row(f.store, 5)];
      await overwrite(f.store, 2, five);
      await overwrite(f.store, 5, two);
      expect((await f.log.verify()).broken).toMatchObject({ reason: 'reordered', seq: 2 });
    });

    it('reports records cut from the end that a checkpoint covers as truncated', async () => {
      const f = await fixture();
      await tamperable(f);
      await f.store.execute(sql`DELETE FROM audit_records WHERE seq >= 5`);
      expect((await f.log.verify()).broken).toMatchObject({
        reason: 'truncated',
        seq: 5,
        treeSize: 6,
      });
    });

    it('reports a consistent rewrite of the chain against the signed tree heads', async () => {
      const f = await fixture();
      await tamperable(f);
      let previous: Buffer = CHAIN_GENESIS;
      for (let seq = 1; seq <= 6; seq++) {
        const current = await row(f.store, seq);
        let json = current.record_json;
        if (seq === 2)
          json = canonicalJson({ ...(JSON.parse(json) as object), outcome: 'failure' });
        const leaf = hashLeaf(Buffer.from(json));
        previous = chainHash(previous, leaf);
        await overwrite(f.store, seq, {
          record_json: json,
          outcome: JSON.parse(json).outcome,
          leaf_hash: leaf.toString('hex'),
          chain_hash: previous.toString('hex'),
        });
      }
      expect((await f.log.verify()).broken).toMatchObject({
        reason: 'checkpoint-mismatch',
        treeSize: 3,
      });
    });

    it('reports a checkpoint whose signature was tampered with', async () => {
      const f = await fixture();
      const { notes } = await tamperable(f);
      const note = notes[0] ?? '';
      const at = note.lastIndexOf(' ') + 10;
      const forged = `${note.slice(0, at)}${note[at] === 'A' ? 'B' : 'A'}${note.slice(at + 1)}`;
      await f.store.execute(sql`UPDATE audit_checkpoints SET note = ${forged} WHERE tree_size = 3`);
      expect((await f.log.verify()).broken).toMatchObject({
        reason: 'bad-checkpoint-signature',
        treeSize: 3,
      });
      await f.store.execute(
        sql`UPDATE audit_checkpoints SET note = ${note}, root_hash = ${'00'.repeat(32)} WHERE tree_size = 3`,
      );
      expect((await f.log.verify()).broken).toMatchObject({
        reason: 'bad-checkpoint-signature',
        treeSize: 3,
      });
    });

    it('catches a truncation hidden from the database with checkpoints kept elsewhere', async () => {
      const f = await fixture();
      const { notes } = await tamperable(f);
      await f.store.execute(sql`DELETE FROM audit_records WHERE seq >= 5`);
      await f.store.execute(sql`DELETE FROM audit_checkpoints WHERE tree_size = 6`);
      await f.store.execute(sql`UPDATE audit_head SET seq = 4`);
      expect(await f.log.verify()).toMatchObject({ ok: true, records: 4 });
      expect((await f.log.verify({ checkpoints: notes })).broken).toMatchObject({
        reason: 'truncated',
        seq: 5,
        treeSize: 6,
      });
      expect((await f.log.verify({ checkpoints: ['not a note'] })).broken).toMatchObject({
        reason: 'bad-checkpoint-signature',
      });
    });

    it('refuses to sign a checkpoint over records changed since the latest one', async () => {
      const f = await fixture();
      await tamperable(f);
      await appendMany(f, 2, 7);
      const target = await row(f.store, 8);
      await overwrite(f.store, 8, {
        record_json: target.record_json.replace('"success"', '"denied"'),
      });
      await expect(f.log.checkpoint()).rejects.toMatchObject({
        code: 'AUDIT_LOG_CORRUPT',
        details: { seq: 8, reason: 'edited' },
      });
      await f.store.execute(sql`DELETE FROM audit_records WHERE seq = 7`);
      await expect(f.log.checkpoint()).rejects.toMatchObject({
        code: 'AUDIT_LOG_CORRUPT',
        details: { seq: 7 },
      });
    });
  });
}
