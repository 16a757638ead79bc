import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertMigrations, createRelationalAlertStore } from '../../detections/index.ts';
import type { Severity } from '../../detections/index.ts';
import { createManualClock } from '../../platform/clock/index.ts';
import { createIdGenerator } from '../../platform/ids/index.ts';
import { createSqliteRelationalStore } from '../../platform/storage/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import { createRelationalTriageStore } from '../adapters/relational/relational-triage-store.ts';
import { soarMigrations } from '../triage/migrations.ts';
import { openAlerts } from '../triage/test-alerts.ts';
import { createTriageService, withTriageTracking } from '../triage/triage-service.ts';
import type { TriageAction } from '../triage/triage.ts';
import { measureCsv, measureTriage } from './mttx.ts';
import type { MeasureReport } from './mttx.ts';

/**
 * A replay of 10,000 alerts through the real triage service and store (SQLite), with generated
 * acknowledgement and resolution times, some merged, some exercise and test alerts; the measures
 * read back must equal a reference computed here from the generated plan alone.
 */

const ALERTS = 10_000;
const T0 = Date.UTC(2026, 10, 1);
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
const TEAMS = ['soc-l1', 'soc-l2', 'ir'];

/** mulberry32: a small seeded PRNG, so the replay is the same every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Plan {
  readonly id: string;
  readonly severity: Severity;
  readonly team: string;
  readonly createdAt: number;
  readonly firstSeen: number;
  /** Acknowledged at, if ever (undefined: resolved straight away, or never touched). */
  readonly ackAt: number | undefined;
  readonly resolveAt: number | undefined;
  readonly fate: 'live' | 'merged' | 'exercise' | 'test';
}

function generate(): Plan[] {
  const random = prng(20261124);
  const exp = (mean: number) => -Math.log(1 - random()) * mean;
  return Array.from({ length: ALERTS }, (_, i) => {
    const severity: (typeof SEVERITIES)[number] =
      SEVERITIES[Math.floor(random() * SEVERITIES.length)] ?? 'low';
    const createdAt = T0 + Math.floor(random() * 7 * 86_400_000);
    const roll = random();
    const ackMean = { low: 900_000, medium: 400_000, high: 200_000, critical: 90_000 }[severity];
    const ackAt = roll < 0.05 ? undefined : createdAt + 1 + Math.floor(exp(ackMean));
    const resolves = random() < 0.85;
    const resolveAt = !resolves
      ? undefined
      : (ackAt ?? createdAt) + 1 + Math.floor(exp(ackMean * 4));
    const fateRoll = random();
    return {
      id: `alert-${String(i).padStart(5, '0')}`,
      severity,
      team: TEAMS[Math.floor(random() * TEAMS.length)] ?? 'ir',
      createdAt,
      firstSeen: createdAt - Math.floor(random() * 120_000),
      ackAt,
      resolveAt,
      fate:
        i === 0
          ? 'live'
          : fateRoll < 0.02
            ? 'merged'
            : fateRoll < 0.03
              ? 'exercise'
              : fateRoll < 0.04
                ? 'test'
                : 'live',
    };
  });
}

/** The reference: written apart from the module under test, from the plan alone. */
function reference(plans: readonly Plan[], severity?: Severity) {
  const kept = plans.filter(
    (p) => p.fate === 'live' && (severity === undefined || p.severity === severity),
  );
  const figures = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q: number) => {
      // Linear interpolation between closest ranks (R-7 / Excel PERCENTILE.INC).
      const h = (sorted.length - 1) * q;
      const lo = sorted[Math.floor(h)] ?? NaN;
      const hi = sorted[Math.ceil(h)] ?? NaN;
      return lo + (h - Math.floor(h)) * (hi - lo);
    };
    let total = 0;
    for (const v of sorted) total += v;
    return { count: sorted.length, mean: total / sorted.length, median: at(0.5), p90: at(0.9) };
  };
  // Resolving an alert nobody acknowledged acknowledges it at the same moment.
  const ack = kept.flatMap((p) => {
    const at = p.ackAt ?? p.resolveAt;
    return at === undefined ? [] : [(at - p.createdAt) / 1000];
  });
  const resolve = kept.flatMap((p) =>
    p.resolveAt === undefined ? [] : [(p.resolveAt - p.createdAt) / 1000],
  );
  const detect = kept.map((p) => (p.createdAt - p.firstSeen) / 1000);
  return { alerts: kept.length, mtta: figures(ack), mttr: figures(resolve), mttd: figures(detect) };
}

let dir: string;
let store: RelationalStore;
let plans: Plan[];
let report: MeasureReport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mttx-replay-'));
  store = createSqliteRelationalStore({ path: join(dir, 'state.db') });
  await store.migrate([...alertMigrations, ...soarMigrations]);
  const clock = createManualClock(T0);
  const alerts = createRelationalAlertStore({ store });
  const triageStore = createRelationalTriageStore(store);
  const service = createTriageService({
    relational: store,
    triage: triageStore,
    alerts,
    clock,
    ids: createIdGenerator(clock),
    redact: (text) => text,
  });
  const tracked = withTriageTracking(alerts, service, store);
  const analyst = { kind: 'user', id: 'replay' };
  plans = generate();
  for (let i = 0; i < plans.length; i += 500)
    await openAlerts(
      tracked,
      plans.slice(i, i + 500).map((p) => ({
        id: p.id,
        severity: p.severity,
        createdAt: p.createdAt,
        firstSeen: p.firstSeen,
        tenantId: 'acme',
      })),
    );
  // Team assignment, exercise/test marks and merges are timeless: done in bulk.
  const bulk = async (ids: string[], action: TriageAction) => {
    for (let i = 0; i < ids.length; i += 500) {
      const results = await service.act('acme', ids.slice(i, i + 500), action, analyst);
      expect(results.filter((r) => r.status === 'failed')).toEqual([]);
    }
  };
  for (const team of TEAMS)
    await bulk(
      plans.filter((p) => p.team === team).map((p) => p.id),
      {
        action: 'assign',
        assignee: { kind: 'user', id: `${team}-lead`, team },
      },
    );
  for (const origin of ['exercise', 'test'] as const)
    await bulk(
      plans.filter((p) => p.fate === origin).map((p) => p.id),
      { action: 'classify', origin },
    );
  // Acknowledgements and resolutions in time order, each at its own instant.
  const steps = plans.flatMap((p) => [
    ...(p.ackAt === undefined
      ? []
      : [{ at: p.ackAt, id: p.id, action: { action: 'acknowledge' } as const }]),
    ...(p.resolveAt === undefined
      ? []
      : [
          {
            at: p.resolveAt,
            id: p.id,
            action: { action: 'resolve', resolution: 'true_positive' } as const,
          },
        ]),
  ]);
  steps.sort((a, b) => a.at - b.at);
  for (const step of steps) {
    clock.set(step.at);
    await service.act('acme', [step.id], step.action, analyst);
  }
  clock.set(T0 + 30 * 86_400_000);
  await bulk(
    plans.filter((p) => p.fate === 'merged').map((p) => p.id),
    { action: 'merge', into: 'alert-00000' },
  );
  const records = await triageStore.detectedIn('acme', { from: T0, to: T0 + 8 * 86_400_000 });
  report = measureTriage(records, { groupBy: ['severity'] });
}, 300_000);

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('MTTA and MTTR over a replay of 10,000 alerts', () => {
  it('leaves out merged, exercise and test alerts, and measures the rest', () => {
    const fates = { merged: 0, exercise: 0, test: 0 };
    for (const p of plans) if (p.fate !== 'live') fates[p.fate]++;
    expect(report.excluded).toEqual(fates);
    expect(fates.merged).toBeGreaterThan(100);
    expect(report.overall.alerts).toBe(reference(plans).alerts);
  });

  it('equals the reference overall and per severity', () => {
    const groups = [
      { figures: report.overall, expected: reference(plans) },
      ...SEVERITIES.map((severity) => ({
        figures: report.groups.find((g) => g.key.severity === severity),
        expected: reference(plans, severity),
      })),
    ];
    for (const { figures, expected } of groups) {
      expect(figures?.alerts).toBe(expected.alerts);
      for (const m of ['mtta', 'mttr', 'mttd'] as const) {
        const got = figures?.measures[m];
        expect(got?.count).toBe(expected[m].count);
        for (const stat of ['mean', 'median', 'p90'] as const)
          expect(got?.[stat]).toBeCloseTo(expected[m][stat], 6);
      }
    }
    // Nothing was contained: time to contain has nothing to measure.
    expect(report.overall.measures.mttc).toEqual({ count: 0, mean: null, median: null, p90: null });
  });

  it('judges the targets on the means and exports the same figures as CSV', () => {
    const overall = reference(plans);
    expect(report.overall.targets.mtta).toEqual({ seconds: 300, met: overall.mtta.mean < 300 });
    expect(report.overall.targets.mttr).toEqual({ seconds: 1800, met: overall.mttr.mean < 1800 });
    const [header, first] = measureCsv(report).split('\r\n');
    const columns = header?.split(',') ?? [];
    const cells = first?.split(',') ?? [];
    const cell = (name: string) => Number(cells[columns.indexOf(name)]);
    expect(cell('alerts')).toBe(overall.alerts);
    expect(cell('mtta_mean_seconds')).toBeCloseTo(overall.mtta.mean, 3);
    expect(cell('mttr_p90_seconds')).toBeCloseTo(overall.mttr.p90, 3);
  });
});
