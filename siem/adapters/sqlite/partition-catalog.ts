import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  LAYOUT_VERSION,
  PRE_TENANCY_LAYOUT,
  STORE_DDL,
  dayStart,
  partitionDdl,
  partitionTables,
} from './layout.ts';
import type { PartitionTables } from './layout.ts';
import { upgradeToTenancy } from './layout-upgrade.ts';
import { SiemError } from '../../errors.ts';

export interface Partition extends PartitionTables {
  /** Promoted fields this partition was created with (layouts may evolve). */
  readonly promoted: ReadonlySet<string>;
  readonly promotedList: readonly string[];
}

export interface OpenEventDbOptions {
  readonly path: string;
  readonly durability: 'full' | 'normal';
  /** Page cache per connection, in MiB. */
  readonly cacheMiB?: number;
  /** Upgrade an older layout in place (writers); readers refuse one instead. */
  readonly upgrade: boolean;
}

/** Opens a connection to the event database with the pragmas every connection needs. */
export function openEventDb(options: OpenEventDbOptions): DatabaseSync {
  mkdirSync(dirname(options.path), { recursive: true });
  const db = new DatabaseSync(options.path);
  db.exec(`
    PRAGMA page_size = 16384;
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'};
    PRAGMA busy_timeout = 10000;
    PRAGMA cache_size = ${String(-1024 * (options.cacheMiB ?? 64))};
    PRAGMA temp_store = MEMORY;
    PRAGMA wal_autocheckpoint = 4000;
    ${STORE_DDL}
  `);
  const version = db.prepare(`SELECT value FROM store_meta WHERE key = 'layout'`).get() as
    { value: string } | undefined;
  if (version === undefined) {
    db.prepare(`INSERT OR IGNORE INTO store_meta (key, value) VALUES ('layout', ?)`).run(
      LAYOUT_VERSION,
    );
  } else if (version.value === PRE_TENANCY_LAYOUT && options.upgrade) {
    try {
      upgradeToTenancy(db);
    } catch (err) {
      db.close();
      throw new SiemError(
        'SIEM_STORE_UNAVAILABLE',
        `event store ${options.path}: upgrading layout ${PRE_TENANCY_LAYOUT} to ${LAYOUT_VERSION} failed`,
        { cause: err },
      );
    }
  } else if (version.value === PRE_TENANCY_LAYOUT) {
    db.close();
    throw new SiemError(
      'SIEM_STORE_UNAVAILABLE',
      `event store ${options.path} has layout ${PRE_TENANCY_LAYOUT} (before tenancy); it is upgraded when opened for writing (secops serve or secops ingest)`,
    );
  } else if (version.value !== LAYOUT_VERSION) {
    db.close();
    throw new SiemError(
      'SIEM_STORE_UNAVAILABLE',
      `event store ${options.path} has layout ${version.value}; this version reads layout ${LAYOUT_VERSION}`,
    );
  }
  return db;
}

/** Which day partitions exist. Readers refresh it when a query may touch a newer one. */
export interface PartitionCatalog {
  /** Partitions overlapping `[from, to)`, newest first. */
  overlapping(from: number | undefined, to: number | undefined): Partition[];
  /** Creates the partition for a day if needed (writer only). */
  ensure(day: number, promoted: readonly string[]): Partition;
  drop(day: number): void;
  refresh(): void;
  all(): Partition[];
}

export function createPartitionCatalog(db: DatabaseSync): PartitionCatalog {
  let byDay = new Map<number, Partition>();
  const load = (): void => {
    const rows = db.prepare('SELECT day, promoted FROM partitions ORDER BY day DESC').all() as {
      day: number;
      promoted: string;
    }[];
    const next = new Map<number, Partition>();
    for (const row of rows) {
      const list = JSON.parse(row.promoted) as string[];
      next.set(row.day, {
        ...partitionTables(row.day),
        promoted: new Set(list),
        promotedList: list,
      });
    }
    byDay = next;
  };
  load();
  const sorted = (): Partition[] => [...byDay.values()].sort((a, b) => b.day - a.day);
  return {
    overlapping(from, to) {
      load();
      return sorted().filter(
        (p) =>
          (to === undefined || dayStart(p.day) < to) &&
          (from === undefined || dayStart(p.day + 1) > from),
      );
    },
    ensure(day, promoted) {
      const known = byDay.get(day);
      if (known) return known;
      const tables = partitionTables(day);
      db.exec(partitionDdl(tables, promoted));
      load();
      const created = byDay.get(day);
      if (!created)
        throw new SiemError(
          'SIEM_STORE_UNAVAILABLE',
          `partition ${tables.ev} could not be created`,
        );
      return created;
    },
    drop(day) {
      const tables = partitionTables(day);
      db.exec(`DROP TABLE IF EXISTS ${tables.agg}; DROP TABLE IF EXISTS ${tables.fts}; DROP TABLE IF EXISTS ${tables.doc}; DROP TABLE IF EXISTS ${tables.ev};
               DELETE FROM partitions WHERE day = ${String(day)};`);
      byDay.delete(day);
    },
    refresh: load,
    all: sorted,
  };
}
