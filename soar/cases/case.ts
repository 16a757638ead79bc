import type { Severity } from '../../detections/index.ts';
import { SoarError } from '../errors.ts';
import { sameAssignee, toAssignee } from '../triage/triage.ts';
import type { Actor, Assignee, AssigneeInput, Resolution } from '../triage/triage.ts';

/**
 * A case: the investigation that groups alerts (by hand, promoted from an alert, or merged from
 * other cases), with its tasks and timeline. Pure: the service loads, applies and stores.
 */

export const CASE_STATES = ['open', 'in_progress', 'closed', 'merged'] as const;
export type CaseState = (typeof CASE_STATES)[number];

export interface CaseRecord {
  readonly tenantId: string;
  /** UUIDv7: cases sort by creation. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly state: CaseState;
  /** Set while `closed`. */
  readonly resolution: Resolution | null;
  readonly assignee: Assignee | null;
  /** Set while `merged`: the case this one was merged into. */
  readonly mergedInto: string | null;
  readonly createdBy: Actor;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** First time it was closed (a reopened case keeps it). */
  readonly closedAt: number | null;
}

export type CaseAction =
  | { readonly action: 'start' }
  | { readonly action: 'close'; readonly resolution: Resolution }
  | { readonly action: 'reopen' }
  | { readonly action: 'assign'; readonly assignee: AssigneeInput }
  | { readonly action: 'unassign' }
  | {
      readonly action: 'update';
      readonly title?: string | undefined;
      readonly description?: string | undefined;
      readonly severity?: Severity | undefined;
    };

export interface CaseStep {
  readonly record: CaseRecord;
  readonly changed: boolean;
}

const refuse = (record: CaseRecord, action: string): never => {
  throw new SoarError(
    'SOAR_TRANSITION_INVALID',
    `cannot ${action} case ${record.id}: it is ${record.state.replace('_', ' ')}`,
    { details: { caseId: record.id, state: record.state, action } },
  );
};

/** Applies an action at `at`; a merged case refuses every action, an action in effect is a no-op. */
export function applyCaseAction(record: CaseRecord, action: CaseAction, at: number): CaseStep {
  const same: CaseStep = { record, changed: false };
  const next = (changes: Partial<CaseRecord>): CaseStep => ({
    record: { ...record, ...changes, updatedAt: at },
    changed: true,
  });
  if (record.state === 'merged') return refuse(record, action.action);
  switch (action.action) {
    case 'start':
      if (record.state === 'in_progress') return same;
      if (record.state === 'closed') return refuse(record, 'start work on');
      return next({ state: 'in_progress' });
    case 'close':
      if (record.state === 'closed' && record.resolution === action.resolution) return same;
      return next({
        state: 'closed',
        resolution: action.resolution,
        closedAt: record.closedAt ?? at,
      });
    case 'reopen':
      if (record.state !== 'closed') return refuse(record, 'reopen');
      return next({ state: 'in_progress', resolution: null });
    case 'assign': {
      const assignee = toAssignee(action.assignee);
      return sameAssignee(record.assignee, assignee) ? same : next({ assignee });
    }
    case 'unassign':
      return record.assignee === null ? same : next({ assignee: null });
    case 'update': {
      const changes: Partial<CaseRecord> = {
        ...(action.title !== undefined && action.title !== record.title
          ? { title: action.title }
          : {}),
        ...(action.description !== undefined && action.description !== record.description
          ? { description: action.description }
          : {}),
        ...(action.severity !== undefined && action.severity !== record.severity
          ? { severity: action.severity }
          : {}),
      };
      return Object.keys(changes).length === 0 ? same : next(changes);
    }
  }
}

/** Merging `source` into `target`: the source ends `merged`. */
export function mergeCase(source: CaseRecord, target: CaseRecord, at: number): CaseRecord {
  if (source.id === target.id) return refuse(source, 'merge a case into itself');
  if (source.state === 'merged') return refuse(source, 'merge');
  if (target.state === 'merged')
    throw new SoarError(
      'SOAR_INVALID_REQUEST',
      `into: case ${target.id} is itself merged into ${target.mergedInto ?? 'another'}; merge into that one`,
      { issues: [{ path: 'into', message: 'a merged case' }] },
    );
  return { ...source, state: 'merged', mergedInto: target.id, updatedAt: at };
}
