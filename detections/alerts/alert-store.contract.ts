import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert, AlertCandidate } from './alert.ts';
import type { AlertFilter, AlertStore } from './alert-store.ts';
import { planAlertUpserts } from './dedup.ts';
import { recordAlerts } from './record-alerts.ts';
import { candidate, correlationCandidate, fixture, MINUTE, SECOND, T0 } from './test-fixtures.ts';
import type { Fixture, Firing } from './test-fixtures.ts';

/** An empty alert store, and the unit of work of the storage under it. */
export interface AlertStoreHarness {
  readonly alerts: AlertStore;
  /** Runs `fn` as one transaction that `applyUpserts` joins (as ingest runs it with its events). */
  unitOfWork<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

class Crash extends Error {}

/**
 * The behaviour every `AlertStore` adapter has: dedup folds firings into alerts, applying is
 * idempotent (twice, after a rollback, on a replay, with stale windows, concurrently), reads
 * are tenant-scoped, filters and paging. `make` returns an empty store each test.
 */
export function describeAlertStoreContract(
  name: string,
  make: () => Promise<AlertStoreHarness>,
): void {
  describe(`alert store: ${name}`, () => {
    let h: AlertStoreHarness;
    let f: Fixture;
    beforeEach(async () => {
      h = await make();
      f = fixture();
    });
    afterEach(async () => {
      await h.close();
    });

    const fire = (firing: Firing): AlertCandidate => candidate(f, firing);
    const all = async (filter: AlertFilter = {}, tenantId = 'tenant-a'): Promise<Alert[]> => [
      ...(await h.alerts.list(tenantId, filter, { limit: 500 })).alerts,
    ];

    it('opens an alert, adds to it within the window and opens another after it', async () => {
      const { powershell, lsass } = f.rules;
      const first = await recordAlerts(h.alerts, [
        fire({ rule: powershell, eventId: 'p1', at: T0 }),
        fire({ rule: powershell, eventId: 'p2', at: T0 + MINUTE }),
        fire({ rule: lsass, eventId: 'l1', at: T0 }),
      ]);
      expect(first.map((r) => r.status)).toEqual(['opened', 'opened']);
      const opened = first[0]?.status === 'opened' ? first[0].alert : undefined;
      expect(opened).toMatchObject({ count: 2, eventIds: ['p1', 'p2'], ruleRef: powershell.ref });
      expect(await h.alerts.get('tenant-a', opened?.id ?? '')).toEqual(opened);

      const second = await recordAlerts(h.alerts, [
        fire({ rule: powershell, eventId: 'p3', at: T0 + 9 * MINUTE }),
        fire({ rule: powershell, eventId: 'p4', at: T0 + 10 * MINUTE }),
      ]);
      expect(second.map((r) => r.status)).toEqual(['updated', 'opened']);
      const updated = second[0]?.status === 'updated' ? second[0].alert : undefined;
      expect(updated).toMatchObject({
        id: opened?.id,
        count: 3,
        eventCount: 3,
        eventIds: ['p1', 'p2', 'p3'],
        firstSeen: T0,
        lastSeen: T0 + 9 * MINUTE,
        createdAt: opened?.createdAt,
      });
      expect(updated?.updatedAt).toBeGreaterThan(opened?.updatedAt ?? Infinity);
      expect(await h.alerts.get('tenant-a', opened?.id ?? '')).toEqual(updated);
      expect((await all({ ruleRef: powershell.ref })).map((a) => a.count)).toEqual([1, 3]);
    });

    it('sets triage states, and a closed alert takes no more firings: the next opens a new alert', async () => {
      const { powershell } = f.rules;
      const [first] = await recordAlerts(h.alerts, [
        fire({ rule: powershell, eventId: 'p1', at: T0 }),
      ]);
      const id = first?.status === 'opened' ? first.alert.id : '';
      expect(await h.alerts.setState('tenant-a', id, 'acknowledged')).toBe(true);
      // Still open: a firing inside the window joins it.
      const [joined] = await recordAlerts(h.alerts, [
        fire({ rule: powershell, eventId: 'p2', at: T0 + MINUTE }),
      ]);
      expect(joined).toMatchObject({
        status: 'updated',
        alert: { id, state: 'acknowledged', count: 2 },
      });
      expect((await all({ states: ['acknowledged'] })).map((a) => a.id)).toEqual([id]);

      expect(await h.alerts.setState('tenant-a', id, 'resolved')).toBe(true);
      const [next] = await recordAlerts(h.alerts, [
        fire({ rule: powershell, eventId: 'p3', at: T0 + 2 * MINUTE }),
      ]);
      expect(next).toMatchObject({ status: 'opened', alert: { state: 'new', count: 1 } });
      expect(next?.status === 'opened' ? next.alert.id : id).not.toBe(id);
      expect(await h.alerts.get('tenant-a', id)).toMatchObject({ state: 'resolved', count: 2 });

      // Another tenant's alert, or none: nothing changes.
      expect(await h.alerts.setState('tenant-b', id, 'merged')).toBe(false);
      expect(await h.alerts.setState('tenant-a', 'no-such-alert', 'merged')).toBe(false);
      expect(await h.alerts.get('tenant-a', id)).toMatchObject({ state: 'resolved' });
    });

    it('keeps the observables of every firing folded into an alert', async () => {
      const { powershell } = f.rules;
      const [opened] = await recordAlerts(h.alerts, [
        fire({ rule: powershell, eventId: 'o1', at: T0, sourceIp: '10.0.0.7' }),
      ]);
      const id = opened?.status === 'opened' ? opened.alert.id : '';
      await recordAlerts(h.alerts, [
        fire({ rule: powershell, eventId: 'o2', at: T0 + MINUTE, sourceIp: '10.0.0.8' }),
        fire({ rule: powershell, eventId: 'o3', at: T0 + 2 * MINUTE, sourceIp: '10.0.0.7' }),
      ]);
      expect((await h.alerts.get('tenant-a', id))?.observables).toEqual([
        { kind: 'ip', value: '10.0.0.7' },
        { kind: 'ip', value: '10.0.0.8' },
      ]);
    });

    it('counts nothing twice when the same upserts are applied again', async () => {
      const { powershell } = f.rules;
      const batch = [
        fire({ rule: powershell, eventId: 'a', at: T0 }),
        fire({ rule: powershell, eventId: 'b', at: T0 + SECOND }),
      ];
      const upserts = planAlertUpserts(batch, await h.alerts.latestWindows([]));
      const applied = await h.alerts.applyUpserts(upserts);
      expect(applied.map((r) => r.status)).toEqual(['opened']);
      expect(await h.alerts.applyUpserts(upserts)).toEqual([
        { status: 'duplicate', alertId: batch[0]?.alert.id },
      ]);
      const alerts = await all();
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ count: 2, eventCount: 2 });
    });

    it('keeps nothing of a batch whose unit of work failed, and counts a replay once', async () => {
      const { powershell } = f.rules;
      const batch = () => [
        fire({ rule: powershell, eventId: 'a', at: T0 }),
        fire({ rule: powershell, eventId: 'b', at: T0 + SECOND }),
      ];
      await expect(
        h.unitOfWork(async () => {
          await recordAlerts(h.alerts, batch());
          throw new Crash('the event write failed');
        }),
      ).rejects.toBeInstanceOf(Crash);
      expect(await all()).toEqual([]);

      await h.unitOfWork(() => recordAlerts(h.alerts, batch()));
      // The shipper sends the batch again (it saw no ack), with one more event: fresh candidates
      // (new ids) for the same events, and the new one.
      const replay = await h.unitOfWork(() =>
        recordAlerts(h.alerts, [
          ...batch(),
          fire({ rule: powershell, eventId: 'c', at: T0 + 2 * SECOND }),
        ]),
      );
      expect(replay.map((r) => r.status)).toEqual(['updated']);
      const alerts = await all();
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ count: 3, eventIds: ['a', 'b', 'c'] });
      // Replayed alone, nothing at all changes.
      expect((await recordAlerts(h.alerts, batch())).map((r) => r.status)).toEqual(['duplicate']);
      expect((await all())[0]).toEqual(alerts[0]);
    });

    it('joins an open planned on stale windows to the alert whose window covers it', async () => {
      const { powershell } = f.rules;
      // Two writers planned before either wrote: both think the group has no alert.
      const one = planAlertUpserts([fire({ rule: powershell, eventId: 'a', at: T0 })], []);
      const two = planAlertUpserts([fire({ rule: powershell, eventId: 'b', at: T0 + MINUTE })], []);
      const [opened] = await h.alerts.applyUpserts(one);
      const [joined] = await h.alerts.applyUpserts(two);
      expect(opened?.status).toBe('opened');
      expect(joined?.status).toBe('updated');
      const alerts = await all();
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ count: 2, eventIds: ['a', 'b'], lastSeen: T0 + MINUTE });
      // Past that window, a stale open does open a new alert.
      const three = planAlertUpserts(
        [fire({ rule: powershell, eventId: 'c', at: T0 + 10 * MINUTE })],
        [],
      );
      expect((await h.alerts.applyUpserts(three)).map((r) => r.status)).toEqual(['opened']);
      expect(await all()).toHaveLength(2);
    });

    it('opens one alert per group when writers race', async () => {
      const { powershell } = f.rules;
      const plans = ['a', 'b', 'c', 'd'].map((id, i) =>
        planAlertUpserts([fire({ rule: powershell, eventId: id, at: T0 + i * SECOND })], []),
      );
      const results = (await Promise.all(plans.map((p) => h.alerts.applyUpserts(p)))).flat();
      expect(results.map((r) => r.status).sort()).toEqual([
        'opened',
        'updated',
        'updated',
        'updated',
      ]);
      const alerts = await all();
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.count).toBe(4);
      expect([...(alerts[0]?.eventIds ?? [])].sort()).toEqual(['a', 'b', 'c', 'd']);
    });

    it('keeps the first 100 event ids and counts on', async () => {
      const { powershell } = f.rules;
      const firings = (from: number, n: number) =>
        Array.from({ length: n }, (_, i) =>
          fire({ rule: powershell, eventId: `e${String(from + i)}`, at: T0 + from + i }),
        );
      await recordAlerts(h.alerts, firings(0, 60));
      await recordAlerts(h.alerts, firings(60, 90));
      const [alert] = await all();
      expect(alert).toMatchObject({ count: 150, eventCount: 150, lastSeen: T0 + 149 });
      expect(alert?.eventIds).toEqual(Array.from({ length: 100 }, (_, i) => `e${String(i)}`));
    });

    it('keeps tenants apart: reads, lists, and writes', async () => {
      const { powershell } = f.rules;
      const [mine] = await recordAlerts(h.alerts, [
        fire({ rule: powershell, eventId: 'x', at: T0 }),
      ]);
      const [theirs] = await recordAlerts(h.alerts, [
        fire({ rule: powershell, eventId: 'x', at: T0, tenantId: 'tenant-b' }),
      ]);
      const mineId = mine?.status === 'opened' ? mine.alert.id : '';
      const theirsId = theirs?.status === 'opened' ? theirs.alert.id : '';
      // The same event in another tenant is another tenant's alert, counted there.
      expect(theirs?.status).toBe('opened');
      expect(await h.alerts.get('tenant-b', mineId)).toBeUndefined();
      expect(await h.alerts.get('tenant-a', theirsId)).toBeUndefined();
      expect((await all({}, 'tenant-b')).map((a) => a.id)).toEqual([theirsId]);
      expect((await all()).map((a) => a.id)).toEqual([mineId]);
      expect(await all({}, 'tenant-c')).toEqual([]);

      // An upsert that names tenant-b but tenant-a's alert fails, and the whole batch with it.
      const [ref] = planAlertUpserts([fire({ rule: powershell, eventId: 'y', at: T0 })], []);
      const other = planAlertUpserts(
        [fire({ rule: powershell, eventId: 'z', at: T0, host: 'h9' })],
        [],
      );
      if (ref?.op !== 'open') return expect.fail('expected an open');
      await expect(
        h.alerts.applyUpserts([
          ...other,
          {
            op: 'add',
            tenantId: 'tenant-b',
            ruleRef: ref.alert.ruleRef,
            groupKey: ref.alert.groupKey,
            alertId: mineId,
            occurrences: ref.occurrences,
            at: T0,
          },
        ]),
      ).rejects.toMatchObject({ code: 'DETECTION_ALERT_UPSERT_INVALID' });
      expect((await all()).map((a) => [a.id, a.count])).toEqual([[mineId, 1]]);
      await expect(h.alerts.applyUpserts([{ ...ref, occurrences: [] }])).rejects.toMatchObject({
        code: 'DETECTION_ALERT_UPSERT_INVALID',
      });
    });

    it('filters by state, severity, kind, rule, tactic, technique, host and time', async () => {
      const { powershell, lsass, whoami } = f.rules;
      const HOUR = 60 * MINUTE;
      await recordAlerts(h.alerts, [
        fire({ rule: powershell, eventId: 'p', at: T0, host: 'WKS-1' }),
        fire({ rule: lsass, eventId: 'l', at: T0 + HOUR, host: 'wks-2' }),
        fire({ rule: whoami, eventId: 'w', at: T0 + 2 * HOUR, host: 'wks-1' }),
        correlationCandidate(f, { at: T0 + 3 * HOUR, host: 'dc-1' }),
        fire({ rule: powershell, eventId: 'other', at: T0, tenantId: 'tenant-b' }),
      ]);
      const titles = async (filter: AlertFilter) =>
        (await all(filter)).map((a) => a.ruleTitle.split(' ')[0]).sort();
      expect(await titles({})).toEqual(['Encoded', 'LSASS', 'Repeated', 'Whoami']);
      expect(await titles({ states: ['new'] })).toHaveLength(4);
      expect(await titles({ severities: ['high', 'low'] })).toEqual(['Encoded', 'LSASS']);
      expect(await titles({ minSeverity: 'medium' })).toEqual(['Encoded', 'Repeated', 'Whoami']);
      expect(await titles({ minSeverity: 'high', severities: ['medium', 'high'] })).toEqual([
        'Encoded',
      ]);
      expect(await titles({ kinds: ['correlation'] })).toEqual(['Repeated']);
      expect(await titles({ ruleRef: lsass.ref })).toEqual(['LSASS']);
      expect(await titles({ tactic: 'TA0006' })).toEqual(['LSASS', 'Repeated']);
      expect(await titles({ tactic: 'credential_access' })).toEqual(['LSASS', 'Repeated']);
      expect(await titles({ tactic: 'attack.defense-evasion' })).toEqual(['Encoded']);
      expect(await titles({ tactic: 'Execution' })).toEqual(['Encoded']);
      expect(await titles({ tactic: 'impact' })).toEqual([]);
      expect(await titles({ technique: 'T1059' })).toEqual(['Encoded']);
      expect(await titles({ technique: 't1059.001' })).toEqual(['Encoded']);
      expect(await titles({ technique: 'T1059.002' })).toEqual([]);
      expect(await titles({ technique: 'T1027' })).toEqual(['Encoded']);
      expect(await titles({ technique: 'T1110' })).toEqual(['Repeated']);
      expect(await titles({ technique: 'T1003', tactic: 'TA0002' })).toEqual([]);
      expect(await titles({ host: 'wks-1' })).toEqual(['Encoded', 'Whoami']);
      expect(await titles({ host: 'DC-1' })).toEqual(['Repeated']);
      expect(await titles({ from: T0 + HOUR, to: T0 + 3 * HOUR })).toEqual(['LSASS', 'Whoami']);
      expect(await titles({ from: T0 + 3 * HOUR })).toEqual(['Repeated']);
      expect(await titles({ to: T0 + 1 })).toEqual(['Encoded']);
      await expect(all({ tactic: 'evasion' })).rejects.toMatchObject({
        code: 'DETECTION_ALERT_INVALID_REQUEST',
      });
      await expect(all({ technique: 'T1%' })).rejects.toMatchObject({
        code: 'DETECTION_ALERT_INVALID_REQUEST',
      });
    });

    it('pages newest first, stable while alerts change', async () => {
      const { powershell } = f.rules;
      for (const host of ['h1', 'h2', 'h3', 'h4', 'h5'])
        await recordAlerts(h.alerts, [fire({ rule: powershell, eventId: host, at: T0, host })]);
      const page1 = await h.alerts.list('tenant-a', {}, { limit: 2 });
      expect(page1.alerts.map((a) => a.host)).toEqual(['h5', 'h4']);
      // h3 grows between the pages: it stays where it was.
      await recordAlerts(h.alerts, [
        fire({ rule: powershell, eventId: 'h3-again', at: T0 + SECOND, host: 'h3' }),
      ]);
      const page2 = await h.alerts.list(
        'tenant-a',
        {},
        { limit: 2, ...(page1.nextCursor !== undefined ? { cursor: page1.nextCursor } : {}) },
      );
      expect(page2.alerts.map((a) => [a.host, a.count])).toEqual([
        ['h3', 2],
        ['h2', 1],
      ]);
      const page3 = await h.alerts.list(
        'tenant-a',
        {},
        { limit: 2, ...(page2.nextCursor !== undefined ? { cursor: page2.nextCursor } : {}) },
      );
      expect(page3.alerts.map((a) => a.host)).toEqual(['h1']);
      expect(page3.nextCursor).toBeUndefined();
      // A cursor only pages within its own tenant.
      expect(
        (
          await h.alerts.list(
            'tenant-b',
            {},
            { limit: 2, ...(page1.nextCursor !== undefined ? { cursor: page1.nextCursor } : {}) },
          )
        ).alerts,
      ).toEqual([]);
      for (const page of [
        { limit: 2, cursor: 'bm90LWEtY3Vyc29y' },
        { limit: 2, cursor: '%%%' },
        { limit: 0 },
        { limit: 501 },
        { limit: 1.5 },
      ])
        await expect(h.alerts.list('tenant-a', {}, page)).rejects.toMatchObject({
          code: 'DETECTION_ALERT_INVALID_REQUEST',
        });
    });

    it('prunes old occurrence keys and ended windows', async () => {
      const { powershell } = f.rules;
      await recordAlerts(h.alerts, [fire({ rule: powershell, eventId: 'a', at: T0 })]);
      const [group] = await h.alerts.latestWindows([
        {
          tenantId: 'tenant-a',
          ruleRef: powershell.ref,
          groupKey: (await all())[0]?.groupKey ?? '',
        },
      ]);
      expect(group?.windowEnd).toBe(T0 + 10 * MINUTE);
      expect(await h.alerts.prune(T0)).toEqual({ occurrences: 0, windows: 0 });
      expect(await h.alerts.prune(f.clock.now() + 1)).toEqual({ occurrences: 1, windows: 0 });
      expect(await h.alerts.prune(T0 + 10 * MINUTE + 1)).toEqual({ occurrences: 0, windows: 1 });
      expect(await h.alerts.latestWindows(group ? [group] : [])).toEqual([]);
    });
  });
}
