import type { Alert, AlertStore } from '../../detections/index.ts';
import type { Clock } from '../../platform/clock/index.ts';
import { isSecOpsError } from '../../platform/errors/index.ts';
import type { IdGenerator } from '../../platform/ids/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import { SoarError } from '../errors.ts';
import type { SoarErrorCode } from '../errors.ts';
import { applyTriage, initialTriage } from './triage.ts';
import type { Actor, TriageAction, TriageRecord } from './triage.ts';
import type { ActivityEntry, ActivityPage, TriageStore } from './triage-store.ts';

/** What one action did to one alert of a (bulk) request. */
export type TriageResult =
  | {
      readonly alertId: string;
      readonly status: 'changed' | 'unchanged';
      readonly triage: TriageRecord;
    }
  | {
      readonly alertId: string;
      readonly status: 'failed';
      readonly error: { readonly code: SoarErrorCode; readonly message: string };
    };

/** At most this many alerts per bulk action. */
export const MAX_BULK_ALERTS = 500;
/** Longest comment, in characters. */
export const MAX_COMMENT_LENGTH = 20_000;

export interface TriageService {
  /** Starts tracking newly opened alerts (call it in the unit of work that opened them). */
  track(alerts: readonly Alert[]): Promise<void>;
  /**
   * Applies one action to each alert, in one unit of work. An alert that is missing, or whose
   * state refuses the action, fails on its own (`failed`) without stopping the others.
   */
  act(
    tenantId: string,
    alertIds: readonly string[],
    action: TriageAction,
    actor: Actor,
  ): Promise<TriageResult[]>;
  /** An alert's triage (`new` and untouched for an alert raised before tracking began). */
  get(tenantId: string, alertId: string): Promise<TriageRecord>;
  /** Adds a comment to an alert's timeline; secrets in it are masked before it is stored. */
  comment(tenantId: string, alertId: string, text: string, actor: Actor): Promise<ActivityEntry>;
  /** The alert's timeline, oldest first; `kinds: ['comment']` for its comments. */
  activity(
    tenantId: string,
    alertId: string,
    page: { readonly limit: number; readonly cursor?: string; readonly kinds?: readonly string[] },
  ): Promise<ActivityPage>;
}

export interface TriageServiceDeps {
  readonly relational: Pick<RelationalStore, 'unitOfWork'>;
  readonly triage: TriageStore;
  readonly alerts: Pick<AlertStore, 'get' | 'setState'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Masks secrets in free text (the platform's secret scanner). */
  readonly redact: (text: string) => string;
}

const SYSTEM: Actor = { kind: 'system', id: 'detections' };

export function createTriageService(deps: TriageServiceDeps): TriageService {
  const { triage } = deps;

  const notFound = (alertId: string) =>
    new SoarError('SOAR_ALERT_NOT_FOUND', `no alert ${alertId}`, { details: { alertId } });

  /** Records of these alerts, starting to track those raised before tracking began. */
  const recordsOf = async (
    tenantId: string,
    alertIds: readonly string[],
  ): Promise<Map<string, TriageRecord>> => {
    const found = await triage.load(tenantId, alertIds);
    const untracked: TriageRecord[] = [];
    for (const alertId of alertIds) {
      if (found.has(alertId)) continue;
      const alert = await deps.alerts.get(tenantId, alertId);
      if (alert) untracked.push(initialTriage(alert));
    }
    if (untracked.length > 0) {
      for (const record of await triage.insert(untracked)) found.set(record.alertId, record);
      // Another writer started tracking some first: read theirs.
      const raced = untracked.filter((r) => !found.has(r.alertId)).map((r) => r.alertId);
      if (raced.length > 0)
        for (const record of (await triage.load(tenantId, raced)).values())
          found.set(record.alertId, record);
    }
    return found;
  };

  const checkMergeTarget = async (tenantId: string, into: string): Promise<void> => {
    const target = (await recordsOf(tenantId, [into])).get(into);
    if (!target)
      throw new SoarError('SOAR_INVALID_REQUEST', `into: no alert ${into} to merge into`, {
        issues: [{ path: 'into', message: 'no such alert' }],
      });
    if (target.state === 'merged')
      throw new SoarError(
        'SOAR_INVALID_REQUEST',
        `into: alert ${into} is itself merged into ${target.mergedInto ?? 'another'}; merge into that one`,
        { issues: [{ path: 'into', message: 'a merged alert' }] },
      );
  };

  const activityOf = (
    before: TriageRecord,
    after: TriageRecord,
    action: TriageAction,
    actor: Actor,
    at: number,
  ): ActivityEntry => {
    const { action: kind, ...details } = action;
    return {
      id: deps.ids.uuidv7(),
      tenantId: after.tenantId,
      alertId: after.alertId,
      at,
      actor,
      kind,
      fromState: before.state,
      toState: after.state,
      details,
    };
  };

  return {
    async track(alerts) {
      if (alerts.length === 0) return;
      const added = await triage.insert(alerts.map(initialTriage));
      await triage.addActivity(
        added.map((record) => ({
          id: deps.ids.uuidv7(),
          tenantId: record.tenantId,
          alertId: record.alertId,
          at: record.detectedAt,
          actor: SYSTEM,
          kind: 'opened',
          fromState: null,
          toState: 'new',
          details: { ruleRef: record.ruleRef, severity: record.severity },
        })),
      );
    },

    async act(tenantId, alertIds, action, actor) {
      const unique = [...new Set(alertIds)];
      if (unique.length === 0 || unique.length > MAX_BULK_ALERTS)
        throw new SoarError(
          'SOAR_INVALID_REQUEST',
          `ids: 1 to ${String(MAX_BULK_ALERTS)} alert ids`,
          { issues: [{ path: 'ids', message: `1 to ${String(MAX_BULK_ALERTS)} alert ids` }] },
        );
      return deps.relational.unitOfWork(async () => {
        if (action.action === 'merge') await checkMergeTarget(tenantId, action.into);
        const records = await recordsOf(tenantId, unique);
        const at = deps.clock.now();
        const results: TriageResult[] = [];
        const entries: ActivityEntry[] = [];
        for (const alertId of unique) {
          const record = records.get(alertId);
          try {
            if (!record) throw notFound(alertId);
            const step = applyTriage(record, action, at);
            if (step.changed) {
              await triage.update(step.record);
              if (step.record.state !== record.state)
                await deps.alerts.setState(tenantId, alertId, step.record.state);
              entries.push(activityOf(record, step.record, action, actor, at));
            }
            results.push({
              alertId,
              status: step.changed ? 'changed' : 'unchanged',
              triage: step.record,
            });
          } catch (err) {
            if (!(isSecOpsError(err) && err.code.startsWith('SOAR_'))) throw err;
            results.push({
              alertId,
              status: 'failed',
              error: { code: err.code as SoarErrorCode, message: err.message },
            });
          }
        }
        await triage.addActivity(entries);
        return results;
      });
    },

    async get(tenantId, alertId) {
      const record = (await recordsOf(tenantId, [alertId])).get(alertId);
      if (!record) throw notFound(alertId);
      return record;
    },

    async comment(tenantId, alertId, text, actor) {
      const trimmed = text.trim();
      if (trimmed === '' || trimmed.length > MAX_COMMENT_LENGTH)
        throw new SoarError(
          'SOAR_INVALID_REQUEST',
          `text: 1 to ${String(MAX_COMMENT_LENGTH)} characters`,
          { issues: [{ path: 'text', message: `1 to ${String(MAX_COMMENT_LENGTH)} characters` }] },
        );
      return deps.relational.unitOfWork(async () => {
        const record = (await recordsOf(tenantId, [alertId])).get(alertId);
        if (!record) throw notFound(alertId);
        const entry: ActivityEntry = {
          id: deps.ids.uuidv7(),
          tenantId,
          alertId,
          at: deps.clock.now(),
          actor,
          kind: 'comment',
          fromState: null,
          toState: null,
          details: { text: deps.redact(trimmed) },
        };
        await triage.addActivity([entry]);
        return entry;
      });
    },

    async activity(tenantId, alertId, page) {
      if ((await recordsOf(tenantId, [alertId])).size === 0) throw notFound(alertId);
      return triage.activity(tenantId, alertId, page);
    },
  };
}

/**
 * The alert store the detection relay writes through: every alert it opens starts being
 * tracked in the same unit of work, so no alert exists without its triage record (and its SLA
 * clock, once there is one).
 */
export function withTriageTracking(
  alerts: AlertStore,
  tracker: {
    track(opened: readonly Alert[]): Promise<void>;
    /** Alerts that took more occurrences (optional). */
    refresh?(updated: readonly Alert[]): Promise<void>;
  },
  relational: Pick<RelationalStore, 'unitOfWork'>,
): AlertStore {
  return {
    ...alerts,
    applyUpserts: (upserts) =>
      relational.unitOfWork(async () => {
        const applied = await alerts.applyUpserts(upserts);
        await tracker.track(applied.flatMap((a) => (a.status === 'opened' ? [a.alert] : [])));
        const updated = applied.flatMap((a) => (a.status === 'updated' ? [a.alert] : []));
        if (updated.length > 0) await tracker.refresh?.(updated);
        return applied;
      }),
  };
}
