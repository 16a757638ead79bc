import type { Severity } from '../../../detections/index.ts';
import { sql } from '../../../platform/storage/index.ts';
import type { RelationalStore } from '../../../platform/storage/index.ts';
import { DEFAULT_SLA_POLICIES } from '../../sla/sla.ts';
import type { SlaEvent, SlaStore } from '../../sla/sla-store.ts';

/** SLA policies and events on the relational store (`soarMigrations` must have run). */
export function createRelationalSlaStore(store: RelationalStore): SlaStore {
  return {
    async policies(tenantId) {
      const rows = await store.query<{
        severity: string;
        acknowledge_seconds: number | string;
        resolve_seconds: number | string;
      }>(
        sql`SELECT severity, acknowledge_seconds, resolve_seconds FROM soar_sla_policies WHERE tenant_id = ${tenantId}`,
      );
      const policies = { ...DEFAULT_SLA_POLICIES };
      for (const row of rows) {
        const severity = row.severity as Severity;
        if (!(severity in policies)) continue;
        policies[severity] = {
          severity,
          acknowledgeSeconds: Number(row.acknowledge_seconds),
          resolveSeconds: Number(row.resolve_seconds),
        };
      }
      return policies;
    },

    async setPolicy(tenantId, policy, at) {
      await store.execute(
        sql`INSERT INTO soar_sla_policies (tenant_id, severity, acknowledge_seconds, resolve_seconds, updated_at) VALUES (${tenantId}, ${policy.severity}, ${policy.acknowledgeSeconds}, ${policy.resolveSeconds}, ${at}) ON CONFLICT (tenant_id, severity) DO UPDATE SET acknowledge_seconds = excluded.acknowledge_seconds, resolve_seconds = excluded.resolve_seconds, updated_at = excluded.updated_at`,
      );
    },

    async record(events) {
      const fresh: SlaEvent[] = [];
      for (const event of events) {
        const inserted = await store.query(
          sql`INSERT INTO soar_sla_events (tenant_id, alert_id, clock, level, at, due_at) VALUES (${event.tenantId}, ${event.alertId}, ${event.clock}, ${event.level}, ${event.at}, ${event.dueAt}) ON CONFLICT DO NOTHING RETURNING alert_id`,
        );
        if (inserted.length > 0) fresh.push(event);
      }
      return fresh;
    },
  };
}
