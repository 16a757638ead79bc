import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EcsDocument } from '../parsers/parser.ts';
import { parseKql } from '../search/kql/index.ts';
import type { EventStore, PreparedEvent } from './event-store.ts';

/** What an adapter's test hands the contract: a store on empty storage, and how to reopen it. */
export interface EventStoreFixture {
  readonly store: EventStore;
  /** Closes nothing; opens a second store on the same storage after `store` was closed. */
  readonly reopen?: () => Promise<EventStore>;
}

const DAY = 86_400_000;
/** A fixed "now" for the data set: 2026-03-10T12:00:00Z. */
export const CONTRACT_NOW = Date.UTC(2026, 2, 10, 12);
/** The tenant the suite queries. */
export const CONTRACT_TENANT = 'alpha';
/**
 * A second tenant holding a copy of the data set (same ids and timestamps, other content) and
 * events of its own. Every query of the suite runs beside it, so every expected result also
 * proves that nothing of the other tenant leaks in (totals would double, ids repeat).
 */
export const OTHER_TENANT = 'beta';

export function prepared(
  doc: EcsDocument & { '@timestamp': string; event: { id: string } },
  tenantId: string = CONTRACT_TENANT,
): PreparedEvent {
  return {
    tenantId,
    id: doc.event.id,
    timestamp: Date.parse(doc['@timestamp']),
    doc,
    json: JSON.stringify(doc),
  };
}

function ev(
  id: string,
  at: number,
  fields: EcsDocument = {},
  tenantId: string = CONTRACT_TENANT,
): PreparedEvent {
  const event = { id, ...((fields.event as EcsDocument | undefined) ?? {}) };
  return prepared({ ...fields, '@timestamp': new Date(at).toISOString(), event }, tenantId);
}

/**
 * The other tenant's events: the data set again (same ids and timestamps, so the same dedup keys
 * if a store ignored tenants), every host renamed, and a few of its own.
 */
export function otherTenantEvents(): PreparedEvent[] {
  const copies = contractEvents().map((e) => {
    const doc = structuredClone(e.doc) as EcsDocument & {
      '@timestamp': string;
      event: { id: string };
    };
    doc.host = { name: 'beta-host' };
    doc.labels = { tenant: 'beta' };
    return prepared(doc, OTHER_TENANT);
  });
  return [
    ...copies,
    ev('beta-only-1', CONTRACT_NOW - 30_000, { host: { name: 'beta-host' } }, OTHER_TENANT),
    ev('beta-only-2', CONTRACT_NOW - 2 * DAY, { message: 'failed to log on' }, OTHER_TENANT),
  ];
}

/**
 * A small data set spread over three UTC days, with the shapes queries must handle: arrays,
 * nested objects, numbers, text fields, missing fields and non-ASCII values.
 */
export function contractEvents(): PreparedEvent[] {
  const t = CONTRACT_NOW;
  return [
    ev('e01', t - 2 * DAY, {
      host: { name: 'web-01' },
      user: { name: 'alice' },
      event: { code: '4624', category: ['authentication'], outcome: 'success' },
      message: 'An account was successfully logged on',
    }),
    ev('e02', t - 2 * DAY + 1000, {
      host: { name: 'web-02' },
      user: { name: 'bob' },
      event: { code: '4625', category: ['authentication'], outcome: 'failure' },
      message: 'An account failed to log on',
      source: { ip: '10.0.0.5' },
    }),
    ev('e03', t - DAY, {
      host: { name: 'WEB-01' },
      user: { name: 'Ève' },
      event: { code: '4625', category: ['authentication'], outcome: 'failure' },
      message: 'An account failed to log on',
      source: { ip: '10.0.0.5' },
    }),
    ev('e04', t - DAY + 5, {
      host: { name: 'db-01' },
      process: { name: 'cmd.exe', pid: 4242, command_line: 'cmd.exe /c whoami /all' },
      event: { code: '1', category: ['process'] },
      message: 'Process Create',
    }),
    ev('e05', t - 3_600_000, {
      host: { name: 'db-01' },
      process: { name: 'powershell.exe', pid: 77, command_line: 'powershell -enc SQBFAFgA' },
      event: { code: '1', category: ['process', 'network'] },
      tags: ['suspicious', 'encoded'],
    }),
    ev('e06', t - 60_000, {
      host: { name: 'web-01' },
      destination: { ip: '203.0.113.9', port: 443 },
      network: { bytes: 15000 },
      event: { category: ['network'], action: 'connection_attempted' },
      message: 'outbound TLS to 203.0.113.9',
    }),
    ev('e07', t - 1000, {
      cloud: { provider: 'aws' },
      user: { name: 'root' },
      event: { action: 'ConsoleLogin', outcome: 'success', code: 'ConsoleLogin' },
      aws: { cloudtrail: { user_identity: { type: 'Root' } } },
    }),
    ev('e08', t, {
      host: { name: 'web-03' },
      winlog: { event_data: { TargetUserName: 'bob', SubjectUserName: 'SYSTEM' } },
      event: { code: '4720' },
      message: 'A user account was created',
    }),
  ];
}

const q = parseKql;

/**
 * The behaviour every event store adapter must show. `make` returns a store on empty storage;
 * the suite appends `contractEvents()` and queries them.
 */
export function describeEventStoreContract(
  name: string,
  make: () => Promise<EventStoreFixture>,
): void {
  describe(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;
    const events = contractEvents();
    const other = otherTenantEvents();
    const A = CONTRACT_TENANT;
    const B = OTHER_TENANT;
    const ids = async (query: string, extra: { from?: number; to?: number } = {}) =>
      (await store.search(A, { query: q(query), size: 100, ...extra })).hits
        .map((h) => h.id)
        .sort();

    beforeAll(async () => {
      fixture = await make();
      store = fixture.store;
      const statuses = await store.append(events);
      expect(statuses).toEqual(events.map(() => 'created'));
      // The same ids at the same times in another tenant are other events, not duplicates.
      expect(await store.append(other)).toEqual(other.map(() => 'created'));
    });

    afterAll(async () => {
      await store.close();
    });

    describe('append', () => {
      it('reports re-sent events as duplicates and stores them once', async () => {
        const again = await store.append([events[0]!, events[3]!]);
        expect(again).toEqual(['duplicate', 'duplicate']);
        expect(await store.count(A, { query: q('') })).toBe(events.length);
      });

      it('deduplicates re-sent events stamped on receipt by id within their day', async () => {
        const first = { ...ev('stamped-1', CONTRACT_NOW - 9 * DAY), stampedOnReceipt: true };
        const resent = { ...first, timestamp: first.timestamp + 5000 };
        expect(await store.append([first])).toEqual(['created']);
        expect(await store.append([resent])).toEqual(['duplicate']);
        // Events with a time of their own are the same event only at the same time.
        const own = ev('own-time', CONTRACT_NOW - 9 * DAY);
        expect(await store.append([own, { ...own, timestamp: own.timestamp + 1 }])).toEqual([
          'created',
          'created',
        ]);
      });

      it('deduplicates inside one batch too', async () => {
        const one = ev('dup-in-batch', CONTRACT_NOW - 5 * DAY);
        expect(await store.append([one, one])).toEqual(['created', 'duplicate']);
      });

      it('keeps many events with the same millisecond apart', async () => {
        const at = CONTRACT_NOW - 6 * DAY;
        const many = Array.from({ length: 500 }, (_, i) =>
          ev(`same-ms-${String(i)}`, at, { labels: { n: i } }),
        );
        expect((await store.append(many)).every((s) => s === 'created')).toBe(true);
        expect(await store.count(A, { query: q('event.id:same-ms-*'), from: at, to: at + 1 })).toBe(
          500,
        );
      });

      it('commits concurrent appends completely', async () => {
        const at = CONTRACT_NOW - 7 * DAY;
        const batches = Array.from({ length: 20 }, (_, b) =>
          Array.from({ length: 50 }, (_, i) =>
            ev(`conc-${String(b)}-${String(i)}`, at + b * 50 + i),
          ),
        );
        const results = await Promise.all(batches.map((batch) => store.append(batch)));
        expect(results.flat().filter((s) => s === 'created')).toHaveLength(1000);
        expect(await store.count(A, { query: q(''), from: at, to: at + 1000 })).toBe(1000);
      });
    });

    describe('outbox', () => {
      const record = (key: string, topic = 'alerts') => ({ topic, key, payload: `{"k":"${key}"}` });

      it('commits records with the batch, keeps them per topic in commit order until acknowledged', async () => {
        const at = CONTRACT_NOW - 8 * DAY;
        await store.append([ev('ob-1', at)], [record('a'), record('x', 'other')]);
        await store.append([ev('ob-2', at + 1)], [record('b'), record('c')]);
        const held = await store.readOutbox('alerts', 10);
        expect(held.map((r) => r.key)).toEqual(['a', 'b', 'c']);
        expect(held[0]).toMatchObject({ topic: 'alerts', payload: '{"k":"a"}' });
        expect(held.map((r) => r.seq)).toEqual([...held.map((r) => r.seq)].sort((x, y) => x - y));
        expect((await store.readOutbox('alerts', 2)).map((r) => r.key)).toEqual(['a', 'b']);

        await store.ackOutbox('alerts', [held[0]!.seq, held[1]!.seq, 987_654_321]);
        expect((await store.readOutbox('alerts', 10)).map((r) => r.key)).toEqual(['c']);
        // Acknowledging one topic leaves the others alone.
        expect((await store.readOutbox('other', 10)).map((r) => r.key)).toEqual(['x']);
        await store.ackOutbox('alerts', [held[2]!.seq]);
        await store.ackOutbox(
          'other',
          (await store.readOutbox('other', 10)).map((r) => r.seq),
        );
        expect(await store.readOutbox('alerts', 10)).toEqual([]);
      });

      it('stores a key held already once, and commits records without events', async () => {
        // A re-sent batch raises the same records: they are stored once.
        const again = ev('ob-3', CONTRACT_NOW - 8 * DAY + 2);
        expect(await store.append([again], [record('k1')])).toEqual(['created']);
        expect(await store.append([again], [record('k1'), record('k2')])).toEqual(['duplicate']);
        expect(await store.append([], [record('k3')])).toEqual([]);
        const held = await store.readOutbox('alerts', 10);
        expect(held.map((r) => r.key)).toEqual(['k1', 'k2', 'k3']);
        await store.ackOutbox(
          'alerts',
          held.map((r) => r.seq),
        );
      });

      it('stores no record of a batch it refuses', async () => {
        const orphan = { ...ev('ob-4', CONTRACT_NOW - 8 * DAY + 3), tenantId: '' };
        await expect(store.append([orphan], [record('lost')])).rejects.toMatchObject({
          code: 'SIEM_INVALID_EVENT',
        });
        expect(await store.readOutbox('alerts', 10)).toEqual([]);
      });
    });

    describe('get', () => {
      it('finds an event by id, with or without its timestamp', async () => {
        const e = events[4]!;
        expect((await store.get(A, e.id))?.doc).toEqual(e.doc);
        expect((await store.get(A, e.id, e.timestamp))?.timestamp).toBe(e.timestamp);
        expect(await store.get(A, e.id, e.timestamp + 1)).toBeUndefined();
        expect(await store.get(A, 'no-such-event')).toBeUndefined();
      });

      it('finds ids that contain no letters or digits', async () => {
        const odd = ev('-_-', CONTRACT_NOW - 8 * DAY);
        await store.append([odd]);
        expect((await store.get(A, '-_-'))?.id).toBe('-_-');
      });
    });

    describe('search', () => {
      const window = { from: CONTRACT_NOW - 3 * DAY, to: CONTRACT_NOW + 1 };

      it('returns newest first by default, oldest first on request, with the total', async () => {
        const desc = await store.search(A, { query: q(''), size: 3, ...window });
        expect(desc.hits.map((h) => h.id)).toEqual(['e08', 'e07', 'e06']);
        expect(desc.total).toEqual({ value: 8, relation: 'eq' });
        const asc = await store.search(A, { query: q(''), size: 2, sort: 'asc', ...window });
        expect(asc.hits.map((h) => h.id)).toEqual(['e01', 'e02']);
        // Empty conjunctions and disjunctions (what formatKql writes as `*` and never parses):
        // every event, and none.
        const all = await store.search(A, {
          query: { type: 'and', children: [] },
          size: 10,
          ...window,
        });
        expect(all.total).toEqual({ value: 8, relation: 'eq' });
        const none = await store.search(A, {
          query: { type: 'or', children: [] },
          size: 10,
          ...window,
        });
        expect(none.hits).toEqual([]);
      });

      it('treats the time range as half-open [from, to)', async () => {
        const e = events[3]!;
        expect(await ids('', { from: e.timestamp, to: e.timestamp + 1 })).toEqual(['e04']);
        expect(await ids('', { from: e.timestamp + 1, to: e.timestamp + 2 })).toEqual([]);
        expect(await ids('', { from: e.timestamp - 1, to: e.timestamp })).toEqual([]);
      });

      it('pages with cursors through every hit exactly once, across partitions', async () => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.search(A, {
            query: q(''),
            size: 3,
            ...window,
            ...(cursor ? { cursor } : {}),
          });
          seen.push(...page.hits.map((h) => h.id));
          expect(page.total.value).toBe(8);
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).toEqual(['e08', 'e07', 'e06', 'e05', 'e04', 'e03', 'e02', 'e01']);
      });

      it('continues a cursor when a relative time range has moved between pages', async () => {
        const first = await store.search(A, { query: q(''), size: 4, ...window });
        const moved = await store.search(A, {
          query: q(''),
          size: 10,
          from: window.from + 1,
          to: window.to + 5,
          cursor: first.nextCursor!,
        });
        expect(moved.hits.map((h) => h.id)).toEqual(['e04', 'e03', 'e02', 'e01']);
      });

      it('refuses a cursor from another query, and a forged one', async () => {
        const page = await store.search(A, { query: q(''), size: 1, ...window });
        await expect(
          store.search(A, {
            query: q('host.name:x'),
            size: 1,
            ...window,
            cursor: page.nextCursor!,
          }),
        ).rejects.toMatchObject({ code: 'SIEM_BAD_CURSOR' });
        await expect(
          store.search(A, { query: q(''), size: 1, ...window, cursor: 'not-a-cursor' }),
        ).rejects.toMatchObject({ code: 'SIEM_BAD_CURSOR' });
      });

      it('stops counting at trackTotalHits and says so', async () => {
        const page = await store.search(A, { query: q(''), size: 1, trackTotalHits: 3, ...window });
        expect(page.total).toEqual({ value: 3, relation: 'gte' });
      });
    });

    describe('query semantics', () => {
      const w = { from: CONTRACT_NOW - 3 * DAY, to: CONTRACT_NOW + 1 };
      const cases: [string, string[]][] = [
        ['host.name:web-01', ['e01', 'e03', 'e06']],
        ['host.name:"web-01"', ['e01', 'e03', 'e06']],
        ['host.name:web', []],
        ['host.name:web-0*', ['e01', 'e02', 'e03', 'e06', 'e08']],
        ['host.name:*-01', ['e01', 'e03', 'e04', 'e05', 'e06']],
        ['user.name:ève', ['e03']],
        ['user.name:ÈVE', ['e03']],
        ['event.code:4625 and source.ip:10.0.0.5', ['e02', 'e03']],
        ['event.code:4624 or event.code:4720', ['e01', 'e08']],
        ['event.code:(4624 or 4720)', ['e01', 'e08']],
        ['not host.name:web*', ['e04', 'e05', 'e07']],
        ['event.category:network', ['e05', 'e06']],
        ['event.category:process and not event.category:network', ['e04']],
        ['tags:encoded', ['e05']],
        ['message:failed', ['e02', 'e03']],
        ['message:"failed to log"', ['e02', 'e03']],
        ['message:"log failed"', []],
        ['message:acc*', ['e01', 'e02', 'e03', 'e08']],
        ['whoami', ['e04']],
        ['"cmd.exe"', ['e04']],
        ['cmd.exe', ['e04']],
        ['SQBFAFgA', ['e05']],
        ['*shell*', ['e05']],
        ['process.pid:4242', ['e04']],
        ['process.pid > 100', ['e04']],
        ['network.bytes >= 15000 and destination.port:443', ['e06']],
        ['destination.port < 443', []],
        ['source.ip:*', ['e02', 'e03']],
        ['aws.cloudtrail.user_identity.type:Root', ['e07']],
        ['winlog.event_data.*:bob', ['e08']],
        ['winlog.event_data.TargetUserName:BOB', ['e08']],
        [`@timestamp >= "${new Date(CONTRACT_NOW - 60_000).toISOString()}"`, ['e06', 'e07', 'e08']],
        ['@timestamp > now-2h', ['e05', 'e06', 'e07', 'e08']],
      ];
      it.each(cases)('%s', async (query, expected) => {
        expect(await ids(query, w)).toEqual(expected);
        expect(await store.count(A, { query: q(query), ...w })).toBe(expected.length);
      });
    });

    describe('aggregations', () => {
      const w = { from: CONTRACT_NOW - 3 * DAY, to: CONTRACT_NOW + 1 };

      it('counts terms of a field (case-sensitive keys, ties by key), with the rest and the missing', async () => {
        const result = await store.terms(A, { query: q(''), field: 'host.name', size: 2, ...w });
        expect(result.buckets).toEqual([
          { key: 'db-01', count: 2 },
          { key: 'web-01', count: 2 },
        ]);
        expect(result.otherCount).toBe(3);
        expect(result.missingCount).toBe(1);
      });

      it('counts every value of a multi-valued field once per event', async () => {
        const result = await store.terms(A, {
          query: q(''),
          field: 'event.category',
          size: 10,
          ...w,
        });
        expect(result.buckets).toEqual([
          { key: 'authentication', count: 3 },
          { key: 'network', count: 2 },
          { key: 'process', count: 2 },
        ]);
      });

      it('aggregates only matching events, on any field', async () => {
        const result = await store.terms(A, {
          query: q('message:account'),
          field: 'event.code',
          size: 10,
          ...w,
        });
        expect(result.buckets).toEqual([
          { key: '4625', count: 2 },
          { key: '4624', count: 1 },
          { key: '4720', count: 1 },
        ]);
        const pids = await store.terms(A, {
          query: q('process.name:*'),
          field: 'process.pid',
          size: 10,
          ...w,
        });
        expect(pids.buckets).toEqual([
          { key: 77, count: 1 },
          { key: 4242, count: 1 },
        ]);
      });

      it('builds a date histogram over the range with empty buckets filled', async () => {
        const from = CONTRACT_NOW - 3 * DAY;
        const midnight = from - (from % DAY);
        const buckets = await store.dateHistogram(A, {
          query: q(''),
          intervalMs: DAY,
          from,
          to: from + 3 * DAY + 1,
        });
        expect(buckets.map((b) => b.start)).toEqual([
          midnight,
          midnight + DAY,
          midnight + 2 * DAY,
          midnight + 3 * DAY,
        ]);
        expect(buckets.map((b) => b.count)).toEqual([0, 2, 2, 4]);
        const failures = await store.dateHistogram(A, {
          query: q('event.outcome:failure'),
          intervalMs: DAY,
          from,
          to: from + 3 * DAY + 1,
        });
        expect(failures.map((b) => b.count)).toEqual([0, 1, 1, 0]);
      });
    });

    describe('aggregations over windows that cut hours', () => {
      // 300 events over 10 hours at irregular minutes, in a day of their own.
      const base = CONTRACT_NOW - 20 * DAY;
      const spread = Array.from({ length: 300 }, (_, i) => ({
        at: base + Math.floor((i * 7919) % 36_000) * 1000,
        host: `agg-${String(i % 7)}`,
      }));
      beforeAll(async () => {
        await store.append(
          spread.map((e, i) => ev(`agg-${String(i)}`, e.at, { host: { name: e.host } })),
        );
      });
      const windows: [number, number][] = [
        [base + 1_234_567, base + 27_000_001],
        [base + 3_600_000, base + 7_200_000],
        [base + 59_999, base + 60_001],
        [base - 1, base + 36_000_000],
      ];
      it.each(windows)('window [%i, %i)', async (from, to) => {
        const inside = spread.filter((e) => e.at >= from && e.at < to);
        expect(await store.count(A, { query: q(''), from, to })).toBe(inside.length);
        const terms = await store.terms(A, {
          query: q(''),
          field: 'host.name',
          size: 10,
          from,
          to,
        });
        const expected = new Map<string, number>();
        for (const e of inside) expected.set(e.host, (expected.get(e.host) ?? 0) + 1);
        expect(Object.fromEntries(terms.buckets.map((b) => [b.key, b.count]))).toEqual(
          Object.fromEntries(expected),
        );
        const histogram = await store.dateHistogram(A, {
          query: q(''),
          intervalMs: 2 * 3_600_000,
          from,
          to,
        });
        expect(histogram.reduce((n, b) => n + b.count, 0)).toBe(inside.length);
        for (const b of histogram) {
          expect(b.count).toBe(
            inside.filter((e) => e.at >= b.start && e.at < b.start + 2 * 3_600_000).length,
          );
        }
      });
    });

    describe('tenancy', () => {
      const w = { from: CONTRACT_NOW - 3 * DAY, to: CONTRACT_NOW + 1 };
      const idsOf = async (tenant: string, query: string) =>
        (await store.search(tenant, { query: q(query), size: 100, ...w })).hits
          .map((h) => h.id)
          .sort();

      it('gets an id in its own tenant only; another tenant’s event is as absent as none', async () => {
        const e = events[2]!;
        expect((await store.get(A, e.id))?.doc).toEqual(e.doc);
        expect((await store.get(B, e.id))?.doc).toMatchObject({ labels: { tenant: 'beta' } });
        expect((await store.get(B, e.id, e.timestamp))?.tenantId).toBe(B);
        expect(await store.get(A, 'beta-only-1')).toBeUndefined();
        expect(await store.get(A, 'beta-only-1', CONTRACT_NOW - 30_000)).toBeUndefined();
        expect((await store.get(B, 'beta-only-1'))?.tenantId).toBe(B);
        expect(await store.get('gamma', e.id)).toBeUndefined();
        const odd = ev('-_-', CONTRACT_NOW - 8 * DAY);
        await store.append([odd]);
        expect(await store.get(B, '-_-')).toBeUndefined();
      });

      it('searches and counts one tenant’s events, whatever the query', async () => {
        expect(await idsOf(B, 'host.name:beta-host')).toEqual([
          'beta-only-1',
          'e01',
          'e02',
          'e03',
          'e04',
          'e05',
          'e06',
          'e07',
          'e08',
        ]);
        expect(await idsOf(A, 'host.name:beta-host')).toEqual([]);
        expect(await idsOf(A, 'beta-only-1 or beta-only-2 or labels.tenant:beta')).toEqual([]);
        expect(await idsOf(B, 'message:failed')).toEqual(['beta-only-2', 'e02', 'e03']);
        expect(await idsOf(B, 'labels.tenant:*')).toHaveLength(8);
        for (const query of ['', 'host.name:*', 'event.code:4625', 'whoami', 'not tags:x']) {
          expect(await store.count(B, { query: q(query), ...w })).toBe(
            (await idsOf(B, query)).length,
          );
        }
        expect(await store.count(B, { query: q(''), ...w })).toBe(10);
        expect(await store.count('gamma', { query: q('') })).toBe(0);
        expect((await store.search('gamma', { query: q(''), size: 10 })).hits).toEqual([]);
      });

      it('aggregates one tenant’s events, from rows and from the hourly rollups', async () => {
        const hosts = await store.terms(B, { query: q(''), field: 'host.name', size: 10, ...w });
        expect(hosts.buckets).toEqual([{ key: 'beta-host', count: 9 }]);
        expect(hosts.missingCount).toBe(1);
        const filtered = await store.terms(A, {
          query: q('event.outcome:failure'),
          field: 'host.name',
          size: 10,
          ...w,
        });
        expect(filtered.buckets.map((b) => b.key)).not.toContain('beta-host');
        const free = await store.terms(B, {
          query: q('failed'),
          field: 'user.name',
          size: 10,
          ...w,
        });
        expect(free.buckets).toEqual([
          { key: 'bob', count: 1 },
          { key: 'Ève', count: 1 },
        ]);
        const from = CONTRACT_NOW - 3 * DAY;
        const days = await store.dateHistogram(B, {
          query: q(''),
          intervalMs: DAY,
          from,
          to: from + 3 * DAY + 1,
        });
        expect(days.map((b) => b.count)).toEqual([0, 3, 2, 5]);
        const hours = await store.dateHistogram('gamma', {
          query: q(''),
          intervalMs: 3_600_000,
          from,
          to: from + DAY,
        });
        expect(hours.every((b) => b.count === 0)).toBe(true);
        expect(
          (await store.terms('gamma', { query: q(''), field: 'host.name', size: 5 })).buckets,
        ).toEqual([]);
      });

      it('reads a large and a small tenant sharing a partition', async () => {
        const day = CONTRACT_NOW - 12 * DAY;
        const big = Array.from({ length: 5000 }, (_, i) =>
          ev(`big-${String(i)}`, day + i * 1000, {
            host: { name: i % 2 === 0 ? 'shared-host' : 'big-host' },
            message: i % 10 === 0 ? 'needle in the big tenant' : 'hay',
            labels: { n: i },
          }),
        );
        const small = Array.from({ length: 20 }, (_, i) =>
          ev(
            `small-${String(i)}`,
            day + i * 1000 + 500,
            {
              host: { name: 'shared-host' },
              message: i % 2 === 0 ? 'needle in the small tenant' : 'hay',
              labels: { n: i },
            },
            B,
          ),
        );
        await store.append(big);
        await store.append(small);
        const range = { from: day, to: day + DAY };
        const counts = async (query: string) => [
          await store.count(A, { query: q(query), ...range }),
          await store.count(B, { query: q(query), ...range }),
        ];
        expect(await counts('')).toEqual([5000, 20]);
        expect(await counts('host.name:shared-host')).toEqual([2500, 20]);
        expect(await counts('needle')).toEqual([500, 10]);
        expect(await counts('labels.n >= 10')).toEqual([4990, 10]);
        expect(await counts('host.name:shared-host and labels.n < 4')).toEqual([2, 4]);
        const page = await store.search(B, { query: q('hay'), size: 3, ...range });
        expect(page.hits.map((h) => h.id)).toEqual(['small-19', 'small-17', 'small-15']);
        expect(page.total).toEqual({ value: 10, relation: 'eq' });
        const hosts = await store.terms(A, {
          query: q('labels.n < 100'),
          field: 'host.name',
          size: 5,
          ...range,
        });
        expect(hosts.buckets).toEqual([
          { key: 'big-host', count: 50 },
          { key: 'shared-host', count: 50 },
        ]);
      });

      it('binds a cursor to its tenant', async () => {
        const page = await store.search(A, { query: q(''), size: 1, ...w });
        await expect(
          store.search(B, { query: q(''), size: 1, ...w, cursor: page.nextCursor! }),
        ).rejects.toMatchObject({ code: 'SIEM_BAD_CURSOR' });
      });

      it('deduplicates within a tenant only, events stamped on receipt included', async () => {
        const at = CONTRACT_NOW - 9 * DAY + 7;
        const a = { ...ev('stamped-both', at), stampedOnReceipt: true };
        const b = { ...ev('stamped-both', at + 10, {}, B), stampedOnReceipt: true };
        expect(await store.append([a])).toEqual(['created']);
        expect(await store.append([b])).toEqual(['created']);
        expect(await store.append([{ ...b, timestamp: at + 20 }])).toEqual(['duplicate']);
        expect(await store.append([{ ...a, timestamp: at + 30 }])).toEqual(['duplicate']);
      });

      it('refuses a read without a tenant, and an event without one', async () => {
        await expect(store.count('', { query: q('') })).rejects.toMatchObject({
          code: 'SIEM_INVALID_REQUEST',
        });
        await expect(store.get('', 'e01')).rejects.toMatchObject({ code: 'SIEM_INVALID_REQUEST' });
        await expect(
          store.append([{ ...ev('no-tenant', CONTRACT_NOW), tenantId: '' }]),
        ).rejects.toMatchObject({ code: 'SIEM_INVALID_EVENT' });
      });
    });

    describe('retention', () => {
      it('deletes whole partitions older than the cutoff in every tenant, and nothing newer', async () => {
        const before = await store.count(A, { query: q('') });
        const beforeOther = await store.count(B, { query: q('') });
        const result = await store.deleteBefore(CONTRACT_NOW - 4 * DAY);
        expect(result.deletedEvents).toBeGreaterThan(0);
        expect(
          (await store.count(A, { query: q('') })) + (await store.count(B, { query: q('') })),
        ).toBe(before + beforeOther - result.deletedEvents);
        expect(await store.count(A, { query: q(''), to: CONTRACT_NOW - 4 * DAY })).toBe(0);
        expect(await store.count(B, { query: q(''), to: CONTRACT_NOW - 4 * DAY })).toBe(0);
        expect(
          await store.count(B, {
            query: q(''),
            from: CONTRACT_NOW - 3 * DAY,
            to: CONTRACT_NOW + 1,
          }),
        ).toBe(10);
        expect(
          await store.count(A, {
            query: q(''),
            from: CONTRACT_NOW - 3 * DAY,
            to: CONTRACT_NOW + 1,
          }),
        ).toBe(8);
      });
    });

    describe('writes between pages', () => {
      const w = { from: CONTRACT_NOW - 3 * DAY, to: CONTRACT_NOW + 1 };
      it('keeps pages stable when newer events arrive between pages', async () => {
        const first = await store.search(A, { query: q('host.name:web*'), size: 2, ...w });
        await store.append([ev('late-arrival', CONTRACT_NOW - 500, { host: { name: 'web-09' } })]);
        const second = await store.search(A, {
          query: q('host.name:web*'),
          size: 10,
          ...w,
          cursor: first.nextCursor!,
        });
        expect([...first.hits, ...second.hits].map((h) => h.id)).not.toContain('late-arrival');
        expect(first.hits.map((h) => h.id)).toEqual(['e08', 'e06']);
        expect(second.hits.map((h) => h.id)).toEqual(['e03', 'e02', 'e01']);
      });
    });

    describe('health', () => {
      it('reports healthy while open', async () => {
        expect((await store.health()).ok).toBe(true);
      });
    });
  });

  describe(`EventStore contract: ${name} (lifecycle)`, () => {
    it('keeps what was acknowledged across close and reopen, and refuses work once closed', async () => {
      const fixture = await make();
      const batch = contractEvents();
      await fixture.store.append(batch, [{ topic: 'alerts', key: 'kept', payload: '{}' }]);
      await fixture.store.close();
      await expect(
        fixture.store.search(CONTRACT_TENANT, { query: q(''), size: 1 }),
      ).rejects.toMatchObject({ code: 'SIEM_STORE_CLOSED' });
      if (!fixture.reopen) return;
      const again = await fixture.reopen();
      try {
        expect(await again.count(CONTRACT_TENANT, { query: q('') })).toBe(batch.length);
        expect(await again.count(OTHER_TENANT, { query: q('') })).toBe(0);
        expect(await again.append(batch.slice(0, 2))).toEqual(['duplicate', 'duplicate']);
        expect((await again.readOutbox('alerts', 10)).map((r) => r.key)).toEqual(['kept']);
      } finally {
        await again.close();
      }
    });
  });
}
