import type { Alert, AlertStore, Severity } from '../../detections/index.ts';

/** What the tests vary about an alert; the rest is a plausible Sigma match alert. */
export interface AlertSpec {
  readonly tenantId?: string;
  readonly id: string;
  readonly severity?: Severity;
  readonly ruleRef?: string;
  /** Processing time it was raised (detection). */
  readonly createdAt: number;
  /** Event time of its first event. */
  readonly firstSeen?: number;
  /** Default: a host of its own (`host-<id>`). */
  readonly host?: string;
  readonly observables?: Alert['observables'];
}

export function alertOf(spec: AlertSpec): Alert {
  const firstSeen = spec.firstSeen ?? spec.createdAt - 20_000;
  return {
    id: spec.id,
    tenantId: spec.tenantId ?? 'tenant-a',
    kind: 'match',
    state: 'new',
    ruleRef: spec.ruleRef ?? 'rule-encoded-powershell',
    ruleTitle: 'Encoded PowerShell',
    ruleAuthor: 'ClayTom SecOps',
    ruleFile: 'starter/win_powershell_encoded_command.yml',
    ruleLine: 1,
    level: spec.severity ?? 'high',
    severity: spec.severity ?? 'high',
    tactics: [],
    techniques: ['T1059.001'],
    groupKey: `group-${spec.id}`,
    groupBy: { 'host.name': spec.host ?? `host-${spec.id}` },
    host: spec.host ?? `host-${spec.id}`,
    eventIds: [],
    eventCount: 0,
    count: 0,
    firstSeen,
    lastSeen: firstSeen,
    createdAt: spec.createdAt,
    updatedAt: spec.createdAt,
    observables: [],
  };
}

/** Opens the alerts through `store` (as the detection relay does), one event each. */
export async function openAlerts(store: AlertStore, specs: readonly AlertSpec[]): Promise<Alert[]> {
  const applied = await store.applyUpserts(
    specs.map((spec) => {
      const alert = alertOf(spec);
      return {
        op: 'open' as const,
        alert,
        windowEnd: alert.firstSeen + 600_000,
        occurrences: [
          {
            key: `e:${spec.id}`,
            eventIds: [`event-${spec.id}`],
            firstSeen: alert.firstSeen,
            lastSeen: alert.firstSeen,
            observables: spec.observables ?? [],
          },
        ],
      };
    }),
  );
  return applied.flatMap((a) => (a.status === 'opened' ? [a.alert] : []));
}
