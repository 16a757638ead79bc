import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertMigrations, createRelationalAlertStore } from '../../detections/index.ts';
import { createManualClock } from '../../platform/clock/index.ts';
import type { ManualClock } from '../../platform/clock/index.ts';
import { createIdGenerator } from '../../platform/ids/index.ts';
import { createSecretScanner } from '../../platform/redaction/index.ts';
import { createRelationalCaseStore } from '../adapters/relational/relational-case-store.ts';
import { createRelationalTriageStore } from '../adapters/relational/relational-triage-store.ts';
import type { TriageHarness } from '../triage/triage-service.contract.ts';
import { soarMigrations } from '../triage/migrations.ts';
import { openAlerts } from '../triage/test-alerts.ts';
import { createTriageService, withTriageTracking } from '../triage/triage-service.ts';
import { createCaseGrouping } from './case-grouping.ts';
import type { CaseGrouping } from './case-grouping.ts';
import { createCaseService } from './case-service.ts';
import type { CaseService } from './case-service.ts';
import type { AlertStore } from '../../detections/index.ts';

const T0 = Date.UTC(2026, 10, 24, 9);
const ANALYST = { kind: 'user', id: 'ada' };

/**
 * Cases over a relational store (SQLite and PostgreSQL run the same suite): alerts grouped by
 * hand or promoted, one case per alert, lifecycle, merge, tasks, masked comments, the timeline,
 * tenancy, and nothing left of a request that fails.
 */
export function describeCaseContract(name: string, make: () => Promise<TriageHarness>): void {
  describe(`cases: ${name}`, () => {
    let h: TriageHarness;
    let clock: ManualClock;
    let cases: CaseService;
    let grouping: CaseGrouping;
    let tracked: AlertStore;

    beforeEach(async () => {
      h = await make();
      await h.store.migrate([...alertMigrations, ...soarMigrations]);
      clock = createManualClock(T0);
      const ids = createIdGenerator(clock);
      const alerts = createRelationalAlertStore({ store: h.store });
      const scanner = createSecretScanner();
      const redact = (text: string) => scanner.redact(text).text;
      const triage = createTriageService({
        relational: h.store,
        triage: createRelationalTriageStore(h.store),
        alerts,
        clock,
        ids,
        redact,
      });
      const caseStore = createRelationalCaseStore(h.store);
      cases = createCaseService({
        cases: caseStore,
        triage,
        alerts,
        relational: h.store,
        clock,
        ids,
        redact,
      });
      grouping = createCaseGrouping({ cases: caseStore, service: cases, clock });
      tracked = withTriageTracking(
        alerts,
        {
          track: async (opened) => {
            await triage.track(opened);
            await grouping.track(opened);
          },
          refresh: (updated) => grouping.refresh(updated),
        },
        h.store,
      );
      await openAlerts(tracked, [
        { id: 'low-1', severity: 'low', createdAt: T0 },
        { id: 'high-1', severity: 'high', createdAt: T0 },
        { id: 'crit-1', severity: 'critical', createdAt: T0 },
        { id: 'med-1', severity: 'medium', createdAt: T0 },
        { id: 'beta-1', severity: 'high', createdAt: T0, tenantId: 'tenant-b' },
      ]);
    });
    afterEach(async () => {
      await h.close();
    });

    it('opens a case with alerts, its severity the highest of theirs, on its timeline', async () => {
      const created = await cases.create(
        'tenant-a',
        { title: 'Lateral movement from wks-7', alertIds: ['low-1', 'high-1'] },
        ANALYST,
      );
      expect(created.record).toMatchObject({ state: 'open', severity: 'high', createdBy: ANALYST });
      expect([...created.alertIds].sort()).toEqual(['high-1', 'low-1']);
      expect(await cases.get('tenant-a', created.record.id)).toEqual(created);
      const empty = await cases.create('tenant-a', { title: 'Hunch' }, ANALYST);
      expect(empty.record.severity).toBe('medium');
      const timeline = await cases.timeline('tenant-a', created.record.id, { limit: 10 });
      expect(timeline.items.map((e) => e.kind)).toEqual(['created', 'alerts.added']);
    });

    it('promotes an alert into a case of its own, once', async () => {
      const promoted = await cases.promote('tenant-a', 'crit-1', ANALYST);
      expect(promoted.record).toMatchObject({
        title: 'Encoded PowerShell on host-crit-1',
        severity: 'critical',
      });
      expect(promoted.alertIds).toEqual(['crit-1']);
      await expect(cases.promote('tenant-a', 'crit-1', ANALYST)).rejects.toMatchObject({
        code: 'SOAR_ALERT_IN_CASE',
      });
      await expect(cases.promote('tenant-a', 'beta-1', ANALYST)).rejects.toMatchObject({
        code: 'SOAR_ALERT_NOT_FOUND',
      });
      // The failed promotion left no case behind.
      expect((await cases.list('tenant-a', {}, { limit: 10 })).items).toHaveLength(1);
    });

    it('adds alerts one by one: missing, another tenant’s, or in another case fail alone', async () => {
      const first = await cases.create('tenant-a', { title: 'A', alertIds: ['low-1'] }, ANALYST);
      const second = await cases.create('tenant-a', { title: 'B' }, ANALYST);
      const result = await cases.addAlerts(
        'tenant-a',
        second.record.id,
        ['low-1', 'crit-1', 'beta-1', 'nope', 'crit-1'],
        ANALYST,
      );
      expect(result.added).toEqual(['crit-1']);
      expect(result.failed.map((f) => [f.alertId, f.code])).toEqual([
        ['beta-1', 'SOAR_ALERT_NOT_FOUND'],
        ['nope', 'SOAR_ALERT_NOT_FOUND'],
        ['low-1', 'SOAR_ALERT_IN_CASE'],
      ]);
      expect((await cases.get('tenant-a', second.record.id)).record.severity).toBe('critical');
      await cases.removeAlert('tenant-a', first.record.id, 'low-1', ANALYST);
      expect(
        (await cases.addAlerts('tenant-a', second.record.id, ['low-1'], ANALYST)).added,
      ).toEqual(['low-1']);
    });

    it('works a case: start, close (first time kept), refuse changes while closed, reopen', async () => {
      const { record } = await cases.create('tenant-a', { title: 'C' }, ANALYST);
      clock.advance(60_000);
      expect(await cases.act('tenant-a', record.id, { action: 'start' }, ANALYST)).toMatchObject({
        changed: true,
        record: { state: 'in_progress' },
      });
      clock.advance(60_000);
      const closed = await cases.act(
        'tenant-a',
        record.id,
        { action: 'close', resolution: 'true_positive' },
        ANALYST,
      );
      expect(closed.record).toMatchObject({ state: 'closed', closedAt: T0 + 120_000 });
      await expect(
        cases.addAlerts('tenant-a', record.id, ['med-1'], ANALYST),
      ).rejects.toMatchObject({ code: 'SOAR_TRANSITION_INVALID' });
      await expect(
        cases.addTask('tenant-a', record.id, { title: 'x' }, ANALYST),
      ).rejects.toMatchObject({ code: 'SOAR_TRANSITION_INVALID' });
      clock.advance(60_000);
      const reopened = await cases.act('tenant-a', record.id, { action: 'reopen' }, ANALYST);
      expect(reopened.record).toMatchObject({ state: 'in_progress', closedAt: T0 + 120_000 });
      expect(
        (
          await cases.act(
            'tenant-a',
            record.id,
            { action: 'update', severity: 'critical', title: 'C2' },
            ANALYST,
          )
        ).record,
      ).toMatchObject({ severity: 'critical', title: 'C2' });
    });

    it('merges cases: alerts and tasks move, the sources end merged and refuse everything', async () => {
      const target = await cases.create('tenant-a', { title: 'T', alertIds: ['low-1'] }, ANALYST);
      const source = await cases.create('tenant-a', { title: 'S', alertIds: ['crit-1'] }, ANALYST);
      await cases.addTask('tenant-a', source.record.id, { title: 'isolate host' }, ANALYST);
      const merged = await cases.merge('tenant-a', target.record.id, [source.record.id], ANALYST);
      expect([...merged.alertIds].sort()).toEqual(['crit-1', 'low-1']);
      expect(merged.tasks.map((t) => t.title)).toEqual(['isolate host']);
      expect(merged.record.severity).toBe('critical');
      const gone = await cases.get('tenant-a', source.record.id);
      expect(gone).toMatchObject({
        record: { state: 'merged', mergedInto: target.record.id },
        alertIds: [],
      });
      await expect(
        cases.act('tenant-a', source.record.id, { action: 'start' }, ANALYST),
      ).rejects.toMatchObject({ code: 'SOAR_TRANSITION_INVALID' });
      await expect(
        cases.merge('tenant-a', source.record.id, [target.record.id], ANALYST),
      ).rejects.toMatchObject({ code: 'SOAR_TRANSITION_INVALID' });
      await expect(
        cases.merge('tenant-a', target.record.id, [target.record.id], ANALYST),
      ).rejects.toMatchObject({ code: 'SOAR_TRANSITION_INVALID' });
    });

    it('keeps tasks with their done time, masks comments, and pages the timeline', async () => {
      const { record } = await cases.create('tenant-a', { title: 'Tasks' }, ANALYST);
      const task = await cases.addTask(
        'tenant-a',
        record.id,
        { title: 'Reset the password', assignee: { kind: 'agent', id: 'iam-7', team: 'iam' } },
        ANALYST,
      );
      clock.advance(5_000);
      const done = await cases.updateTask(
        'tenant-a',
        record.id,
        task.id,
        { state: 'done' },
        ANALYST,
      );
      expect(done).toMatchObject({ state: 'done', doneAt: T0 + 5_000 });
      const open = await cases.updateTask(
        'tenant-a',
        record.id,
        task.id,
        { state: 'open' },
        ANALYST,
      );
      expect(open.doneAt).toBeNull();
      const key = 'AKIAZ7VRSQ5TNIGXBPQK';
      const comment = await cases.comment(
        'tenant-a',
        record.id,
        `leaked ${key} in the repo`,
        ANALYST,
      );
      expect(JSON.stringify(comment)).not.toContain(key);
      const first = await cases.timeline('tenant-a', record.id, { limit: 3 });
      expect(first.items.map((e) => e.kind)).toEqual(['created', 'task.added', 'task.done']);
      const rest = await cases.timeline('tenant-a', record.id, {
        limit: 3,
        ...(first.nextCursor === undefined ? {} : { cursor: first.nextCursor }),
      });
      expect(rest.items.map((e) => e.kind)).toEqual(['task.changed', 'comment']);
      await expect(
        cases.updateTask('tenant-a', record.id, 'no-task', { state: 'done' }, ANALYST),
      ).rejects.toMatchObject({ code: 'SOAR_CASE_NOT_FOUND' });
    });

    it('keeps tenants apart and leaves nothing of a case whose alerts fail', async () => {
      const { record } = await cases.create('tenant-a', { title: 'Mine' }, ANALYST);
      await expect(cases.get('tenant-b', record.id)).rejects.toMatchObject({
        code: 'SOAR_CASE_NOT_FOUND',
      });
      await expect(
        cases.act('tenant-b', record.id, { action: 'start' }, ANALYST),
      ).rejects.toMatchObject({ code: 'SOAR_CASE_NOT_FOUND' });
      expect((await cases.list('tenant-b', {}, { limit: 10 })).items).toEqual([]);
      await expect(
        cases.create('tenant-a', { title: 'Bad', alertIds: ['high-1', 'beta-1'] }, ANALYST),
      ).rejects.toMatchObject({ code: 'SOAR_ALERT_NOT_FOUND' });
      expect((await cases.list('tenant-a', {}, { limit: 10 })).items.map((c) => c.title)).toEqual([
        'Mine',
      ]);
      // high-1 was not left linked to the case that failed.
      const again = await cases.create(
        'tenant-a',
        { title: 'Good', alertIds: ['high-1'] },
        ANALYST,
      );
      expect(again.alertIds).toEqual(['high-1']);
      expect(
        (await cases.list('tenant-a', { states: ['open'] }, { limit: 10 })).items.map(
          (c) => c.title,
        ),
      ).toEqual(['Good', 'Mine']);
    });

    it('groups new alerts by the tenant’s rules: into the open case with the key, or a new one', async () => {
      const MIN = 60_000;
      const onHost = (id: string, at: number, tenantId = 'tenant-a') => ({
        id,
        createdAt: at,
        tenantId,
        host: 'WKS-9',
      });
      // No rule: nothing is grouped.
      await openAlerts(tracked, [onHost('g0', T0)]);
      await openAlerts(tracked, [onHost('g1', T0 + MIN)]);
      expect((await cases.list('tenant-a', {}, { limit: 10 })).items).toEqual([]);

      await grouping.setRule('tenant-a', 'host', 60 * 60);
      expect(await grouping.rules('tenant-a')).toEqual([{ kind: 'host', windowSeconds: 3600 }]);
      // g2 finds g0 and g1 within the hour, in no case: the three open one together.
      await openAlerts(tracked, [onHost('g2', T0 + 10 * MIN)]);
      const [grouped] = (await cases.list('tenant-a', {}, { limit: 10 })).items;
      expect(grouped).toMatchObject({
        title: 'Alerts sharing host wks-9',
        createdBy: { id: 'case-grouping' },
      });
      const caseId = grouped?.id ?? '';
      // g3 joins that open case.
      await openAlerts(tracked, [onHost('g3', T0 + 30 * MIN)]);
      expect([...(await cases.get('tenant-a', caseId)).alertIds].sort()).toEqual([
        'g0',
        'g1',
        'g2',
        'g3',
      ]);
      // Another tenant's alert on the same host stays out.
      await openAlerts(tracked, [onHost('b9', T0 + 31 * MIN, 'tenant-b')]);
      expect((await cases.list('tenant-b', {}, { limit: 10 })).items).toEqual([]);
      // Past the window, alone: no case.
      await openAlerts(tracked, [onHost('g4', T0 + 3 * 60 * MIN)]);
      expect((await cases.list('tenant-a', {}, { limit: 10 })).items).toHaveLength(1);
      // A closed case takes nothing more: g5 and g4 (both in no case) open a new one.
      await cases.act(
        'tenant-a',
        caseId,
        { action: 'close', resolution: 'true_positive' },
        ANALYST,
      );
      await openAlerts(tracked, [onHost('g5', T0 + 3 * 60 * MIN + MIN)]);
      const all = (await cases.list('tenant-a', {}, { limit: 10 })).items;
      expect(all).toHaveLength(2);
      expect([...(await cases.get('tenant-a', all[0]?.id ?? '')).alertIds].sort()).toEqual([
        'g4',
        'g5',
      ]);

      // The pivot: every alert with the key, newest first, and the cases holding them.
      const pivot = await grouping.pivot('tenant-a', { kind: 'host', value: 'wks-9' });
      expect(pivot.alerts.map((a) => a.alertId)).toEqual(['g5', 'g4', 'g3', 'g2', 'g1', 'g0']);
      expect([...pivot.caseIds].sort()).toEqual([caseId, all[0]?.id ?? ''].sort());
      expect(
        (await grouping.pivot('tenant-b', { kind: 'host', value: 'WKS-9' })).alerts,
      ).toHaveLength(1);

      await grouping.setRule('tenant-a', 'host', null);
      expect(await grouping.rules('tenant-a')).toEqual([]);
      await expect(grouping.setRule('tenant-a', 'user', 5)).rejects.toMatchObject({
        code: 'SOAR_INVALID_REQUEST',
      });
    });

    it('holds observables added by hand beside its alerts’, pivots find it, merges carry them', async () => {
      const incident = await cases.create(
        'tenant-a',
        { title: 'Beaconing', alertIds: ['high-1'] },
        ANALYST,
      );
      const id = incident.record.id;
      const added = await cases.addObservables(
        'tenant-a',
        id,
        [
          { kind: 'ip', value: ' 203.0.113.9 ', note: 'C2 from the proxy logs' },
          { kind: 'host', value: 'HOST-HIGH-1' },
          { kind: 'hash', value: 'D41D8CD98F00B204E9800998ECF8427E' },
          { kind: 'ip', value: '203.0.113.9' },
        ],
        ANALYST,
      );
      expect(added.added).toEqual([
        { kind: 'ip', value: '203.0.113.9' },
        { kind: 'host', value: 'host-high-1' },
        { kind: 'hash', value: 'd41d8cd98f00b204e9800998ecf8427e' },
      ]);
      expect(added.existing).toEqual([]);
      const again = await cases.addObservables(
        'tenant-a',
        id,
        [{ kind: 'ip', value: '203.0.113.9', note: 'ignored' }],
        ANALYST,
      );
      expect(again).toEqual({ added: [], existing: [{ kind: 'ip', value: '203.0.113.9' }] });

      const observables = await cases.observables('tenant-a', id);
      expect(observables.map((o) => [o.kind, o.value, o.alerts, o.addedBy?.id ?? null])).toEqual([
        ['hash', 'd41d8cd98f00b204e9800998ecf8427e', 0, 'ada'],
        ['host', 'host-high-1', 1, 'ada'],
        ['ip', '203.0.113.9', 0, 'ada'],
        ['technique', 'T1059.001', 1, null],
      ]);
      expect(observables.find((o) => o.kind === 'ip')).toMatchObject({
        note: 'C2 from the proxy logs',
        addedAt: T0,
        eventsQuery:
          'related.ip:"203.0.113.9" or source.ip:"203.0.113.9" or destination.ip:"203.0.113.9"',
      });

      // The pivot on a hand-added value finds the case though no alert names it.
      const pivot = await grouping.pivot('tenant-a', { kind: 'ip', value: '203.0.113.9' });
      expect(pivot).toMatchObject({ alerts: [], caseIds: [id] });
      expect(
        (await grouping.pivot('tenant-b', { kind: 'ip', value: '203.0.113.9' })).caseIds,
      ).toEqual([]);

      // A bad value fails the whole request, naming it; nothing of it is kept.
      await expect(
        cases.addObservables(
          'tenant-a',
          id,
          [
            { kind: 'domain', value: 'evil.example' },
            { kind: 'ip', value: '999.1.1.1' },
          ],
          ANALYST,
        ),
      ).rejects.toMatchObject({ code: 'SOAR_INVALID_REQUEST', message: /observables\[1\]\.value/ });
      expect((await cases.observables('tenant-a', id)).some((o) => o.kind === 'domain')).toBe(
        false,
      );
      await expect(
        cases.addObservables('tenant-b', id, [{ kind: 'ip', value: '10.0.0.1' }], ANALYST),
      ).rejects.toMatchObject({ code: 'SOAR_CASE_NOT_FOUND' });

      // Removing: one added by hand goes; one only its alerts name cannot be removed.
      await cases.removeObservable('tenant-a', id, { kind: 'host', value: 'Host-High-1' }, ANALYST);
      expect(
        (await cases.observables('tenant-a', id)).find((o) => o.kind === 'host'),
      ).toMatchObject({ alerts: 1, addedBy: null, note: null });
      await expect(
        cases.removeObservable('tenant-a', id, { kind: 'technique', value: 'T1059.001' }, ANALYST),
      ).rejects.toMatchObject({ code: 'SOAR_CASE_NOT_FOUND' });

      // Merged away, the observables move with the alerts; the pivot then finds both cases.
      const other = await cases.create('tenant-a', { title: 'Same C2' }, ANALYST);
      await cases.addObservables(
        'tenant-a',
        other.record.id,
        [
          { kind: 'ip', value: '203.0.113.9', note: 'seen again' },
          { kind: 'domain', value: 'C2.Example.NET' },
        ],
        ANALYST,
      );
      await cases.merge('tenant-a', id, [other.record.id], ANALYST);
      const merged = await cases.observables('tenant-a', id);
      expect(
        merged.filter((o) => o.addedBy !== null).map((o) => [o.kind, o.value, o.note]),
      ).toEqual([
        ['domain', 'c2.example.net', null],
        ['hash', 'd41d8cd98f00b204e9800998ecf8427e', null],
        ['ip', '203.0.113.9', 'C2 from the proxy logs'],
      ]);
      expect(await cases.observables('tenant-a', other.record.id)).toEqual([]);
      const timeline = await cases.timeline('tenant-a', id, { limit: 20 });
      expect(timeline.items.map((e) => e.kind)).toEqual([
        'created',
        'alerts.added',
        'observables.added',
        'observables.removed',
        'merged.from',
      ]);
    });

    it('groups and pivots on the addresses alerts’ events name', async () => {
      await grouping.setRule('tenant-a', 'ip', 30 * 60);
      const from = (id: string, ip: string, at: number) => ({
        id,
        createdAt: at,
        observables: [{ kind: 'ip' as const, value: ip }],
      });
      await openAlerts(tracked, [from('ip-1', '198.51.100.23', T0)]);
      await openAlerts(tracked, [from('ip-2', '198.51.100.23', T0 + 60_000)]);
      const pivot = await grouping.pivot('tenant-a', { kind: 'ip', value: '198.51.100.23' });
      expect(pivot.alerts.map((a) => a.alertId)).toEqual(['ip-2', 'ip-1']);
      expect(pivot.caseIds).toHaveLength(1);
      const grouped = await cases.get('tenant-a', pivot.caseIds[0] ?? '');
      expect(grouped.record.title).toBe('Alerts sharing ip 198.51.100.23');
      await expect(
        grouping.pivot('tenant-a', { kind: 'ip', value: 'not-an-address' }),
      ).rejects.toMatchObject({ code: 'SOAR_INVALID_REQUEST' });
    });
  });
}
