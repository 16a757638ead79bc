import { isIP } from 'node:net';
import { z } from 'zod';
import { SEVERITIES } from '../../../detections/index.ts';
import type { OutboundHttp } from '../../../platform/outbound/index.ts';
import { KEY_KINDS } from '../../cases/alert-keys.ts';
import type { KeyKind } from '../../cases/alert-keys.ts';
import type { CaseService } from '../../cases/case-service.ts';
import { SoarError } from '../../errors.ts';
import { ASSIGNEE_KINDS, RESOLUTIONS } from '../../triage/triage.ts';
import type { Actor } from '../../triage/triage.ts';
import type { TriageService } from '../../triage/triage-service.ts';
import type { ThreatIntel } from '../intel/threat-intel.ts';
import type { ActionContext, ActionDefinition } from './action.ts';
import { bodyOf, expectSuccess, postJson } from './http-actions.ts';

/** A containment endpoint of the customer's own tooling (firewall, IdP), called over HTTPS. */
export interface ContainmentEndpoint {
  readonly url: string;
  /** A secret path (in `/secrets`) holding the bearer token sent as `Authorization`. */
  readonly tokenSecret?: string;
}

export interface PlatformActionDeps {
  readonly triage: Pick<TriageService, 'act' | 'comment'>;
  readonly cases: Pick<
    CaseService,
    'create' | 'act' | 'addAlerts' | 'comment' | 'addTask' | 'addObservables'
  >;
  readonly intel: ThreatIntel;
  readonly outbound: OutboundHttp;
  readonly containment: {
    readonly blockAddress?: ContainmentEndpoint;
    readonly disableUser?: ContainmentEndpoint;
  };
  readonly readSecret: (tenantId: string, path: string) => Promise<string>;
}

const alertId = z.string().min(1).max(64);
const assignee = z.strictObject({
  kind: z.enum(ASSIGNEE_KINDS),
  id: z.string().min(1).max(256),
  team: z.string().trim().min(1).max(128).optional(),
});

/** Who the step acts as on timelines and in audit records: the run. */
const actorOf = (context: ActionContext): Actor => ({
  kind: 'playbook',
  id: `run:${context.runId}`,
});

/** The alert an input names, else the alert that started the run. */
function alertOf(input: { alert_id?: string | undefined }, context: ActionContext): string {
  const id = input.alert_id ?? context.alertId;
  if (id === null)
    throw new SoarError('SOAR_INVALID_REQUEST', 'alert_id: no alert given and the run has none');
  return id;
}

/** Fails the step when the alert's triage refused the action (a missing alert, a closed state). */
async function triageAct(
  deps: PlatformActionDeps,
  context: ActionContext,
  id: string,
  action: Parameters<TriageService['act']>[2],
): Promise<{ alert_id: string; state: string; changed: boolean }> {
  const [result] = await deps.triage.act(context.tenantId, [id], action, actorOf(context));
  if (result === undefined || result.status === 'failed')
    throw new SoarError(
      'SOAR_INVALID_REQUEST',
      `alert ${id}: ${result?.error.message ?? 'no result'}`,
    );
  return { alert_id: id, state: result.triage.state, changed: result.status === 'changed' };
}

/**
 * Actions on the platform's own records (alerts, cases), enrichment from the configured lists
 * and threat-intel files, and containment through the customer's configured HTTP endpoints.
 */
export function platformActions(deps: PlatformActionDeps): ActionDefinition<never>[] {
  const alertState: ActionDefinition<{
    alert_id?: string | undefined;
    action: 'acknowledge' | 'start' | 'resolve' | 'reopen' | 'contain';
    resolution?: (typeof RESOLUTIONS)[number] | undefined;
  }> = {
    name: 'alert.state',
    description:
      "Moves an alert (default: the run's) through triage: acknowledge, start, contain, resolve (with a resolution) or reopen.",
    integration: 'platform',
    idempotent: true,
    input: z
      .strictObject({
        alert_id: alertId.optional(),
        action: z.enum(['acknowledge', 'start', 'resolve', 'reopen', 'contain']),
        resolution: z.enum(RESOLUTIONS).optional(),
      })
      .refine((i) => (i.action === 'resolve') === (i.resolution !== undefined), {
        message: 'resolution goes with (and only with) action: resolve',
        path: ['resolution'],
      }),
    async run(input, context) {
      const id = alertOf(input, context);
      return triageAct(
        deps,
        context,
        id,
        input.action === 'resolve'
          ? { action: 'resolve', resolution: input.resolution ?? 'true_positive' }
          : { action: input.action },
      );
    },
  };

  const assign: ActionDefinition<{
    alert_id?: string | undefined;
    assignee: z.infer<typeof assignee>;
  }> = {
    name: 'alert.assign',
    description: "Assigns an alert (default: the run's) to a person or an agent, with their team.",
    integration: 'platform',
    idempotent: true,
    input: z.strictObject({ alert_id: alertId.optional(), assignee }),
    async run(input, context) {
      return triageAct(deps, context, alertOf(input, context), {
        action: 'assign',
        assignee: input.assignee,
      });
    },
  };

  const comment: ActionDefinition<{ alert_id?: string | undefined; text: string }> = {
    name: 'alert.comment',
    description: "Adds a comment to an alert's timeline (secrets in it are masked).",
    integration: 'platform',
    idempotent: false,
    input: z.strictObject({ alert_id: alertId.optional(), text: z.string().min(1).max(20_000) }),
    async run(input, context) {
      const entry = await deps.triage.comment(
        context.tenantId,
        alertOf(input, context),
        input.text,
        actorOf(context),
      );
      return { comment_id: entry.id };
    },
  };

  const caseCreate: ActionDefinition<{
    title: string;
    description?: string | undefined;
    severity?: (typeof SEVERITIES)[number] | undefined;
    alert_ids?: string[] | undefined;
    tasks: string[];
  }> = {
    name: 'case.create',
    description:
      "Opens a case holding the given alerts (default: the run's alert), with optional tasks.",
    integration: 'platform',
    idempotent: false,
    input: z.strictObject({
      title: z.string().trim().min(1).max(300),
      description: z.string().max(20_000).optional(),
      severity: z.enum(SEVERITIES).optional(),
      alert_ids: z.array(alertId).max(500).optional(),
      tasks: z.array(z.string().trim().min(1).max(300)).max(50).default([]),
    }),
    async run(input, context) {
      const alertIds = input.alert_ids ?? (context.alertId === null ? [] : [context.alertId]);
      const actor = actorOf(context);
      const view = await deps.cases.create(
        context.tenantId,
        {
          title: input.title,
          ...(input.description === undefined ? {} : { description: input.description }),
          ...(input.severity === undefined ? {} : { severity: input.severity }),
          alertIds,
        },
        actor,
      );
      const tasks = [];
      for (const title of input.tasks)
        tasks.push(
          (await deps.cases.addTask(context.tenantId, view.record.id, { title }, actor)).id,
        );
      return { case_id: view.record.id, alert_ids: view.alertIds, task_ids: tasks };
    },
  };

  const caseUpdate: ActionDefinition<{
    case_id: string;
    comment?: string | undefined;
    add_alerts?: string[] | undefined;
    add_tasks: string[];
    add_observables?: { kind: KeyKind; value: string; note?: string | undefined }[] | undefined;
    assignee?: z.infer<typeof assignee> | undefined;
    severity?: (typeof SEVERITIES)[number] | undefined;
    state?: 'start' | 'close' | 'reopen' | undefined;
    resolution?: (typeof RESOLUTIONS)[number] | undefined;
  }> = {
    name: 'case.update',
    description:
      'Works a case: comment, add alerts, tasks or observables, assign, change severity, start, close (with a resolution) or reopen.',
    integration: 'platform',
    idempotent: false,
    input: z
      .strictObject({
        case_id: z.string().min(1).max(64),
        comment: z.string().min(1).max(20_000).optional(),
        add_alerts: z.array(alertId).max(500).optional(),
        add_tasks: z.array(z.string().trim().min(1).max(300)).max(50).default([]),
        add_observables: z
          .array(
            z.strictObject({
              kind: z.enum(KEY_KINDS),
              value: z.string().min(1).max(512),
              note: z.string().max(2_000).optional(),
            }),
          )
          .min(1)
          .max(100)
          .optional(),
        assignee: assignee.optional(),
        severity: z.enum(SEVERITIES).optional(),
        state: z.enum(['start', 'close', 'reopen']).optional(),
        resolution: z.enum(RESOLUTIONS).optional(),
      })
      .refine((i) => (i.state === 'close') === (i.resolution !== undefined), {
        message: 'resolution goes with (and only with) state: close',
        path: ['resolution'],
      }),
    async run(input, context) {
      const { tenantId } = context;
      const actor = actorOf(context);
      const id = input.case_id;
      const done: string[] = [];
      if (input.severity !== undefined) {
        await deps.cases.act(tenantId, id, { action: 'update', severity: input.severity }, actor);
        done.push('severity');
      }
      if (input.assignee !== undefined) {
        await deps.cases.act(tenantId, id, { action: 'assign', assignee: input.assignee }, actor);
        done.push('assignee');
      }
      let failedAlerts: { alert_id: string; message: string }[] = [];
      if (input.add_alerts !== undefined) {
        const linked = await deps.cases.addAlerts(tenantId, id, input.add_alerts, actor);
        failedAlerts = linked.failed.map((f) => ({ alert_id: f.alertId, message: f.message }));
        done.push('alerts');
      }
      for (const title of input.add_tasks) await deps.cases.addTask(tenantId, id, { title }, actor);
      if (input.add_tasks.length > 0) done.push('tasks');
      if (input.add_observables !== undefined) {
        await deps.cases.addObservables(tenantId, id, input.add_observables, actor);
        done.push('observables');
      }
      if (input.comment !== undefined) {
        await deps.cases.comment(tenantId, id, input.comment, actor);
        done.push('comment');
      }
      if (input.state !== undefined) {
        await deps.cases.act(
          tenantId,
          id,
          input.state === 'close'
            ? { action: 'close', resolution: input.resolution ?? 'true_positive' }
            : { action: input.state },
          actor,
        );
        done.push('state');
      }
      return { case_id: id, updated: done, failed_alerts: failedAlerts };
    },
  };

  const enrich: ActionDefinition<{ values: string[]; lists?: string[] | undefined }> = {
    name: 'enrich.lookup',
    description:
      'Looks values (addresses, domains, hashes, users) up in the configured enrichment lists and threat-intel files.',
    integration: 'enrichment',
    idempotent: true,
    input: z.strictObject({
      values: z
        .union([z.string().max(2_048), z.array(z.string().max(2_048)).max(1_000)])
        .transform((v) => (Array.isArray(v) ? v : [v])),
      lists: z.array(z.string().min(1).max(200)).max(50).optional(),
    }),
    run(input) {
      const matches = deps.intel.lookup(input.values, input.lists);
      return Promise.resolve({
        matched: matches.length > 0,
        matches: matches.map((m) => ({
          value: m.matched,
          indicator: m.value,
          type: m.type,
          list: m.list,
          tags: m.tags,
          description: m.description,
        })),
        lists: [...new Set(matches.map((m) => m.list))],
      });
    },
  };

  const contain = async (
    name: 'block_address' | 'disable_user',
    endpoint: ContainmentEndpoint | undefined,
    body: Record<string, unknown>,
    context: ActionContext,
  ): Promise<unknown> => {
    if (endpoint === undefined)
      throw new SoarError(
        'SOAR_INVALID_REQUEST',
        `containment.${name} has no endpoint configured (playbooks.containment settings)`,
      );
    const token =
      endpoint.tokenSecret === undefined
        ? undefined
        : await deps.readSecret(context.tenantId, endpoint.tokenSecret);
    const response = await postJson(
      deps.outbound,
      endpoint.url,
      { ...body, run_id: context.runId, alert_id: context.alertId, tenant: context.tenantId },
      context,
      token === undefined ? {} : { authorization: `Bearer ${token}` },
    );
    expectSuccess(`the ${name.replace('_', '-')} endpoint`, response);
    return { status: response.status, body: bodyOf(response) };
  };

  const block: ActionDefinition<{
    address: string;
    reason?: string | undefined;
    duration_seconds?: number | undefined;
  }> = {
    name: 'containment.block_address',
    description:
      "Blocks an address or network through the configured firewall endpoint (POST JSON, the step's Idempotency-Key).",
    integration: 'containment',
    idempotent: true,
    input: z.strictObject({
      address: z
        .string()
        .max(64)
        .refine((a) => isIP(a.split('/')[0] ?? '') !== 0, 'an IPv4 or IPv6 address or CIDR'),
      reason: z.string().max(1_000).optional(),
      duration_seconds: z.int().min(60).max(31_536_000).optional(),
    }),
    run: (input, context) =>
      contain('block_address', deps.containment.blockAddress, input, context),
  };

  const disable: ActionDefinition<{ user: string; reason?: string | undefined }> = {
    name: 'containment.disable_user',
    description:
      "Disables a user account through the configured identity-provider endpoint (POST JSON, the step's Idempotency-Key).",
    integration: 'containment',
    idempotent: true,
    input: z.strictObject({
      user: z.string().min(1).max(256),
      reason: z.string().max(1_000).optional(),
    }),
    run: (input, context) => contain('disable_user', deps.containment.disableUser, input, context),
  };

  return [
    alertState,
    assign,
    comment,
    caseCreate,
    caseUpdate,
    enrich,
    block,
    disable,
  ] as ActionDefinition<never>[];
}

/** Actions that act on the outside world to contain an incident: starting them needs `containment:execute`. */
export const CONTAINMENT_ACTIONS: ReadonlySet<string> = new Set([
  'containment.block_address',
  'containment.disable_user',
]);
