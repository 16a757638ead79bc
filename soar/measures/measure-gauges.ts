import type { Clock } from '../../platform/clock/index.ts';
import type { Metrics } from '../../platform/metrics/index.ts';
import type { TriageStore } from '../triage/triage-store.ts';
import { MEASURES, measureTriage } from './mttx.ts';
import type { MeasureGroup } from './mttx.ts';

export interface MeasureGauges {
  /** Recomputes every gauge from the alerts detected in the trailing window. */
  refresh(): Promise<void>;
}

const STATS = ['mean', 'median', 'p90'] as const;

/**
 * Prometheus gauges of the response measures over a trailing window (default 30 days):
 * `soar_alert_<mtta|mttr|mttd|mttc>_seconds{tenant, severity, stat}` (`severity="all"` for every
 * severity together; `stat` mean, median or p90), and `soar_alerts_measured{tenant, severity}`.
 * A series with nothing to measure is removed rather than left at a stale value.
 */
export function createMeasureGauges(deps: {
  readonly triage: TriageStore;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly windowMs?: number;
}): MeasureGauges {
  const windowMs = deps.windowMs ?? 30 * 86_400_000;
  const gauges = Object.fromEntries(
    MEASURES.map((m) => [
      m,
      deps.metrics.gauge(
        `soar_alert_${m}_seconds`,
        `${m.toUpperCase()} over the alerts detected in the trailing window (seconds)`,
        ['tenant', 'severity', 'stat'],
      ),
    ]),
  );
  const measured = deps.metrics.gauge(
    'soar_alerts_measured',
    'Alerts the response measures cover (trailing window; merged, exercise and test left out)',
    ['tenant', 'severity'],
  );
  return {
    async refresh() {
      const to = deps.clock.now();
      const range = { from: to - windowMs, to: to + 1 };
      for (const gauge of [...Object.values(gauges), measured]) gauge.reset();
      for (const tenant of await deps.triage.tenantsWithAlerts(range)) {
        const report = measureTriage(await deps.triage.detectedIn(tenant, range), {
          groupBy: ['severity'],
        });
        const set = (severity: string, group: MeasureGroup): void => {
          measured.set({ tenant, severity }, group.alerts);
          for (const m of MEASURES) {
            for (const stat of STATS) {
              const value = group.measures[m][stat];
              if (value !== null) gauges[m]?.set({ tenant, severity, stat }, value);
            }
          }
        };
        set('all', report.overall);
        for (const group of report.groups) set(group.key.severity ?? 'unknown', group);
      }
    },
  };
}
