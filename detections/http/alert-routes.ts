import { z } from 'zod';
import type { Clock } from '../../platform/clock/index.ts';
import { defineRoute } from '../../platform/http/index.ts';
import type { AnyRoute } from '../../platform/http/index.ts';
import { IdentityError } from '../../platform/identity/index.ts';
import type { Principal } from '../../platform/identity/index.ts';
import { parseDateValue } from '../../siem/index.ts';
import { ALERT_STATES, OBSERVABLE_KINDS, SEVERITIES } from '../alerts/alert.ts';
import type { Alert } from '../alerts/alert.ts';
import { DetectionError } from '../errors.ts';
import { MAX_ALERT_PAGE } from '../alerts/alert-store.ts';
import type { AlertFilter, AlertStore } from '../alerts/alert-store.ts';
import { toTactic, toTechnique } from '../alerts/attack.ts';
import { listOf } from './list-param.ts';

const KINDS = ['match', 'correlation'] as const;

const time = z
  .string()
  .min(1)
  .max(64)
  .describe('ISO 8601, epoch milliseconds or date math (now-24h, now/d)');

const listQuery = z
  .object({
    state: listOf(ALERT_STATES)
      .optional()
      .describe(`any of ${ALERT_STATES.join(', ')}`),
    severity: listOf(SEVERITIES)
      .optional()
      .describe(`any of ${SEVERITIES.join(', ')} (comma-separated or repeated)`),
    minSeverity: z.enum(SEVERITIES).optional().describe('this severity or higher'),
    kind: listOf(KINDS).optional().describe('match, correlation'),
    rule: z.string().min(1).max(512).optional().describe('the rule reference (its id)'),
    tactic: z
      .string()
      .max(64)
      .refine((v) => toTactic(v) !== undefined, 'not an ATT&CK Enterprise tactic id or name')
      .optional()
      .describe('a tactic id or name: TA0006, credential-access, credential_access'),
    technique: z
      .string()
      .max(16)
      .refine((v) => toTechnique(v) !== undefined, 'not an ATT&CK technique id (T1059, T1059.001)')
      .optional()
      .describe('a technique id; T1059 also matches its sub-techniques'),
    host: z.string().min(1).max(255).optional().describe('the host, case-insensitive'),
    from: time.optional().describe('last seen at or after this time'),
    to: time.optional().describe('last seen before this time'),
    limit: z.coerce.number().int().min(1).max(MAX_ALERT_PAGE).default(50),
    cursor: z.string().min(1).max(128).optional().describe('nextCursor of the previous page'),
  })
  .strict();

const alertView = z.object({
  id: z.string(),
  tenantId: z.string(),
  kind: z.enum(KINDS),
  state: z.enum(ALERT_STATES),
  severity: z.enum(SEVERITIES),
  level: z.string().nullable().describe('the Sigma level as the rule states it'),
  rule: z.object({
    ref: z.string(),
    title: z.string(),
    author: z
      .string()
      .nullable()
      .describe('the rule author, which the Detection Rule License requires to be shown'),
    file: z.string(),
    line: z.number().int(),
  }),
  attack: z.object({
    tactics: z.array(z.object({ id: z.string(), name: z.string() })),
    techniques: z.array(z.string()),
  }),
  groupKey: z.string(),
  groupBy: z.record(z.string(), z.string().nullable()),
  host: z.string().nullable(),
  eventIds: z.array(z.string()).describe('the first contributing event ids (at most 100)'),
  eventCount: z.number().int(),
  count: z.number().int().describe('times the rule fired into this alert'),
  firstSeen: z.string(),
  lastSeen: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  observables: z
    .array(z.object({ kind: z.enum(OBSERVABLE_KINDS), value: z.string() }))
    .describe('addresses, file hashes and domains its events name (pivot: /observables)'),
});

/** The JSON form of an alert. */
export function toAlertView(alert: Alert): z.infer<typeof alertView> {
  const iso = (t: number) => new Date(t).toISOString();
  return {
    id: alert.id,
    tenantId: alert.tenantId,
    kind: alert.kind,
    state: alert.state,
    severity: alert.severity,
    level: alert.level,
    rule: {
      ref: alert.ruleRef,
      title: alert.ruleTitle,
      author: alert.ruleAuthor,
      file: alert.ruleFile,
      line: alert.ruleLine,
    },
    attack: { tactics: [...alert.tactics], techniques: [...alert.techniques] },
    groupKey: alert.groupKey,
    groupBy: { ...alert.groupBy },
    host: alert.host,
    eventIds: [...alert.eventIds],
    observables: alert.observables.map((o) => ({ kind: o.kind, value: o.value })),
    eventCount: alert.eventCount,
    count: alert.count,
    firstSeen: iso(alert.firstSeen),
    lastSeen: iso(alert.lastSeen),
    createdAt: iso(alert.createdAt),
    updatedAt: iso(alert.updatedAt),
  };
}

/** A store's refusal of a filter or cursor, its issues named as the query parameters. */
function inQuery(err: unknown): never {
  if (err instanceof DetectionError && err.code === 'DETECTION_ALERT_INVALID_REQUEST')
    throw new DetectionError('DETECTION_ALERT_INVALID_REQUEST', err.message, {
      cause: err,
      issues: err.issues.map((issue) => ({ ...issue, path: `query.${issue.path}` })),
    });
  throw err;
}

/** The caller's tenant: every read below is scoped to it (the router always sets a principal). */
function tenantOf(principal: Principal | undefined): string {
  if (!principal) throw new IdentityError('IDENTITY_UNAUTHENTICATED', 'no principal');
  return principal.tenantId;
}

/**
 * Reading alerts: `GET /alerts` (filters, newest first, cursor paging) and `GET /alerts/:id`.
 * Needs `alerts:read`. Every answer covers the caller's tenant only: another tenant's alert is
 * not found (404), as if it did not exist.
 */
export function alertRoutes(deps: { store: AlertStore; clock: Clock }): AnyRoute[] {
  const access = { kind: 'permission', permission: 'alerts:read' } as const;
  const tags = ['alerts'];
  const instant = (name: 'from' | 'to', value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const at = parseDateValue(value, deps.clock.now(), name === 'from' ? 'gte' : 'lt');
    if (at === undefined)
      throw new DetectionError(
        'DETECTION_ALERT_INVALID_REQUEST',
        `${name}: not a date (ISO 8601, epoch ms or date math like now-24h)`,
        { issues: [{ path: `query.${name}`, message: 'not a date' }] },
      );
    return at;
  };

  return [
    defineRoute({
      method: 'get',
      path: '/alerts',
      summary: 'List alerts',
      description:
        'Newest first (by creation). Filters combine with AND; list filters take any of their values. Follow nextCursor for the next page.',
      tags,
      access,
      query: listQuery,
      responses: {
        200: {
          description: 'A page of alerts',
          schema: z.object({ alerts: z.array(alertView), nextCursor: z.string().optional() }),
        },
      },
      handler: async ({ principal, query: q }) => {
        const from = instant('from', q.from);
        const to = instant('to', q.to);
        const filter: AlertFilter = {
          ...(q.state !== undefined ? { states: q.state } : {}),
          ...(q.severity !== undefined ? { severities: q.severity } : {}),
          ...(q.minSeverity !== undefined ? { minSeverity: q.minSeverity } : {}),
          ...(q.kind !== undefined ? { kinds: q.kind } : {}),
          ...(q.rule !== undefined ? { ruleRef: q.rule } : {}),
          ...(q.tactic !== undefined ? { tactic: q.tactic } : {}),
          ...(q.technique !== undefined ? { technique: q.technique } : {}),
          ...(q.host !== undefined ? { host: q.host } : {}),
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
        };
        const page = await deps.store
          .list(tenantOf(principal), filter, {
            limit: q.limit,
            ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
          })
          .catch(inQuery);
        return {
          alerts: page.alerts.map(toAlertView),
          ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/alerts/:id',
      summary: 'One alert by id',
      tags,
      access,
      params: z.object({ id: z.string().min(1).max(64) }).strict(),
      responses: {
        200: { description: 'The alert', schema: alertView },
        404: { description: 'No such alert in the caller’s tenant' },
      },
      handler: async ({ principal, params }) => {
        const alert = await deps.store.get(tenantOf(principal), params.id);
        if (!alert) throw new DetectionError('DETECTION_ALERT_NOT_FOUND', `no alert ${params.id}`);
        return toAlertView(alert);
      },
    }),
  ];
}
