import type { DatabaseSync } from 'node:sqlite';
import {
  LAYOUT_VERSION,
  LEGACY_TENANT,
  partitionTables,
  rollupTableDdl,
  tenantIndexDdl,
} from './layout.ts';

/** Columns of a table; empty when it does not exist. */
function columnsOf(db: DatabaseSync, table: string): Set<string> {
  const rows = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as {
    name: string;
  }[];
  return new Set(rows.map((r) => r.name));
}

/**
 * Upgrades a store of the layout before tenancy (2) to the current one, in one transaction:
 * - every `ev_<day>` lacking it gets the `tenant` column, `LEGACY_TENANT` for the rows already
 *   there (adding a column with a default rewrites no row), and the tenant index;
 * - every `agg_<day>` is rebuilt with a tenant in its key (hourly counts: small, copied once);
 * - dedup keys stay as they are: the legacy tenant's keys are the plain id hashes (see `idKey`).
 * Idempotent: a partition already upgraded is left alone.
 */
export function upgradeToTenancy(db: DatabaseSync): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    const days = db.prepare('SELECT day FROM partitions').all() as { day: number }[];
    for (const { day } of days) {
      const t = partitionTables(day);
      const ev = columnsOf(db, t.ev);
      if (ev.size > 0) {
        if (!ev.has('tenant'))
          db.exec(`ALTER TABLE ${t.ev} ADD COLUMN tenant TEXT NOT NULL DEFAULT '${LEGACY_TENANT}'`);
        db.exec(tenantIndexDdl(t.ev));
      }
      const agg = columnsOf(db, t.agg);
      if (agg.size > 0 && !agg.has('tenant')) {
        const old = `${t.agg}_pre_tenancy`;
        db.exec(`ALTER TABLE ${t.agg} RENAME TO ${old}; ${rollupTableDdl(t.agg)}`);
        db.prepare(
          `INSERT INTO ${t.agg} (tenant, hour, slot, value, n) SELECT ?, hour, slot, value, n FROM ${old}`,
        ).run(LEGACY_TENANT);
        db.exec(`DROP TABLE ${old}`);
      }
    }
    db.prepare(`UPDATE store_meta SET value = ? WHERE key = 'layout'`).run(LAYOUT_VERSION);
    db.exec('COMMIT');
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}
