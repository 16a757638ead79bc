import { z } from 'zod';
import { defineRoute } from '../../platform/http/index.ts';
import type { AnyRoute } from '../../platform/http/index.ts';
import { SoarError } from '../errors.ts';
import { ALERT_ORIGINS, RESOLUTIONS } from '../triage/triage.ts';
import type { TriageRecord } from '../triage/triage.ts';
import type { ActivityEntry } from '../triage/triage-store.ts';
import { MAX_BULK_ALERTS, MAX_COMMENT_LENGTH } from '../triage/triage-service.ts';
import type { TriageResult, TriageService } from '../triage/triage-service.ts';
import { assigneeInput, assigneeView, callerOf, isoOrNull as iso } from './request-parts.ts';

const alertId = z.string().min(1).max(64);

/** The actions, as request bodies (`{ "action": "resolve", "resolution": "benign" }`). */
const actionShapes = [
  z.object({ action: z.literal('acknowledge') }).strict(),
  z.object({ action: z.literal('start') }).strict(),
  z.object({ action: z.literal('resolve'), resolution: z.enum(RESOLUTIONS) }).strict(),
  z.object({ action: z.literal('reopen') }).strict(),
  z.object({ action: z.literal('merge'), into: alertId }).strict(),
  z.object({ action: z.literal('assign'), assignee: assigneeInput }).strict(),
  z.object({ action: z.literal('unassign') }).strict(),
  z.object({ action: z.literal('contain') }).strict(),
  z.object({ action: z.literal('classify'), origin: z.enum(ALERT_ORIGINS) }).strict(),
  z.object({ action: z.literal('pause'), reason: z.string().trim().min(1).max(500) }).strict(),
  z.object({ action: z.literal('resume') }).strict(),
] as const;
const actionBody = z.discriminatedUnion('action', actionShapes);
const bulkBody = z.discriminatedUnion(
  'action',
  actionShapes.map((shape) =>
    shape.extend({ ids: z.array(alertId).min(1).max(MAX_BULK_ALERTS) }),
  ) as unknown as typeof actionShapes,
);

const triageView = z.object({
  alertId: z.string(),
  state: z.string(),
  resolution: z.enum(RESOLUTIONS).nullable(),
  assignee: assigneeView,
  origin: z.enum(ALERT_ORIGINS),
  mergedInto: z.string().nullable(),
  severity: z.string(),
  ruleRef: z.string(),
  detectedAt: z.string().describe('ISO 8601'),
  eventTime: z.string(),
  acknowledgedAt: z.string().nullable().describe('first acknowledgement (or first work on it)'),
  inProgressAt: z.string().nullable(),
  resolvedAt: z.string().nullable().describe('first resolution'),
  mergedAt: z.string().nullable(),
  containedAt: z.string().nullable(),
  pausedSince: z.string().nullable().describe('set while the resolve clock is paused'),
  pausedSeconds: z.number().describe('paused time before the current pause'),
  updatedAt: z.string(),
});

function toTriageView(r: TriageRecord): z.infer<typeof triageView> {
  return {
    alertId: r.alertId,
    state: r.state,
    resolution: r.resolution,
    assignee: r.assignee,
    origin: r.origin,
    mergedInto: r.mergedInto,
    severity: r.severity,
    ruleRef: r.ruleRef,
    detectedAt: new Date(r.detectedAt).toISOString(),
    eventTime: new Date(r.eventTime).toISOString(),
    acknowledgedAt: iso(r.acknowledgedAt),
    inProgressAt: iso(r.inProgressAt),
    resolvedAt: iso(r.resolvedAt),
    mergedAt: iso(r.mergedAt),
    containedAt: iso(r.containedAt),
    pausedSince: iso(r.pausedSince),
    pausedSeconds: r.pausedMs / 1000,
    updatedAt: new Date(r.updatedAt).toISOString(),
  };
}

const activityView = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ kind: z.string(), id: z.string() }),
  kind: z.string().describe('opened, an action name, or comment'),
  fromState: z.string().nullable(),
  toState: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

function toActivityView(e: ActivityEntry): z.infer<typeof activityView> {
  return {
    id: e.id,
    at: new Date(e.at).toISOString(),
    actor: e.actor,
    kind: e.kind,
    fromState: e.fromState,
    toState: e.toState,
    details: e.details,
  };
}

const resultView = z.object({
  alertId: z.string(),
  status: z.enum(['changed', 'unchanged', 'failed']),
  triage: triageView.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

function toResultView(r: TriageResult): z.infer<typeof resultView> {
  return r.status === 'failed'
    ? { alertId: r.alertId, status: r.status, error: r.error }
    : { alertId: r.alertId, status: r.status, triage: toTriageView(r.triage) };
}

const pageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().min(1).max(128).optional(),
  })
  .strict();

/**
 * Triage over HTTP: one alert's action (`POST /alerts/:id/triage`), the same action on many
 * (`POST /alerts/triage`), its triage record, comments and timeline. Writes need `alerts:write`
 * and are audited (the audit record names the action and what it did); reads `alerts:read`.
 * Every call covers the caller's tenant only.
 */
export function triageRoutes(service: TriageService): AnyRoute[] {
  const tags = ['alerts'];
  const write = { kind: 'permission', permission: 'alerts:write' } as const;
  const read = { kind: 'permission', permission: 'alerts:read' } as const;
  const params = z.object({ id: alertId }).strict();

  return [
    defineRoute({
      method: 'post',
      path: '/alerts/triage',
      summary: 'Apply one triage action to many alerts',
      description: `Up to ${String(MAX_BULK_ALERTS)} alert ids and one action, applied in one transaction. Each alert reports changed, unchanged (already so) or failed (not found, or its state refuses the action) on its own; the others go ahead.`,
      tags,
      access: write,
      audit: { action: 'soar.alert.triage-bulk', resource: () => ({ type: 'alert' }) },
      body: bulkBody,
      responses: {
        200: {
          description: 'One result per alert id',
          schema: z.object({ results: z.array(resultView) }),
        },
      },
      handler: async ({ principal, body, annotate }) => {
        const who = callerOf(principal);
        const { ids, ...action } = body as z.infer<typeof actionBody> & { ids: string[] };
        const results = await service.act(who.tenantId, ids, action, who.actor);
        annotate({
          action: action.action,
          alerts: results.map((r) =>
            r.status === 'failed'
              ? { id: r.alertId, status: r.status, code: r.error.code }
              : { id: r.alertId, status: r.status, state: r.triage.state },
          ),
        });
        return { results: results.map(toResultView) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/:id/triage',
      summary:
        'Acknowledge, start, resolve, reopen, merge, assign, contain, classify, pause or resume an alert',
      description:
        'Working on or resolving an alert nobody acknowledged acknowledges it too. pause (with a reason) stops the resolve SLA clock while work waits on someone outside the team; resume, resolve or merge ends the pause. Each step keeps its first time (what MTTA, MTTR and time to contain measure). Repeating an action already in effect changes nothing. 409 when the alert’s state refuses the action.',
      tags,
      access: write,
      audit: {
        action: 'soar.alert.triage',
        resource: ({ params: p }) => ({ type: 'alert', id: p.id }),
      },
      params,
      body: actionBody,
      responses: {
        200: {
          description: 'The alert’s triage afterwards',
          schema: z.object({ changed: z.boolean(), triage: triageView }),
        },
        404: { description: 'No such alert in the caller’s tenant' },
        409: { description: 'The alert’s state refuses the action' },
      },
      handler: async ({ principal, params: p, body, annotate }) => {
        const who = callerOf(principal);
        // Named before acting, so a refused action's record says what was tried.
        annotate({ action: body.action });
        const [result] = await service.act(who.tenantId, [p.id], body, who.actor);
        if (!result || result.status === 'failed')
          throw new SoarError(
            result?.error.code ?? 'SOAR_ALERT_NOT_FOUND',
            result?.error.message ?? `no alert ${p.id}`,
          );
        annotate({
          action: body.action,
          changed: result.status === 'changed',
          state: result.triage.state,
        });
        return { changed: result.status === 'changed', triage: toTriageView(result.triage) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/alerts/:id/triage',
      summary: 'An alert’s triage: state, assignee, resolution and the time of each step',
      tags,
      access: read,
      params,
      responses: {
        200: { description: 'The triage record', schema: triageView },
        404: { description: 'No such alert in the caller’s tenant' },
      },
      handler: async ({ principal, params: p }) =>
        toTriageView(await service.get(callerOf(principal).tenantId, p.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/alerts/:id/comments',
      summary: 'Comment on an alert',
      description: `1 to ${String(MAX_COMMENT_LENGTH)} characters. Secrets in the text (keys, tokens, passwords) are masked before it is stored.`,
      tags,
      access: write,
      audit: {
        action: 'soar.alert.comment',
        resource: ({ params: p }) => ({ type: 'alert', id: p.id }),
      },
      params,
      body: z.object({ text: z.string().max(MAX_COMMENT_LENGTH * 2) }).strict(),
      responses: {
        201: { description: 'The comment as stored', schema: activityView },
        404: { description: 'No such alert in the caller’s tenant' },
      },
      handler: async ({ principal, params: p, body }) => {
        const who = callerOf(principal);
        return toActivityView(await service.comment(who.tenantId, p.id, body.text, who.actor));
      },
    }),
    ...(['comments', 'activity'] as const).map((part) =>
      defineRoute({
        method: 'get',
        path: `/alerts/:id/${part}`,
        summary:
          part === 'comments'
            ? 'An alert’s comments, oldest first'
            : 'An alert’s timeline: opened, every action and comment, oldest first',
        tags,
        access: read,
        params,
        query: pageQuery,
        responses: {
          200: {
            description: 'A page of entries',
            schema: z.object({ entries: z.array(activityView), nextCursor: z.string().optional() }),
          },
          404: { description: 'No such alert in the caller’s tenant' },
        },
        handler: async ({ principal, params: p, query }) => {
          const page = await service.activity(callerOf(principal).tenantId, p.id, {
            limit: query.limit,
            ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
            ...(part === 'comments' ? { kinds: ['comment'] } : {}),
          });
          return {
            entries: page.entries.map(toActivityView),
            ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
          };
        },
      }),
    ),
  ];
}
