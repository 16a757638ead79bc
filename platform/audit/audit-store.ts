import { sql } from '../storage/index.ts';
import type { SqlExecutor, SqlFragment } from '../storage/index.ts';
import { AuditError } from './audit-errors.ts';
import type { AuditOutcome, RecordColumns } from './audit-record.ts';

// SQL of the audit tables. No hashing or policy here: the log composes these.

/** Filters of `list` and `export`; all optional, combined with AND. */
export interface AuditFilter {
  readonly tenantId?: string;
  readonly actorId?: string;
  /** The exact action. */
  readonly action?: string;
  /** Actions starting with this text (`secrets.` for every `secrets.*` action). */
  readonly actionPrefix?: string;
  readonly resourceType?: string;
  readonly resourceId?: string;
  readonly outcome?: AuditOutcome;
  /** The one record with this seq (an export of it carries its inclusion proof). */
  readonly seq?: number;
  /** Records with a greater seq: the records appended after this one (a reader's position). */
  readonly afterSeq?: number;
  /** Records at or after this time, epoch milliseconds. */
  readonly from?: number;
  /** Records before this time, epoch milliseconds. */
  readonly to?: number;
}

export interface RecordRow extends RecordColumns {
  readonly seq: number;
  readonly record_json: string;
  readonly leaf_hash: string;
  readonly chain_hash: string;
  readonly [column: string]: unknown;
}

export interface CheckpointRow {
  readonly tree_size: number;
  readonly root_hash: string;
  readonly note: string;
  readonly compact_range: string;
  readonly created_at: number;
  readonly [column: string]: unknown;
}

const PAGE = 1000;
const RECORD_COLUMNS = sql.raw(
  'seq, time_ms, tenant_id, actor_id, actor_kind, action, resource_type, resource_id, outcome, request_id, source_address, user_agent, record_json, leaf_hash, chain_hash',
);

/**
 * Takes the next sequence number: increments the head row, which stays locked until the
 * caller's transaction ends, so concurrent appends queue and a rollback leaves no gap.
 * Returns the new seq and the chain hash of the record before it.
 */
export async function advanceHead(tx: SqlExecutor): Promise<{ seq: number; chainHash: string }> {
  const head = await tx.queryOne<{ seq: number; chain_hash: string }>(
    sql`UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, chain_hash`,
  );
  if (head === undefined) {
    throw new AuditError('AUDIT_LOG_CORRUPT', 'the audit head row is missing');
  }
  return { seq: head.seq, chainHash: head.chain_hash };
}

export async function insertRecord(tx: SqlExecutor, row: RecordRow): Promise<void> {
  await tx.execute(sql`
    INSERT INTO audit_records (${RECORD_COLUMNS}) VALUES (
      ${row.seq}, ${row.time_ms}, ${row.tenant_id}, ${row.actor_id}, ${row.actor_kind}, ${row.action},
      ${row.resource_type}, ${row.resource_id}, ${row.outcome}, ${row.request_id}, ${row.source_address},
      ${row.user_agent}, ${row.record_json}, ${row.leaf_hash}, ${row.chain_hash})`);
  await tx.execute(sql`UPDATE audit_head SET chain_hash = ${row.chain_hash} WHERE id = 1`);
}

export async function headSeq(db: SqlExecutor): Promise<number | undefined> {
  return (await db.queryOne<{ seq: number }>(sql`SELECT seq FROM audit_head WHERE id = 1`))?.seq;
}

/** The highest stored seq (0 when empty): the current tree size of an intact log. */
export async function maxSeq(db: SqlExecutor): Promise<number> {
  const row = await db.queryOne<{ n: number | null }>(sql`SELECT max(seq) AS n FROM audit_records`);
  return row?.n ?? 0;
}

export async function recordAt(db: SqlExecutor, seq: number): Promise<RecordRow | undefined> {
  return db.queryOne<RecordRow>(
    sql`SELECT ${RECORD_COLUMNS} FROM audit_records WHERE seq = ${seq}`,
  );
}

/** One page of records matching `filter`, after (or, descending, before) a seq. */
export async function listRows(
  db: SqlExecutor,
  filter: AuditFilter,
  page: {
    readonly after?: number;
    readonly before?: number;
    readonly upTo?: number;
    readonly limit: number;
    readonly descending?: boolean;
  },
): Promise<RecordRow[]> {
  const where = conditions(filter);
  if (page.after !== undefined) where.push(sql`seq > ${page.after}`);
  if (page.before !== undefined) where.push(sql`seq < ${page.before}`);
  if (page.upTo !== undefined) where.push(sql`seq <= ${page.upTo}`);
  const order = sql.raw(page.descending === true ? 'DESC' : 'ASC');
  return db.query<RecordRow>(
    sql`SELECT ${RECORD_COLUMNS} FROM audit_records ${whereClause(where)} ORDER BY seq ${order} LIMIT ${page.limit}`,
  );
}

/** Streams records matching `filter` in seq order, page by page, after `after` up to `upTo`. */
export async function* scanRows(
  db: SqlExecutor,
  options: { readonly filter?: AuditFilter; readonly after?: number; readonly upTo?: number } = {},
): AsyncGenerator<RecordRow> {
  let after = options.after ?? 0;
  for (;;) {
    const rows = await listRows(db, options.filter ?? {}, {
      after,
      ...(options.upTo === undefined ? {} : { upTo: options.upTo }),
      limit: PAGE,
    });
    for (const row of rows) yield row;
    const last = rows.at(-1);
    if (last === undefined || rows.length < PAGE) return;
    after = last.seq;
  }
}

/** Streams the leaf hashes of records 1..upTo in order. */
export async function* scanLeafHashes(
  db: SqlExecutor,
  upTo: number,
): AsyncGenerator<{ seq: number; leaf_hash: string }> {
  let after = 0;
  while (after < upTo) {
    const rows = await db.query<{ seq: number; leaf_hash: string }>(
      sql`SELECT seq, leaf_hash FROM audit_records WHERE seq > ${after} AND seq <= ${upTo} ORDER BY seq LIMIT ${PAGE * 10}`,
    );
    for (const row of rows) yield row;
    const last = rows.at(-1);
    if (last === undefined) return;
    after = last.seq;
  }
}

export async function latestCheckpointRow(db: SqlExecutor): Promise<CheckpointRow | undefined> {
  return db.queryOne<CheckpointRow>(
    sql`SELECT tree_size, root_hash, note, compact_range, created_at FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1`,
  );
}

export async function checkpointAtOrAbove(
  db: SqlExecutor,
  treeSize: number,
): Promise<CheckpointRow | undefined> {
  return db.queryOne<CheckpointRow>(
    sql`SELECT tree_size, root_hash, note, compact_range, created_at FROM audit_checkpoints WHERE tree_size >= ${treeSize} ORDER BY tree_size LIMIT 1`,
  );
}

/** Streams every stored checkpoint by tree size. */
export async function* scanCheckpoints(db: SqlExecutor): AsyncGenerator<CheckpointRow> {
  let after = -1;
  for (;;) {
    const rows = await db.query<CheckpointRow>(
      sql`SELECT tree_size, root_hash, note, compact_range, created_at FROM audit_checkpoints WHERE tree_size > ${after} ORDER BY tree_size LIMIT ${PAGE}`,
    );
    for (const row of rows) yield row;
    const last = rows.at(-1);
    if (last === undefined || rows.length < PAGE) return;
    after = last.tree_size;
  }
}

/** Stores a checkpoint; false when one of that size exists already (a concurrent checkpoint). */
export async function insertCheckpoint(db: SqlExecutor, row: CheckpointRow): Promise<boolean> {
  const { rowCount } = await db.execute(sql`
    INSERT INTO audit_checkpoints (tree_size, root_hash, note, compact_range, created_at)
    VALUES (${row.tree_size}, ${row.root_hash}, ${row.note}, ${row.compact_range}, ${row.created_at})
    ON CONFLICT (tree_size) DO NOTHING`);
  return rowCount === 1;
}

function conditions(filter: AuditFilter): SqlFragment[] {
  const where: SqlFragment[] = [];
  if (filter.tenantId !== undefined) where.push(sql`tenant_id = ${filter.tenantId}`);
  if (filter.actorId !== undefined) where.push(sql`actor_id = ${filter.actorId}`);
  if (filter.action !== undefined) where.push(sql`action = ${filter.action}`);
  if (filter.actionPrefix !== undefined) {
    // Not LIKE: SQLite's is case-insensitive and both treat _ and % specially. The prefix is
    // ASCII (checked by the log), so its JS length is its length in characters.
    const prefix = filter.actionPrefix;
    where.push(sql`substr(action, 1, ${prefix.length}) = ${prefix}`);
  }
  if (filter.resourceType !== undefined) where.push(sql`resource_type = ${filter.resourceType}`);
  if (filter.resourceId !== undefined) where.push(sql`resource_id = ${filter.resourceId}`);
  if (filter.outcome !== undefined) where.push(sql`outcome = ${filter.outcome}`);
  if (filter.seq !== undefined) where.push(sql`seq = ${filter.seq}`);
  if (filter.afterSeq !== undefined) where.push(sql`seq > ${filter.afterSeq}`);
  if (filter.from !== undefined) where.push(sql`time_ms >= ${filter.from}`);
  if (filter.to !== undefined) where.push(sql`time_ms < ${filter.to}`);
  return where;
}

function whereClause(where: readonly SqlFragment[]): SqlFragment {
  return where.length === 0 ? sql.raw('') : sql`WHERE ${sql.join(where, ' AND ')}`;
}
