import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertMigrations, createRelationalAlertStore } from '../../detections/index.ts';
import type { AlertStore } from '../../detections/index.ts';
import { createManualClock } from '../../platform/clock/index.ts';
import type { ManualClock } from '../../platform/clock/index.ts';
import { createIdGenerator } from '../../platform/ids/index.ts';
import { createSecretScanner } from '../../platform/redaction/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import { createRelationalTriageStore } from '../adapters/relational/relational-triage-store.ts';
import { soarMigrations } from './migrations.ts';
import { openAlerts } from './test-alerts.ts';
import { createTriageService, withTriageTracking } from './triage-service.ts';
import type { TriageService } from './triage-service.ts';

export interface TriageHarness {
  /** An empty, unmigrated relational store. */
  readonly store: RelationalStore;
  close(): Promise<void>;
}

const T0 = Date.UTC(2026, 10, 24, 9);
const MIN = 60_000;
const ANALYST = { kind: 'user', id: 'ada' };

/**
 * Triage over a relational store (SQLite and PostgreSQL run the same suite): alerts opened
 * through the detection relay's store are tracked in the same transaction; actions move the
 * triage record and the alert's state together; bulk actions report per alert; comments are
 * masked; every read is tenant-scoped.
 */
export function describeTriageContract(name: string, make: () => Promise<TriageHarness>): void {
  describe(`triage: ${name}`, () => {
    let h: TriageHarness;
    let clock: ManualClock;
    let alerts: AlertStore;
    let tracked: AlertStore;
    let service: TriageService;

    beforeEach(async () => {
      h = await make();
      await h.store.migrate([...alertMigrations, ...soarMigrations]);
      clock = createManualClock(T0);
      alerts = createRelationalAlertStore({ store: h.store });
      const scanner = createSecretScanner();
      service = createTriageService({
        relational: h.store,
        triage: createRelationalTriageStore(h.store),
        alerts,
        clock,
        ids: createIdGenerator(clock),
        redact: (text) => scanner.redact(text).text,
      });
      tracked = withTriageTracking(alerts, service, h.store);
    });
    afterEach(async () => {
      await h.close();
    });

    it('tracks each alert the relay opens, and records its opening on the timeline', async () => {
      await openAlerts(tracked, [
        { id: 'a1', createdAt: T0, firstSeen: T0 - 45_000, severity: 'critical' },
      ]);
      expect(await service.get('tenant-a', 'a1')).toMatchObject({
        state: 'new',
        severity: 'critical',
        detectedAt: T0,
        eventTime: T0 - 45_000,
        acknowledgedAt: null,
        origin: 'live',
      });
      const { entries } = await service.activity('tenant-a', 'a1', { limit: 10 });
      expect(entries).toMatchObject([
        { kind: 'opened', toState: 'new', actor: { kind: 'system' }, at: T0 },
      ]);
    });

    it('moves the triage record and the alert together, keeping each step’s first time', async () => {
      await openAlerts(tracked, [{ id: 'a1', createdAt: T0 }]);
      clock.set(T0 + 2 * MIN);
      const [acked] = await service.act('tenant-a', ['a1'], { action: 'acknowledge' }, ANALYST);
      expect(acked).toMatchObject({ status: 'changed', triage: { acknowledgedAt: T0 + 2 * MIN } });
      expect(await alerts.get('tenant-a', 'a1')).toMatchObject({ state: 'acknowledged' });
      clock.set(T0 + 3 * MIN);
      await service.act(
        'tenant-a',
        ['a1'],
        { action: 'assign', assignee: { kind: 'agent', id: 'soc-7', team: 'soc-l1' } },
        ANALYST,
      );
      clock.set(T0 + 20 * MIN);
      const [resolved] = await service.act(
        'tenant-a',
        ['a1'],
        { action: 'resolve', resolution: 'true_positive' },
        ANALYST,
      );
      expect(resolved).toMatchObject({
        status: 'changed',
        triage: {
          state: 'resolved',
          resolution: 'true_positive',
          acknowledgedAt: T0 + 2 * MIN,
          resolvedAt: T0 + 20 * MIN,
          assignee: { kind: 'agent', id: 'soc-7', team: 'soc-l1' },
        },
      });
      expect(await alerts.get('tenant-a', 'a1')).toMatchObject({ state: 'resolved' });
      const { entries } = await service.activity('tenant-a', 'a1', { limit: 10 });
      expect(entries.map((e) => [e.kind, e.fromState, e.toState, e.actor.id])).toEqual([
        ['opened', null, 'new', 'detections'],
        ['acknowledge', 'new', 'acknowledged', 'ada'],
        ['assign', 'acknowledged', 'acknowledged', 'ada'],
        ['resolve', 'acknowledged', 'resolved', 'ada'],
      ]);
      expect(entries[3]?.details).toEqual({ resolution: 'true_positive' });
    });

    it('applies a bulk action to each alert, reporting changed, unchanged and failed apart', async () => {
      await openAlerts(tracked, [
        { id: 'a1', createdAt: T0 },
        { id: 'a2', createdAt: T0 },
        { id: 'a3', createdAt: T0 },
      ]);
      await openAlerts(tracked, [{ id: 'b1', tenantId: 'tenant-b', createdAt: T0 }]);
      await service.act('tenant-a', ['a2'], { action: 'acknowledge' }, ANALYST);
      await service.act('tenant-a', ['a3'], { action: 'resolve', resolution: 'benign' }, ANALYST);
      const results = await service.act(
        'tenant-a',
        ['a1', 'a2', 'a3', 'b1', 'missing', 'a1'],
        { action: 'acknowledge' },
        ANALYST,
      );
      expect(results.map((r) => [r.alertId, r.status])).toEqual([
        ['a1', 'changed'],
        ['a2', 'unchanged'],
        ['a3', 'failed'],
        ['b1', 'failed'],
        ['missing', 'failed'],
      ]);
      expect(results.map((r) => (r.status === 'failed' ? r.error.code : null))).toEqual([
        null,
        null,
        'SOAR_TRANSITION_INVALID',
        'SOAR_ALERT_NOT_FOUND',
        'SOAR_ALERT_NOT_FOUND',
      ]);
      // Another tenant's alert is untouched and looks like none at all.
      expect(await service.get('tenant-b', 'b1')).toMatchObject({ state: 'new' });
      await expect(service.get('tenant-a', 'b1')).rejects.toMatchObject({
        code: 'SOAR_ALERT_NOT_FOUND',
      });
    });

    it('merges alerts into one, which must exist and not be merged itself', async () => {
      await openAlerts(tracked, [
        { id: 'a1', createdAt: T0 },
        { id: 'a2', createdAt: T0 },
        { id: 'a3', createdAt: T0 },
      ]);
      const results = await service.act(
        'tenant-a',
        ['a2', 'a3', 'a1'],
        { action: 'merge', into: 'a1' },
        ANALYST,
      );
      expect(results.map((r) => r.status)).toEqual(['changed', 'changed', 'failed']);
      expect(await alerts.get('tenant-a', 'a2')).toMatchObject({ state: 'merged' });
      expect(await service.get('tenant-a', 'a3')).toMatchObject({ mergedInto: 'a1' });
      for (const into of ['a2', 'nope'])
        await expect(
          service.act('tenant-a', ['a1'], { action: 'merge', into }, ANALYST),
        ).rejects.toMatchObject({ code: 'SOAR_INVALID_REQUEST' });
    });

    it('starts tracking an alert raised before triage existed, on first use', async () => {
      // Opened straight through the detections store: no triage record yet.
      await openAlerts(alerts, [{ id: 'old', createdAt: T0 - 60 * MIN }]);
      clock.set(T0);
      const [result] = await service.act('tenant-a', ['old'], { action: 'start' }, ANALYST);
      expect(result).toMatchObject({
        status: 'changed',
        triage: { state: 'in_progress', detectedAt: T0 - 60 * MIN, acknowledgedAt: T0 },
      });
    });

    it('masks secrets in comments and lists them apart from the timeline', async () => {
      await openAlerts(tracked, [{ id: 'a1', createdAt: T0 }]);
      const key = 'AKIAZ7VRSQ5TNIGXBPQK';
      const comment = await service.comment(
        'tenant-a',
        'a1',
        `  rotated the leaked key ${key} and the host is isolated  `,
        ANALYST,
      );
      expect(String(comment.details.text)).not.toContain(key);
      expect(comment.details.text).toMatch(/^rotated the leaked key \[REDACTED:[a-z0-9-]+\]/);
      await service.act('tenant-a', ['a1'], { action: 'acknowledge' }, ANALYST);
      const comments = await service.activity('tenant-a', 'a1', { limit: 10, kinds: ['comment'] });
      expect(comments.entries.map((e) => e.kind)).toEqual(['comment']);
      for (const text of ['', '   ', 'x'.repeat(20_001)])
        await expect(service.comment('tenant-a', 'a1', text, ANALYST)).rejects.toMatchObject({
          code: 'SOAR_INVALID_REQUEST',
        });
      await expect(service.comment('tenant-b', 'a1', 'hello', ANALYST)).rejects.toMatchObject({
        code: 'SOAR_ALERT_NOT_FOUND',
      });
    });

    it('pages the timeline oldest first', async () => {
      await openAlerts(tracked, [{ id: 'a1', createdAt: T0 }]);
      for (let i = 0; i < 5; i++)
        await service.comment('tenant-a', 'a1', `note ${String(i)}`, ANALYST);
      const first = await service.activity('tenant-a', 'a1', { limit: 4 });
      expect(first.entries.map((e) => e.kind)).toEqual(['opened', 'comment', 'comment', 'comment']);
      const second = await service.activity('tenant-a', 'a1', {
        limit: 4,
        ...(first.nextCursor === undefined ? {} : { cursor: first.nextCursor }),
      });
      expect(second.entries.map((e) => e.details.text)).toEqual(['note 3', 'note 4']);
      expect(second.nextCursor).toBeUndefined();
    });

    it('keeps nothing of a bulk action whose unit of work fails', async () => {
      await openAlerts(tracked, [
        { id: 'a1', createdAt: T0 },
        { id: 'a2', createdAt: T0 },
      ]);
      await expect(
        h.store.unitOfWork(async () => {
          await service.act('tenant-a', ['a1', 'a2'], { action: 'acknowledge' }, ANALYST);
          throw new Error('the audit record could not be written');
        }),
      ).rejects.toThrow(/audit record/);
      expect(await service.get('tenant-a', 'a1')).toMatchObject({
        state: 'new',
        acknowledgedAt: null,
      });
      expect(await alerts.get('tenant-a', 'a2')).toMatchObject({ state: 'new' });
      const { entries } = await service.activity('tenant-a', 'a1', { limit: 10 });
      expect(entries.map((e) => e.kind)).toEqual(['opened']);
    });
  });
}
