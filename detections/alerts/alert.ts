import type { AttackTactic } from './attack.ts';

/**
 * Alert severities, lowest first. Sigma `level` maps one to one except `informational`, which is
 * `info`; a rule without a level (or with one Sigma does not define) is `medium`.
 */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const SEVERITY_OF_LEVEL: Readonly<Record<string, Severity>> = {
  informational: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

/** The default severity of a rule that states no level. */
export const DEFAULT_SEVERITY: Severity = 'medium';

/** The severity of a Sigma `level`. */
export function severityOf(level: string | undefined | null): Severity {
  return (level == null ? undefined : SEVERITY_OF_LEVEL[level]) ?? DEFAULT_SEVERITY;
}

/** 0 (info) … 4 (critical): compares severities and sorts them. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/**
 * Triage states. Alerts are raised `new`; triage (soar/) moves them on: `acknowledged`,
 * `in_progress`, `resolved` (with a resolution, kept by triage) or `merged` into another alert.
 * `resolved` and `merged` are closed: a closed alert takes no more occurrences, and the next
 * firing of its rule in its group opens a new alert.
 */
export const ALERT_STATES = ['new', 'acknowledged', 'in_progress', 'resolved', 'merged'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** States in which an alert takes no more occurrences. */
export const CLOSED_ALERT_STATES: readonly AlertState[] = ['resolved', 'merged'];

export function isAlertState(value: string): value is AlertState {
  return (ALERT_STATES as readonly string[]).includes(value);
}

/** `match`: a Sigma rule matched events; `correlation`: a correlation rule matched in a group. */
export type AlertKind = 'match' | 'correlation';

/**
 * An alert: one rule firing for one group (by default one host and user) within one dedup
 * window, however many times it matched there. Times are epoch milliseconds: `firstSeen` and
 * `lastSeen` are event times, `createdAt` and `updatedAt` processing times.
 */
export interface Alert {
  /** UUIDv7: alerts sort by creation. */
  readonly id: string;
  readonly tenantId: string;
  readonly kind: AlertKind;
  readonly state: AlertState;
  /** The rule's id, else `file:line`. */
  readonly ruleRef: string;
  readonly ruleTitle: string;
  /** The rule's author, shown wherever the alert is: the Detection Rule License requires it. */
  readonly ruleAuthor: string | null;
  readonly ruleFile: string;
  readonly ruleLine: number;
  /** The Sigma `level` as the rule states it (null when it states none). */
  readonly level: string | null;
  readonly severity: Severity;
  /** ATT&CK tactics from the rule's tags, in matrix order. */
  readonly tactics: readonly AttackTactic[];
  /** ATT&CK technique ids from the rule's tags (`T1059.001`). */
  readonly techniques: readonly string[];
  /** Hash of the group-by values: with the rule, what dedup groups alerts by. */
  readonly groupKey: string;
  /** The group-by fields and their values (null when the event lacks the field). */
  readonly groupBy: Readonly<Record<string, string | null>>;
  /** The host the alert is about, when the event (or the correlation's group) names one. */
  readonly host: string | null;
  /** The first `MAX_ALERT_EVENT_IDS` contributing event ids, oldest contribution first. */
  readonly eventIds: readonly string[];
  /** Event ids contributed in all (matches: one each; correlations: the ids each carried). */
  readonly eventCount: number;
  /** Times the rule fired into this alert: matched events, or correlation matches. */
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /**
   * Addresses, file hashes and domains its events name (up to `MAX_ALERT_OBSERVABLES`, in order
   * of contribution), for pivots and case grouping.
   */
  readonly observables: readonly Observable[];
}

export const OBSERVABLE_KINDS = ['ip', 'hash', 'domain'] as const;
export type ObservableKind = (typeof OBSERVABLE_KINDS)[number];

/** Something an alert's events name: an IP address, a file hash, a domain (normalised). */
export interface Observable {
  readonly kind: ObservableKind;
  readonly value: string;
}

/** Observables an alert keeps (the first ones contributed). */
export const MAX_ALERT_OBSERVABLES = 50;

/** Event ids an alert keeps (the first ones); `eventCount` goes on counting past it. */
export const MAX_ALERT_EVENT_IDS = 100;

/**
 * One firing of a rule, as dedup and the store count it. `key` identifies it for good (the
 * event id of a match; a hash of a correlation match's events), so a firing replayed after a
 * crash is recognised and never counted twice.
 */
export interface Occurrence {
  readonly key: string;
  readonly eventIds: readonly string[];
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** What its events name (absent in records written before observables existed). */
  readonly observables?: readonly Observable[];
}

/** One firing as an alert of its own (count 1), before dedup folds it into an alert. */
export interface AlertCandidate {
  readonly alert: Alert;
  readonly occurrence: Occurrence;
}

/** `alert` with nothing counted yet: what occurrences are folded into when an alert opens. */
export function emptied(alert: Alert): Alert {
  return { ...alert, eventIds: [], eventCount: 0, count: 0, observables: [] };
}

/**
 * Folds occurrences into an alert: the count and event count grow, new event ids are kept up
 * to `maxEventIds`, the seen times widen, and `updatedAt` becomes `at` (if later). Pure; the
 * caller has already left out occurrences counted before.
 */
export function addOccurrences(
  alert: Alert,
  occurrences: readonly Occurrence[],
  at: number,
  maxEventIds: number = MAX_ALERT_EVENT_IDS,
): Alert {
  if (occurrences.length === 0) return alert;
  const eventIds = [...alert.eventIds];
  const kept = new Set(eventIds);
  let eventCount = alert.eventCount;
  let firstSeen = alert.count === 0 ? Infinity : alert.firstSeen;
  let lastSeen = alert.count === 0 ? -Infinity : alert.lastSeen;
  const observables = [...alert.observables];
  const named = new Set(observables.map((o) => `${o.kind}\0${o.value}`));
  for (const occurrence of occurrences) {
    for (const observable of occurrence.observables ?? []) {
      const key = `${observable.kind}\0${observable.value}`;
      if (observables.length >= MAX_ALERT_OBSERVABLES || named.has(key)) continue;
      named.add(key);
      observables.push(observable);
    }
    eventCount += occurrence.eventIds.length;
    firstSeen = Math.min(firstSeen, occurrence.firstSeen);
    lastSeen = Math.max(lastSeen, occurrence.lastSeen);
    for (const id of occurrence.eventIds) {
      if (eventIds.length >= maxEventIds) break;
      if (kept.has(id)) continue;
      kept.add(id);
      eventIds.push(id);
    }
  }
  return {
    ...alert,
    eventIds,
    eventCount,
    count: alert.count + occurrences.length,
    firstSeen,
    lastSeen,
    observables,
    updatedAt: Math.max(alert.updatedAt, at),
  };
}
