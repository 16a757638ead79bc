import { hash } from 'node:crypto';

/**
 * Physical layout of the embedded event store (see docs/adr/0002-embedded-event-store.md).
 *
 * Events live in one partition per UTC day. Each partition has three tables:
 * - `ev_<day>`: one narrow row per event. Its rowid (`rid`) is time-ordered:
 *   `(timestamp − EPOCH) × 2^20 + seq`, so the table is clustered by time and a time range is a
 *   rowid range, also in the full-text index. It holds the event's tenant (indexed with the rid,
 *   that is with time), the dedup key (timestamp and tenant-scoped id key; id key alone for
 *   events stamped on receipt, flag `r`) and a few promoted keyword columns that aggregations
 *   scan without touching documents.
 * - `doc_<day>`: the JSON document by rid.
 * - `fts_<day>`: contentless FTS5 index (detail=none) of the document's string values.
 * - `agg_<day>`: hourly counts of stored events per tenant, in total and per promoted field
 *   value, kept in the same transaction; unfiltered counts, terms and histograms read whole hours
 *   from it.
 * Retention drops whole partitions; nothing is ever rewritten.
 *
 * Layout 3 added tenancy. A layout-2 store is upgraded when a writer opens it (see
 * layout-upgrade.ts): its events belong to `LEGACY_TENANT`.
 */

/** 2020-01-01T00:00:00Z: rids count milliseconds from here. */
export const RID_EPOCH = Date.UTC(2020, 0, 1);
/** Slots per millisecond (2^20): more events than this with the same millisecond are refused. */
export const SEQ_BITS = 20n;
export const SEQ_SLOTS = 1n << SEQ_BITS;
/** rids stay inside int64: timestamps are clamped to ±2^42 ms (about 139 years) around the epoch. */
const MAX_OFFSET = 2 ** 42 - 1;
const DAY_MS = 86_400_000;

/** Keyword fields copied into columns of `ev_<day>` for fast aggregation and filtering. */
export const PROMOTED_FIELDS: readonly string[] = [
  'event.dataset',
  'event.module',
  'event.action',
  'event.category',
  'event.code',
  'event.outcome',
  'host.name',
  'user.name',
  'source.ip',
  'destination.ip',
  'process.name',
  'log.level',
];

/** Date fields whose text is of no use to free-text search; they are left out of the FTS index. */
export const UNINDEXED_TEXT_FIELDS: ReadonlySet<string> = new Set([
  '@timestamp',
  'event.ingested',
  'event.created',
  'event.start',
  'event.end',
  'ecs.version',
]);

/** Column name of a promoted field: `host.name` → `f_host_name`. */
export function promotedColumn(field: string): string {
  return `f_${field.replaceAll(/[^A-Za-z0-9]/g, '_')}`;
}

/** Marks a promoted value that holds a JSON array (each element counts in aggregations). */
export const ARRAY_MARK = '\u0001';

export function clampOffset(timestamp: number): number {
  const offset = Math.floor(timestamp) - RID_EPOCH;
  return Math.max(-MAX_OFFSET, Math.min(MAX_OFFSET, offset));
}

/** First rid of a millisecond. */
export function ridBase(timestamp: number): bigint {
  return BigInt(clampOffset(timestamp)) << SEQ_BITS;
}

/** The millisecond a rid belongs to. */
export function ridTime(rid: bigint): number {
  return Number(rid >> SEQ_BITS) + RID_EPOCH;
}

/** Partition (days since the Unix epoch, UTC) holding a timestamp. */
export function dayOf(timestamp: number): number {
  return Math.floor((clampOffset(timestamp) + RID_EPOCH) / DAY_MS);
}

export function dayStart(day: number): number {
  return day * DAY_MS;
}

export function dayName(day: number): string {
  return new Date(dayStart(day)).toISOString().slice(0, 10).replaceAll('-', '');
}

/** rid range `[lo, hi)` of a time range `[from, to)`. */
export function ridRange(from: number, to: number): { lo: bigint; hi: bigint } {
  return { lo: ridBase(from), hi: ridBase(to) };
}

export interface PartitionTables {
  readonly day: number;
  readonly ev: string;
  readonly doc: string;
  /** Hourly counts per promoted field value and in total (see ROLLUP_TOTAL). */
  readonly agg: string;
  readonly fts: string;
}

export function partitionTables(day: number): PartitionTables {
  const name = dayName(day);
  return { day, ev: `ev_${name}`, doc: `doc_${name}`, fts: `fts_${name}`, agg: `agg_${name}` };
}

/** DDL of a partition's rollup table (`agg_<day>`), counts kept per tenant. */
export function rollupTableDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (tenant TEXT NOT NULL, hour INTEGER NOT NULL, slot INTEGER NOT NULL, value TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (tenant, hour, slot, value)) WITHOUT ROWID;`;
}

/** Index of a partition's events by tenant and time (the rid is time-ordered). */
export function tenantIndexDdl(ev: string): string {
  return `CREATE INDEX IF NOT EXISTS ${ev}_tenant ON ${ev} (tenant, rid);`;
}

/** DDL of a partition with the given promoted fields. */
export function partitionDdl(tables: PartitionTables, promoted: readonly string[]): string {
  const columns = promoted.map((f) => `, ${promotedColumn(f)} TEXT`).join('');
  return `
    CREATE TABLE IF NOT EXISTS ${tables.ev} (rid INTEGER PRIMARY KEY, ts INTEGER NOT NULL, h BLOB NOT NULL, r INTEGER, tenant TEXT NOT NULL${columns});
    CREATE UNIQUE INDEX IF NOT EXISTS ${tables.ev}_dedup ON ${tables.ev} (ts, h);
    CREATE UNIQUE INDEX IF NOT EXISTS ${tables.ev}_dedup_received ON ${tables.ev} (h) WHERE r = 1;
    ${tenantIndexDdl(tables.ev)}
    CREATE TABLE IF NOT EXISTS ${tables.doc} (rid INTEGER PRIMARY KEY, doc TEXT NOT NULL);
    CREATE VIRTUAL TABLE IF NOT EXISTS ${tables.fts} USING fts5(t, content='', detail=none, columnsize=0);
    ${rollupTableDdl(tables.agg)}
    INSERT INTO ${tables.fts} (${tables.fts}, rank) VALUES ('automerge', 16);
    INSERT OR IGNORE INTO partitions (day, promoted) VALUES (${String(tables.day)}, '${JSON.stringify(promoted)}');
  `;
}

/** Tables that exist once per store. */
export const STORE_DDL = `
  CREATE TABLE IF NOT EXISTS partitions (day INTEGER PRIMARY KEY, promoted TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    UNIQUE (topic, key)
  );
`;

export const LAYOUT_VERSION = '3';
/** The layout before tenancy; a writer upgrades it in place (layout-upgrade.ts). */
export const PRE_TENANCY_LAYOUT = '2';

/**
 * The tenant of events stored before tenancy: platform/identity's `DEFAULT_TENANT` (a test checks
 * they agree). It is a fact of the stored data, so it is fixed here rather than configured.
 */
export const LEGACY_TENANT = 'default';

const KEY_SEPARATOR = Buffer.from([0xff]);

/**
 * The 16-byte dedup key of an event id in a tenant (column `h`). Ids hash as UTF-8, which never
 * contains the byte 0xFF; other tenants' keys hash `0xFF tenant 0xFF id`, so no id of one tenant
 * can share a key with an id of another (a sender cannot make another tenant's event look like a
 * duplicate). The legacy tenant keeps the plain hash of the id, so the keys of events stored
 * before tenancy stay valid and their re-sends are still recognised.
 */
export function idKey(tenantId: string, id: string): Buffer {
  if (tenantId === LEGACY_TENANT) return hash('sha256', id, 'buffer').subarray(0, 16);
  const input = Buffer.concat([
    KEY_SEPARATOR,
    Buffer.from(tenantId, 'utf8'),
    KEY_SEPARATOR,
    Buffer.from(id, 'utf8'),
  ]);
  return hash('sha256', input, 'buffer').subarray(0, 16);
}

export const HOUR_MS = 3_600_000;
/** Rollup slot of the hourly event total (promoted fields use their index). */
export const ROLLUP_TOTAL = -1;
/** Rollup value of events without the field. */
export const ROLLUP_MISSING = '\u0000';
