import { z } from 'zod';
import { SEVERITIES } from '../../detections/index.ts';
import { defineRoute, idOf } from '../../platform/http/index.ts';
import type { AnyRoute } from '../../platform/http/index.ts';
import { KEY_KINDS } from '../cases/alert-keys.ts';
import { CASE_STATES } from '../cases/case.ts';
import type { CaseRecord } from '../cases/case.ts';
import type { CaseActivity, CaseTask } from '../cases/case-store.ts';
import type { CaseObservableView, CaseService, CaseView } from '../cases/case-service.ts';
import { RESOLUTIONS, toAssignee } from '../triage/triage.ts';
import {
  assigneeInput as assignee,
  assigneeView,
  callerOf as who,
  isoOrNull as iso,
} from './request-parts.ts';

const id = z.string().min(1).max(64);

const taskView = z.object({
  id: z.string(),
  title: z.string(),
  state: z.enum(['open', 'done']),
  assignee: assigneeView,
  createdAt: z.string(),
  doneAt: z.string().nullable(),
});
const toTaskView = (t: CaseTask): z.infer<typeof taskView> => ({
  id: t.id,
  title: t.title,
  state: t.state,
  assignee: t.assignee,
  createdAt: new Date(t.createdAt).toISOString(),
  doneAt: iso(t.doneAt),
});

const caseView = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  severity: z.enum(SEVERITIES),
  state: z.enum(CASE_STATES),
  resolution: z.enum(RESOLUTIONS).nullable(),
  assignee: assigneeView,
  mergedInto: z.string().nullable(),
  createdBy: z.object({ kind: z.string(), id: z.string() }),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
});
const toCaseView = (c: CaseRecord): z.infer<typeof caseView> => ({
  id: c.id,
  title: c.title,
  description: c.description,
  severity: c.severity,
  state: c.state,
  resolution: c.resolution,
  assignee: c.assignee,
  mergedInto: c.mergedInto,
  createdBy: c.createdBy,
  createdAt: new Date(c.createdAt).toISOString(),
  updatedAt: new Date(c.updatedAt).toISOString(),
  closedAt: iso(c.closedAt),
});
const fullView = caseView.extend({ alertIds: z.array(z.string()), tasks: z.array(taskView) });
const toFullView = (v: CaseView): z.infer<typeof fullView> => ({
  ...toCaseView(v.record),
  alertIds: [...v.alertIds],
  tasks: v.tasks.map(toTaskView),
});

const keyView = z.object({ kind: z.enum(KEY_KINDS), value: z.string() });
const observableView = keyView.extend({
  alerts: z.number().describe('How many of the case’s alerts name it'),
  note: z.string().nullable(),
  addedBy: z
    .object({ kind: z.string(), id: z.string() })
    .nullable()
    .describe('Who added it by hand; null when only its alerts name it'),
  addedAt: z.string().nullable(),
  pivot: z.string().describe('GET this path for the alerts and cases that share it'),
  events: z.object({ query: z.string().describe('KQL for GET /events/search') }),
});
const toObservableView = (o: CaseObservableView): z.infer<typeof observableView> => ({
  kind: o.kind,
  value: o.value,
  alerts: o.alerts,
  note: o.note,
  addedBy: o.addedBy,
  addedAt: iso(o.addedAt),
  pivot: `/observables/${o.kind}/${encodeURIComponent(o.value)}`,
  events: { query: o.eventsQuery },
});

const activityView = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ kind: z.string(), id: z.string() }),
  kind: z.string(),
  details: z.record(z.string(), z.unknown()),
});
const toActivityView = (e: CaseActivity): z.infer<typeof activityView> => ({
  id: e.id,
  at: new Date(e.at).toISOString(),
  actor: e.actor,
  kind: e.kind,
  details: e.details,
});

const actionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('start') }).strict(),
  z.object({ action: z.literal('close'), resolution: z.enum(RESOLUTIONS) }).strict(),
  z.object({ action: z.literal('reopen') }).strict(),
  z.object({ action: z.literal('assign'), assignee }).strict(),
  z.object({ action: z.literal('unassign') }).strict(),
  z
    .object({
      action: z.literal('update'),
      title: z.string().trim().min(1).max(300).optional(),
      description: z.string().max(20_000).optional(),
      severity: z.enum(SEVERITIES).optional(),
    })
    .strict(),
]);

const linkResult = z.object({
  added: z.array(z.string()),
  failed: z.array(z.object({ alertId: z.string(), code: z.string(), message: z.string() })),
});

const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(128).optional(),
};

/**
 * Cases over HTTP: create, promote an alert, list, read, act (start, close, reopen, assign,
 * update), add and remove alerts, merge, tasks, comments and the timeline. Writes need
 * `cases:write` and are audited; reads `cases:read`. Every call covers the caller's tenant.
 */
export function caseRoutes(service: CaseService): AnyRoute[] {
  const tags = ['cases'];
  const write = { kind: 'permission', permission: 'cases:write' } as const;
  const read = { kind: 'permission', permission: 'cases:read' } as const;
  const params = z.object({ id }).strict();
  const caseResource = (p: { id: string }) => ({ type: 'case', id: p.id });
  const notFound = { description: 'No such case in the caller’s tenant' };

  return [
    defineRoute({
      method: 'post',
      path: '/cases',
      summary: 'Open a case, with alerts or without',
      description:
        'Severity defaults to the highest of its alerts (medium without alerts). An alert belongs to one case at most: an alert already in a case fails the request (409).',
      tags,
      access: write,
      audit: {
        action: 'soar.case.create',
        resource: ({ result }) => ({ type: 'case', ...idOf(result) }),
      },
      body: z
        .object({
          title: z.string().max(300),
          description: z.string().max(20_000).optional(),
          severity: z.enum(SEVERITIES).optional(),
          alertIds: z.array(id).max(500).optional(),
        })
        .strict(),
      responses: { 201: { description: 'The case', schema: fullView } },
      handler: async ({ principal, body }) => {
        const { tenantId, actor } = who(principal);
        return toFullView(
          await service.create(
            tenantId,
            {
              title: body.title,
              ...(body.description === undefined ? {} : { description: body.description }),
              ...(body.severity === undefined ? {} : { severity: body.severity }),
              ...(body.alertIds === undefined ? {} : { alertIds: body.alertIds }),
            },
            actor,
          ),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/:id/promote',
      summary: 'Open a case from an alert',
      description: 'The case takes the alert’s rule title and host, its severity, and the alert.',
      tags,
      access: write,
      audit: {
        action: 'soar.case.promote',
        resource: ({ params: p }) => ({ type: 'alert', id: p.id }),
      },
      params,
      responses: {
        201: { description: 'The new case', schema: fullView },
        404: { description: 'No such alert in the caller’s tenant' },
        409: { description: 'The alert is already in a case' },
      },
      handler: async ({ principal, params: p, annotate }) => {
        const { tenantId, actor } = who(principal);
        const created = await service.promote(tenantId, p.id, actor);
        annotate({ caseId: created.record.id });
        return toFullView(created);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases',
      summary: 'List cases, newest first',
      tags,
      access: read,
      query: z
        .object({
          state: z
            .string()
            .max(64)
            .transform((v) => v.split(',').filter((s) => s !== ''))
            .pipe(z.array(z.enum(CASE_STATES)).min(1))
            .optional(),
          assignee: z.string().min(1).max(256).optional(),
          ...pageQuery,
        })
        .strict(),
      responses: {
        200: {
          description: 'A page of cases',
          schema: z.object({ cases: z.array(caseView), nextCursor: z.string().optional() }),
        },
      },
      handler: async ({ principal, query }) => {
        const page = await service.list(
          who(principal).tenantId,
          {
            ...(query.state === undefined ? {} : { states: query.state }),
            ...(query.assignee === undefined ? {} : { assigneeId: query.assignee }),
          },
          { limit: query.limit, ...(query.cursor === undefined ? {} : { cursor: query.cursor }) },
        );
        return {
          cases: page.items.map(toCaseView),
          ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases/:id',
      summary: 'A case with its alerts and tasks',
      tags,
      access: read,
      params,
      responses: { 200: { description: 'The case', schema: fullView }, 404: notFound },
      handler: async ({ principal, params: p }) =>
        toFullView(await service.get(who(principal).tenantId, p.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:id/actions',
      summary: 'Start, close, reopen, assign, unassign or update a case',
      tags,
      access: write,
      audit: { action: 'soar.case.action', resource: ({ params: p }) => caseResource(p) },
      params,
      body: actionBody,
      responses: {
        200: {
          description: 'The case afterwards',
          schema: z.object({ changed: z.boolean(), case: caseView }),
        },
        404: notFound,
        409: { description: 'The case’s state refuses the action' },
      },
      handler: async ({ principal, params: p, body, annotate }) => {
        const { tenantId, actor } = who(principal);
        annotate({ action: body.action });
        const result = await service.act(tenantId, p.id, body, actor);
        return { changed: result.changed, case: toCaseView(result.record) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:id/alerts',
      summary: 'Add alerts to a case',
      description:
        'Each alert that is missing or already in a case fails on its own; the others are added.',
      tags,
      access: write,
      audit: { action: 'soar.case.alerts.add', resource: ({ params: p }) => caseResource(p) },
      params,
      body: z.object({ ids: z.array(id).min(1).max(500) }).strict(),
      responses: { 200: { description: 'What was added', schema: linkResult }, 404: notFound },
      handler: async ({ principal, params: p, body, annotate }) => {
        const { tenantId, actor } = who(principal);
        const result = await service.addAlerts(tenantId, p.id, body.ids, actor);
        annotate({ added: result.added, failed: result.failed.map((f) => f.alertId) });
        return { added: [...result.added], failed: [...result.failed] };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/cases/:id/alerts/:alertId',
      summary: 'Take an alert out of a case',
      tags,
      access: write,
      audit: {
        action: 'soar.case.alerts.remove',
        resource: ({ params: p }) => caseResource(p),
      },
      params: z.object({ id, alertId: id }).strict(),
      responses: { 204: { description: 'Removed' }, 404: notFound },
      handler: async ({ principal, params: p, res }) => {
        const { tenantId, actor } = who(principal);
        await service.removeAlert(tenantId, p.id, p.alertId, actor);
        res.status(204).end();
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:id/merge',
      summary: 'Merge other cases into this one',
      description: 'Their alerts and tasks move here; they end merged (and refuse every action).',
      tags,
      access: write,
      audit: { action: 'soar.case.merge', resource: ({ params: p }) => caseResource(p) },
      params,
      body: z.object({ from: z.array(id).min(1).max(100) }).strict(),
      responses: { 200: { description: 'The case afterwards', schema: fullView }, 404: notFound },
      handler: async ({ principal, params: p, body, annotate }) => {
        const { tenantId, actor } = who(principal);
        annotate({ from: body.from });
        return toFullView(await service.merge(tenantId, p.id, body.from, actor));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:id/tasks',
      summary: 'Add a task to a case',
      tags,
      access: write,
      audit: { action: 'soar.case.task.add', resource: ({ params: p }) => caseResource(p) },
      params,
      body: z.object({ title: z.string().max(300), assignee: assignee.optional() }).strict(),
      responses: { 201: { description: 'The task', schema: taskView }, 404: notFound },
      handler: async ({ principal, params: p, body }) => {
        const { tenantId, actor } = who(principal);
        return toTaskView(
          await service.addTask(
            tenantId,
            p.id,
            {
              title: body.title,
              ...(body.assignee === undefined ? {} : { assignee: toAssignee(body.assignee) }),
            },
            actor,
          ),
        );
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/cases/:id/tasks/:taskId',
      summary: 'Change a task: done or open again, its title, its assignee',
      tags,
      access: write,
      audit: { action: 'soar.case.task.update', resource: ({ params: p }) => caseResource(p) },
      params: z.object({ id, taskId: id }).strict(),
      body: z
        .object({
          title: z.string().max(300).optional(),
          state: z.enum(['open', 'done']).optional(),
          assignee: assignee.nullable().optional(),
        })
        .strict(),
      responses: { 200: { description: 'The task afterwards', schema: taskView }, 404: notFound },
      handler: async ({ principal, params: p, body }) => {
        const { tenantId, actor } = who(principal);
        return toTaskView(
          await service.updateTask(
            tenantId,
            p.id,
            p.taskId,
            {
              ...(body.title === undefined ? {} : { title: body.title }),
              ...(body.state === undefined ? {} : { state: body.state }),
              ...(body.assignee === undefined
                ? {}
                : {
                    assignee: body.assignee === null ? null : toAssignee(body.assignee),
                  }),
            },
            actor,
          ),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases/:id/observables',
      summary: 'The observables of a case: those its alerts name and those added by hand',
      description:
        'Hosts, users, ATT&CK techniques, addresses, file hashes and domains, by kind then value. Each links to its pivot (the alerts and cases that share it) and carries the KQL for the events that name it.',
      tags,
      access: read,
      params,
      responses: {
        200: {
          description: 'The observables',
          schema: z.object({ observables: z.array(observableView) }),
        },
        404: notFound,
      },
      handler: async ({ principal, params: p }) => ({
        observables: (await service.observables(who(principal).tenantId, p.id)).map(
          toObservableView,
        ),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:id/observables',
      summary: 'Add observables to a case by hand',
      description:
        'Values are normalised (`WKS-9` → `wks-9`, `t1059.001` → `T1059.001`, addresses in canonical form); one that is not of its kind fails the request, naming it. Once added, the pivot on the value finds the case. One the case already holds by hand is reported under `existing` and keeps its note.',
      tags,
      access: write,
      audit: { action: 'soar.case.observables.add', resource: ({ params: p }) => caseResource(p) },
      params,
      body: z
        .object({
          observables: z
            .array(
              z
                .object({
                  kind: z.enum(KEY_KINDS),
                  value: z.string().min(1).max(512),
                  note: z.string().max(2_000).optional(),
                })
                .strict(),
            )
            .min(1)
            .max(100),
        })
        .strict(),
      responses: {
        200: {
          description: 'What was added and what the case already held',
          schema: z.object({ added: z.array(keyView), existing: z.array(keyView) }),
        },
        404: notFound,
      },
      handler: async ({ principal, params: p, body, annotate }) => {
        const { tenantId, actor } = who(principal);
        const result = await service.addObservables(tenantId, p.id, body.observables, actor);
        annotate({ added: result.added.length, existing: result.existing.length });
        return { added: [...result.added], existing: [...result.existing] };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/cases/:id/observables/:kind/:value',
      summary: 'Remove an observable added by hand',
      description: 'One its alerts name stays while the alert is in the case.',
      tags,
      access: write,
      audit: {
        action: 'soar.case.observables.remove',
        resource: ({ params: p }) => caseResource(p),
      },
      params: z.object({ id, kind: z.enum(KEY_KINDS), value: z.string().min(1).max(512) }).strict(),
      responses: { 204: { description: 'Removed' }, 404: notFound },
      handler: async ({ principal, params: p, res }) => {
        const { tenantId, actor } = who(principal);
        await service.removeObservable(tenantId, p.id, { kind: p.kind, value: p.value }, actor);
        res.status(204).end();
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cases/:id/comments',
      summary: 'Comment on a case (secrets in the text are masked)',
      tags,
      access: write,
      audit: { action: 'soar.case.comment', resource: ({ params: p }) => caseResource(p) },
      params,
      body: z.object({ text: z.string().max(40_000) }).strict(),
      responses: {
        201: { description: 'The comment as stored', schema: activityView },
        404: notFound,
      },
      handler: async ({ principal, params: p, body }) => {
        const { tenantId, actor } = who(principal);
        return toActivityView(await service.comment(tenantId, p.id, body.text, actor));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cases/:id/timeline',
      summary: 'Everything that happened to a case, oldest first',
      tags,
      access: read,
      params,
      query: z.object(pageQuery).strict(),
      responses: {
        200: {
          description: 'A page of entries',
          schema: z.object({ entries: z.array(activityView), nextCursor: z.string().optional() }),
        },
        404: notFound,
      },
      handler: async ({ principal, params: p, query }) => {
        const page = await service.timeline(who(principal).tenantId, p.id, {
          limit: query.limit,
          ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        });
        return {
          entries: page.items.map(toActivityView),
          ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
        };
      },
    }),
  ];
}
