import { hash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../platform/clock/index.ts';
import { DEFAULT_TENANT } from '../../../platform/identity/index.ts';
import type { PreparedEvent } from '../../events/event-store.ts';
import { parseKql } from '../../search/kql/index.ts';
import { indexFields } from './index-fields.ts';
import {
  HOUR_MS,
  LEGACY_TENANT,
  ROLLUP_MISSING,
  ROLLUP_TOTAL,
  dayOf,
  idKey,
  partitionTables,
  ridBase,
} from './layout.ts';
import { createSqliteEventStore } from './sqlite-event-store.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const NOW = Date.UTC(2026, 2, 10, 12);
const q = parseKql;

interface OldEvent {
  readonly id: string;
  readonly at: number;
  readonly host?: string;
  readonly stamped?: boolean;
}

/**
 * A store as layout 2 (before tenancy) wrote it: the same DDL, and rows, documents, full-text
 * entries and hourly rollups as its writer inserted them (partitions promoting `host.name` only).
 */
function writeLayout2Store(path: string, events: readonly OldEvent[]): PreparedEvent[] {
  const db = new DatabaseSync(path);
  db.exec(`
    PRAGMA page_size = 16384;
    PRAGMA journal_mode = WAL;
    CREATE TABLE partitions (day INTEGER PRIMARY KEY, promoted TEXT NOT NULL);
    CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO store_meta (key, value) VALUES ('layout', '2');
  `);
  const promoted = ['host.name'];
  const prepared: PreparedEvent[] = [];
  events.forEach((e, seq) => {
    const t = partitionTables(dayOf(e.at));
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${t.ev} (rid INTEGER PRIMARY KEY, ts INTEGER NOT NULL, h BLOB NOT NULL, r INTEGER, f_host_name TEXT);
      CREATE UNIQUE INDEX IF NOT EXISTS ${t.ev}_dedup ON ${t.ev} (ts, h);
      CREATE UNIQUE INDEX IF NOT EXISTS ${t.ev}_dedup_received ON ${t.ev} (h) WHERE r = 1;
      CREATE TABLE IF NOT EXISTS ${t.doc} (rid INTEGER PRIMARY KEY, doc TEXT NOT NULL);
      CREATE VIRTUAL TABLE IF NOT EXISTS ${t.fts} USING fts5(t, content='', detail=none, columnsize=0);
      CREATE TABLE IF NOT EXISTS ${t.agg} (hour INTEGER NOT NULL, slot INTEGER NOT NULL, value TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (hour, slot, value)) WITHOUT ROWID;
      INSERT OR IGNORE INTO partitions (day, promoted) VALUES (${String(t.day)}, '${JSON.stringify(promoted)}');
    `);
    const doc = {
      '@timestamp': new Date(e.at).toISOString(),
      event: { id: e.id },
      message: `old event ${e.id}`,
      ...(e.host === undefined ? {} : { host: { name: e.host } }),
    };
    const json = JSON.stringify(doc);
    const rid = ridBase(e.at) + BigInt(seq);
    db.prepare(`INSERT INTO ${t.ev} (rid, ts, h, r, f_host_name) VALUES (?, ?, ?, ?, ?)`).run(
      rid,
      e.at,
      hash('sha256', e.id, 'buffer').subarray(0, 16),
      e.stamped === true ? 1 : null,
      e.host ?? null,
    );
    db.prepare(`INSERT INTO ${t.doc} (rid, doc) VALUES (?, ?)`).run(rid, json);
    db.prepare(`INSERT INTO ${t.fts} (rowid, t) VALUES (?, ?)`).run(
      rid,
      indexFields(doc, promoted).text,
    );
    const hour = Math.floor(e.at / HOUR_MS);
    const rollup = db.prepare(
      `INSERT INTO ${t.agg} (hour, slot, value, n) VALUES (?, ?, ?, 1) ON CONFLICT (hour, slot, value) DO UPDATE SET n = n + 1`,
    );
    rollup.run(hour, ROLLUP_TOTAL, '');
    rollup.run(hour, 0, e.host ?? ROLLUP_MISSING);
    prepared.push({
      tenantId: DEFAULT_TENANT,
      id: e.id,
      timestamp: e.at,
      doc,
      json,
      ...(e.stamped === true ? { stampedOnReceipt: true } : {}),
    });
  });
  db.close();
  return prepared;
}

const OLD: OldEvent[] = [
  { id: 'old-1', at: NOW - 86_400_000 - 5 * 60_000, host: 'legacy-01' },
  { id: 'old-2', at: NOW - 86_400_000 - 3 * 60_000, host: 'legacy-01' },
  { id: 'old-3', at: NOW - 2 * HOUR_MS, host: 'legacy-02' },
  { id: '--', at: NOW - HOUR_MS, stamped: true },
];

function layout2Store(): { path: string; events: PreparedEvent[] } {
  const dir = mkdtempSync(join(tmpdir(), 'secops-layout2-'));
  dirs.push(dir);
  const path = join(dir, 'events.db');
  return { path, events: writeLayout2Store(path, OLD) };
}

const open = (path: string, mode: 'read-write' | 'read-only' = 'read-write') =>
  createSqliteEventStore({
    path,
    threads: false,
    mode,
    clock: createManualClock(NOW),
    durability: 'normal',
  });

describe('layout 2 (before tenancy) to 3', () => {
  it('stores events of before tenancy as the default tenant’s', () => {
    expect(LEGACY_TENANT).toBe(DEFAULT_TENANT);
  });

  it('is refused by a reader until a writer has upgraded it', async () => {
    const { path } = layout2Store();
    await expect(open(path, 'read-only')).rejects.toMatchObject({
      code: 'SIEM_STORE_UNAVAILABLE',
      message: expect.stringMatching(/layout 2 .*upgraded when opened for writing/) as unknown,
    });
    const writer = await open(path);
    await writer.close();
    const reader = await open(path, 'read-only');
    try {
      expect(await reader.count(DEFAULT_TENANT, { query: q('') })).toBe(OLD.length);
    } finally {
      await reader.close();
    }
  });

  it('keeps every old event, in the default tenant only, with its rollups and dedup keys', async () => {
    const { path, events } = layout2Store();
    const store = await open(path);
    try {
      const db = new DatabaseSync(path, { readOnly: true });
      const meta = db.prepare(`SELECT value FROM store_meta WHERE key = 'layout'`).get() as {
        value: string;
      };
      const indexes = db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%_tenant'`)
        .all() as { name: string }[];
      db.close();
      expect(meta.value).toBe('3');
      expect(indexes).toHaveLength(2);

      // Whole days: counts and terms come from the (rebuilt) hourly rollups.
      expect(await store.count(DEFAULT_TENANT, { query: q('') })).toBe(4);
      expect(await store.count('beta', { query: q('') })).toBe(0);
      const hosts = await store.terms(DEFAULT_TENANT, {
        query: q(''),
        field: 'host.name',
        size: 10,
      });
      expect(hosts.buckets).toEqual([
        { key: 'legacy-01', count: 2 },
        { key: 'legacy-02', count: 1 },
      ]);
      expect(hosts.missingCount).toBe(1);
      expect(
        (await store.terms('beta', { query: q(''), field: 'host.name', size: 10 })).buckets,
      ).toEqual([]);
      expect((await store.get(DEFAULT_TENANT, 'old-3'))?.doc).toMatchObject({
        host: { name: 'legacy-02' },
      });
      expect((await store.get(DEFAULT_TENANT, '--'))?.id).toBe('--');
      expect(await store.get('beta', 'old-3')).toBeUndefined();
      expect(await store.get('beta', '--')).toBeUndefined();

      // Re-sent after the upgrade: still recognised (the legacy keys are unchanged)...
      expect(await store.append(events)).toEqual(events.map(() => 'duplicate'));
      const stamped = events[3]!;
      expect(await store.append([{ ...stamped, timestamp: stamped.timestamp + 1 }])).toEqual([
        'duplicate',
      ]);
      // ...while the same events in another tenant are that tenant's own.
      const theirs = events.map((e) => ({ ...e, tenantId: 'beta' }));
      expect(await store.append(theirs)).toEqual(events.map(() => 'created'));
      expect(await store.count(DEFAULT_TENANT, { query: q('') })).toBe(4);
      expect(await store.count('beta', { query: q('') })).toBe(4);
      expect(await store.count('beta', { query: q('host.name:legacy-01') })).toBe(2);
      const day = Date.UTC(2026, 2, 10);
      expect(
        (
          await store.dateHistogram('beta', {
            query: q(''),
            intervalMs: HOUR_MS,
            from: day,
            to: day + 86_400_000,
          })
        ).reduce((n, b) => n + b.count, 0),
      ).toBe(2);
    } finally {
      await store.close();
    }
    // Opening again changes nothing.
    const again = await open(path);
    try {
      expect(await again.count(DEFAULT_TENANT, { query: q('') })).toBe(4);
      expect(await again.count('beta', { query: q('') })).toBe(4);
    } finally {
      await again.close();
    }
  });
});

describe('idKey', () => {
  it('is the plain id hash in the legacy tenant and a tenant-scoped one elsewhere', () => {
    expect(idKey(LEGACY_TENANT, 'x')).toEqual(hash('sha256', 'x', 'buffer').subarray(0, 16));
    expect(idKey('beta', 'x')).not.toEqual(idKey(LEGACY_TENANT, 'x'));
    expect(idKey('beta', 'x')).not.toEqual(idKey('gamma', 'x'));
    // No id in one tenant can spell another tenant's key: ids never contain the byte 0xFF.
    expect(idKey(LEGACY_TENANT, '\u00ffbeta\u00ffx')).not.toEqual(idKey('beta', 'x'));
    expect(idKey('beta', 'x')).toHaveLength(16);
  });
});
