import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { SiemError } from '../../errors.ts';
import type {
  AppendStatus,
  OutboxEntry,
  OutboxRecord,
  RetentionResult,
} from '../../events/event-store.ts';
import {
  HOUR_MS,
  ROLLUP_MISSING,
  ROLLUP_TOTAL,
  SEQ_SLOTS,
  dayOf,
  dayStart,
  idKey,
  promotedColumn,
  ridBase,
} from './layout.ts';
import { promotedValues } from './index-fields.ts';
import type { Partition, PartitionCatalog } from './partition-catalog.ts';

/** A batch in columnar form, as it crosses the thread boundary. */
export interface AppendBatch {
  /** Each event's tenant (from its ingest source). */
  readonly tenants: readonly string[];
  readonly ids: readonly string[];
  readonly timestamps: readonly number[];
  readonly json: readonly string[];
  readonly text: readonly string[];
  /** Events stamped on receipt (deduplicated by id alone within their partition). */
  readonly stampedOnReceipt: readonly boolean[];
  /** `promotedFields.length` values per event, event after event. */
  readonly promoted: readonly (string | null)[];
  /** Records committed with the events (see `EventStore.append`). */
  readonly outbox: readonly OutboxRecord[];
}

interface PartitionStatements {
  readonly insertEvent: StatementSync;
  readonly insertDoc: StatementSync;
  readonly insertText: StatementSync;
  readonly addRollup: StatementSync;
  readonly maxRid: StatementSync;
}

const SEQ_CACHE_LIMIT = 100_000;

/**
 * Appends batches in one transaction each: the event row (deduplicated on timestamp and id
 * hash), its document and its full-text entry, then commits. Statuses are only returned after
 * the commit, so a caller acknowledging them never acknowledges what could be lost.
 */
export function createEventWriter(
  db: DatabaseSync,
  catalog: PartitionCatalog,
  promotedFields: readonly string[],
) {
  const statements = new Map<number, PartitionStatements>();
  const insertOutbox = db.prepare(
    'INSERT INTO outbox (topic, key, payload) VALUES (?, ?, ?) ON CONFLICT (topic, key) DO NOTHING',
  );
  const readOutbox = db.prepare(
    'SELECT seq, topic, key, payload FROM outbox WHERE topic = ? ORDER BY seq LIMIT ?',
  );
  const deleteOutbox = db.prepare('DELETE FROM outbox WHERE topic = ? AND seq = ?');
  // Next free sequence number per millisecond; misses are answered from the table.
  const nextSeq = new Map<number, bigint>();

  const prepare = (partition: Partition): PartitionStatements => {
    let s = statements.get(partition.day);
    if (s) return s;
    const columns = partition.promotedList.map(promotedColumn);
    const placeholders = columns.map(() => ', ?').join('');
    s = {
      insertEvent: db.prepare(
        `INSERT INTO ${partition.ev} (rid, ts, h, r, tenant${columns.map((c) => `, ${c}`).join('')}) VALUES (?, ?, ?, ?, ?${placeholders}) ON CONFLICT DO NOTHING`,
      ),
      insertDoc: db.prepare(`INSERT INTO ${partition.doc} (rid, doc) VALUES (?, ?)`),
      insertText: db.prepare(`INSERT INTO ${partition.fts} (rowid, t) VALUES (?, ?)`),
      addRollup: db.prepare(
        `INSERT INTO ${partition.agg} (tenant, hour, slot, value, n) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, hour, slot, value) DO UPDATE SET n = n + excluded.n`,
      ),
      maxRid: db.prepare(`SELECT max(rid) AS m FROM ${partition.ev} WHERE rid >= ? AND rid < ?`),
    };
    s.maxRid.setReadBigInts(true);
    statements.set(partition.day, s);
    return s;
  };

  const allocateRid = (s: PartitionStatements, timestamp: number): bigint => {
    const base = ridBase(timestamp);
    let seq = nextSeq.get(timestamp);
    if (seq === undefined) {
      const row = s.maxRid.get(base, base + SEQ_SLOTS) as { m: bigint | null } | undefined;
      seq = row?.m == null ? 0n : row.m - base + 1n;
      if (nextSeq.size >= SEQ_CACHE_LIMIT) nextSeq.clear();
    }
    if (seq >= SEQ_SLOTS) {
      throw new SiemError(
        'SIEM_INVALID_EVENT',
        `more than ${String(SEQ_SLOTS)} events share the timestamp ${new Date(timestamp).toISOString()}`,
      );
    }
    nextSeq.set(timestamp, seq + 1n);
    return base + seq;
  };

  const append = (batch: AppendBatch): AppendStatus[] => {
    const width = promotedFields.length;
    const statuses: AppendStatus[] = new Array<AppendStatus>(batch.ids.length);
    // Hourly counts of what this batch stores, per partition and tenant: written once per batch.
    const rollups = new Map<PartitionStatements, Map<string, number>>();
    const count = (
      s: PartitionStatements,
      tenant: string,
      hour: number,
      slot: number,
      value: string,
    ): void => {
      let counts = rollups.get(s);
      if (!counts) {
        counts = new Map();
        rollups.set(s, counts);
      }
      const key = `${String(hour)}\u0001${String(slot)}\u0001${tenant}\u0001${value}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    };
    db.exec('BEGIN IMMEDIATE');
    try {
      for (let i = 0; i < batch.ids.length; i++) {
        const timestamp = batch.timestamps[i] ?? 0;
        const partition = catalog.ensure(dayOf(timestamp), promotedFields);
        const s = prepare(partition);
        const tenant = batch.tenants[i];
        // Never stored without a tenant: it would belong to no one (or to whoever has that name).
        if (tenant === undefined || tenant === '')
          throw new SiemError('SIEM_INVALID_EVENT', 'an event must carry its tenant');
        const rid = allocateRid(s, timestamp);
        const row: SQLInputValue[] = [
          rid,
          timestamp,
          idKey(tenant, batch.ids[i] ?? ''),
          batch.stampedOnReceipt[i] === true ? 1 : null,
          tenant,
        ];
        // A partition created by an older layout keeps its own promoted columns.
        const values: (string | null)[] = partition.promotedList.map((field) => {
          const slot = promotedFields.indexOf(field);
          return slot < 0 ? null : (batch.promoted[i * width + slot] ?? null);
        });
        const inserted = s.insertEvent.run(...row, ...values).changes > 0;
        if (inserted) {
          s.insertDoc.run(rid, batch.json[i] ?? '{}');
          s.insertText.run(rid, batch.text[i] ?? '');
          const hour = Math.floor(timestamp / HOUR_MS);
          count(s, tenant, hour, ROLLUP_TOTAL, '');
          values.forEach((value, slot) => {
            if (value === null) count(s, tenant, hour, slot, ROLLUP_MISSING);
            else for (const v of new Set(promotedValues(value))) count(s, tenant, hour, slot, v);
          });
        }
        statuses[i] = inserted ? 'created' : 'duplicate';
      }
      for (const [s, counts] of rollups) {
        for (const [key, n] of counts) {
          // The value comes last and may itself contain the separator.
          const [hour = '0', slot = '0', tenant = ''] = key.split('\u0001', 3);
          const value = key.slice(hour.length + slot.length + tenant.length + 3);
          s.addRollup.run(tenant, Number(hour), Number(slot), value, n);
        }
      }
      for (const record of batch.outbox) insertOutbox.run(record.topic, record.key, record.payload);
      db.exec('COMMIT');
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      nextSeq.clear();
      throw err;
    }
    return statuses;
  };

  const outbox = {
    read: (topic: string, limit: number): OutboxEntry[] =>
      readOutbox.all(topic, limit) as unknown as OutboxEntry[],
    ack: (topic: string, seqs: readonly number[]): void => {
      if (seqs.length === 0) return;
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const seq of seqs) deleteOutbox.run(topic, seq);
        db.exec('COMMIT');
      } catch (err) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw err;
      }
    },
  };

  /** Drops every partition whose whole day lies before `cutoff`, in every tenant (a system job). */
  const deleteBefore = (cutoff: number): RetentionResult => {
    const deleted: string[] = [];
    let deletedEvents = 0;
    for (const partition of catalog.all()) {
      if (dayStart(partition.day + 1) > cutoff) continue;
      const row = db.prepare(`SELECT count(*) AS n FROM ${partition.ev}`).get() as { n: number };
      deletedEvents += row.n;
      catalog.drop(partition.day);
      statements.delete(partition.day);
      deleted.push(partition.ev.slice(3));
    }
    nextSeq.clear();
    return { deletedEvents, deletedPartitions: deleted };
  };

  return { append, deleteBefore, outbox };
}

export type EventWriter = ReturnType<typeof createEventWriter>;
