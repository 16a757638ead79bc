import { addOccurrences, emptied, MAX_ALERT_EVENT_IDS } from './alert.ts';
import type { Alert, AlertCandidate, Occurrence } from './alert.ts';
import { DetectionError } from '../errors.ts';

/**
 * How firings fold into alerts. A rule's firings in one group (same group-by values) join the
 * group's latest alert while they happened before that alert's window ends; a firing at or after
 * it opens a new alert, whose window runs `windowMs` (or the rule's own) from that firing. Times
 * are event times, so a replay folds the same way.
 */
export interface DedupPolicy {
  readonly windowMs: number;
  /** Per rule (by `ruleRef`): its own window. */
  readonly windowByRule?: Readonly<Record<string, number>>;
  /** Event ids an alert keeps (default `MAX_ALERT_EVENT_IDS`). */
  readonly maxEventIds?: number;
}

export const DEFAULT_DEDUP_WINDOW_MS = 10 * 60_000;
export const DEFAULT_DEDUP_POLICY: DedupPolicy = { windowMs: DEFAULT_DEDUP_WINDOW_MS };

/** The dedup window of a rule. */
export function windowOf(policy: DedupPolicy, ruleRef: string): number {
  const own = policy.windowByRule;
  const window =
    own !== undefined && Object.hasOwn(own, ruleRef)
      ? (own[ruleRef] ?? policy.windowMs)
      : policy.windowMs;
  if (!Number.isSafeInteger(window) || window < 1)
    throw new DetectionError(
      'DETECTION_ALERT_INVALID_REQUEST',
      `the dedup window of ${ruleRef} must be a positive whole number of milliseconds`,
    );
  return window;
}

/** A rule's group in a tenant: what alerts dedup by. */
export interface AlertGroupRef {
  readonly tenantId: string;
  readonly ruleRef: string;
  readonly groupKey: string;
}

/** A group's latest alert and when its window ends (event time, epoch ms, exclusive). */
export interface AlertWindow extends AlertGroupRef {
  readonly alertId: string;
  readonly windowEnd: number;
}

/**
 * A change to the alerts, computed by `planAlertUpserts` and applied by an `AlertStore`.
 * `open`: a new alert (`alert` already holds `occurrences`), whose window ends at `windowEnd`;
 * `add`: occurrences for an existing alert. Occurrences carry keys, so applying an upsert twice
 * (or a replay's upserts) never counts a firing twice.
 */
export type AlertUpsert =
  | {
      readonly op: 'open';
      readonly alert: Alert;
      readonly windowEnd: number;
      readonly occurrences: readonly Occurrence[];
    }
  | {
      readonly op: 'add';
      readonly tenantId: string;
      readonly ruleRef: string;
      readonly groupKey: string;
      readonly alertId: string;
      readonly occurrences: readonly Occurrence[];
      /** Processing time of the change: the alert's `updatedAt`. */
      readonly at: number;
    };

/** A stable text key of a group (for maps). */
export function groupRefKey(ref: AlertGroupRef): string {
  return JSON.stringify([ref.tenantId, ref.ruleRef, ref.groupKey]);
}

/** The distinct groups of some candidates: what to look up windows for. */
export function groupRefsOf(candidates: readonly AlertCandidate[]): AlertGroupRef[] {
  const refs = new Map<string, AlertGroupRef>();
  for (const { alert } of candidates) {
    const ref = { tenantId: alert.tenantId, ruleRef: alert.ruleRef, groupKey: alert.groupKey };
    refs.set(groupRefKey(ref), ref);
  }
  return [...refs.values()];
}

interface Draft {
  readonly ref: AlertGroupRef;
  readonly alertId: string;
  /** Set for an alert this batch opens. */
  readonly opened: Alert | undefined;
  readonly windowEnd: number;
  readonly occurrences: Occurrence[];
  at: number;
}

/**
 * Folds a batch of firings into alert upserts: at most one upsert per alert, so the caller
 * writes the batch in one transaction. Firings are taken in event-time order; within the batch
 * an occurrence key counts once per rule. `windows` are the latest known window of the groups
 * concerned (from `AlertStore.latestWindows`); a group without one opens an alert. Pure.
 */
export function planAlertUpserts(
  candidates: readonly AlertCandidate[],
  windows: readonly AlertWindow[],
  policy: DedupPolicy = DEFAULT_DEDUP_POLICY,
): AlertUpsert[] {
  const maxEventIds = policy.maxEventIds ?? MAX_ALERT_EVENT_IDS;
  const latest = new Map<string, { alertId: string; windowEnd: number; draft?: Draft }>();
  for (const window of windows) {
    const key = groupRefKey(window);
    const known = latest.get(key);
    if (known === undefined || window.windowEnd > known.windowEnd)
      latest.set(key, { alertId: window.alertId, windowEnd: window.windowEnd });
  }
  const ordered = candidates
    .map((candidate, index) => ({ candidate, index }))
    .sort(
      (a, b) =>
        a.candidate.occurrence.firstSeen - b.candidate.occurrence.firstSeen || a.index - b.index,
    );
  const counted = new Set<string>();
  const drafts: Draft[] = [];
  for (const { candidate } of ordered) {
    const { alert, occurrence } = candidate;
    const once = JSON.stringify([alert.tenantId, alert.ruleRef, occurrence.key]);
    if (counted.has(once)) continue;
    counted.add(once);
    const ref = { tenantId: alert.tenantId, ruleRef: alert.ruleRef, groupKey: alert.groupKey };
    const key = groupRefKey(ref);
    const current = latest.get(key);
    if (current !== undefined && occurrence.firstSeen < current.windowEnd) {
      let draft = current.draft;
      if (draft === undefined) {
        draft = {
          ref,
          alertId: current.alertId,
          opened: undefined,
          windowEnd: current.windowEnd,
          occurrences: [],
          at: alert.updatedAt,
        };
        current.draft = draft;
        drafts.push(draft);
      }
      draft.occurrences.push(occurrence);
      draft.at = Math.max(draft.at, alert.updatedAt);
      continue;
    }
    const draft: Draft = {
      ref,
      alertId: alert.id,
      opened: alert,
      windowEnd: occurrence.firstSeen + windowOf(policy, alert.ruleRef),
      occurrences: [occurrence],
      at: alert.updatedAt,
    };
    latest.set(key, { alertId: alert.id, windowEnd: draft.windowEnd, draft });
    drafts.push(draft);
  }
  return drafts.map((draft): AlertUpsert => {
    if (draft.opened !== undefined) {
      return {
        op: 'open',
        alert: addOccurrences(emptied(draft.opened), draft.occurrences, draft.at, maxEventIds),
        windowEnd: draft.windowEnd,
        occurrences: draft.occurrences,
      };
    }
    return {
      op: 'add',
      ...draft.ref,
      alertId: draft.alertId,
      occurrences: draft.occurrences,
      at: draft.at,
    };
  });
}
