import type { Severity } from '../../detections/index.ts';
import type { Clock } from '../../platform/clock/index.ts';
import type { IdGenerator } from '../../platform/ids/index.ts';
import type { Logger } from '../../platform/logging/index.ts';
import type { Metrics } from '../../platform/metrics/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import type { TriageStore } from '../triage/triage-store.ts';
import { slaClocks } from './sla.ts';
import type { SlaPolicy } from './sla.ts';
import type { SlaEvent, SlaStore } from './sla-store.ts';

/** What one check found. */
export interface SlaCheck {
  readonly watched: number;
  readonly warnings: number;
  readonly breaches: number;
}

export interface SlaMonitor {
  /** Looks at every open alert once; records and escalates what crossed a threshold since. */
  check(): Promise<SlaCheck>;
  /** Checks every `intervalMs` until `stop`. */
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export interface SlaMonitorDeps {
  readonly triage: TriageStore;
  readonly sla: SlaStore;
  readonly relational: Pick<RelationalStore, 'unitOfWork'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /**
   * Escalation of a breach, called once per breach after it is recorded (the playbook that pages
   * the on-call, once playbooks exist). A failure is logged; the breach stays recorded.
   */
  readonly escalate?: (breach: SlaEvent) => Promise<void>;
}

const PAGE = 500;
const SLA_ACTOR = { kind: 'system', id: 'sla' };

/**
 * Watches the SLA clocks of open alerts: each clock's warning (80 %) and breach are recorded
 * once (`soar_sla_events`), appear on the alert's timeline in the same unit of work, count in
 * `soar_sla_events_total{clock,level,severity}`, and a breach is escalated.
 */
export function createSlaMonitor(deps: SlaMonitorDeps): SlaMonitor {
  const events = deps.metrics.counter(
    'soar_sla_events_total',
    'SLA warnings (80 % of a target) and breaches recorded',
    ['clock', 'level', 'severity'],
  );
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<SlaCheck> | undefined;

  const checkPage = async (
    page: Awaited<ReturnType<TriageStore['listOpen']>>,
    policies: Map<string, Readonly<Record<Severity, SlaPolicy>>>,
    now: number,
  ): Promise<SlaEvent[]> => {
    const crossed: SlaEvent[] = [];
    for (const record of page) {
      let tenantPolicies = policies.get(record.tenantId);
      if (!tenantPolicies) {
        tenantPolicies = await deps.sla.policies(record.tenantId);
        policies.set(record.tenantId, tenantPolicies);
      }
      for (const clock of slaClocks(record, tenantPolicies[record.severity], now)) {
        if (clock.status !== 'running' && clock.status !== 'paused') continue;
        if (clock.level === 'ok') continue;
        const target = clock.targetSeconds * 1000;
        crossed.push({
          tenantId: record.tenantId,
          alertId: record.alertId,
          clock: clock.clock,
          level: clock.level,
          at: now,
          // Due when the counted time reaches the target.
          dueAt: now - clock.elapsedMs + target,
          severity: record.severity,
        });
      }
    }
    if (crossed.length === 0) return [];
    return deps.relational.unitOfWork(async () => {
      const fresh = await deps.sla.record(crossed);
      await deps.triage.addActivity(
        fresh.map((event) => ({
          id: deps.ids.uuidv7(),
          tenantId: event.tenantId,
          alertId: event.alertId,
          at: event.at,
          actor: SLA_ACTOR,
          kind: `sla.${event.level}`,
          fromState: null,
          toState: null,
          details: { clock: event.clock, dueAt: new Date(event.dueAt).toISOString() },
        })),
      );
      return fresh;
    });
  };

  const run = async (): Promise<SlaCheck> => {
    const now = deps.clock.now();
    const policies = new Map<string, Readonly<Record<Severity, SlaPolicy>>>();
    let watched = 0;
    let warnings = 0;
    let breaches = 0;
    let after: { tenantId: string; alertId: string } | undefined;
    for (;;) {
      const page = await deps.triage.listOpen(PAGE, after);
      watched += page.length;
      const fresh = await checkPage(page, policies, now);
      for (const event of fresh) {
        events.inc({ clock: event.clock, level: event.level, severity: event.severity });
        if (event.level === 'warning') {
          warnings++;
          continue;
        }
        breaches++;
        deps.logger.warn(
          { tenantId: event.tenantId, alertId: event.alertId, clock: event.clock },
          'SLA breached',
        );
        await deps.escalate?.(event).catch((err: unknown) => {
          deps.logger.error({ err, alertId: event.alertId }, 'escalating an SLA breach failed');
        });
      }
      const last = page.at(-1);
      if (page.length < PAGE || !last) break;
      after = { tenantId: last.tenantId, alertId: last.alertId };
    }
    return { watched, warnings, breaches };
  };

  const check = (): Promise<SlaCheck> => {
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    check,
    start(intervalMs) {
      if (timer) return;
      timer = setInterval(() => {
        check().catch((err: unknown) => {
          deps.logger.error({ err }, 'the SLA check failed; retrying at the next interval');
        });
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
