import type { AlertState, Severity } from '../../detections/index.ts';
import { SoarError } from '../errors.ts';

/**
 * The triage of one alert: its lifecycle state, who has it, how it ended, and the first time
 * each step happened (what MTTA, MTTR and time to contain are measured from). Pure: the service
 * loads records, applies actions here and stores the result with its activity.
 */

export const RESOLUTIONS = ['true_positive', 'benign', 'false_positive'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** `exercise` (tabletop injects) and `test` alerts are left out of the measures. */
export const ALERT_ORIGINS = ['live', 'exercise', 'test'] as const;
export type AlertOrigin = (typeof ALERT_ORIGINS)[number];

export const ASSIGNEE_KINDS = ['user', 'agent'] as const;

/** A person or an automation agent, and the team or squad the measures group them by. */
export interface Assignee {
  readonly kind: (typeof ASSIGNEE_KINDS)[number];
  readonly id: string;
  readonly team: string | null;
}

/** An assignee as an action names it (the team optional). */
export interface AssigneeInput {
  readonly kind: Assignee['kind'];
  readonly id: string;
  readonly team?: string | null | undefined;
}

export function toAssignee(input: AssigneeInput): Assignee {
  return { kind: input.kind, id: input.id, team: input.team ?? null };
}

export function sameAssignee(a: Assignee | null, b: Assignee | null): boolean {
  return a?.kind === b?.kind && a?.id === b?.id && a?.team === b?.team;
}

/** Who did something: a principal of the platform. */
export interface Actor {
  readonly kind: string;
  readonly id: string;
}

export interface TriageRecord {
  readonly tenantId: string;
  readonly alertId: string;
  readonly state: AlertState;
  /** Set while `resolved`. */
  readonly resolution: Resolution | null;
  readonly assignee: Assignee | null;
  readonly origin: AlertOrigin;
  /** Set while `merged`: the alert this one was merged into. */
  readonly mergedInto: string | null;
  // Copied from the alert when tracking starts, so the measures need no other module's tables.
  readonly ruleRef: string;
  readonly severity: Severity;
  /** When the platform raised the alert (epoch ms). */
  readonly detectedAt: number;
  /** Time of the first event behind it. */
  readonly eventTime: number;
  // The first time of each step; later repeats (a reopened alert resolved again) keep the first.
  readonly acknowledgedAt: number | null;
  readonly inProgressAt: number | null;
  readonly resolvedAt: number | null;
  readonly mergedAt: number | null;
  readonly containedAt: number | null;
  /** Set while the resolve clock is paused (waiting on someone outside the team). */
  readonly pausedSince: number | null;
  /** Paused time before the current pause, in ms: the resolve SLA clock does not count it. */
  readonly pausedMs: number;
  readonly updatedAt: number;
}

/** What a person or agent does to an alert. */
export type TriageAction =
  | { readonly action: 'acknowledge' }
  | { readonly action: 'start' }
  | { readonly action: 'resolve'; readonly resolution: Resolution }
  | { readonly action: 'reopen' }
  | { readonly action: 'merge'; readonly into: string }
  | { readonly action: 'assign'; readonly assignee: AssigneeInput }
  | { readonly action: 'unassign' }
  | { readonly action: 'contain' }
  | { readonly action: 'classify'; readonly origin: AlertOrigin }
  | { readonly action: 'pause'; readonly reason: string }
  | { readonly action: 'resume' };

export type TriageActionName = TriageAction['action'];

/** The outcome of one action: the record afterwards, and whether anything changed. */
export interface TriageStep {
  readonly record: TriageRecord;
  readonly changed: boolean;
}

/** A new alert's triage: `new`, unassigned, live. */
export function initialTriage(alert: {
  readonly tenantId: string;
  readonly id: string;
  readonly ruleRef: string;
  readonly severity: Severity;
  readonly createdAt: number;
  readonly firstSeen: number;
}): TriageRecord {
  return {
    tenantId: alert.tenantId,
    alertId: alert.id,
    state: 'new',
    resolution: null,
    assignee: null,
    origin: 'live',
    mergedInto: null,
    ruleRef: alert.ruleRef,
    severity: alert.severity,
    detectedAt: alert.createdAt,
    eventTime: alert.firstSeen,
    acknowledgedAt: null,
    inProgressAt: null,
    resolvedAt: null,
    mergedAt: null,
    containedAt: null,
    pausedSince: null,
    pausedMs: 0,
    updatedAt: alert.createdAt,
  };
}

const refuse = (record: TriageRecord, action: string): never => {
  throw new SoarError(
    'SOAR_TRANSITION_INVALID',
    `cannot ${action} alert ${record.alertId}: it is ${record.state.replace('_', ' ')}`,
    { details: { alertId: record.alertId, state: record.state, action } },
  );
};

/**
 * Applies an action at time `at`. Working on or resolving an alert nobody acknowledged
 * acknowledges it at the same time (nobody works an alert unseen), so MTTA never exceeds MTTR.
 * A merged alert is done with: every action on it is refused. Repeating an action already in
 * effect changes nothing (`changed: false`): bulk actions and retries are safe.
 */
export function applyTriage(record: TriageRecord, action: TriageAction, at: number): TriageStep {
  const same: TriageStep = { record, changed: false };
  const next = (changes: Partial<TriageRecord>): TriageStep => ({
    record: { ...record, ...changes, updatedAt: at },
    changed: true,
  });
  if (record.state === 'merged') return refuse(record, action.action);
  const acknowledged = { acknowledgedAt: record.acknowledgedAt ?? at };
  // Resolving or merging ends a pause: its time stays uncounted.
  const unpaused =
    record.pausedSince === null
      ? {}
      : { pausedSince: null, pausedMs: record.pausedMs + Math.max(0, at - record.pausedSince) };
  switch (action.action) {
    case 'acknowledge':
      if (record.state === 'acknowledged') return same;
      if (record.state !== 'new') return refuse(record, 'acknowledge');
      return next({ state: 'acknowledged', ...acknowledged });
    case 'start':
      if (record.state === 'in_progress') return same;
      if (record.state === 'resolved') return refuse(record, 'start work on');
      return next({
        state: 'in_progress',
        ...acknowledged,
        inProgressAt: record.inProgressAt ?? at,
      });
    case 'resolve':
      if (record.state === 'resolved' && record.resolution === action.resolution) return same;
      // A resolved alert may be reclassified; it keeps its first resolution time.
      return next({
        state: 'resolved',
        resolution: action.resolution,
        ...acknowledged,
        ...unpaused,
        resolvedAt: record.resolvedAt ?? at,
      });
    case 'reopen':
      if (record.state !== 'resolved') return refuse(record, 'reopen');
      return next({
        state: 'in_progress',
        resolution: null,
        inProgressAt: record.inProgressAt ?? at,
      });
    case 'merge':
      if (action.into === record.alertId) return refuse(record, 'merge into itself');
      return next({ state: 'merged', mergedInto: action.into, mergedAt: at, ...unpaused });
    case 'assign': {
      const assignee = toAssignee(action.assignee);
      return sameAssignee(record.assignee, assignee) ? same : next({ assignee });
    }
    case 'unassign':
      return record.assignee === null ? same : next({ assignee: null });
    case 'contain':
      return record.containedAt === null ? next({ containedAt: at }) : same;
    case 'classify':
      return record.origin === action.origin ? same : next({ origin: action.origin });
    case 'pause':
      // Waiting on someone outside is a state of work in hand: acknowledged or in progress.
      if (record.pausedSince !== null) return same;
      if (record.state !== 'acknowledged' && record.state !== 'in_progress')
        return refuse(record, 'pause');
      return next({ pausedSince: at });
    case 'resume':
      return record.pausedSince === null ? same : next(unpaused);
  }
}
