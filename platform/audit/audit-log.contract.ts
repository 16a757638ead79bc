import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../clock/index.ts';
import type { ManualClock } from '../clock/index.ts';
import { sql } from '../storage/index.ts';
import type { RelationalStore } from '../storage/index.ts';
import type { AuditLog } from './audit-log.ts';
import { generateAuditKeys } from './audit-keys.ts';
import type { GeneratedAuditKeys } from './audit-keys.ts';
import type { AuditEntry, AuditRecord } from './audit-record.ts';
import type { AuditFilter } from './audit-store.ts';
import { canonicalJson } from './canonical-json.ts';
import { openCheckpoint } from './checkpoint.ts';
import { CHAIN_GENESIS, chainHash } from './hash-chain.ts';
import { hashLeaf } from './merkle-tree.ts';
import { verifyConsistency, verifyInclusion } from './merkle-verify.ts';
import { auditMigrations } from './migrations.ts';
import { createAuditLog } from './relational-audit-log.ts';
import { hmacSensitive } from './sensitive-hmac.ts';
import { parseVerifierKey } from './signed-note.ts';
import { verifyExport } from './verify-export.ts';

/** A fresh audit log on a fresh, migrated store. */
export interface AuditLogFixture {
  readonly store: RelationalStore;
  readonly log: AuditLog;
  readonly keys: GeneratedAuditKeys;
  readonly clock: ManualClock;
}

export const ORIGIN = 'secops.test/audit';

/** Makes a fixture from a factory of fresh, empty stores; closes the stores after each test. */
export function auditFixtures(
  make: () => Promise<RelationalStore>,
): () => Promise<AuditLogFixture> {
  const open: RelationalStore[] = [];
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
  });
  return async () => {
    const store = await make();
    open.push(store);
    await store.migrate(auditMigrations);
    const keys = generateAuditKeys();
    const clock = createManualClock(Date.UTC(2026, 2, 1, 12));
    const log = createAuditLog({
      store,
      signer: { keyName: ORIGIN, privateKey: keys.signingKey },
      hmacKey: keys.hmacKey,
      clock,
      origin: ORIGIN,
    });
    return { store, log, keys, clock };
  };
}

export function entry(i: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    actor: { id: `agent-${i % 3}`, kind: 'agent', name: `SOC agent ${i % 3}` },
    tenantId: i % 2 === 0 ? 'tenant-a' : 'tenant-b',
    action: i % 4 === 0 ? 'secrets.read' : 'rbac.role.create',
    resource: { type: i % 4 === 0 ? 'secret' : 'role', id: `r-${i}` },
    outcome: 'success',
    requestId: `req-${i}`,
    details: { n: i, note: 'ünïcode ✓', nested: { b: [1, 2.5, null], a: true } },
    ...overrides,
  };
}

/** Appends `count` records, each in its own transaction, the clock a second apart. */
export async function appendMany(
  f: AuditLogFixture,
  count: number,
  from = 1,
): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for (let i = from; i < from + count; i++) {
    f.clock.advance(1000);
    out.push(await f.store.transaction((tx) => f.log.append(tx, entry(i))));
  }
  return out;
}

async function collect(lines: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const line of lines) text += line;
  return text;
}

/** The behaviour of the audit log on one relational store adapter. */
export function describeAuditLogContract(name: string, make: () => Promise<RelationalStore>): void {
  describe(`AuditLog contract: ${name}`, () => {
    const fixture = auditFixtures(make);

    it('appends records with gapless seq, canonical JSON, leaf hashes and a hash chain', async () => {
      const f = await fixture();
      const records = await appendMany(f, 3);
      expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
      let previous: Buffer = CHAIN_GENESIS;
      for (const record of records) {
        const { leafHash, chainHash: chain, ...doc } = record;
        const row = await f.store.queryOne<{ record_json: string }>(
          sql`SELECT record_json FROM audit_records WHERE seq = ${record.seq}`,
        );
        expect(row?.record_json).toBe(canonicalJson(doc));
        expect(leafHash).toBe(hashLeaf(Buffer.from(canonicalJson(doc))).toString('hex'));
        previous = chainHash(previous, Buffer.from(leafHash, 'hex'));
        expect(chain).toBe(previous.toString('hex'));
      }
      expect(records[0]?.time).toBe('2026-03-01T12:00:01.000Z');
      expect((await f.log.list({ limit: 10 })).records).toEqual(records);
    });

    it('leaves no record and no gap when the transaction rolls back or the entry is refused', async () => {
      const f = await fixture();
      await appendMany(f, 1);
      await expect(
        f.store.transaction(async (tx) => {
          await f.log.append(tx, entry(2));
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      await f.store.transaction(async (tx) => {
        // The caller catches a refused entry and a failed savepoint, then commits anyway.
        await expect(f.log.append(tx, entry(3, { action: 'Not An Action' }))).rejects.toMatchObject(
          {
            code: 'AUDIT_ENTRY_INVALID',
          },
        );
        await expect(
          tx.transaction(async (inner) => {
            await f.log.append(inner, entry(4));
            throw new Error('inner step failed');
          }),
        ).rejects.toThrow('inner step failed');
      });
      const next = await f.store.transaction((tx) => f.log.append(tx, entry(5)));
      expect(next.seq).toBe(2);
      expect((await f.log.verify()).ok).toBe(true);
    });

    it('gives concurrent transactions unique, gapless seq and a valid chain', async () => {
      const f = await fixture();
      const appended = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          f.store.transaction(async (tx) => {
            await tx.execute(sql`SELECT 1`);
            return f.log.append(tx, entry(i));
          }),
        ),
      );
      expect(appended.map((r) => r.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      await f.log.checkpoint();
      expect(await f.log.verify()).toMatchObject({ ok: true, records: 40, treeSize: 40 });
    });

    it('lists by tenant, actor, action, resource and time, in pages both ways', async () => {
      const f = await fixture();
      const all = await appendMany(f, 12);
      const page = async (query: Parameters<AuditLog['list']>[0]) => {
        const seqs: number[] = [];
        let cursor: string | undefined;
        do {
          const result = await f.log.list({
            ...query,
            ...(cursor === undefined ? {} : { cursor }),
          });
          seqs.push(...result.records.map((r) => r.seq));
          cursor = result.nextCursor;
        } while (cursor !== undefined);
        return seqs;
      };
      expect(await page({ limit: 5 })).toEqual(all.map((r) => r.seq));
      expect(await page({ limit: 5, order: 'desc' })).toEqual(all.map((r) => r.seq).reverse());
      expect(await page({ limit: 2, tenantId: 'tenant-a' })).toEqual([2, 4, 6, 8, 10, 12]);
      expect(await page({ limit: 2, actorId: 'agent-0', action: 'secrets.read' })).toEqual([12]);
      expect(await page({ limit: 3, resourceType: 'secret' })).toEqual([4, 8, 12]);
      expect(await page({ limit: 3, resourceType: 'role', resourceId: 'r-5' })).toEqual([5]);
      const t = (seq: number) => Date.parse(all[seq - 1]?.time ?? '');
      expect(await page({ limit: 3, from: t(3), to: t(6) })).toEqual([3, 4, 5]);
      await expect(f.log.list({ limit: 0 })).rejects.toMatchObject({
        code: 'AUDIT_FILTER_INVALID',
      });
      await expect(f.log.list({ limit: 1, cursor: 'bogus' })).rejects.toMatchObject({
        code: 'AUDIT_FILTER_INVALID',
      });
    });

    it('filters by action prefix, outcome, seq and position (afterSeq)', async () => {
      const f = await fixture();
      await appendMany(f, 4);
      for (const [i, action, outcome] of [
        [5, 'secrets.write', 'failure'],
        [6, 'secretsx.read', 'denied'],
        [7, 'secrets_x.read', 'success'],
      ] as const) {
        await f.store.transaction((tx) => f.log.append(tx, entry(i, { action, outcome })));
      }
      const seqs = async (filter: AuditFilter) =>
        (await f.log.list({ ...filter, limit: 100 })).records.map((r) => r.seq);
      // A prefix is literal text: `_` and `%` match themselves, and case matters.
      expect(await seqs({ actionPrefix: 'secrets.' })).toEqual([4, 5]);
      expect(await seqs({ actionPrefix: 'secrets' })).toEqual([4, 5, 6, 7]);
      expect(await seqs({ actionPrefix: 'secrets_' })).toEqual([7]);
      expect(await seqs({ actionPrefix: 'rbac.role.create' })).toEqual([1, 2, 3]);
      expect(await seqs({ outcome: 'failure' })).toEqual([5]);
      expect(await seqs({ outcome: 'success', actionPrefix: 'secrets' })).toEqual([4, 7]);
      expect(await seqs({ seq: 6 })).toEqual([6]);
      expect(await seqs({ seq: 6, tenantId: 'tenant-b' })).toEqual([]);
      expect(await seqs({ afterSeq: 5 })).toEqual([6, 7]);
      expect(await seqs({ afterSeq: 0 })).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(await seqs({ afterSeq: 7 })).toEqual([]);
      expect(await seqs({ afterSeq: 3, actionPrefix: 'secrets' })).toEqual([4, 5, 6, 7]);
      for (const bad of [
        { actionPrefix: 'Secrets.' },
        { actionPrefix: '' },
        { actionPrefix: 'secrets.%' },
        { outcome: 'maybe' },
        { seq: 0 },
        { afterSeq: -1 },
        { afterSeq: 1.5 },
      ]) {
        await expect(f.log.list({ ...(bad as AuditFilter), limit: 1 })).rejects.toMatchObject({
          code: 'AUDIT_FILTER_INVALID',
        });
      }
      const exported = await collect(f.log.export({ actionPrefix: 'secrets.' }, 'ndjson'));
      expect(await verifyExport(exported, f.log.verifierKey)).toMatchObject({
        ok: true,
        records: 2,
        complete: false,
      });
    });

    it('never stores or exports a sensitive value, only its HMAC', async () => {
      const f = await fixture();
      const secret = 'hunter2-very-secret-value';
      const record = await f.store.transaction((tx) =>
        f.log.append(tx, entry(1, { sensitive: { token: secret, path: 'kv/prod/db' } })),
      );
      const hmac = hmacSensitive(f.keys.hmacKey, secret);
      expect(hmac).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
      expect(record.sensitive).toEqual({ token: hmac, path: f.log.hashSensitive('kv/prod/db') });
      expect(f.log.hashSensitive(secret)).toBe(hmac);
      const rows = await f.store.query(sql`SELECT * FROM audit_records`);
      const stored = JSON.stringify(rows);
      const ndjson = await collect(f.log.export({}, 'ndjson'));
      const csv = await collect(f.log.export({}, 'csv'));
      for (const text of [stored, ndjson, csv]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain('kv/prod/db');
        expect(text).toContain(hmac);
      }
    });

    it('signs checkpoints that open with the verifier key, once per tree size', async () => {
      const f = await fixture();
      expect(await f.log.latestCheckpoint()).toBeUndefined();
      await appendMany(f, 5);
      const first = await f.log.checkpoint();
      const checkpoint = openCheckpoint(first.note, [parseVerifierKey(f.log.verifierKey)], ORIGIN);
      expect(checkpoint.treeSize).toBe(5);
      expect(checkpoint.rootHash.toString('hex')).toBe(first.rootHash);
      expect(first.note.split('\n')[0]).toBe(ORIGIN);
      expect(await f.log.checkpoint()).toEqual(first);
      expect(await f.log.latestCheckpoint()).toEqual(first);
      await appendMany(f, 2, 6);
      expect((await f.log.checkpoint()).treeSize).toBe(7);
    });

    it('proves inclusion against a signed checkpoint and consistency between two', async () => {
      const f = await fixture();
      await appendMany(f, 5);
      const verifier = parseVerifierKey(f.log.verifierKey);
      const old = openCheckpoint((await f.log.checkpoint()).note, [verifier], ORIGIN);
      await appendMany(f, 6, 6);
      const head = openCheckpoint((await f.log.checkpoint()).note, [verifier], ORIGIN);
      await appendMany(f, 2, 12);
      for (const seq of [1, 4, 7, 11]) {
        const p = await f.log.inclusionProof(seq);
        expect(p).toMatchObject({
          seq,
          leafIndex: seq - 1,
          treeSize: 11,
          rootHash: head.rootHash.toString('hex'),
        });
        const path = p.proof.map((h) => Buffer.from(h, 'hex'));
        expect(
          verifyInclusion(
            p.leafIndex,
            p.treeSize,
            Buffer.from(p.leafHash, 'hex'),
            path,
            head.rootHash,
          ),
        ).toBe(true);
      }
      expect((await f.log.inclusionProof(12)).treeSize).toBe(13);
      const c = await f.log.consistencyProof(old.treeSize, head.treeSize);
      const path = c.proof.map((h) => Buffer.from(h, 'hex'));
      expect(verifyConsistency(5, 11, path, old.rootHash, head.rootHash)).toBe(true);
      expect(c).toMatchObject({
        fromRoot: old.rootHash.toString('hex'),
        toRoot: head.rootHash.toString('hex'),
      });
      await expect(f.log.inclusionProof(14)).rejects.toMatchObject({ code: 'AUDIT_RANGE_INVALID' });
      await expect(f.log.consistencyProof(5, 99)).rejects.toMatchObject({
        code: 'AUDIT_RANGE_INVALID',
      });
    });

    it('exports NDJSON that verifies offline with the public key alone, and CSV', async () => {
      const f = await fixture();
      await appendMany(f, 4);
      await f.log.checkpoint();
      await appendMany(f, 3, 5);
      const ndjson = await collect(f.log.export({}, 'ndjson'));
      expect(await verifyExport(ndjson, f.log.verifierKey)).toMatchObject({
        ok: true,
        records: 7,
        treeSize: 7,
        complete: true,
      });
      const filtered = await collect(f.log.export({ tenantId: 'tenant-a' }, 'ndjson'));
      expect(await verifyExport(filtered, f.log.verifierKey)).toMatchObject({
        ok: true,
        records: 3,
        treeSize: 7,
        complete: false,
      });
      const csv = (await collect(f.log.export({ action: 'secrets.read' }, 'csv')))
        .trimEnd()
        .split('\n');
      expect(csv[0]).toMatch(/^seq,time,tenantId,actorId/);
      expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(['4']);
    });

    it('the database refuses UPDATE and DELETE of records and checkpoints', async () => {
      const f = await fixture();
      await appendMany(f, 2);
      await f.log.checkpoint();
      await expect(
        f.store.execute(sql`UPDATE audit_records SET action = ${'x.y'} WHERE seq = 1`),
      ).rejects.toThrow(/append-only/);
      await expect(f.store.execute(sql`DELETE FROM audit_records WHERE seq = 2`)).rejects.toThrow(
        /append-only/,
      );
      await expect(f.store.execute(sql`DELETE FROM audit_records`)).rejects.toThrow(/append-only/);
      await expect(
        f.store.execute(sql`UPDATE audit_checkpoints SET note = ${'x'}`),
      ).rejects.toThrow(/append-only/);
      await expect(f.store.execute(sql`DELETE FROM audit_checkpoints`)).rejects.toThrow(
        /append-only/,
      );
      expect(await f.log.verify()).toMatchObject({ ok: true, records: 2 });
    });
  });
}
