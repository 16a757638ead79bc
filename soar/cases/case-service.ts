import { severityRank } from '../../detections/index.ts';
import type { AlertStore, Severity } from '../../detections/index.ts';
import type { Clock } from '../../platform/clock/index.ts';
import { isSecOpsError } from '../../platform/errors/index.ts';
import type { IdGenerator } from '../../platform/ids/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import { SoarError } from '../errors.ts';
import type { SoarErrorCode } from '../errors.ts';
import type { Actor, Assignee } from '../triage/triage.ts';
import type { TriageService } from '../triage/triage-service.ts';
import { eventsQuery, toKey } from './alert-keys.ts';
import type { AlertKey, KeyKind } from './alert-keys.ts';
import { applyCaseAction, mergeCase } from './case.ts';
import type { CaseAction, CaseRecord } from './case.ts';
import type {
  CaseActivity,
  CaseFilter,
  CaseObservable,
  CaseStore,
  CaseTask,
  Page,
} from './case-store.ts';

/** A case with its alerts and tasks. */
export interface CaseView {
  readonly record: CaseRecord;
  readonly alertIds: readonly string[];
  readonly tasks: readonly CaseTask[];
}

export interface AlertLinkResult {
  readonly added: readonly string[];
  readonly failed: readonly {
    readonly alertId: string;
    readonly code: SoarErrorCode;
    readonly message: string;
  }[];
}

export interface NewCase {
  readonly title: string;
  readonly description?: string;
  /** Default: the highest severity of its alerts, else medium. */
  readonly severity?: Severity;
  readonly alertIds?: readonly string[];
}

export interface TaskChange {
  readonly title?: string;
  readonly state?: 'open' | 'done';
  readonly assignee?: Assignee | null;
}

export interface ObservableInput {
  readonly kind: KeyKind;
  /** As a person types it; normalised (`10.0.0.7`, `WKS-9` → `wks-9`, `t1059.001` → `T1059.001`). */
  readonly value: string;
  readonly note?: string | undefined;
}

/**
 * One observable of a case: added by hand (`addedBy` set), named by its alerts (`alerts` > 0), or
 * both; with the KQL query for the events that name it.
 */
export interface CaseObservableView {
  readonly kind: KeyKind;
  readonly value: string;
  /** How many of the case's alerts name it. */
  readonly alerts: number;
  readonly note: string | null;
  readonly addedBy: Actor | null;
  readonly addedAt: number | null;
  readonly eventsQuery: string;
}

export interface CaseService {
  create(tenantId: string, input: NewCase, actor: Actor): Promise<CaseView>;
  /** A new case from one alert: its rule's title, its severity, the alert in it. */
  promote(tenantId: string, alertId: string, actor: Actor): Promise<CaseView>;
  get(tenantId: string, id: string): Promise<CaseView>;
  list(
    tenantId: string,
    filter: CaseFilter,
    page: { limit: number; cursor?: string },
  ): Promise<Page<CaseRecord>>;
  act(
    tenantId: string,
    id: string,
    action: CaseAction,
    actor: Actor,
  ): Promise<{ changed: boolean; record: CaseRecord }>;
  /** Adds alerts; each missing alert, or one already in a case, fails on its own. */
  addAlerts(
    tenantId: string,
    id: string,
    alertIds: readonly string[],
    actor: Actor,
  ): Promise<AlertLinkResult>;
  removeAlert(tenantId: string, id: string, alertId: string, actor: Actor): Promise<void>;
  /** Merges cases into `into`: their alerts and tasks move there, they end `merged`. */
  merge(tenantId: string, into: string, from: readonly string[], actor: Actor): Promise<CaseView>;
  addTask(
    tenantId: string,
    caseId: string,
    task: { title: string; assignee?: Assignee | null },
    actor: Actor,
  ): Promise<CaseTask>;
  updateTask(
    tenantId: string,
    caseId: string,
    taskId: string,
    change: TaskChange,
    actor: Actor,
  ): Promise<CaseTask>;
  comment(tenantId: string, caseId: string, text: string, actor: Actor): Promise<CaseActivity>;
  /** The case's observables: its alerts' keys and those added by hand, by kind then value. */
  observables(tenantId: string, caseId: string): Promise<CaseObservableView[]>;
  /**
   * Adds observables by hand (1 to 100); one the case already holds by hand is reported under
   * `existing` and keeps its note. A value that is not of its kind fails the whole request.
   */
  addObservables(
    tenantId: string,
    caseId: string,
    inputs: readonly ObservableInput[],
    actor: Actor,
  ): Promise<{ added: AlertKey[]; existing: AlertKey[] }>;
  /** Removes an observable added by hand (those named by alerts go with their alert). */
  removeObservable(tenantId: string, caseId: string, key: AlertKey, actor: Actor): Promise<void>;
  timeline(
    tenantId: string,
    caseId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<CaseActivity>>;
}

export interface CaseServiceDeps {
  readonly cases: CaseStore;
  readonly triage: Pick<TriageService, 'get'>;
  readonly alerts: Pick<AlertStore, 'get'>;
  readonly relational: Pick<RelationalStore, 'unitOfWork'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly redact: (text: string) => string;
}

const MAX_TEXT = 20_000;

function invalid(path: string, message: string): SoarError {
  return new SoarError('SOAR_INVALID_REQUEST', `${path}: ${message}`, {
    issues: [{ path, message }],
  });
}

export function createCaseService(deps: CaseServiceDeps): CaseService {
  const { cases } = deps;

  const notFound = (id: string) =>
    new SoarError('SOAR_CASE_NOT_FOUND', `no case ${id}`, { details: { caseId: id } });

  const load = async (tenantId: string, id: string): Promise<CaseRecord> => {
    const found = (await cases.load(tenantId, [id])).get(id);
    if (!found) throw notFound(id);
    return found;
  };

  /** A case that takes alerts and tasks: open or in progress. */
  const loadWorkable = async (tenantId: string, id: string, what: string) => {
    const record = await load(tenantId, id);
    if (record.state === 'closed' || record.state === 'merged')
      throw new SoarError(
        'SOAR_TRANSITION_INVALID',
        `cannot ${what} case ${id}: it is ${record.state}${record.state === 'closed' ? '; reopen it first' : ''}`,
      );
    return record;
  };

  const activity = (
    record: Pick<CaseRecord, 'tenantId' | 'id'>,
    actor: Actor,
    kind: string,
    details: Readonly<Record<string, unknown>> = {},
  ): CaseActivity => ({
    id: deps.ids.uuidv7(),
    tenantId: record.tenantId,
    caseId: record.id,
    at: deps.clock.now(),
    actor,
    kind,
    details,
  });

  const view = async (record: CaseRecord): Promise<CaseView> => ({
    record,
    alertIds: await cases.alertsOf(record.tenantId, record.id),
    tasks: await cases.tasksOf(record.tenantId, record.id),
  });

  /**
   * Links alerts to a case, raising its severity to theirs unless the case's was chosen by hand
   * (`raiseSeverity: false`); reports each failure.
   */
  const link = async (
    record: CaseRecord,
    alertIds: readonly string[],
    actor: Actor,
    raiseSeverity = true,
  ): Promise<{ result: AlertLinkResult; record: CaseRecord }> => {
    const failed: { alertId: string; code: SoarErrorCode; message: string }[] = [];
    const present: string[] = [];
    let severity = record.severity;
    for (const alertId of new Set(alertIds)) {
      try {
        const triage = await deps.triage.get(record.tenantId, alertId);
        if (raiseSeverity && severityRank(triage.severity) > severityRank(severity))
          severity = triage.severity;
        present.push(alertId);
      } catch (err) {
        if (!(isSecOpsError(err) && err.code.startsWith('SOAR_'))) throw err;
        failed.push({ alertId, code: err.code as SoarErrorCode, message: err.message });
      }
    }
    const { linked, elsewhere } = await cases.linkAlerts(
      record.tenantId,
      record.id,
      present,
      deps.clock.now(),
    );
    for (const { alertId, caseId } of elsewhere)
      failed.push({
        alertId,
        code: 'SOAR_ALERT_IN_CASE',
        message:
          caseId === record.id
            ? `alert ${alertId} is already in this case`
            : `alert ${alertId} is in case ${caseId}; remove it there first`,
      });
    let next = record;
    if (linked.length > 0) {
      const raised = severity !== record.severity;
      next = { ...record, ...(raised ? { severity } : {}), updatedAt: deps.clock.now() };
      await cases.update(next);
      await cases.addActivity([
        activity(record, actor, 'alerts.added', {
          alertIds: linked,
          ...(raised ? { severity } : {}),
        }),
      ]);
    }
    return { result: { added: linked, failed }, record: next };
  };

  const checkText = (path: string, text: string, max: number): string => {
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.length > max)
      throw invalid(path, `1 to ${String(max)} characters`);
    return trimmed;
  };

  const create = async (tenantId: string, input: NewCase, actor: Actor): Promise<CaseView> => {
    const title = checkText('title', input.title, 300);
    const description = input.description === undefined ? '' : input.description.trim();
    if (description.length > MAX_TEXT)
      throw invalid('description', `at most ${String(MAX_TEXT)} characters`);
    return deps.relational.unitOfWork(async () => {
      const at = deps.clock.now();
      const record: CaseRecord = {
        tenantId,
        id: deps.ids.uuidv7(),
        title: deps.redact(title),
        description: deps.redact(description),
        severity: input.severity ?? (input.alertIds?.length ? 'info' : 'medium'),
        state: 'open',
        resolution: null,
        assignee: null,
        mergedInto: null,
        createdBy: actor,
        createdAt: at,
        updatedAt: at,
        closedAt: null,
      };
      await cases.insert(record);
      await cases.addActivity([activity(record, actor, 'created', { title: record.title })]);
      if (!input.alertIds || input.alertIds.length === 0) return view(record);
      // An explicit severity stands; otherwise the alerts' highest.
      const { result, record: linked } = await link(
        record,
        input.alertIds,
        actor,
        input.severity === undefined,
      );
      if (result.failed.length > 0)
        throw new SoarError(
          result.failed[0]?.code ?? 'SOAR_INVALID_REQUEST',
          `alertIds: ${result.failed.map((f) => f.message).join('; ')}`,
          { issues: result.failed.map((f) => ({ path: 'alertIds', message: f.message })) },
        );
      return view(linked);
    });
  };

  return {
    create,

    async promote(tenantId, alertId, actor) {
      const alert = await deps.alerts.get(tenantId, alertId);
      if (!alert)
        throw new SoarError('SOAR_ALERT_NOT_FOUND', `no alert ${alertId}`, {
          details: { alertId },
        });
      const host = alert.host === null ? '' : ` on ${alert.host}`;
      return create(
        tenantId,
        {
          title: `${alert.ruleTitle}${host}`,
          description: `Promoted from alert ${alert.id} (rule ${alert.ruleRef}).`,
          alertIds: [alertId],
        },
        actor,
      );
    },

    async get(tenantId, id) {
      return view(await load(tenantId, id));
    },

    list: (tenantId, filter, page) => cases.list(tenantId, filter, page),

    act(tenantId, id, action, actor) {
      return deps.relational.unitOfWork(async () => {
        const record = await load(tenantId, id);
        const step = applyCaseAction(record, action, deps.clock.now());
        if (step.changed) {
          await cases.update(step.record);
          const { action: kind, ...details } = action;
          await cases.addActivity([
            activity(record, actor, kind, {
              ...details,
              from: record.state,
              to: step.record.state,
            }),
          ]);
        }
        return { changed: step.changed, record: step.record };
      });
    },

    addAlerts(tenantId, id, alertIds, actor) {
      if (alertIds.length === 0 || alertIds.length > 500)
        return Promise.reject(invalid('ids', '1 to 500 alert ids'));
      return deps.relational.unitOfWork(async () => {
        const record = await loadWorkable(tenantId, id, 'add alerts to');
        return (await link(record, alertIds, actor)).result;
      });
    },

    removeAlert(tenantId, id, alertId, actor) {
      return deps.relational.unitOfWork(async () => {
        const record = await load(tenantId, id);
        if (!(await cases.unlinkAlert(tenantId, id, alertId)))
          throw new SoarError('SOAR_ALERT_NOT_FOUND', `alert ${alertId} is not in case ${id}`);
        await cases.addActivity([
          activity(record, actor, 'alerts.removed', { alertIds: [alertId] }),
        ]);
      });
    },

    merge(tenantId, into, from, actor) {
      const sources = [...new Set(from)];
      if (sources.length === 0 || sources.length > 100)
        return Promise.reject(invalid('from', '1 to 100 case ids'));
      return deps.relational.unitOfWork(async () => {
        const target = await loadWorkable(tenantId, into, 'merge into');
        const found = await cases.load(tenantId, sources);
        let severity = target.severity;
        for (const id of sources) {
          const source = found.get(id);
          if (!source) throw notFound(id);
          const merged = mergeCase(source, target, deps.clock.now());
          await cases.update(merged);
          const moved = await cases.moveContents(tenantId, id, into);
          if (severityRank(source.severity) > severityRank(severity)) severity = source.severity;
          await cases.addActivity([
            activity(source, actor, 'merged', { into }),
            activity(target, actor, 'merged.from', { caseId: id, alerts: moved }),
          ]);
        }
        const next = { ...target, severity, updatedAt: deps.clock.now() };
        await cases.update(next);
        return view(next);
      });
    },

    addTask(tenantId, caseId, task, actor) {
      const title = checkText('title', task.title, 300);
      return deps.relational.unitOfWork(async () => {
        const record = await loadWorkable(tenantId, caseId, 'add a task to');
        const at = deps.clock.now();
        const created: CaseTask = {
          tenantId,
          id: deps.ids.uuidv7(),
          caseId,
          title: deps.redact(title),
          state: 'open',
          assignee: task.assignee ?? null,
          createdAt: at,
          updatedAt: at,
          doneAt: null,
        };
        await cases.addTask(created);
        await cases.addActivity([
          activity(record, actor, 'task.added', { taskId: created.id, title: created.title }),
        ]);
        return created;
      });
    },

    updateTask(tenantId, caseId, taskId, change, actor) {
      const title = change.title === undefined ? undefined : checkText('title', change.title, 300);
      return deps.relational.unitOfWork(async () => {
        const record = await loadWorkable(tenantId, caseId, 'change a task of');
        const task = await cases.loadTask(tenantId, caseId, taskId);
        if (!task)
          throw new SoarError('SOAR_CASE_NOT_FOUND', `no task ${taskId} in case ${caseId}`);
        const at = deps.clock.now();
        const next: CaseTask = {
          ...task,
          ...(title === undefined ? {} : { title: deps.redact(title) }),
          ...(change.assignee === undefined ? {} : { assignee: change.assignee }),
          ...(change.state === undefined
            ? {}
            : {
                state: change.state,
                doneAt: change.state === 'done' ? (task.doneAt ?? at) : null,
              }),
          updatedAt: at,
        };
        await cases.updateTask(next);
        await cases.addActivity([
          activity(record, actor, change.state === 'done' ? 'task.done' : 'task.changed', {
            taskId,
          }),
        ]);
        return next;
      });
    },

    async comment(tenantId, caseId, text, actor) {
      const body = checkText('text', text, MAX_TEXT);
      return deps.relational.unitOfWork(async () => {
        const record = await load(tenantId, caseId);
        const entry = activity(record, actor, 'comment', { text: deps.redact(body) });
        await cases.addActivity([entry]);
        return entry;
      });
    },

    async observables(tenantId, caseId) {
      await load(tenantId, caseId);
      const byKey = new Map<string, CaseObservableView>();
      const keyOf = (k: AlertKey) => `${k.kind}\0${k.value}`;
      for (const k of await cases.alertKeysOf(tenantId, caseId))
        byKey.set(keyOf(k), {
          kind: k.kind,
          value: k.value,
          alerts: k.alerts,
          note: null,
          addedBy: null,
          addedAt: null,
          eventsQuery: eventsQuery(k.kind, k.value),
        });
      for (const o of await cases.observablesOf(tenantId, caseId))
        byKey.set(keyOf(o), {
          kind: o.kind,
          value: o.value,
          alerts: byKey.get(keyOf(o))?.alerts ?? 0,
          note: o.note === '' ? null : o.note,
          addedBy: o.addedBy,
          addedAt: o.addedAt,
          eventsQuery: eventsQuery(o.kind, o.value),
        });
      return [...byKey.values()].sort(
        (a, b) => a.kind.localeCompare(b.kind) || a.value.localeCompare(b.value),
      );
    },

    async addObservables(tenantId, caseId, inputs, actor) {
      if (inputs.length === 0 || inputs.length > 100)
        throw invalid('observables', '1 to 100 observables');
      const keys = inputs.map((input, i) => {
        const key = toKey(input.kind, input.value);
        if (!key) throw invalid(`observables[${String(i)}].value`, `not a valid ${input.kind}`);
        const note = input.note?.trim() ?? '';
        if (note.length > 2_000)
          throw invalid(`observables[${String(i)}].note`, 'at most 2000 characters');
        return { ...key, note };
      });
      return deps.relational.unitOfWork(async () => {
        const record = await loadWorkable(tenantId, caseId, 'add observables to');
        const at = deps.clock.now();
        // The first mention of a value in the request wins (with its note).
        const unique = new Map<string, (typeof keys)[number]>();
        for (const k of keys)
          if (!unique.has(`${k.kind}\0${k.value}`)) unique.set(`${k.kind}\0${k.value}`, k);
        const added = await cases.addObservables(
          [...unique.values()].map((k): CaseObservable => ({
            tenantId,
            caseId,
            kind: k.kind,
            value: k.value,
            note: deps.redact(k.note),
            addedBy: actor,
            addedAt: at,
          })),
        );
        const addedKeys = added.map((o) => ({ kind: o.kind, value: o.value }));
        const isAdded = new Set(added.map((o) => `${o.kind}\0${o.value}`));
        const existing = [...unique.entries()]
          .filter(([k]) => !isAdded.has(k))
          .map(([, k]) => ({ kind: k.kind, value: k.value }));
        if (added.length > 0) {
          await cases.update({ ...record, updatedAt: at });
          await cases.addActivity([
            activity(record, actor, 'observables.added', { observables: addedKeys }),
          ]);
        }
        return { added: addedKeys, existing };
      });
    },

    removeObservable(tenantId, caseId, key, actor) {
      const normal = toKey(key.kind, key.value);
      if (!normal) return Promise.reject(invalid('value', `not a valid ${key.kind}`));
      return deps.relational.unitOfWork(async () => {
        const record = await load(tenantId, caseId);
        if (!(await cases.removeObservable(tenantId, caseId, normal)))
          throw new SoarError(
            'SOAR_CASE_NOT_FOUND',
            `case ${caseId} holds no ${normal.kind} ${normal.value} added by hand (an observable its alerts name goes with the alert)`,
          );
        await cases.update({ ...record, updatedAt: deps.clock.now() });
        await cases.addActivity([
          activity(record, actor, 'observables.removed', { observables: [normal] }),
        ]);
      });
    },

    async timeline(tenantId, caseId, page) {
      await load(tenantId, caseId);
      return cases.activity(tenantId, caseId, page);
    },
  };
}
