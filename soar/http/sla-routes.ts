import { z } from 'zod';
import { SEVERITIES } from '../../detections/index.ts';
import type { Clock } from '../../platform/clock/index.ts';
import { defineRoute } from '../../platform/http/index.ts';
import type { AnyRoute } from '../../platform/http/index.ts';
import { slaClocks, WARNING_RATIO } from '../sla/sla.ts';
import type { SlaPolicy } from '../sla/sla.ts';
import type { SlaStore } from '../sla/sla-store.ts';
import type { TriageService } from '../triage/triage-service.ts';
import { callerOf, isoOrNull as iso } from './request-parts.ts';

const policyView = z.object({
  severity: z.enum(SEVERITIES),
  acknowledgeMinutes: z.number(),
  resolveMinutes: z.number(),
});
const toPolicyView = (p: SlaPolicy): z.infer<typeof policyView> => ({
  severity: p.severity,
  acknowledgeMinutes: p.acknowledgeSeconds / 60,
  resolveMinutes: p.resolveSeconds / 60,
});

const clockView = z.object({
  clock: z.enum(['acknowledge', 'resolve']),
  targetMinutes: z.number(),
  elapsedSeconds: z.number(),
  status: z.enum(['running', 'paused', 'met', 'missed', 'stopped']),
  level: z.enum(['ok', 'warning', 'breach']),
  warnAt: z.string().nullable(),
  dueAt: z.string().nullable(),
});

const minutes = z
  .number()
  .positive()
  .max(525_600)
  .refine((m) => Number.isInteger(m * 60), 'whole seconds');

/**
 * SLA over HTTP: the tenant's policies (`GET /sla/policies`, `PUT /sla/policies/:severity`,
 * `sla:write`, audited) and an alert's clocks (`GET /alerts/:id/sla`).
 */
export function slaRoutes(deps: {
  sla: SlaStore;
  triage: TriageService;
  clock: Clock;
}): AnyRoute[] {
  const tags = ['sla'];
  return [
    defineRoute({
      method: 'get',
      path: '/sla/policies',
      summary: 'The acknowledge and resolve targets per severity',
      description: `The tenant’s own where set, else the defaults (critical 5/30 min, high 15/120, medium 60/480, low 240/1440, info 1440/10080). Clocks warn at ${String(WARNING_RATIO * 100)} % of a target.`,
      tags,
      access: { kind: 'permission', permission: 'alerts:read' },
      responses: {
        200: {
          description: 'One policy per severity',
          schema: z.object({ policies: z.array(policyView) }),
        },
      },
      handler: async ({ principal }) => {
        const policies = await deps.sla.policies(callerOf(principal).tenantId);
        return { policies: SEVERITIES.map((s) => toPolicyView(policies[s])) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/sla/policies/:severity',
      summary: 'Set the targets of one severity',
      description:
        'Applies to every open alert of that severity at the next check (every 15 s), and to the clocks GET /alerts/:id/sla shows.',
      tags,
      access: { kind: 'permission', permission: 'sla:write' },
      audit: {
        action: 'soar.sla.policy.update',
        resource: ({ params }) => ({ type: 'sla-policy', id: params.severity }),
      },
      params: z.object({ severity: z.enum(SEVERITIES) }).strict(),
      body: z
        .object({ acknowledgeMinutes: minutes, resolveMinutes: minutes })
        .strict()
        .refine((b) => b.resolveMinutes >= b.acknowledgeMinutes, {
          message: 'resolveMinutes must be at least acknowledgeMinutes',
          path: ['resolveMinutes'],
        }),
      responses: { 200: { description: 'The policy as stored', schema: policyView } },
      handler: async ({ principal, params, body, annotate }) => {
        const policy: SlaPolicy = {
          severity: params.severity,
          acknowledgeSeconds: Math.round(body.acknowledgeMinutes * 60),
          resolveSeconds: Math.round(body.resolveMinutes * 60),
        };
        await deps.sla.setPolicy(callerOf(principal).tenantId, policy, deps.clock.now());
        annotate({
          acknowledgeMinutes: body.acknowledgeMinutes,
          resolveMinutes: body.resolveMinutes,
        });
        return toPolicyView(policy);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/alerts/:id/sla',
      summary: 'An alert’s SLA clocks: acknowledge and resolve',
      tags: ['alerts'],
      access: { kind: 'permission', permission: 'alerts:read' },
      params: z.object({ id: z.string().min(1).max(64) }).strict(),
      responses: {
        200: {
          description: 'Both clocks, as of now',
          schema: z.object({ severity: z.enum(SEVERITIES), clocks: z.array(clockView) }),
        },
        404: { description: 'No such alert in the caller’s tenant' },
      },
      handler: async ({ principal, params }) => {
        const tenantId = callerOf(principal).tenantId;
        const record = await deps.triage.get(tenantId, params.id);
        const policies = await deps.sla.policies(tenantId);
        return {
          severity: record.severity,
          clocks: slaClocks(record, policies[record.severity], deps.clock.now()).map((c) => ({
            clock: c.clock,
            targetMinutes: c.targetSeconds / 60,
            elapsedSeconds: Math.floor(c.elapsedMs / 1000),
            status: c.status,
            level: c.level,
            warnAt: iso(c.warnAt),
            dueAt: iso(c.dueAt),
          })),
        };
      },
    }),
  ];
}
