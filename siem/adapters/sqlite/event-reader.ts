import { hash as digest } from 'node:crypto';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { SiemError } from '../../errors.ts';
import type {
  DateHistogramBucket,
  DateHistogramRequest,
  EventFilter,
  EventSearchRequest,
  EventSearchResult,
  StoredEvent,
  TermsBucket,
  TermsRequest,
  TermsResult,
} from '../../events/event-store.ts';
import { fieldValues } from '../../events/document-fields.ts';
import type { JsonObject } from '../../parsers/parser.ts';
import { compileKql, words } from '../../search/evaluate-kql.ts';
import type { DocPredicate } from '../../search/evaluate-kql.ts';
import { toFtsQuery } from './fts-query.ts';
import { promotedValues } from './index-fields.ts';
import { HOUR_MS, dayStart, idKey, promotedColumn, ridBase, ridTime } from './layout.ts';
import { rollupHours, rollupTerms, rollupTotal, splitByHours } from './rollups.ts';
import type { Partition, PartitionCatalog } from './partition-catalog.ts';
import { pushDown } from './pushdown.ts';
import type { SqlCondition } from './pushdown.ts';

const DEFAULT_TRACK_TOTAL_HITS = 10_000;
const MAX_HISTOGRAM_BUCKETS = 10_000;
const STATEMENT_CACHE_LIMIT = 1024;

/** Rows to read, as the FROM and WHERE of a query over `ev_<day> e`. */
interface RowSource {
  readonly from: string;
  readonly where: string;
  readonly params: SQLInputValue[];
}

/** An exact query whose full-text prefilter selects at most this many rows is driven from it. */
const FTS_DRIVE_LIMIT = 50_000;
/** A tenant with at most this many rows in a partition's range is read through its index. */
const SMALL_TENANT_ROWS = 4096;

interface Candidate {
  readonly rid: bigint;
  readonly doc: string;
}

interface PartitionPlan {
  readonly partition: Partition;
  readonly lo: bigint;
  readonly hi: bigint;
  /** The whole query as SQL, the tenant included: every row it returns matches. */
  readonly exact: SqlCondition | null;
  /** A necessary condition: the tenant, and what of the query SQL can express. */
  readonly filter: SqlCondition;
  /** The partition's share of the time range, epoch ms `[from, to)`. */
  readonly from: number;
  readonly to: number;
}

interface Plan {
  readonly tenantId: string;
  /** The query matches everything: whole hours can be answered from the rollups. */
  readonly matchAll: boolean;
  readonly fts: string | null;
  readonly predicate: DocPredicate;
  readonly partitions: PartitionPlan[];
}

/** Read side of the embedded event store; every call runs in one read transaction (a snapshot). */
export function createEventReader(db: DatabaseSync, catalog: PartitionCatalog, now: () => number) {
  const cache = new Map<string, StatementSync>();
  const statement = (sql: string): StatementSync => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      s.setReadBigInts(true);
      if (cache.size >= STATEMENT_CACHE_LIMIT) cache.clear();
      cache.set(sql, s);
    }
    return s;
  };

  const snapshot = <T>(fn: () => T): T => {
    db.exec('BEGIN');
    try {
      return fn();
    } finally {
      db.exec('COMMIT');
    }
  };

  // Every plan starts from the tenant: its condition is part of both the exact and the filter
  // conditions, so no row source a plan builds can read another tenant's rows.
  const plan = (tenantId: string, filter: EventFilter, order: 'desc' | 'asc'): Plan => {
    const scope: SqlCondition = { sql: 'e.tenant = ?', params: [tenantId] };
    const partitions = catalog
      .overlapping(filter.from, filter.to)
      .map((partition): PartitionPlan => {
        const from = Math.max(filter.from ?? -Infinity, dayStart(partition.day));
        const to = Math.min(filter.to ?? Infinity, dayStart(partition.day + 1));
        const { exact, filter: sqlFilter } = pushDown(filter.query, partition.promoted);
        return {
          partition,
          lo: ridBase(from),
          hi: ridBase(to),
          exact: exact && both(scope, exact),
          filter: sqlFilter ? both(scope, sqlFilter) : scope,
          from,
          to,
        };
      });
    if (order === 'asc') partitions.reverse();
    return {
      tenantId,
      matchAll: filter.query.type === 'match_all',
      fts: toFtsQuery(filter.query),
      predicate: compileKql(filter.query, { now: now() }),
      partitions,
    };
  };

  // How to read a partition's rows for the plan's tenant. A tenant with few rows in the range is
  // read through the (tenant, rid) index; otherwise the rid range is scanned and the tenant
  // checked on each row, as SQLite cannot tell the two apart without statistics (an index it
  // believes selective but that matches most rows costs a lookup per row). Counting through the
  // index stops at the threshold, so deciding costs little.
  const access = new WeakMap<PartitionPlan, string>();
  const rowsOf = (p: PartitionPlan, q: Plan): string => {
    let known = access.get(p);
    if (known === undefined) {
      const { ev } = p.partition;
      const row = statement(
        `SELECT count(*) AS n FROM (SELECT 1 FROM ${ev} INDEXED BY ${ev}_tenant WHERE tenant = ? AND rid >= ? AND rid < ? LIMIT ?)`,
      ).get(q.tenantId, p.lo, p.hi, SMALL_TENANT_ROWS + 1) as { n: bigint };
      known =
        Number(row.n) <= SMALL_TENANT_ROWS
          ? `${ev} e INDEXED BY ${ev}_tenant`
          : `${ev} e NOT INDEXED`;
      access.set(p, known);
    }
    return known;
  };

  // Whether the full-text prefilter narrows a partition enough to drive an exact plan from it
  // (index lookups per candidate) rather than scanning the partition's rows. It counts entries of
  // every tenant on purpose: they are what driving from the index costs. Nothing is returned.
  const selective = new WeakMap<PartitionPlan, boolean>();
  const isSelective = (p: PartitionPlan, fts: string): boolean => {
    let known = selective.get(p);
    if (known === undefined) {
      const t = p.partition.fts;
      const row = statement(
        `SELECT count(*) AS n FROM (SELECT 1 FROM ${t} WHERE ${t} MATCH ? AND rowid >= ? AND rowid < ? LIMIT ?)`,
      ).get(fts, p.lo, p.hi, FTS_DRIVE_LIMIT + 1) as { n: bigint };
      known = Number(row.n) <= FTS_DRIVE_LIMIT;
      selective.set(p, known);
    }
    return known;
  };

  /** Rows of `[lo, hi)` matching an exact plan, as a FROM/WHERE pair over `ev_<day> e`. */
  const exactRows = (
    p: PartitionPlan,
    q: Plan,
    exact: SqlCondition,
    fts: string | null,
    lo: bigint,
    hi: bigint,
  ): RowSource => {
    const { ev, fts: t } = p.partition;
    // Joins driven from the full-text index keep it outside (CROSS JOIN fixes the order) and look
    // event rows up by rid: probing the full-text index once per event row would be far slower.
    if (fts !== null && isSelective(p, fts)) {
      return {
        from: `${t} CROSS JOIN ${ev} e NOT INDEXED ON e.rid = ${t}.rowid`,
        where: `${t} MATCH ? AND ${t}.rowid >= ? AND ${t}.rowid < ? AND ${exact.sql}`,
        params: [fts, lo, hi, ...exact.params],
      };
    }
    return {
      from: rowsOf(p, q),
      where: `e.rid >= ? AND e.rid < ? AND ${exact.sql}`,
      params: [lo, hi, ...exact.params],
    };
  };

  /** Candidate rows of one partition in rid order; `exact` plans need no further check. */
  function* candidates(
    p: PartitionPlan,
    q: Plan,
    order: 'desc' | 'asc',
    lo = p.lo,
    hi = p.hi,
  ): Generator<Candidate> {
    const dir = order === 'desc' ? 'DESC' : 'ASC';
    const { ev, doc, fts: ftsTable } = p.partition;
    const fts = q.fts;
    let sql: string;
    let params: SQLInputValue[];
    if (p.exact) {
      const src = exactRows(p, q, p.exact, fts, lo, hi);
      sql = `SELECT e.rid AS rid, d.doc AS doc FROM ${src.from} CROSS JOIN ${doc} d ON d.rid = e.rid WHERE ${src.where} ORDER BY e.rid ${dir}`;
      params = src.params;
    } else if (fts !== null) {
      sql = `SELECT ${ftsTable}.rowid AS rid, d.doc AS doc FROM ${ftsTable} CROSS JOIN ${ev} e NOT INDEXED ON e.rid = ${ftsTable}.rowid AND ${p.filter.sql} CROSS JOIN ${doc} d ON d.rid = ${ftsTable}.rowid WHERE ${ftsTable} MATCH ? AND ${ftsTable}.rowid >= ? AND ${ftsTable}.rowid < ? ORDER BY ${ftsTable}.rowid ${dir}`;
      params = [...p.filter.params, fts, lo, hi];
    } else {
      sql = `SELECT e.rid AS rid, d.doc AS doc FROM ${rowsOf(p, q)} CROSS JOIN ${doc} d ON d.rid = e.rid WHERE e.rid >= ? AND e.rid < ? AND ${p.filter.sql} ORDER BY e.rid ${dir}`;
      params = [lo, hi, ...p.filter.params];
    }
    yield* statement(sql).iterate(...params) as Iterable<Candidate>;
  }

  /** Matching documents of a partition, in rid order. */
  function* matches(
    p: PartitionPlan,
    q: Plan,
    order: 'desc' | 'asc',
    lo = p.lo,
    hi = p.hi,
  ): Generator<{ rid: bigint; doc: JsonObject }> {
    for (const row of candidates(p, q, order, lo, hi)) {
      const doc = JSON.parse(row.doc) as JsonObject;
      if (p.exact || q.predicate(doc)) yield { rid: row.rid, doc };
    }
  }

  const countRows = (src: RowSource, limit: number): number => {
    const row = statement(
      `SELECT count(*) AS n FROM (SELECT 1 FROM ${src.from} WHERE ${src.where} LIMIT ?)`,
    ).get(...src.params, limit) as { n: bigint };
    return Number(row.n);
  };

  /** Exact matches in a partition: whole hours from the rollups when everything matches. */
  const countExact = (p: PartitionPlan, q: Plan, exact: SqlCondition, limit: number): number => {
    if (!q.matchAll) return countRows(exactRows(p, q, exact, q.fts, p.lo, p.hi), limit);
    const split = splitByHours(p.from, p.to);
    let n = split.hours ? rollupTotal(statement, p.partition, q.tenantId, split.hours) : 0;
    for (const edge of split.edges)
      n += countRows(exactRows(p, q, exact, null, edge.lo, edge.hi), limit);
    return n;
  };

  /** Counts matches over the whole plan, stopping past `limit`. */
  const countPlan = (q: Plan, limit: number): number => {
    let total = 0;
    for (const p of q.partitions) {
      if (total > limit) break;
      if (p.exact) {
        total += countExact(p, q, p.exact, limit + 1 - total);
        continue;
      }
      for (const _ of matches(p, q, 'desc')) {
        if (++total > limit) break;
      }
    }
    return total;
  };

  const toStored = (tenantId: string, rid: bigint, doc: JsonObject): StoredEvent => {
    const id = fieldValues(doc, 'event.id')[0];
    return { tenantId, id: id === undefined ? '' : String(id), timestamp: ridTime(rid), doc };
  };

  const search = (tenantId: string, request: EventSearchRequest): EventSearchResult =>
    snapshot(() => {
      const order = request.sort ?? 'desc';
      const limit = request.trackTotalHits ?? DEFAULT_TRACK_TOTAL_HITS;
      const q = plan(tenantId, request, order);
      const fingerprint = fingerprintOf(tenantId, request, order);
      const after =
        request.cursor === undefined ? undefined : decodeCursor(request.cursor, fingerprint);
      const hits: StoredEvent[] = [];
      const rids: bigint[] = [];
      let more = false;
      for (const p of q.partitions) {
        if (more) break;
        let { lo, hi } = p;
        if (after !== undefined) {
          if (order === 'desc') hi = after < hi ? after : hi;
          else lo = after + 1n > lo ? after + 1n : lo;
          if (lo >= hi) continue;
        }
        for (const m of matches(p, q, order, lo, hi)) {
          if (hits.length === request.size) {
            more = true;
            break;
          }
          hits.push(toStored(tenantId, m.rid, m.doc));
          rids.push(m.rid);
        }
      }
      const counted = countPlan(q, limit);
      const last = rids[rids.length - 1];
      return {
        hits,
        total:
          counted > limit ? { value: limit, relation: 'gte' } : { value: counted, relation: 'eq' },
        ...(more && last !== undefined ? { nextCursor: encodeCursor(last, fingerprint) } : {}),
      };
    });

  const count = (tenantId: string, filter: EventFilter): number =>
    snapshot(() => countPlan(plan(tenantId, filter, 'desc'), Number.MAX_SAFE_INTEGER));

  const terms = (tenantId: string, request: TermsRequest): TermsResult =>
    snapshot(() => {
      const q = plan(tenantId, request, 'desc');
      const counts = new Map<string, { key: string | number | boolean; count: number }>();
      let missing = 0;
      const add = (key: string | number | boolean, n: number): void => {
        const k = `${typeof key}:${String(key)}`;
        const b = counts.get(k);
        if (b) b.count += n;
        else counts.set(k, { key, count: n });
      };
      for (const p of q.partitions) {
        if (p.exact && p.partition.promoted.has(request.field)) {
          const exact = p.exact;
          const column = promotedColumn(request.field);
          const group = (src: RowSource): void => {
            const rows = statement(
              `SELECT e.${column} AS k, count(*) AS n FROM ${src.from} WHERE ${src.where} GROUP BY e.${column}`,
            ).all(...src.params) as { k: string | null; n: bigint }[];
            for (const row of rows) {
              if (row.k === null) missing += Number(row.n);
              else for (const v of new Set(promotedValues(row.k))) add(v, Number(row.n));
            }
          };
          if (!q.matchAll) {
            group(exactRows(p, q, exact, q.fts, p.lo, p.hi));
            continue;
          }
          const split = splitByHours(p.from, p.to);
          if (split.hours) {
            const rolled = rollupTerms(
              statement,
              p.partition,
              tenantId,
              p.partition.promotedList.indexOf(request.field),
              split.hours,
            );
            for (const [value, n] of rolled.values) add(value, n);
            missing += rolled.missing;
          }
          for (const edge of split.edges) group(exactRows(p, q, exact, null, edge.lo, edge.hi));
          continue;
        }
        for (const m of matches(p, q, 'desc')) {
          const values = fieldValues(m.doc, request.field);
          if (values.length === 0) missing++;
          const seen = new Set<string>();
          for (const v of values) {
            const k = `${typeof v}:${String(v)}`;
            if (seen.has(k)) continue;
            seen.add(k);
            add(v, 1);
          }
        }
      }
      const sorted = [...counts.values()].sort(
        (a, b) => b.count - a.count || compareKeys(a.key, b.key),
      );
      const buckets: TermsBucket[] = sorted.slice(0, request.size);
      const otherCount = sorted.slice(request.size).reduce((sum, b) => sum + b.count, 0);
      return { buckets, otherCount, missingCount: missing };
    });

  const dateHistogram = (tenantId: string, request: DateHistogramRequest): DateHistogramBucket[] =>
    snapshot(() => {
      const interval = request.intervalMs;
      if (!Number.isInteger(interval) || interval < 1)
        throw new SiemError(
          'SIEM_INVALID_REQUEST',
          'interval must be a positive whole number of milliseconds',
        );
      const q = plan(tenantId, request, 'desc');
      const counts = new Map<number, number>();
      const bucketOf = (t: number): number => Math.floor(t / interval) * interval;
      for (const p of q.partitions) {
        if (p.exact) {
          const exact = p.exact;
          const group = (src: RowSource): void => {
            const rows = statement(
              `SELECT (e.ts - ((e.ts % ?) + ?) % ?) AS b, count(*) AS n FROM ${src.from} WHERE ${src.where} GROUP BY b`,
            ).all(interval, interval, interval, ...src.params) as { b: bigint; n: bigint }[];
            for (const row of rows)
              counts.set(Number(row.b), (counts.get(Number(row.b)) ?? 0) + Number(row.n));
          };
          // Buckets made of whole hours come from the rollups when everything matches.
          if (!q.matchAll || interval % HOUR_MS !== 0) {
            group(exactRows(p, q, exact, q.fts, p.lo, p.hi));
            continue;
          }
          const split = splitByHours(p.from, p.to);
          if (split.hours) {
            for (const [hourStart, n] of rollupHours(
              statement,
              p.partition,
              tenantId,
              split.hours,
            )) {
              const b = bucketOf(hourStart);
              counts.set(b, (counts.get(b) ?? 0) + n);
            }
          }
          for (const edge of split.edges) group(exactRows(p, q, exact, null, edge.lo, edge.hi));
          continue;
        }
        for (const m of matches(p, q, 'desc')) {
          const b = bucketOf(ridTime(m.rid));
          counts.set(b, (counts.get(b) ?? 0) + 1);
        }
      }
      const keys = [...counts.keys()];
      let first = keys.length === 0 ? undefined : Math.min(...keys);
      let last = keys.length === 0 ? undefined : Math.max(...keys);
      if (
        request.from !== undefined &&
        request.to !== undefined &&
        (request.to - request.from) / interval <= MAX_HISTOGRAM_BUCKETS
      ) {
        first = bucketOf(request.from);
        last = bucketOf(request.to - 1);
      }
      if (first === undefined || last === undefined) return [];
      const out: DateHistogramBucket[] = [];
      if ((last - first) / interval > MAX_HISTOGRAM_BUCKETS) {
        return keys
          .sort((a, b) => a - b)
          .map((start) => ({ start, count: counts.get(start) ?? 0 }));
      }
      for (let start = first; start <= last; start += interval)
        out.push({ start, count: counts.get(start) ?? 0 });
      return out;
    });

  /** The tenant's event with this id: another tenant's is as absent as a missing one. */
  const get = (tenantId: string, id: string, timestamp?: number): StoredEvent | undefined =>
    snapshot(() => {
      const from = timestamp;
      const to = timestamp === undefined ? undefined : timestamp + 1;
      const idWords = words(id);
      const key = idKey(tenantId, id);
      for (const partition of catalog.overlapping(from, to)) {
        const { ev, doc, fts } = partition;
        const lo = ridBase(from ?? dayStart(partition.day));
        const hi = ridBase(to ?? dayStart(partition.day + 1));
        const rows = (
          idWords.length > 0
            ? statement(
                `SELECT ${fts}.rowid AS rid, d.doc AS doc FROM ${fts} CROSS JOIN ${ev} e NOT INDEXED ON e.rid = ${fts}.rowid AND e.tenant = ? CROSS JOIN ${doc} d ON d.rid = ${fts}.rowid WHERE ${fts} MATCH ? AND ${fts}.rowid >= ? AND ${fts}.rowid < ?`,
              ).iterate(tenantId, idWords.map((w) => `"${w}"`).join(' AND '), lo, hi)
            : statement(
                `SELECT e.rid AS rid, d.doc AS doc FROM ${ev} e JOIN ${doc} d ON d.rid = e.rid WHERE e.h = ? AND e.tenant = ? AND e.rid >= ? AND e.rid < ?`,
              ).iterate(key, tenantId, lo, hi)
        ) as Iterable<Candidate>;
        for (const row of rows) {
          const parsed = JSON.parse(row.doc) as JsonObject;
          if (fieldValues(parsed, 'event.id').some((v) => v === id))
            return toStored(tenantId, row.rid, parsed);
        }
      }
      return undefined;
    });

  return { search, count, terms, dateHistogram, get };
}

export type EventReader = ReturnType<typeof createEventReader>;

/** Both conditions. */
function both(a: SqlCondition, b: SqlCondition): SqlCondition {
  return { sql: `(${a.sql} AND ${b.sql})`, params: [...a.params, ...b.params] };
}

/** Ties break by key ascending: numbers numerically, everything else as text. */
function compareKeys(a: string | number | boolean, b: string | number | boolean): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * What a cursor is bound to: the tenant, the query and the sort order. Not the time range:
 * relative ranges (`now-24h`) move between pages, and the cursor's position is valid in any range.
 */
function fingerprintOf(tenantId: string, request: EventSearchRequest, order: string): string {
  return digest('sha256', JSON.stringify([tenantId, request.query, order]), 'base64url').slice(
    0,
    12,
  );
}

function encodeCursor(rid: bigint, fingerprint: string): string {
  return Buffer.from(`${rid.toString()}.${fingerprint}`).toString('base64url');
}

function decodeCursor(cursor: string, fingerprint: string): bigint {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const [rid, print] = text.split('.');
  if (rid === undefined || print === undefined || !/^-?\d+$/.test(rid)) {
    throw new SiemError('SIEM_BAD_CURSOR', 'the cursor is not one this store issued');
  }
  if (print !== fingerprint) {
    throw new SiemError('SIEM_BAD_CURSOR', 'the cursor belongs to a different query or time range');
  }
  return BigInt(rid);
}
