// npm run bench:search [-- --events 5000000 --days 7 --runs 40 --keep]
//
// p95 latency of a field query, free-text queries and aggregations over the last 24 h with
// millions of events stored, through the event store the API uses (worker threads, SQLite +
// FTS5). Baseline in the same run: the same questions answered by scanning every document of
// the last 24 h (what the store would do without its indexes).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { createApp } from '../app/index.ts';
import { loadConfig } from '../platform/config/index.ts';
import { DEFAULT_TENANT } from '../platform/identity/index.ts';
import { parseKql } from '../siem/index.ts';
import type { EventStore, IngestItem } from '../siem/index.ts';
import { mixedEvents } from './fixtures/mixed-events.ts';
import { formatInt, percentile, verdict } from './report.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000000' },
    days: { type: 'string', default: '7' },
    runs: { type: 'string', default: '40' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const total = Number(values.events);
const days = Number(values.days);
const runs = Number(values.runs);
const DAY = 86_400_000;
const now = Date.now();
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'secops-bench-search-'));
const reuse = existsSync(join(dir, 'events', 'events.db'));

const config = loadConfig({
  env: {},
  overrides: {
    dataDir: dir,
    'log.level': 'warn',
    'events.durability': 'normal',
    'events.retentionDays': 365,
  },
});
const app = await createApp(config);
const store: EventStore = app.siem.events;
// The bench's events and queries live in one tenant (reads are always scoped to one).
const tenant = DEFAULT_TENANT;

if (!reuse) {
  const source = (await app.siem.sources.create('bench', 'auto', tenant)).source;
  const started = performance.now();
  let loaded = 0;
  let batch: IngestItem[] = [];
  const inFlight: Promise<unknown>[] = [];
  for (const doc of mixedEvents(total, { start: now - days * DAY, end: now, seed: 7 })) {
    batch.push({ record: { kind: 'json', value: doc as never } });
    if (batch.length === 2000) {
      inFlight.push(app.siem.pipeline.ingest(batch, { source, idStrategy: 'content' }));
      batch = [];
      if (inFlight.length >= 3) await inFlight.shift();
      loaded += 2000;
      if (loaded % 100_000 === 0)
        process.stderr.write(
          `\r  loading ${formatInt(loaded)} / ${formatInt(total)} (${formatInt(loaded / ((performance.now() - started) / 1000))} events/s)   `,
        );
    }
  }
  if (batch.length > 0)
    inFlight.push(app.siem.pipeline.ingest(batch, { source, idStrategy: 'content' }));
  await Promise.all(inFlight);
  process.stderr.write('\n');
}
const stored = await store.count(tenant, { query: parseKql('') });
const from = now - DAY;
const window = { from, to: now + 1 };
const last24h = await store.count(tenant, { query: parseKql(''), ...window });

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function p95(
  label: string,
  make: (i: number) => () => Promise<unknown>,
): Promise<{ label: string; p50: number; p95: number }> {
  await make(0)(); // warm
  const times: number[] = [];
  for (let i = 1; i <= runs; i++) times.push(await timed(make(i)));
  times.sort((a, b) => a - b);
  return { label, p50: percentile(times, 50), p95: percentile(times, 95) };
}

const host = (i: number) => `ws-${String((i * 37) % 500).padStart(3, '0')}.corp.example.com`;
const user = (i: number) => `user${String((i * 13) % 400).padStart(3, '0')}`;
const results = [
  await p95(
    'field query        host.name:<host>, 100 hits + total',
    (i) => () =>
      store.search(tenant, { query: parseKql(`host.name:"${host(i)}"`), size: 100, ...window }),
  ),
  await p95(
    'field query        event.code:4625 and user.name:<user>',
    (i) => () =>
      store.search(tenant, {
        query: parseKql(`event.code:4625 and user.name:${user(i)}`),
        size: 100,
        ...window,
      }),
  ),
  await p95(
    'free text          <user> (rare word)',
    (i) => () => store.search(tenant, { query: parseKql(user(i)), size: 100, ...window }),
  ),
  await p95(
    'free text          "Failed password" (common phrase)',
    () => () =>
      store.search(tenant, { query: parseKql('"Failed password"'), size: 100, ...window }),
  ),
  await p95(
    'terms aggregation  host.name, top 10',
    () => () =>
      store.terms(tenant, { query: parseKql(''), field: 'host.name', size: 10, ...window }),
  ),
  await p95(
    'terms aggregation  user.name where event.code:4625',
    () => () =>
      store.terms(tenant, {
        query: parseKql('event.code:4625'),
        field: 'user.name',
        size: 10,
        ...window,
      }),
  ),
  await p95(
    'date histogram     1 h buckets',
    () => () =>
      store.dateHistogram(tenant, { query: parseKql(''), intervalMs: 3_600_000, ...window }),
  ),
];
await app.stop('bench finished');

// Baseline: scan every document of the last 24 h and answer the field query and the terms
// aggregation by brute force (JSON.parse + compare), as a store without indexes would.
function scanBaseline(): { field: number; terms: number; matches: number } {
  const db = new DatabaseSync(join(dir, 'events', 'events.db'), { readOnly: true });
  // Only the day partitions that overlap the window: what a store with time partitions but no
  // indexes would read.
  const days = new Set(
    [from, now].map((t) => `doc_${new Date(t).toISOString().slice(0, 10).replaceAll('-', '')}`),
  );
  const tables = (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'doc_%'")
      .all() as { name: string }[]
  )
    .map((r) => r.name)
    .filter((name) => days.has(name));
  const scan = (visit: (doc: Record<string, unknown>) => void): number => {
    const t0 = performance.now();
    for (const table of tables) {
      for (const row of db.prepare(`SELECT doc FROM ${table}`).iterate() as Iterable<{
        doc: string;
      }>) {
        const doc = JSON.parse(row.doc) as Record<string, unknown>;
        const ts = Date.parse(doc['@timestamp'] as string);
        if (ts >= from && ts <= now) visit(doc);
      }
    }
    return performance.now() - t0;
  };
  const wanted = host(1);
  let matches = 0;
  const field = scan((d) => {
    if ((d.host as { name?: string } | undefined)?.name === wanted) matches++;
  });
  const counts = new Map<string, number>();
  const terms = scan((d) => {
    const name = (d.host as { name?: string } | undefined)?.name;
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  });
  db.close();
  return { field, terms, matches };
}
const baseline = scanBaseline();
if (!values.keep && values.dir === undefined) rmSync(dir, { recursive: true, force: true });

console.log(
  `search benchmark: ${formatInt(stored)} events stored over ${String(days)} days, ${formatInt(last24h)} in the last 24 h; ${String(runs)} runs per query`,
);
for (const r of results)
  console.log(
    `  ${r.label.padEnd(62)} p50 ${r.p50.toFixed(1).padStart(7)} ms   p95 ${r.p95.toFixed(1).padStart(7)} ms   ${verdict(r.p95 < 200)}`,
  );
console.log(
  `  baseline (full scan of the last 24 h, no indexes): field query ${formatInt(baseline.field)} ms (${formatInt(baseline.matches)} hits), terms aggregation ${formatInt(baseline.terms)} ms`,
);
const field = results[0];
const terms = results[4];
if (field && terms)
  console.log(
    `  ratio              field query ${(baseline.field / field.p95).toFixed(0)}× faster than the scan; terms ${(baseline.terms / terms.p95).toFixed(0)}× faster`,
  );
console.log(`  target             p95 < 200 ms each`);
