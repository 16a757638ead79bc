import { z } from 'zod';
import type { Clock } from '../../platform/clock/index.ts';
import { defineRoute } from '../../platform/http/index.ts';
import type { AnyRoute } from '../../platform/http/index.ts';
import { IdentityError } from '../../platform/identity/index.ts';
import type { Principal } from '../../platform/identity/index.ts';
import { SiemError } from '../errors.ts';
import type { EventStore, StoredEvent } from '../events/event-store.ts';
import { parseKql } from '../search/kql/index.ts';
import { parseDateValue } from '../search/date-values.ts';

const MAX_PAGE = 1000;
const INTERVAL = /^(\d+)(ms|s|m|h|d|w)$/;
const INTERVAL_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const time = z
  .string()
  .max(64)
  .describe('ISO 8601, epoch milliseconds or date math (now-24h, now/d)');
const filter = z
  .object({
    q: z.string().max(10_000).default('').describe('KQL query; empty matches everything'),
    from: time.optional().describe('start of the time range (inclusive)'),
    to: time.optional().describe('end of the time range (exclusive)'),
  })
  .strict();
const searchQuery = filter.extend({
  size: z.coerce.number().int().min(0).max(MAX_PAGE).default(100),
  sort: z.enum(['desc', 'asc']).default('desc'),
  cursor: z.string().max(512).optional().describe('next_cursor of the previous page'),
  track_total_hits: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
});
const termsQuery = filter.extend({
  field: z.string().min(1).max(256),
  size: z.coerce.number().int().min(1).max(1000).default(10),
});
const histogramQuery = filter.extend({
  interval: z.string().regex(INTERVAL, 'a number and a unit: ms, s, m, h, d or w (e.g. 1h)'),
});

const hit = z.object({
  id: z.string(),
  '@timestamp': z.string(),
  event: z.record(z.string(), z.unknown()),
});
const total = z.object({ value: z.number().int(), relation: z.enum(['eq', 'gte']) });

function toHit(h: StoredEvent): z.infer<typeof hit> {
  return { id: h.id, '@timestamp': new Date(h.timestamp).toISOString(), event: h.doc };
}

/** The caller's tenant: every read below is scoped to it (the router always sets a principal). */
function tenantOf(principal: Principal | undefined): string {
  if (!principal) throw new IdentityError('IDENTITY_UNAUTHENTICATED', 'no principal');
  return principal.tenantId;
}

/**
 * Search and analytics over stored events: `/events/search` (KQL, time range, cursor paging),
 * `/events/:id`, `/events/count`, terms and date-histogram aggregations. Needs `events:read`.
 * Every answer covers the caller's tenant only: another tenant's event is not found (404), as if
 * it did not exist.
 */
export function searchRoutes(deps: { store: EventStore; clock: Clock }): AnyRoute[] {
  const range = (from: string | undefined, to: string | undefined) => {
    const now = deps.clock.now();
    const parse = (name: string, value: string | undefined, op: 'gte' | 'lt') => {
      if (value === undefined) return undefined;
      const t = parseDateValue(value, now, op);
      if (t === undefined) {
        throw new SiemError(
          'SIEM_INVALID_REQUEST',
          `${name}: not a date (ISO 8601, epoch ms or date math like now-24h)`,
          { issues: [{ path: `query.${name}`, message: 'not a date' }] },
        );
      }
      return t;
    };
    const f = parse('from', from, 'gte');
    const t = parse('to', to, 'lt');
    return { ...(f !== undefined ? { from: f } : {}), ...(t !== undefined ? { to: t } : {}) };
  };
  const access = { kind: 'permission', permission: 'events:read' } as const;
  const tags = ['events'];

  return [
    defineRoute({
      method: 'get',
      path: '/events/search',
      summary: 'Search events with KQL',
      description:
        'Newest first by default. Totals stop at track_total_hits and say gte. A syntax error answers 400 naming the line and column.',
      tags,
      access,
      query: searchQuery,
      responses: {
        200: {
          description: 'A page of events',
          schema: z.object({ total, hits: z.array(hit), next_cursor: z.string().optional() }),
        },
      },
      handler: async ({ principal, query: p }) => {
        const result = await deps.store.search(tenantOf(principal), {
          query: parseKql(p.q),
          ...range(p.from, p.to),
          size: p.size,
          sort: p.sort,
          trackTotalHits: p.track_total_hits,
          ...(p.cursor !== undefined ? { cursor: p.cursor } : {}),
        });
        return {
          total: result.total,
          hits: result.hits.map(toHit),
          ...(result.nextCursor !== undefined ? { next_cursor: result.nextCursor } : {}),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/events/count',
      summary: 'Count matching events',
      tags,
      access,
      query: filter,
      responses: {
        200: { description: 'The count', schema: z.object({ count: z.number().int() }) },
      },
      handler: async ({ principal, query: p }) => ({
        count: await deps.store.count(tenantOf(principal), {
          query: parseKql(p.q),
          ...range(p.from, p.to),
        }),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/events/aggregations/terms',
      summary: 'Most frequent values of a field',
      tags,
      access,
      query: termsQuery,
      responses: {
        200: {
          description: 'Buckets, most frequent first',
          schema: z.object({
            field: z.string(),
            buckets: z.array(
              z.object({
                key: z.union([z.string(), z.number(), z.boolean()]),
                count: z.number().int(),
              }),
            ),
            other_count: z.number().int(),
            missing_count: z.number().int(),
          }),
        },
      },
      handler: async ({ principal, query: p }) => {
        const result = await deps.store.terms(tenantOf(principal), {
          query: parseKql(p.q),
          field: p.field,
          size: p.size,
          ...range(p.from, p.to),
        });
        return {
          field: p.field,
          buckets: result.buckets,
          other_count: result.otherCount,
          missing_count: result.missingCount,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/events/aggregations/date-histogram',
      summary: 'Matching events per time bucket',
      tags,
      access,
      query: histogramQuery,
      responses: {
        200: {
          description: 'Buckets aligned to the epoch (UTC)',
          schema: z.object({
            interval_ms: z.number().int(),
            buckets: z.array(z.object({ start: z.string(), count: z.number().int() })),
          }),
        },
      },
      handler: async ({ principal, query: p }) => {
        const [, amount, unit] = INTERVAL.exec(p.interval) ?? [];
        const intervalMs = Number(amount) * (INTERVAL_MS[unit ?? 'ms'] ?? 1);
        if (intervalMs < 1)
          throw new SiemError('SIEM_INVALID_REQUEST', 'interval must be at least 1ms');
        const buckets = await deps.store.dateHistogram(tenantOf(principal), {
          query: parseKql(p.q),
          intervalMs,
          ...range(p.from, p.to),
        });
        return {
          interval_ms: intervalMs,
          buckets: buckets.map((b) => ({ start: new Date(b.start).toISOString(), count: b.count })),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/events/:id',
      summary: 'One event by id',
      tags,
      access,
      params: z.object({ id: z.string().min(1).max(512) }),
      query: z
        .object({
          timestamp: time
            .optional()
            .describe('the event’s @timestamp, when known: a faster lookup'),
        })
        .strict(),
      responses: {
        200: { description: 'The event', schema: hit },
        404: { description: 'No such event in the caller’s tenant' },
      },
      handler: async ({ principal, params, query }) => {
        const at =
          query.timestamp === undefined
            ? undefined
            : parseDateValue(query.timestamp, deps.clock.now());
        const event = await deps.store.get(tenantOf(principal), params.id, at);
        if (!event) throw new SiemError('SIEM_EVENT_NOT_FOUND', `no event ${params.id}`);
        return toHit(event);
      },
    }),
  ];
}
