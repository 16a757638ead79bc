import { z } from 'zod';
import { defineRoute } from '../../platform/http/index.ts';
import type { AnyRoute } from '../../platform/http/index.ts';
import { DEFAULT_TENANT, IdentityError } from '../../platform/identity/index.ts';
import type { Principal } from '../../platform/identity/index.ts';
import { parsers } from '../../siem/index.ts';
import type { ParserId } from '../../siem/index.ts';
import { DetectionError } from '../errors.ts';
import { RULE_LEVELS } from '../hunt/levels.ts';
import type { RuleInfo } from '../service/rule-catalog.ts';
import type { DetectionService, ReloadReport } from '../service/detection-service.ts';
import { listOf } from './list-param.ts';

/** Largest page of `GET /detections`. */
export const MAX_RULE_PAGE = 500;
/** Limits of `POST /detections/test`. */
export const MAX_TEST_RULE_CHARS = 256 * 1024;
export const MAX_TEST_EVENTS = 1000;
const MAX_TEST_EVENT_TEXT = 64 * 1024;
const TEST_BODY_LIMIT = 4 * 1024 * 1024;

const PARSER_IDS = ['auto', ...Object.keys(parsers)] as [string, ...string[]];
const KINDS = ['rule', 'correlation'] as const;

const listQuery = z
  .object({
    enabled: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional()
      .describe('true: rules the engine runs; false: disabled rules'),
    kind: z.enum(KINDS).optional().describe('rule or correlation'),
    level: listOf(RULE_LEVELS)
      .optional()
      .describe(`any of ${RULE_LEVELS.join(', ')} (comma-separated or repeated)`),
    product: z.string().min(1).max(128).optional().describe('logsource product, case-insensitive'),
    category: z.string().min(1).max(128).optional().describe('logsource category'),
    service: z.string().min(1).max(128).optional().describe('logsource service'),
    q: z.string().min(1).max(256).optional().describe('text the title contains, case-insensitive'),
    limit: z.coerce.number().int().min(1).max(MAX_RULE_PAGE).default(100),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

const idParams = z
  .object({
    id: z.string().min(1).max(512).describe('the rule’s Sigma id, else file:line (URL-encoded)'),
  })
  .strict();

const ruleView = z.object({
  id: z.string().describe('the Sigma id, else file:line'),
  kind: z.enum(KINDS),
  name: z.string().nullable().describe('the Sigma name, which correlations reference'),
  title: z.string(),
  level: z.string().nullable(),
  status: z.string().nullable(),
  author: z.string().nullable().describe('the Detection Rule License requires it to be shown'),
  tags: z.array(z.string()),
  logsource: z.object({
    product: z.string().nullable(),
    category: z.string().nullable(),
    service: z.string().nullable(),
  }),
  file: z.string(),
  line: z.number().int(),
  enabled: z.boolean().describe('whether the engine in effect runs it'),
  correlation: z
    .object({
      type: z.string(),
      rules: z.array(z.string()),
      groupBy: z.array(z.string()),
      timespan: z.string(),
    })
    .nullable()
    .describe('correlation rules only'),
});
const ruleDetail = ruleView.extend({
  description: z.string().nullable(),
  yaml: z.string().describe('the rule’s YAML document as loaded'),
});

const problem = z.object({
  file: z.string(),
  line: z.number().int(),
  kind: z.enum(['invalid', 'unsupported']),
  feature: z.string(),
  message: z.string(),
  title: z.string().optional(),
  id: z.string().optional(),
});
const warning = z.object({ file: z.string(), line: z.number().int(), message: z.string() });
const reportView = z.object({
  generation: z.number().int().describe('of the engine now in effect'),
  loadedAt: z.string(),
  durationMs: z.number(),
  ruleDirs: z.array(z.string()),
  files: z.number().int(),
  supported: z.number().int().describe('rules that loaded: detection plus correlation rules'),
  detectionRules: z.number().int(),
  correlationRules: z.number().int(),
  disabled: z.object({ rules: z.number().int(), correlations: z.number().int() }),
  unsupported: z.number().int(),
  unsupportedByFeature: z.array(
    z.object({
      feature: z.string(),
      reason: z.string(),
      count: z.number().int(),
      rules: z.array(problem),
    }),
  ),
  invalid: z.array(problem).describe('rules that did not load, with file and line'),
  fallback: z.object({
    rules: z.number().int(),
    logsources: z.array(z.object({ logsource: z.string(), rules: z.number().int() })),
  }),
  warnings: z.array(warning),
});

const testBody = z
  .object({
    rule: z
      .string()
      .min(1)
      .max(MAX_TEST_RULE_CHARS)
      .describe('Sigma YAML: a rule, and correlation rules over it (---)'),
    events: z
      .array(
        z.union([
          z.record(z.string(), z.unknown()),
          z.string().max(MAX_TEST_EVENT_TEXT).describe('a raw text record (needs parser)'),
        ]),
      )
      .max(MAX_TEST_EVENTS)
      .describe('ECS documents, or raw records when parser is given'),
    parser: z
      .enum(PARSER_IDS)
      .optional()
      .describe('parse each event as ingest does first: auto, ecs, winlogbeat, syslog, …'),
  })
  .strict();

const match = z.object({
  id: z.string(),
  title: z.string(),
  level: z.string().optional(),
  alerts: z.boolean().describe('false: it only feeds correlations (generate: false)'),
});
const testView = z.object({
  rules: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(KINDS),
      title: z.string(),
      level: z.string().optional(),
      line: z.number().int(),
    }),
  ),
  problems: z.array(
    z.object({
      line: z.number().int(),
      kind: z.enum(['invalid', 'unsupported']),
      feature: z.string(),
      message: z.string(),
      title: z.string().optional(),
    }),
  ),
  warnings: z.array(z.object({ line: z.number().int(), message: z.string() })),
  events: z.array(
    z.object({
      index: z.number().int().describe('position of the event in the request'),
      document: z.number().int().describe('which document of a record that parsed into several'),
      timestamp: z.string(),
      matched: z.boolean(),
      matches: z.array(match),
      ecs: z.unknown().optional().describe('the parsed document (with parser)'),
    }),
  ),
  rejected: z.array(z.object({ index: z.number().int(), message: z.string() })),
  correlations: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      level: z.string().optional(),
      type: z.string(),
      groupBy: z.record(z.string(), z.string().nullable()),
      value: z.number(),
      eventIndexes: z.array(z.number().int()),
      firstTimestamp: z.string(),
      lastTimestamp: z.string(),
      alerts: z.boolean(),
    }),
  ),
});

/** The JSON form of a rule in lists. */
export function toRuleView(rule: RuleInfo): z.infer<typeof ruleView> {
  return {
    id: rule.id,
    kind: rule.kind,
    name: rule.name ?? null,
    title: rule.title,
    level: rule.level ?? null,
    status: rule.status ?? null,
    author: rule.author ?? null,
    tags: [...rule.tags],
    logsource: {
      product: rule.logsource.product ?? null,
      category: rule.logsource.category ?? null,
      service: rule.logsource.service ?? null,
    },
    file: rule.file,
    line: rule.line,
    enabled: rule.enabled,
    correlation:
      rule.correlation === undefined
        ? null
        : {
            type: rule.correlation.type,
            rules: [...rule.correlation.rules],
            groupBy: [...rule.correlation.groupBy],
            timespan: rule.correlation.timespan,
          },
  };
}

/**
 * Rules are platform-wide (every tenant's events run through one engine), so changing them is
 * for the operator tenant's principals; another tenant's administrator may read and test only.
 */
function operatorOnly(principal: Principal | undefined): Principal {
  if (!principal) throw new IdentityError('IDENTITY_UNAUTHENTICATED', 'no principal');
  if (principal.tenantId !== DEFAULT_TENANT)
    throw new DetectionError(
      'DETECTION_OPERATOR_ONLY',
      'detection rules are platform-wide: they are enabled, disabled and reloaded from the operator tenant',
    );
  return principal;
}

function notFound(id: string): never {
  throw new DetectionError('DETECTION_RULE_NOT_FOUND', `no rule or correlation ${id}`, {
    details: { id },
  });
}

/**
 * Rules management: `GET /detections` (filters, paging), `GET /detections/:id` (with its YAML),
 * `POST /detections/:id/enable|disable` and `POST /detections/reload` (operator tenant, audited),
 * `POST /detections/test` (compile a rule text and run it over events; nothing stored).
 */
export function detectionRoutes(deps: { service: DetectionService }): AnyRoute[] {
  const { service } = deps;
  const read = { kind: 'permission', permission: 'detections:read' } as const;
  const write = { kind: 'permission', permission: 'detections:write' } as const;
  const tags = ['detections'];
  const switchRoute = (enabled: boolean) =>
    defineRoute({
      method: 'post',
      path: `/detections/:id/${enabled ? 'enable' : 'disable'}`,
      summary: enabled ? 'Enable a rule' : 'Disable a rule',
      description:
        'For every tenant (rules are platform-wide; operator tenant only). Recorded in the database and applied at once: the engine is rebuilt without (or with) the rule. A disabled rule stays disabled across reloads and restarts.',
      tags,
      access: write,
      audit: {
        action: enabled ? 'detections.rule.enable' : 'detections.rule.disable',
        resource: ({ params }) => ({ type: 'detection-rule', id: params.id }),
      },
      params: idParams,
      responses: {
        200: {
          description: 'The rule afterwards',
          schema: z.object({
            rule: ruleView,
            changed: z.boolean().describe('false when it already was in that state'),
            generation: z.number().int(),
          }),
        },
        403: { description: 'Not a principal of the operator tenant' },
        404: { description: 'No rule or correlation with that id' },
      },
      handler: async ({ principal, params, annotate }) => {
        const who = operatorOnly(principal);
        const result = await service.setEnabled(params.id, enabled, who.id);
        annotate({ changed: result.changed, generation: result.generation });
        return {
          rule: toRuleView(result.rule),
          changed: result.changed,
          generation: result.generation,
        };
      },
    });

  return [
    defineRoute({
      method: 'get',
      path: '/detections',
      summary: 'List detection rules and correlation rules',
      description:
        'Every rule loaded, enabled or not, in file order. Filters combine with AND. Rules are platform-wide: every tenant sees the same list.',
      tags,
      access: read,
      query: listQuery,
      responses: {
        200: {
          description: 'A page of rules',
          schema: z.object({
            rules: z.array(ruleView),
            total: z.number().int().describe('rules matching the filters'),
            nextOffset: z.number().int().optional(),
            generation: z.number().int().describe('of the engine in effect'),
          }),
        },
      },
      handler: ({ query: q }) => {
        const page = service.list(
          {
            ...(q.enabled !== undefined ? { enabled: q.enabled } : {}),
            ...(q.kind !== undefined ? { kind: q.kind } : {}),
            ...(q.level !== undefined ? { levels: q.level } : {}),
            ...(q.product !== undefined ? { product: q.product } : {}),
            ...(q.category !== undefined ? { category: q.category } : {}),
            ...(q.service !== undefined ? { service: q.service } : {}),
            ...(q.q !== undefined ? { q: q.q } : {}),
          },
          { limit: q.limit, offset: q.offset },
        );
        const next = q.offset + page.rules.length;
        return {
          rules: page.rules.map(toRuleView),
          total: page.total,
          ...(next < page.total ? { nextOffset: next } : {}),
          generation: service.current().generation,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/detections/reload',
      summary: 'Reload the rule directories',
      description:
        'Reads the rule directories again, compiles them into a new engine and swaps it in; events are evaluated with the old engine or the new one, never a mix. Reloads run one at a time. A directory that cannot be read answers 503 and the rules in effect stay. Operator tenant only.',
      tags,
      access: write,
      // Raw: the reload (reading and compiling files) runs outside any database transaction,
      // and is recorded once done (it changes no stored state).
      raw: true,
      audit: {
        action: 'detections.reload',
        resource: () => ({ type: 'detection-rules' }),
      },
      responses: {
        200: {
          description: 'What was loaded: counts, rules that did not load and why',
          schema: reportView,
        },
        403: { description: 'Not a principal of the operator tenant' },
        503: { description: 'A rule directory cannot be read; nothing changed' },
      },
      handler: async ({ principal, annotate, audited }): Promise<ReloadReport> => {
        operatorOnly(principal);
        const report = await service.reload();
        annotate({
          generation: report.generation,
          rules: report.supported,
          unsupported: report.unsupported,
          invalid: report.invalid.length,
        });
        await audited();
        return report;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/detections/test',
      summary: 'Test a rule against events',
      description:
        'Compiles the Sigma text (a rule, and correlation rules over it) and runs it over the events as the engine would: matches per event, correlation matches over the events in time order, and compile problems with their line. Nothing is stored or loaded.',
      tags,
      access: write,
      audit: {
        action: 'detections.rule.test',
        resource: () => ({ type: 'detection-rule-test' }),
      },
      body: testBody,
      bodyLimit: TEST_BODY_LIMIT,
      responses: { 200: { description: 'The result', schema: testView } },
      handler: async ({ body, annotate }) => {
        const result = await service.testRule(body.rule, body.events, {
          ...(body.parser !== undefined ? { parser: body.parser as ParserId } : {}),
        });
        annotate({
          events: body.events.length,
          rules: result.rules.length,
          problems: result.problems.length,
        });
        return result;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/detections/:id',
      summary: 'One rule or correlation rule, with its YAML',
      tags,
      access: read,
      params: idParams,
      responses: {
        200: { description: 'The rule', schema: ruleDetail },
        404: { description: 'No rule or correlation with that id' },
      },
      handler: ({ params }) => {
        const rule = service.get(params.id) ?? notFound(params.id);
        return { ...toRuleView(rule), description: rule.description ?? null, yaml: rule.yaml };
      },
    }),
    switchRoute(true),
    switchRoute(false),
  ];
}
