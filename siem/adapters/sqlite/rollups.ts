import type { StatementSync } from 'node:sqlite';
import { HOUR_MS, ROLLUP_MISSING, ROLLUP_TOTAL, ridBase } from './layout.ts';
import type { Partition } from './partition-catalog.ts';

/**
 * A time range inside one partition, split for the hourly rollups: whole hours answered from
 * `agg_<day>`, and at most two partial-hour edges (as rid ranges) answered from the rows.
 */
export interface HourSplit {
  /** Whole hours `[start, end)` (hour numbers since the epoch), or undefined when none. */
  readonly hours?: { readonly start: number; readonly end: number };
  readonly edges: readonly { readonly lo: bigint; readonly hi: bigint }[];
}

export function splitByHours(from: number, to: number): HourSplit {
  const start = Math.ceil(from / HOUR_MS);
  const end = Math.floor(to / HOUR_MS);
  if (start >= end) return { edges: [{ lo: ridBase(from), hi: ridBase(to) }] };
  const edges: { lo: bigint; hi: bigint }[] = [];
  if (from < start * HOUR_MS) edges.push({ lo: ridBase(from), hi: ridBase(start * HOUR_MS) });
  if (end * HOUR_MS < to) edges.push({ lo: ridBase(end * HOUR_MS), hi: ridBase(to) });
  return { hours: { start, end }, edges };
}

type Prepare = (sql: string) => StatementSync;

/** A tenant's events stored in whole hours `[start, end)` of a partition. */
export function rollupTotal(
  prepare: Prepare,
  p: Partition,
  tenantId: string,
  hours: { start: number; end: number },
): number {
  const row = prepare(
    `SELECT coalesce(sum(n), 0) AS n FROM ${p.agg} WHERE tenant = ? AND hour >= ? AND hour < ? AND slot = ?`,
  ).get(tenantId, hours.start, hours.end, ROLLUP_TOTAL) as { n: bigint | number };
  return Number(row.n);
}

/**
 * A tenant's counts per value of a promoted field over whole hours; `missing` counts its events
 * without it.
 */
export function rollupTerms(
  prepare: Prepare,
  p: Partition,
  tenantId: string,
  slot: number,
  hours: { start: number; end: number },
): { values: Map<string, number>; missing: number } {
  const rows = prepare(
    `SELECT value, sum(n) AS n FROM ${p.agg} WHERE tenant = ? AND hour >= ? AND hour < ? AND slot = ? GROUP BY value`,
  ).all(tenantId, hours.start, hours.end, slot) as { value: string; n: bigint | number }[];
  const values = new Map<string, number>();
  let missing = 0;
  for (const row of rows) {
    if (row.value === ROLLUP_MISSING) missing += Number(row.n);
    else values.set(row.value, Number(row.n));
  }
  return { values, missing };
}

/** A tenant's event totals per hour (start epoch ms → count) over whole hours. */
export function rollupHours(
  prepare: Prepare,
  p: Partition,
  tenantId: string,
  hours: { start: number; end: number },
): Map<number, number> {
  const rows = prepare(
    `SELECT hour, n FROM ${p.agg} WHERE tenant = ? AND hour >= ? AND hour < ? AND slot = ?`,
  ).all(tenantId, hours.start, hours.end, ROLLUP_TOTAL) as {
    hour: bigint | number;
    n: bigint | number;
  }[];
  return new Map(rows.map((r) => [Number(r.hour) * HOUR_MS, Number(r.n)]));
}
