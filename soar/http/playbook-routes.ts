import type { Request } from 'express';
import { z } from 'zod';
import { PlatformError } from '../../platform/errors/index.ts';
import { defineRoute, readBodyUpTo } from '../../platform/http/index.ts';
import type { AnyRoute } from '../../platform/http/index.ts';
import { IdentityError } from '../../platform/identity/index.ts';
import type { Principal } from '../../platform/identity/index.ts';
import { SoarError } from '../errors.ts';
import { COMMAND_KINDS } from '../playbooks/command-store.ts';
import type {
  Caller,
  Command,
  CommandStatusView,
  PlaybookService,
} from '../playbooks/playbook-service.ts';
import { containmentSteps } from '../playbooks/playbook-service.ts';
import type { PlaybookRecord, RunRecord, StepRecord } from '../playbooks/run-store.ts';
import { isoOrNull as iso } from './request-parts.ts';

const playbookId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a playbook id');
const runId = z.string().min(1).max(64);
const stepId = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'a step id');

function callerFrom(principal: Principal | undefined): Caller {
  if (!principal) throw new IdentityError('IDENTITY_UNAUTHENTICATED', 'no principal');
  return {
    tenantId: principal.tenantId,
    id: principal.id,
    kind: principal.kind,
    roles: principal.roles,
    permissions: principal.permissions,
  };
}

const playbookView = z.object({
  id: z.string(),
  version: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  enabled: z.boolean(),
  trigger: z.record(z.string(), z.unknown()),
  steps: z.number().int().describe('number of steps'),
  containmentSteps: z
    .array(z.string())
    .describe(
      'steps that block addresses or disable users: starting them needs containment:execute',
    ),
  createdAt: z.string(),
  createdBy: z.string(),
  definition: z.record(z.string(), z.unknown()).optional(),
});

function toPlaybookView(r: PlaybookRecord, full: boolean): z.infer<typeof playbookView> {
  return {
    id: r.id,
    version: r.version,
    name: r.definition.name,
    description: r.definition.description ?? null,
    enabled: r.definition.enabled,
    trigger: r.definition.trigger,
    steps: r.definition.steps.length,
    containmentSteps: containmentSteps(r.definition),
    createdAt: new Date(r.createdAt).toISOString(),
    createdBy: r.createdBy,
    ...(full ? { definition: r.definition } : {}),
  };
}

const approvalView = z.object({
  prompt: z.string(),
  approvers: z.array(z.string()),
  deadline: z.string(),
  default: z.enum(['approve', 'reject']),
});

const stepView = z.object({
  id: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  input: z.unknown().describe('rendered inputs; secrets appear as their references'),
  output: z.unknown().describe('secret values masked'),
  error: z.string().nullable(),
  queuedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  approval: approvalView.nullable(),
});

const runView = z.object({
  id: z.string(),
  playbookId: z.string(),
  playbookVersion: z.number().int(),
  status: z.enum(['running', 'completed', 'failed', 'cancelled']),
  trigger: z.record(z.string(), z.unknown()),
  dryRun: z.boolean(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
  steps: z.array(stepView).optional(),
});

function toStepView(s: StepRecord): z.infer<typeof stepView> {
  return {
    id: s.stepId,
    status: s.status,
    attempts: s.attempts,
    input: s.input,
    output: s.output,
    error: s.error,
    queuedAt: iso(s.queuedAt),
    startedAt: iso(s.startedAt),
    endedAt: iso(s.endedAt),
    durationMs: s.startedAt !== null && s.endedAt !== null ? s.endedAt - s.startedAt : null,
    approval:
      s.approval === null
        ? null
        : {
            prompt: s.approval.prompt,
            approvers: [...s.approval.approvers],
            deadline: new Date(s.approval.deadline).toISOString(),
            default: s.approval.default,
          },
  };
}

function toRunView(r: RunRecord, steps?: readonly StepRecord[]): z.infer<typeof runView> {
  return {
    id: r.id,
    playbookId: r.playbookId,
    playbookVersion: r.playbookVersion,
    status: r.status,
    trigger: { ...r.trigger },
    dryRun: r.dryRun,
    startedAt: new Date(r.startedAt).toISOString(),
    endedAt: iso(r.endedAt),
    durationMs: r.endedAt === null ? null : r.endedAt - r.startedAt,
    error: r.error,
    ...(steps === undefined ? {} : { steps: steps.map(toStepView) }),
  };
}

const commandBody = z.discriminatedUnion('command', [
  z.strictObject({
    command: z.literal('activate'),
    playbook: playbookId,
    alert_id: z.string().min(1).max(64).optional(),
    vars: z.record(z.string(), z.unknown()).optional(),
    dry_run: z.boolean().optional(),
  }),
  z.strictObject({
    command: z.literal('scale'),
    lane: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,62}$/)
      .describe('an integration lane (slack, http, containment, …) or default'),
    concurrency: z.int().min(1).max(256),
  }),
  z.strictObject({
    command: z.literal('train'),
    playbook: playbookId,
    hours: z
      .int()
      .min(1)
      .max(24 * 90)
      .default(24 * 7),
    limit: z.int().min(1).max(5_000).default(1_000),
  }),
]);

const commandView = z.object({
  id: z.string(),
  command: z.enum(COMMAND_KINDS),
  status: z.enum(['running', 'succeeded', 'failed']),
  request: z.record(z.string(), z.unknown()),
  runIds: z.array(z.string()),
  runs: z.record(z.string(), z.number()).describe('runs started, by status'),
  result: z.unknown(),
  error: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

function toCommandView(c: CommandStatusView): z.infer<typeof commandView> {
  return {
    id: c.id,
    command: c.kind,
    status: c.status,
    request: { ...c.request },
    runIds: [...c.runIds],
    runs: { ...c.runs },
    result: c.result,
    error: c.error,
    createdBy: c.createdBy,
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt).toISOString(),
  };
}

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** Reads a small form or JSON body (the signed-link decision). */
async function smallBody(req: Request, limit: number): Promise<Record<string, string>> {
  const body = await readBodyUpTo(req, limit);
  if (body === 'too_large')
    throw new PlatformError('REQUEST_TOO_LARGE', `the body is over ${String(limit)} bytes`);
  const text = body.toString('utf8');
  if (req.is('application/json')) {
    try {
      const value = JSON.parse(text) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        return Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : '']),
        );
    } catch {
      // reported below
    }
    throw new PlatformError('REQUEST_INVALID', 'the body is not a JSON object', {
      issues: [{ path: 'body', message: 'not a JSON object' }],
    });
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/**
 * Playbooks over HTTP: upload (a new version each time), list, read; start a run, follow it
 * (`/runs/:id` with each step's redacted inputs, outputs, timing and error), cancel it, decide
 * its approval steps (through the API, or through the step's signed link); and the command API
 * (`POST /commands`: activate, scale, train; `GET /commands/status/:id`).
 */
export function playbookRoutes(service: PlaybookService): AnyRoute[] {
  const tags = ['playbooks'];
  const read = { kind: 'permission', permission: 'playbooks:read' } as const;
  const write = { kind: 'permission', permission: 'playbooks:write' } as const;
  const run = { kind: 'permission', permission: 'playbooks:run' } as const;
  const runParams = z.object({ id: runId }).strict();
  const stepParams = z.object({ id: runId, step: stepId }).strict();
  const linkQuery = z.object({ token: z.string().min(20).max(100) }).strict();

  return [
    defineRoute({
      method: 'post',
      path: '/playbooks',
      summary: 'Upload a playbook (a new version when its id exists)',
      description:
        'Exactly one of `yaml` (the document as written; errors name its line, column and field), `playbook` (the same document as JSON), or `cacao` (an OASIS CACAO 2.0 playbook: http-api, manual and playbook-action steps; see soar/playbooks/cacao/README.md for what is accepted; `warnings` lists what was read loosely). The format is documented by the JSON schema at docs/schemas/playbook.schema.json. Runs keep the version they started with.',
      tags,
      access: write,
      audit: {
        action: 'soar.playbook.save',
        resource: ({ result }) => ({
          type: 'playbook',
          ...(result === undefined ? {} : { id: (result as { id: string }).id }),
        }),
      },
      bodyLimit: 1024 * 1024,
      body: z
        .strictObject({
          yaml: z
            .string()
            .min(1)
            .max(1024 * 1024)
            .optional(),
          playbook: z.record(z.string(), z.unknown()).optional(),
          cacao: z.record(z.string(), z.unknown()).optional(),
        })
        .refine((b) => [b.yaml, b.playbook, b.cacao].filter((v) => v !== undefined).length === 1, {
          message: 'send exactly one of yaml, playbook or cacao',
        }),
      responses: {
        201: {
          description: 'The stored version',
          schema: playbookView.extend({ warnings: z.array(z.string()).optional() }),
        },
        400: { description: 'The document is not a valid playbook (each problem in `issues`)' },
      },
      handler: async ({ principal, body, annotate }) => {
        const caller = callerFrom(principal);
        if (body.cacao !== undefined) {
          const imported = await service.saveCacao(caller, body.cacao);
          annotate({ version: imported.record.version, format: 'cacao' });
          return { ...toPlaybookView(imported.record, true), warnings: [...imported.warnings] };
        }
        const record = await service.save(
          caller,
          body.yaml !== undefined
            ? { name: 'playbook.yaml', text: body.yaml, format: 'yaml' }
            : {
                name: 'playbook.json',
                text: JSON.stringify(body.playbook, null, 2),
                format: 'json',
              },
        );
        annotate({ version: record.version });
        return toPlaybookView(record, true);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/playbooks',
      summary: 'The newest version of each playbook',
      tags,
      access: read,
      responses: {
        200: {
          description: 'Playbooks, by id',
          schema: z.object({ playbooks: z.array(playbookView) }),
        },
      },
      handler: async ({ principal }) => ({
        playbooks: (await service.list(callerFrom(principal).tenantId)).map((r) =>
          toPlaybookView(r, false),
        ),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/playbooks/:id',
      summary: 'A playbook (its newest version, or `?version=`) with its definition',
      tags,
      access: read,
      params: z.object({ id: playbookId }).strict(),
      query: z.object({ version: z.coerce.number().int().min(1).optional() }).strict(),
      responses: {
        200: { description: 'The playbook', schema: playbookView },
        404: { description: 'No such playbook (or version) in the caller’s tenant' },
      },
      handler: async ({ principal, params, query }) =>
        toPlaybookView(
          await service.get(callerFrom(principal).tenantId, params.id, query.version),
          true,
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/playbooks/:id/source',
      summary: 'A playbook version as YAML: the text it was uploaded as',
      description:
        'The YAML a version was uploaded as, comments included (`X-Playbook-Source: uploaded`); a version that came as JSON or CACAO is written out as YAML from its definition (`X-Playbook-Source: rendered`). Uploading the text again makes a new version of the same playbook.',
      tags,
      access: read,
      params: z.object({ id: playbookId }).strict(),
      query: z.object({ version: z.coerce.number().int().min(1).optional() }).strict(),
      responses: {
        200: { description: 'The YAML', contentType: 'application/yaml' },
        404: { description: 'No such playbook (or version) in the caller’s tenant' },
      },
      handler: async ({ principal, params, query, res }) => {
        const { record, text, uploaded } = await service.source(
          callerFrom(principal).tenantId,
          params.id,
          query.version,
        );
        res
          .status(200)
          .type('application/yaml')
          .set('x-playbook-source', uploaded ? 'uploaded' : 'rendered')
          .set('x-playbook-version', String(record.version))
          .send(text);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/playbooks/:id/cacao',
      summary: 'A playbook as an OASIS CACAO 2.0 document',
      description:
        'Valid against the published CACAO 2.0 schemas; what CACAO cannot say (triggers, our actions without a CACAO command) travels in the `x-claytom` extension, so importing it gives back the same playbook.',
      tags,
      access: read,
      params: z.object({ id: playbookId }).strict(),
      query: z.object({ version: z.coerce.number().int().min(1).optional() }).strict(),
      responses: {
        200: { description: 'The CACAO playbook', schema: z.record(z.string(), z.unknown()) },
        404: { description: 'No such playbook (or version) in the caller’s tenant' },
      },
      handler: async ({ principal, params, query }) =>
        service.exportCacao(callerFrom(principal).tenantId, params.id, query.version),
    }),
    defineRoute({
      method: 'post',
      path: '/playbooks/:id/runs',
      summary: 'Start a playbook',
      description:
        'Starts the newest version: a playbook with `trigger.manual: true`, or any playbook on an alert (`alert_id`). `dry_run` evaluates conditions and templates without calling any action. A playbook with containment steps needs `containment:execute` too (not for a dry run). An `Idempotency-Key` header makes retries start one run.',
      tags,
      access: run,
      audit: {
        action: 'soar.playbook.start',
        resource: ({ params, result }) => ({
          type: 'playbook.run',
          id: result === undefined ? params.id : (result as { id: string }).id,
        }),
      },
      params: z.object({ id: playbookId }).strict(),
      body: z.strictObject({
        vars: z.record(z.string(), z.unknown()).optional(),
        alert_id: z.string().min(1).max(64).optional(),
        dry_run: z.boolean().optional(),
      }),
      responses: {
        202: {
          description: 'The run (started now, or earlier with the same Idempotency-Key)',
          schema: runView.extend({ started: z.boolean() }),
        },
        403: { description: 'Containment steps without containment:execute' },
        404: { description: 'No such playbook or alert' },
        409: { description: 'The playbook is disabled or has no manual trigger' },
      },
      handler: async ({ principal, params, body, req }) => {
        const key = req.get('idempotency-key');
        if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key))
          throw new SoarError(
            'SOAR_INVALID_REQUEST',
            'Idempotency-Key: 1 to 200 visible ASCII characters',
            {
              issues: [
                { path: 'headers.idempotency-key', message: '1 to 200 visible ASCII characters' },
              ],
            },
          );
        const { run: started, started: fresh } = await service.start(
          callerFrom(principal),
          params.id,
          {
            ...(body.vars === undefined ? {} : { vars: body.vars }),
            ...(body.alert_id === undefined ? {} : { alertId: body.alert_id }),
            dryRun: body.dry_run === true,
            ...(key === undefined ? {} : { idempotencyKey: key }),
          },
        );
        return { ...toRunView(started), started: fresh };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/playbooks/:id/runs',
      summary: 'The runs of a playbook, newest first',
      tags,
      access: read,
      params: z.object({ id: playbookId }).strict(),
      query: z
        .object({
          status: z.enum(['running', 'completed', 'failed', 'cancelled']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          cursor: z.string().min(1).max(128).optional(),
        })
        .strict(),
      responses: {
        200: {
          description: 'A page of runs',
          schema: z.object({ runs: z.array(runView), nextCursor: z.string().nullable() }),
        },
        404: { description: 'No such playbook in the caller’s tenant' },
      },
      handler: async ({ principal, params, query }) => {
        const { tenantId } = callerFrom(principal);
        await service.get(tenantId, params.id);
        const page = await service.runs(
          tenantId,
          {
            playbookId: params.id,
            ...(query.status === undefined ? {} : { status: query.status }),
          },
          { limit: query.limit, ...(query.cursor === undefined ? {} : { cursor: query.cursor }) },
        );
        return { runs: page.items.map((r) => toRunView(r)), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/runs/:id',
      summary: 'A run with each step’s redacted inputs, outputs, timing and error',
      tags,
      access: read,
      params: runParams,
      responses: {
        200: { description: 'The run', schema: runView },
        404: { description: 'No such run in the caller’s tenant' },
      },
      handler: async ({ principal, params }) => {
        const { run: found, steps } = await service.run(callerFrom(principal).tenantId, params.id);
        return toRunView(found, steps);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/runs/:id/cancel',
      summary: 'Cancel a running run (its steps not yet finished are cancelled)',
      tags,
      access: run,
      audit: {
        action: 'soar.run.cancel',
        resource: ({ params }) => ({ type: 'playbook.run', id: params.id }),
      },
      params: runParams,
      responses: {
        200: { description: 'The run afterwards', schema: runView },
        404: { description: 'No such run in the caller’s tenant' },
        409: { description: 'The run has already ended' },
      },
      handler: async ({ principal, params }) =>
        toRunView(await service.cancel(callerFrom(principal), params.id)),
    }),
    defineRoute({
      method: 'post',
      path: '/runs/:id/steps/:step/decision',
      summary: 'Approve or reject a waiting approval step',
      description:
        'When the step names approvers, the caller must be one of them (by id or role). The decision, its author and comment (secrets masked) become the step’s output.',
      tags,
      access: run,
      audit: {
        action: 'soar.run.decide',
        resource: ({ params }) => ({ type: 'playbook.run', id: `${params.id}/${params.step}` }),
      },
      params: stepParams,
      body: z.strictObject({
        outcome: z.enum(['approve', 'reject']),
        comment: z.string().max(4_000).optional(),
      }),
      responses: {
        200: { description: 'The step afterwards', schema: stepView },
        404: { description: 'No such run or approval step' },
        409: { description: 'Already decided, or the caller is not an approver' },
      },
      handler: async ({ principal, params, body, annotate }) => {
        annotate({ outcome: body.outcome });
        return toStepView(
          await service.decide(callerFrom(principal), params.id, params.step, {
            outcome: body.outcome,
            ...(body.comment === undefined ? {} : { comment: body.comment }),
          }),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/runs/:id/approvals/:step',
      summary: 'The page a signed approval link opens',
      description:
        'The link itself authorises (templates put it in messages as `approval_links.<step>`); opening it changes nothing (mail scanners follow links): the page’s buttons POST the decision.',
      tags,
      access: { kind: 'public' },
      raw: true,
      params: stepParams,
      query: linkQuery,
      responses: {
        200: {
          description: 'An HTML page with the prompt and Approve / Reject',
          contentType: 'text/html',
        },
        404: { description: 'No such approval, or the link is not valid' },
      },
      handler: async ({ params, query, res }) => {
        const { run: found, step } = await service.linkedApproval(
          params.id,
          params.step,
          query.token,
        );
        const approval = step.approval;
        const waiting = step.status === 'waiting' && found.status === 'running';
        const outcome = (step.output as { outcome?: string } | null)?.outcome;
        const body = waiting
          ? `<form method="post"><input type="hidden" name="token" value="${escapeHtml(query.token)}">
<button name="outcome" value="approve">Approve</button> <button name="outcome" value="reject">Reject</button></form>
<p>Without a decision by ${escapeHtml(new Date(approval?.deadline ?? 0).toISOString())}, the step ${approval?.default === 'approve' ? 'is approved' : 'is rejected'}.</p>`
          : `<p>This step is no longer waiting: it is ${escapeHtml(step.status)}${outcome === undefined ? '' : ` (${escapeHtml(outcome)})`}.</p>`;
        res
          .status(200)
          .type('text/html')
          .set('cache-control', 'no-store')
          .set('referrer-policy', 'no-referrer')
          .send(
            `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Approval: ${escapeHtml(found.playbookId)}</title></head>
<body><h1>${escapeHtml(found.playbookId)}: ${escapeHtml(step.stepId)}</h1><p>${escapeHtml(approval?.prompt ?? '')}</p>${body}</body></html>`,
          );
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/runs/:id/approvals/:step',
      summary: 'Decide an approval through its signed link',
      description:
        'Form-encoded or JSON: `token` (from the link) and `outcome` (approve or reject). Recorded as decided by `signed-link`.',
      tags,
      access: { kind: 'public' },
      raw: true,
      audit: {
        action: 'soar.run.decide-link',
        resource: ({ params }) => ({ type: 'playbook.run', id: `${params.id}/${params.step}` }),
      },
      params: stepParams,
      responses: {
        200: { description: 'The step afterwards', schema: stepView },
        404: { description: 'No such approval, or the link is not valid' },
        409: { description: 'Already decided' },
      },
      handler: async ({ params, req, res, audited, annotate, attribute }) => {
        const form = await smallBody(req, 8 * 1024);
        const token = linkQuery.safeParse({ token: form.token });
        const outcome = z.enum(['approve', 'reject']).safeParse(form.outcome);
        if (!token.success || !outcome.success)
          throw new PlatformError('REQUEST_INVALID', 'invalid request: token, outcome', {
            issues: [
              ...(token.success ? [] : [{ path: 'body.token', message: 'the token of the link' }]),
              ...(outcome.success ? [] : [{ path: 'body.outcome', message: 'approve or reject' }]),
            ],
          });
        annotate({ outcome: outcome.data });
        const { run, step } = await service.decideByLink(
          params.id,
          params.step,
          token.data.token,
          outcome.data,
        );
        // The link was good: the decision is the run's tenant's, made by whoever held the link.
        attribute({ tenantId: run.tenantId, actorId: 'signed-link' });
        await audited();
        if (req.accepts(['json', 'html']) === 'html')
          res
            .status(200)
            .type('text/html')
            .set('cache-control', 'no-store')
            .send(
              `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Decided</title></head><body><p>Recorded: ${escapeHtml(outcome.data)}.</p></body></html>`,
            );
        else res.status(200).json(toStepView(step));
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/commands',
      summary:
        'Run a command: activate a playbook, scale workers, or train a playbook on past alerts',
      description: [
        '`activate`: starts a playbook (as `POST /playbooks/:id/runs`).',
        '`scale`: sets how many steps an integration lane (or `default`) runs at once in every process; needs `tenants:write` (workers serve every tenant).',
        '`train`: dry-runs the playbook on each alert of the last `hours` (at most `limit`) its alert trigger matches; the status then reports, per step, how often it would have run or been skipped.',
        'Follow it at `GET /commands/status/:id`.',
      ].join(' '),
      tags,
      access: run,
      audit: {
        action: 'soar.command',
        resource: ({ body, result }) => ({
          type: `command.${body.command}`,
          ...(result === undefined ? {} : { id: (result as { id: string }).id }),
        }),
      },
      body: commandBody,
      responses: {
        202: { description: 'The command and its status', schema: commandView },
        403: {
          description: 'scale without tenants:write; containment without containment:execute',
        },
        404: { description: 'No such playbook or alert' },
      },
      handler: async ({ principal, body }) =>
        toCommandView(await service.command(callerFrom(principal), body as Command)),
    }),
    defineRoute({
      method: 'get',
      path: '/commands/status/:id',
      summary: 'A command’s status: running, succeeded or failed, with its runs and result',
      tags,
      access: read,
      params: z.object({ id: z.string().min(1).max(64) }).strict(),
      responses: {
        200: { description: 'The command', schema: commandView },
        404: { description: 'No such command in the caller’s tenant' },
      },
      handler: async ({ principal, params }) =>
        toCommandView(await service.commandStatus(callerFrom(principal).tenantId, params.id)),
    }),
  ];
}
