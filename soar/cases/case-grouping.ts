import type { Alert } from '../../detections/index.ts';
import type { Clock } from '../../platform/clock/index.ts';
import { SoarError } from '../errors.ts';
import { KEY_KINDS, alertKeys, toKey } from './alert-keys.ts';
import type { AlertKey, KeyKind } from './alert-keys.ts';
import type { CaseService } from './case-service.ts';
import type { CaseStore } from './case-store.ts';

/** A tenant's rule: alerts sharing a key of this kind within the window go to one case. */
export interface GroupingRule {
  readonly kind: KeyKind;
  readonly windowSeconds: number;
}

/** What shares a key: the latest alerts (newest first) and the cases holding any of them. */
export interface Pivot {
  readonly key: AlertKey;
  readonly alerts: readonly { readonly alertId: string; readonly detectedAt: number }[];
  readonly caseIds: readonly string[];
}

export interface CaseGrouping {
  /**
   * Indexes newly opened alerts by their keys and applies the tenant's rules (call it in the
   * unit of work that opened them): an alert joins the open case that most recently took an
   * alert with the same key within the window; failing that, alerts with the same key within
   * the window that are in no case open one together.
   */
  track(alerts: readonly Alert[]): Promise<void>;
  /** Indexes the keys alerts gained since they opened (later events' observables). */
  refresh(alerts: readonly Alert[]): Promise<void>;
  rules(tenantId: string): Promise<GroupingRule[]>;
  /** Sets a rule (`windowSeconds` 60 to 30 days), or removes it with null. */
  setRule(tenantId: string, kind: KeyKind, windowSeconds: number | null): Promise<void>;
  pivot(tenantId: string, key: AlertKey, limit?: number): Promise<Pivot>;
}

const GROUPER = { kind: 'system', id: 'case-grouping' };
const MAX_WINDOW = 30 * 86_400;

export function createCaseGrouping(deps: {
  readonly cases: CaseStore;
  readonly service: Pick<CaseService, 'create' | 'addAlerts'>;
  readonly clock: Clock;
}): CaseGrouping {
  const { cases } = deps;

  const group = async (alert: Alert, key: AlertKey, windowSeconds: number): Promise<boolean> => {
    const since = alert.createdAt - windowSeconds * 1000;
    const open = await cases.openCaseWithKey(alert.tenantId, key, since);
    if (open !== undefined) {
      const { added } = await deps.service.addAlerts(alert.tenantId, open, [alert.id], GROUPER);
      return added.length > 0;
    }
    const peers = await cases.uncasedAlertsWithKey(alert.tenantId, key, since);
    if (peers.length < 2) return false;
    await deps.service.create(
      alert.tenantId,
      {
        title: `Alerts sharing ${key.kind} ${key.value}`,
        description: `Opened by the ${key.kind} grouping rule (${String(Math.round(windowSeconds / 60))}-minute window).`,
        alertIds: peers,
      },
      GROUPER,
    );
    return true;
  };

  return {
    async track(alerts) {
      const rulesOf = new Map<string, Map<KeyKind, number>>();
      for (const alert of alerts) {
        const keys = alertKeys(alert);
        await cases.indexKeys(alert.tenantId, alert.id, alert.createdAt, keys);
        let rules = rulesOf.get(alert.tenantId);
        if (!rules) {
          rules = await cases.groupingRules(alert.tenantId);
          rulesOf.set(alert.tenantId, rules);
        }
        if (rules.size === 0) continue;
        // Rules in a fixed order (host, user, technique): the first that places the alert wins.
        for (const key of [...keys].sort(
          (a, b) => KEY_KINDS.indexOf(a.kind) - KEY_KINDS.indexOf(b.kind),
        )) {
          const windowSeconds = rules.get(key.kind);
          if (windowSeconds !== undefined && (await group(alert, key, windowSeconds))) break;
        }
      }
    },

    async refresh(alerts) {
      for (const alert of alerts)
        await cases.indexKeys(alert.tenantId, alert.id, alert.createdAt, alertKeys(alert));
    },

    async rules(tenantId) {
      const rules = await cases.groupingRules(tenantId);
      return KEY_KINDS.flatMap((kind) => {
        const windowSeconds = rules.get(kind);
        return windowSeconds === undefined ? [] : [{ kind, windowSeconds }];
      });
    },

    async setRule(tenantId, kind, windowSeconds) {
      if (
        windowSeconds !== null &&
        !(Number.isInteger(windowSeconds) && windowSeconds >= 60 && windowSeconds <= MAX_WINDOW)
      )
        throw new SoarError('SOAR_INVALID_REQUEST', 'windowMinutes: 1 minute to 30 days', {
          issues: [{ path: 'windowMinutes', message: '1 minute to 30 days' }],
        });
      await cases.setGroupingRule(tenantId, kind, windowSeconds, deps.clock.now());
    },

    async pivot(tenantId, key, limit = 100) {
      const normal = toKey(key.kind, key.value);
      if (!normal)
        throw new SoarError('SOAR_INVALID_REQUEST', `value: not a valid ${key.kind}`, {
          issues: [{ path: 'value', message: `not a valid ${key.kind}` }],
        });
      return { key: normal, ...(await cases.withKey(tenantId, normal, limit)) };
    },
  };
}
