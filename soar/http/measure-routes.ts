import { z } from 'zod';
import type { Clock } from '../../platform/clock/index.ts';
import { defineRoute } from '../../platform/http/index.ts';
import type { AnyRoute } from '../../platform/http/index.ts';
import { parseDateValue } from '../../siem/index.ts';
import { SoarError } from '../errors.ts';
import { GROUP_BY, MEASURES, PERIODS, measureCsv, measureTriage } from '../measures/mttx.ts';
import type { MeasureGroup } from '../measures/mttx.ts';
import type { TriageStore } from '../triage/triage-store.ts';
import { callerOf } from './request-parts.ts';

const DAY = 86_400_000;
/** Longest range one request measures. */
const MAX_RANGE = 400 * DAY;

const stats = z.object({
  count: z.number().int(),
  mean: z.number().nullable(),
  median: z.number().nullable(),
  p90: z.number().nullable(),
});
const groupView = z.object({
  key: z.record(z.string(), z.string()),
  alerts: z.number().int(),
  measures: z.object(
    Object.fromEntries(MEASURES.map((m) => [m, stats])) as Record<
      (typeof MEASURES)[number],
      typeof stats
    >,
  ),
  targets: z.record(z.string(), z.object({ seconds: z.number(), met: z.boolean().nullable() })),
});

const groupList = z
  .string()
  .max(64)
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
  .pipe(z.array(z.enum(GROUP_BY)).max(3));

const query = z
  .object({
    from: z
      .string()
      .min(1)
      .max(64)
      .default('now-30d')
      .describe('detected at or after (ISO 8601, epoch ms or date math)'),
    to: z.string().min(1).max(64).default('now').describe('detected before'),
    groupBy: groupList.optional().describe(`comma-separated: ${GROUP_BY.join(', ')}`),
    period: z
      .enum(PERIODS)
      .default('day')
      .describe('the period buckets of groupBy=period (UTC; weeks are ISO weeks)'),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

const toView = (g: MeasureGroup): z.infer<typeof groupView> => ({
  key: g.key,
  alerts: g.alerts,
  measures: g.measures,
  targets: g.targets,
});

/**
 * `GET /metrics/mttx`: MTTA, MTTR, MTTD and time to contain over the alerts detected in a range,
 * overall and per severity, assignee team and period (mean, median, p90, in seconds), as JSON
 * or CSV. Needs `metrics:read`; covers the caller's tenant.
 */
export function measureRoutes(deps: { triage: TriageStore; clock: Clock }): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/metrics/mttx',
      summary: 'Response measures: MTTA, MTTR, MTTD and time to contain',
      description:
        'Over the alerts detected in [from, to): MTTA = first acknowledgement − detection, MTTR = first resolution − detection, MTTD = detection − first event, MTTC = first containment − detection; mean, median and p90 in seconds, each over the alerts that reached the step. Merged, exercise and test alerts are left out (counted under excluded). Targets: MTTA < 300 s and MTTR < 1800 s, judged on the mean. format=csv answers text/csv, one row per group, the overall row first.',
      tags: ['metrics'],
      access: { kind: 'permission', permission: 'metrics:read' },
      query,
      raw: true,
      responses: {
        200: {
          description: 'The measures (application/json or text/csv)',
          schema: z.object({
            from: z.string(),
            to: z.string(),
            groupBy: z.array(z.enum(GROUP_BY)),
            period: z.enum(PERIODS),
            overall: groupView,
            groups: z.array(groupView),
            excluded: z.object({ merged: z.number(), exercise: z.number(), test: z.number() }),
          }),
        },
      },
      handler: async ({ principal, query: q, res }) => {
        const { tenantId } = callerOf(principal);
        const now = deps.clock.now();
        const instant = (name: 'from' | 'to', value: string): number => {
          const at = parseDateValue(value, now, name === 'from' ? 'gte' : 'lt');
          if (at === undefined)
            throw new SoarError(
              'SOAR_INVALID_REQUEST',
              `${name}: not a date (ISO 8601, epoch ms or date math like now-7d)`,
              { issues: [{ path: `query.${name}`, message: 'not a date' }] },
            );
          return at;
        };
        const from = instant('from', q.from);
        const to = instant('to', q.to);
        if (to <= from || to - from > MAX_RANGE)
          throw new SoarError(
            'SOAR_INVALID_REQUEST',
            'to must be after from, at most 400 days later',
            {
              issues: [{ path: 'query.to', message: 'after from, at most 400 days later' }],
            },
          );
        const records = await deps.triage.detectedIn(tenantId, { from, to });
        const report = measureTriage(records, { groupBy: q.groupBy ?? [], period: q.period });
        if (q.format === 'csv') {
          res
            .status(200)
            .type('text/csv; charset=utf-8')
            .attachment(`mttx-${new Date(from).toISOString().slice(0, 10)}.csv`)
            .send(measureCsv(report));
          return;
        }
        res.status(200).json({
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          groupBy: report.groupBy,
          period: report.period,
          overall: toView(report.overall),
          groups: report.groups.map(toView),
          excluded: report.excluded,
        });
      },
    }),
  ];
}
