import { z } from 'zod';
import { defineRoute } from '../../platform/http/index.ts';
import type { AnyRoute } from '../../platform/http/index.ts';
import { eventsQuery, KEY_KINDS } from '../cases/alert-keys.ts';
import type { CaseGrouping } from '../cases/case-grouping.ts';
import { callerOf } from './request-parts.ts';

const rulesView = z.object({
  rules: z.array(z.object({ kind: z.enum(KEY_KINDS), windowMinutes: z.number() })),
});

/**
 * Case grouping rules (`/cases/grouping/rules`) and pivots (`GET /observables/:kind/:value`:
 * the alerts and cases that share a host, user or ATT&CK technique, and the events query).
 */
export function groupingRoutes(grouping: CaseGrouping): AnyRoute[] {
  const rulesOf = async (tenantId: string) => ({
    rules: (await grouping.rules(tenantId)).map((r) => ({
      kind: r.kind,
      windowMinutes: r.windowSeconds / 60,
    })),
  });
  return [
    defineRoute({
      method: 'get',
      path: '/cases/grouping/rules',
      summary: 'The tenant’s case grouping rules',
      description:
        'One rule per kind (host, user, technique). A new alert joins the open case that most recently took an alert with the same key within the window; failing that, the alerts with that key within the window that are in no case open one together. None are set by default.',
      tags: ['cases'],
      access: { kind: 'permission', permission: 'cases:read' },
      responses: { 200: { description: 'The rules', schema: rulesView } },
      handler: async ({ principal }) => rulesOf(callerOf(principal).tenantId),
    }),
    defineRoute({
      method: 'put',
      path: '/cases/grouping/rules/:kind',
      summary: 'Set or remove the grouping rule of a key kind',
      tags: ['cases'],
      access: { kind: 'permission', permission: 'cases:write' },
      audit: {
        action: 'soar.case.grouping.update',
        resource: ({ params }) => ({ type: 'case-grouping-rule', id: params.kind }),
      },
      params: z.object({ kind: z.enum(KEY_KINDS) }).strict(),
      body: z
        .object({
          windowMinutes: z
            .number()
            .int()
            .min(1)
            .max(43_200)
            .nullable()
            .describe('null removes the rule'),
        })
        .strict(),
      responses: { 200: { description: 'The rules afterwards', schema: rulesView } },
      handler: async ({ principal, params, body, annotate }) => {
        const tenantId = callerOf(principal).tenantId;
        annotate({ windowMinutes: body.windowMinutes });
        await grouping.setRule(
          tenantId,
          params.kind,
          body.windowMinutes === null ? null : body.windowMinutes * 60,
        );
        return rulesOf(tenantId);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/observables/:kind/:value',
      summary:
        'Pivot on a host, user, technique, IP address, file hash or domain: the alerts and cases that share it',
      description:
        'Keys come from alerts: their host, the users they group by and their ATT&CK techniques, and the addresses, file hashes and domains their events name (ECS related.*, source/destination, file and process hashes, DNS and URL domains). Values compare normalised (lower case; techniques upper case). `events` is the KQL query for GET /events/search.',
      tags: ['alerts'],
      access: { kind: 'permission', permission: 'alerts:read' },
      params: z.object({ kind: z.enum(KEY_KINDS), value: z.string().min(1).max(512) }).strict(),
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(),
      responses: {
        200: {
          description: 'What shares the key',
          schema: z.object({
            kind: z.enum(KEY_KINDS),
            value: z.string(),
            alerts: z.array(z.object({ id: z.string(), detectedAt: z.string() })),
            cases: z.array(z.string()),
            events: z.object({ query: z.string() }),
          }),
        },
      },
      handler: async ({ principal, params, query }) => {
        const pivot = await grouping.pivot(
          callerOf(principal).tenantId,
          { kind: params.kind, value: params.value },
          query.limit,
        );
        return {
          kind: pivot.key.kind,
          value: pivot.key.value,
          alerts: pivot.alerts.map((a) => ({
            id: a.alertId,
            detectedAt: new Date(a.detectedAt).toISOString(),
          })),
          cases: [...pivot.caseIds],
          events: { query: eventsQuery(pivot.key.kind, params.value) },
        };
      },
    }),
  ];
}
