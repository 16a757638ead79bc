import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertMigrations, createRelationalAlertStore } from '../../detections/index.ts';
import { createManualClock } from '../../platform/clock/index.ts';
import type { ManualClock } from '../../platform/clock/index.ts';
import { createIdGenerator } from '../../platform/ids/index.ts';
import { createLogger } from '../../platform/logging/index.ts';
import { createMetrics } from '../../platform/metrics/index.ts';
import type { Metrics } from '../../platform/metrics/index.ts';
import { createSqliteRelationalStore } from '../../platform/storage/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import { createRelationalSlaStore } from '../adapters/relational/relational-sla-store.ts';
import { createRelationalTriageStore } from '../adapters/relational/relational-triage-store.ts';
import { soarMigrations } from '../triage/migrations.ts';
import { openAlerts } from '../triage/test-alerts.ts';
import { createTriageService, withTriageTracking } from '../triage/triage-service.ts';
import type { TriageService } from '../triage/triage-service.ts';
import { createSlaMonitor } from './sla-monitor.ts';
import type { SlaMonitor } from './sla-monitor.ts';
import type { SlaEvent, SlaStore } from './sla-store.ts';

// The SLA monitor over the real relational stores (SQLite), a manual clock.

const T0 = Date.UTC(2026, 10, 24, 9);
const MIN = 60_000;
const ANALYST = { kind: 'user', id: 'ada' };

let store: RelationalStore;
let clock: ManualClock;
let service: TriageService;
let sla: SlaStore;
let monitor: SlaMonitor;
let metrics: Metrics;
let escalated: SlaEvent[];

beforeEach(async () => {
  store = createSqliteRelationalStore({ path: ':memory:' });
  await store.migrate([...alertMigrations, ...soarMigrations]);
  clock = createManualClock(T0);
  const ids = createIdGenerator(clock);
  const alerts = createRelationalAlertStore({ store });
  const triage = createRelationalTriageStore(store);
  service = createTriageService({
    relational: store,
    triage,
    alerts,
    clock,
    ids,
    redact: (text) => text,
  });
  sla = createRelationalSlaStore(store);
  metrics = createMetrics({ defaultMetrics: false });
  escalated = [];
  monitor = createSlaMonitor({
    triage,
    sla,
    relational: store,
    clock,
    ids,
    metrics,
    logger: createLogger({ level: 'silent' }),
    escalate: (breach) => {
      escalated.push(breach);
      return Promise.resolve();
    },
  });
  await openAlerts(withTriageTracking(alerts, service, store), [
    { id: 'crit', severity: 'critical', createdAt: T0, tenantId: 'acme' },
    { id: 'high', severity: 'high', createdAt: T0, tenantId: 'acme' },
    { id: 'beta-crit', severity: 'critical', createdAt: T0, tenantId: 'beta' },
  ]);
});
afterEach(async () => {
  await monitor.stop();
  await store.close();
});

const kinds = async (tenantId: string, alertId: string) =>
  (await service.activity(tenantId, alertId, { limit: 50 })).entries
    .filter((e) => e.kind.startsWith('sla.'))
    .map((e) => `${e.kind}:${String(e.details.clock)}`);

describe('the SLA monitor', () => {
  it('records each warning and breach once, on the timeline, and escalates each breach once', async () => {
    clock.set(T0 + 4 * MIN);
    expect(await monitor.check()).toEqual({ watched: 3, warnings: 2, breaches: 0 });
    expect(await kinds('acme', 'crit')).toEqual(['sla.warning:acknowledge']);
    expect(await kinds('acme', 'high')).toEqual([]);

    clock.set(T0 + 5 * MIN);
    expect(await monitor.check()).toMatchObject({ warnings: 0, breaches: 2 });
    expect(await monitor.check()).toMatchObject({ warnings: 0, breaches: 0 });
    expect(escalated.map((e) => [e.tenantId, e.alertId, e.clock, e.dueAt])).toEqual([
      ['acme', 'crit', 'acknowledge', T0 + 5 * MIN],
      ['beta', 'beta-crit', 'acknowledge', T0 + 5 * MIN],
    ]);
    expect(await kinds('acme', 'crit')).toEqual([
      'sla.warning:acknowledge',
      'sla.breach:acknowledge',
    ]);
    expect(await metrics.render()).toContain(
      'soar_sla_events_total{clock="acknowledge",level="breach",severity="critical"} 2',
    );
  });

  it('stops watching a clock once it stopped, and follows the tenant’s own policy', async () => {
    await sla.setPolicy(
      'acme',
      { severity: 'high', acknowledgeSeconds: 60, resolveSeconds: 600 },
      T0,
    );
    clock.set(T0 + 2 * MIN);
    await service.act('acme', ['crit'], { action: 'acknowledge' }, ANALYST);
    await service.act('acme', ['high'], { action: 'resolve', resolution: 'benign' }, ANALYST);
    clock.set(T0 + 25 * MIN);
    await monitor.check();
    // crit: acknowledged in time; its resolve clock (30 min) warns at 24 min.
    expect(await kinds('acme', 'crit')).toEqual(['sla.warning:resolve']);
    // high: resolved, no longer watched, though 2 min was past its own 1-minute target.
    expect(await kinds('acme', 'high')).toEqual([]);
    expect((await sla.policies('acme')).high).toMatchObject({ acknowledgeSeconds: 60 });
    expect((await sla.policies('beta')).high).toMatchObject({ acknowledgeSeconds: 900 });
  });

  it('does not breach a resolve clock while it is paused', async () => {
    clock.set(T0 + MIN);
    await service.act('acme', ['crit'], { action: 'start' }, ANALYST);
    clock.set(T0 + 10 * MIN);
    await service.act('acme', ['crit'], { action: 'pause', reason: 'waiting on the ISP' }, ANALYST);
    clock.set(T0 + 120 * MIN);
    await monitor.check();
    expect(await kinds('acme', 'crit')).toEqual([]);
    await service.act('acme', ['crit'], { action: 'resume' }, ANALYST);
    clock.set(T0 + 135 * MIN);
    await monitor.check();
    // 10 min before the pause + 15 after it: past 80 % of 30 min, not yet 100 %.
    expect(await kinds('acme', 'crit')).toEqual(['sla.warning:resolve']);
  });
});
