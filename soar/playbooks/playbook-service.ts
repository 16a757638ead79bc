import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Alert, AlertStore } from '../../detections/index.ts';
import type { Clock } from '../../platform/clock/index.ts';
import { IdentityError } from '../../platform/identity/index.ts';
import type { IdGenerator } from '../../platform/ids/index.ts';
import type { RelationalStore } from '../../platform/storage/index.ts';
import { SoarError } from '../errors.ts';
import type { ActionCatalog } from './actions/action.ts';
import { exportCacao, importCacao } from './cacao/cacao.ts';
import type { CacaoDocument } from './cacao/cacao.ts';
import { CONTAINMENT_ACTIONS } from './actions/platform-actions.ts';
import type { CommandKind, CommandRecord, CommandStatus, CommandStore } from './command-store.ts';
import { stringify as stringifyYaml } from 'yaml';
import { parsePlaybook } from './playbook-document.ts';
import type { CredentialFinder } from './playbook-document.ts';
import type { PlaybookRunner } from './playbook-runner.ts';
import type { PlaybookDefinition } from './playbook-schema.ts';
import type { PlaybookRecord, RunRecord, RunStatus, RunStore, StepRecord } from './run-store.ts';

/** Who asks: their tenant, id, roles and effective permissions. */
export interface Caller {
  readonly tenantId: string;
  readonly id: string;
  readonly kind: string;
  readonly roles: readonly string[];
  readonly permissions: ReadonlySet<string>;
}

export interface ManualStart {
  readonly vars?: Readonly<Record<string, unknown>>;
  /** Runs the playbook on this alert (its alert trigger need not match). */
  readonly alertId?: string;
  readonly dryRun?: boolean;
  /** The client's idempotency key: the same key starts one run. */
  readonly idempotencyKey?: string;
}

export type Command =
  | {
      readonly command: 'activate';
      readonly playbook: string;
      readonly alert_id?: string | undefined;
      readonly vars?: Readonly<Record<string, unknown>> | undefined;
      readonly dry_run?: boolean | undefined;
    }
  | { readonly command: 'scale'; readonly lane: string; readonly concurrency: number }
  | {
      readonly command: 'train';
      readonly playbook: string;
      /** Past alerts opened in the last this many hours. */
      readonly hours: number;
      readonly limit: number;
    };

export interface CommandStatusView extends CommandRecord {
  /** Runs started, by status (activate and train). */
  readonly runs: Readonly<Partial<Record<RunStatus, number>>>;
}

export interface PlaybookServiceDeps {
  readonly relational: Pick<RelationalStore, 'unitOfWork'>;
  readonly runs: RunStore;
  readonly commands: CommandStore;
  readonly runner: PlaybookRunner;
  readonly catalog: ActionCatalog;
  readonly alerts: Pick<AlertStore, 'get' | 'list'>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Key of the signed approval links. */
  readonly linkKey: Uint8Array;
  /** The platform's public base URL (`https://secops.example.com`), for approval links. */
  readonly publicUrl: () => string;
  /** Refuses playbooks holding literal credentials (the platform's secret scanner). */
  readonly findCredentials?: CredentialFinder;
}

/** Playbooks as people and agents use them: upload, start, follow, decide, command. */
export interface PlaybookService {
  /** Parses, checks and stores a new version; YAML keeps its text (comments and all). */
  save(
    caller: Caller,
    source: { readonly name: string; readonly text: string; readonly format: 'yaml' | 'json' },
  ): Promise<PlaybookRecord>;
  saveDefinition(caller: Caller, definition: PlaybookDefinition): Promise<PlaybookRecord>;
  /** A version's text: the YAML it was uploaded as, else YAML written from its definition. */
  source(
    tenantId: string,
    id: string,
    version?: number,
  ): Promise<{ record: PlaybookRecord; text: string; uploaded: boolean }>;
  /** Imports an OASIS CACAO 2.0 playbook as a new version (what it read loosely in `warnings`). */
  saveCacao(
    caller: Caller,
    document: unknown,
  ): Promise<{ record: PlaybookRecord; warnings: readonly string[] }>;
  /** A version as an OASIS CACAO 2.0 playbook. */
  exportCacao(tenantId: string, id: string, version?: number): Promise<CacaoDocument>;
  list(tenantId: string): Promise<PlaybookRecord[]>;
  get(tenantId: string, id: string, version?: number): Promise<PlaybookRecord>;
  start(
    caller: Caller,
    playbookId: string,
    options: ManualStart,
  ): Promise<{ run: RunRecord; started: boolean }>;
  run(tenantId: string, runId: string): Promise<{ run: RunRecord; steps: StepRecord[] }>;
  runs: RunStore['runs'];
  cancel(caller: Caller, runId: string): Promise<RunRecord>;
  decide(
    caller: Caller,
    runId: string,
    stepId: string,
    decision: { outcome: 'approve' | 'reject'; comment?: string },
  ): Promise<StepRecord>;
  /** The approval a signed link names, if the token is right (for the link's page). */
  linkedApproval(
    runId: string,
    stepId: string,
    token: string,
  ): Promise<{ run: RunRecord; step: StepRecord }>;
  decideByLink(
    runId: string,
    stepId: string,
    token: string,
    outcome: 'approve' | 'reject',
  ): Promise<{ run: RunRecord; step: StepRecord }>;
  approvalLink(run: RunRecord, stepId: string): string;
  command(caller: Caller, command: Command): Promise<CommandStatusView>;
  commandStatus(tenantId: string, id: string): Promise<CommandStatusView>;
}

const FORBIDDEN = (permission: string, why: string) =>
  new IdentityError('IDENTITY_FORBIDDEN', `${why} needs the permission ${permission}`, {
    details: { permission },
  });

/** Steps that act on the outside world to contain an incident (blocking, disabling). */
export function containmentSteps(definition: PlaybookDefinition): string[] {
  return definition.steps.filter((s) => CONTAINMENT_ACTIONS.has(s.action)).map((s) => s.id);
}

export function createPlaybookService(deps: PlaybookServiceDeps): PlaybookService {
  const { runs, runner, relational, clock, commands } = deps;

  const sign = (tenantId: string, runId: string, stepId: string): string =>
    createHmac('sha256', deps.linkKey)
      .update(`soar.approval.v1\n${tenantId}\n${runId}\n${stepId}`)
      .digest('base64url');

  const checkLink = async (runId: string, stepId: string, token: string): Promise<RunRecord> => {
    const run = await runs.run(null, runId);
    const expected = Buffer.from(run === undefined ? '' : sign(run.tenantId, runId, stepId));
    const given = Buffer.from(token);
    // Same answer whether the run exists or the token is wrong: a link reveals nothing else.
    if (run === undefined || expected.length !== given.length || !timingSafeEqual(expected, given))
      throw new SoarError('SOAR_RUN_NOT_FOUND', 'no such approval, or the link is not valid');
    return run;
  };

  const mayContain = (caller: Caller, definition: PlaybookDefinition, dryRun: boolean): void => {
    if (dryRun) return;
    const steps = containmentSteps(definition);
    if (steps.length > 0 && !caller.permissions.has('containment:execute'))
      throw FORBIDDEN('containment:execute', `running containment steps (${steps.join(', ')})`);
  };

  const saveDefinition = async (
    caller: Caller,
    definition: PlaybookDefinition,
    source: string | null = null,
  ): Promise<PlaybookRecord> => {
    const record = await relational.unitOfWork(async () => {
      const previous = await runs.playbook(caller.tenantId, definition.id);
      const next: PlaybookRecord = {
        tenantId: caller.tenantId,
        id: definition.id,
        version: (previous?.version ?? 0) + 1,
        definition,
        source,
        createdAt: clock.now(),
        createdBy: caller.id,
      };
      await runs.savePlaybook(next);
      return next;
    });
    runner.invalidate(caller.tenantId);
    return record;
  };

  const get = async (tenantId: string, id: string, version?: number) => {
    const record = await runs.playbook(tenantId, id, version);
    if (record === undefined)
      throw new SoarError(
        'SOAR_PLAYBOOK_NOT_FOUND',
        `no playbook ${id}${version === undefined ? '' : ` version ${String(version)}`}`,
      );
    return record;
  };

  const start = async (caller: Caller, playbookId: string, options: ManualStart) => {
    const record = await get(caller.tenantId, playbookId);
    const { definition } = record;
    if (!definition.enabled)
      throw new SoarError('SOAR_RUN_CONFLICT', `playbook ${playbookId} is disabled`);
    let alert: Alert | undefined;
    if (options.alertId !== undefined) {
      alert = await deps.alerts.get(caller.tenantId, options.alertId);
      if (alert === undefined)
        throw new SoarError('SOAR_ALERT_NOT_FOUND', `no alert ${options.alertId}`);
    } else if (definition.trigger.manual !== true)
      throw new SoarError(
        'SOAR_RUN_CONFLICT',
        `playbook ${playbookId} has no manual trigger: start it on an alert (alert_id), or add trigger.manual: true`,
      );
    mayContain(caller, definition, options.dryRun === true);
    return runner.start(
      caller.tenantId,
      playbookId,
      {
        kind: 'manual',
        key: `manual:${options.idempotencyKey ?? deps.ids.uuidv7()}`,
        by: caller.id,
        ...(alert === undefined ? {} : { alertId: alert.id }),
      },
      {
        ...(options.vars === undefined ? {} : { vars: options.vars }),
        ...(alert === undefined ? {} : { alert }),
        dryRun: options.dryRun === true,
      },
    );
  };

  const commandView = async (record: CommandRecord): Promise<CommandStatusView> => {
    if (record.kind === 'scale') return { ...record, runs: {} };
    const counts = await runs.runStatusCounts(record.tenantId, record.runIds);
    if (record.status !== 'running') return { ...record, runs: counts };
    const open = counts.running ?? 0;
    if (open > 0) return { ...record, runs: counts };
    // Every run has ended: the command has too.
    const failed = (counts.failed ?? 0) + (counts.cancelled ?? 0);
    const status: CommandStatus = record.kind === 'activate' && failed > 0 ? 'failed' : 'succeeded';
    const result =
      record.kind === 'train'
        ? { ...(record.result as Record<string, unknown>), ...(await trainSummary(record)) }
        : record.result;
    const error = status === 'failed' ? `run ${record.runIds.join(', ')} did not complete` : null;
    await commands.update(record.id, { status, result, error, updatedAt: clock.now() });
    return { ...record, status, result, error, updatedAt: clock.now(), runs: counts };
  };

  /** What a dry run on each past alert would have done: per step, how often it ran or was skipped. */
  const trainSummary = async (record: CommandRecord): Promise<Record<string, unknown>> => ({
    steps: await runs.stepStatusCounts(record.runIds),
  });

  return {
    save(caller, source) {
      return saveDefinition(
        caller,
        parsePlaybook(source, deps.catalog, { findCredentials: deps.findCredentials }),
        source.format === 'yaml' ? source.text : null,
      );
    },
    saveDefinition: (caller, definition) => saveDefinition(caller, definition),

    async source(tenantId, id, version) {
      const record = await get(tenantId, id, version);
      return record.source === null
        ? { record, text: stringifyYaml(record.definition, { lineWidth: 100 }), uploaded: false }
        : { record, text: record.source, uploaded: true };
    },

    async saveCacao(caller, document) {
      const imported = importCacao(document, {
        catalog: deps.catalog,
        source: 'cacao',
        findCredentials: deps.findCredentials,
      });
      return {
        record: await saveDefinition(caller, imported.playbook),
        warnings: imported.warnings,
      };
    },

    async exportCacao(tenantId, id, version) {
      const record = await get(tenantId, id, version);
      return exportCacao(record.definition, { now: record.createdAt, createdBy: record.createdBy });
    },

    list: (tenantId) => runs.playbooks(tenantId),
    get,
    start,

    async run(tenantId, runId) {
      const run = await runs.run(tenantId, runId);
      if (run === undefined) throw new SoarError('SOAR_RUN_NOT_FOUND', `no run ${runId}`);
      return { run, steps: await runs.steps(run.id) };
    },

    runs: (tenantId, filter, page) => runs.runs(tenantId, filter, page),

    cancel: (caller, runId) => runner.cancel(caller.tenantId, runId, { id: caller.id }),

    decide(caller, runId, stepId, decision) {
      return runner.decide(caller.tenantId, runId, stepId, decision, {
        id: caller.id,
        roles: caller.roles,
      });
    },

    async linkedApproval(runId, stepId, token) {
      const run = await checkLink(runId, stepId, token);
      const step = (await runs.steps(run.id)).find((s) => s.stepId === stepId);
      if (step?.approval == null)
        throw new SoarError('SOAR_RUN_NOT_FOUND', 'no such approval, or the link is not valid');
      return { run, step };
    },

    async decideByLink(runId, stepId, token, outcome) {
      const run = await checkLink(runId, stepId, token);
      const step = await runner.decide(
        run.tenantId,
        runId,
        stepId,
        { outcome },
        { id: 'signed-link', roles: [], viaLink: true },
      );
      return { run, step };
    },

    approvalLink(run, stepId) {
      const token = sign(run.tenantId, run.id, stepId);
      return `${deps.publicUrl()}/runs/${run.id}/approvals/${stepId}?token=${token}`;
    },

    async command(caller, command) {
      const now = clock.now();
      const base = {
        id: deps.ids.uuidv7(),
        tenantId: caller.tenantId,
        kind: command.command satisfies CommandKind,
        request: { ...command },
        createdBy: caller.id,
        createdAt: now,
        updatedAt: now,
        error: null,
      };
      if (command.command === 'scale') {
        // Workers are shared by every tenant of the installation: changing them is an
        // installation administrator's call.
        if (!caller.permissions.has('tenants:write'))
          throw FORBIDDEN('tenants:write', 'scaling the playbook workers of the installation');
        const previous = runner.concurrency()[command.lane];
        runner.setConcurrency(command.lane, command.concurrency);
        const record: CommandRecord = {
          ...base,
          status: 'succeeded',
          runIds: [],
          result: {
            lane: command.lane,
            concurrency: command.concurrency,
            previous: previous ?? null,
          },
        };
        await relational.unitOfWork(async () => {
          await commands.setLane(command.lane, command.concurrency, now, caller.id);
          await commands.insert(record);
        });
        return { ...record, runs: {} };
      }
      if (command.command === 'activate') {
        const { run } = await start(caller, command.playbook, {
          ...(command.alert_id === undefined ? {} : { alertId: command.alert_id }),
          ...(command.vars === undefined ? {} : { vars: command.vars }),
          dryRun: command.dry_run === true,
          idempotencyKey: `command:${base.id}`,
        });
        const record: CommandRecord = {
          ...base,
          status: 'running',
          runIds: [run.id],
          result: { run_id: run.id },
        };
        await commands.insert(record);
        return commandView(record);
      }
      const record = await get(caller.tenantId, command.playbook);
      if (record.definition.trigger.alert === undefined)
        throw new SoarError(
          'SOAR_INVALID_REQUEST',
          `playbook ${command.playbook} has no alert trigger to train against past alerts`,
        );
      const since = now - command.hours * 3_600_000;
      const past: Alert[] = [];
      let cursor: string | undefined;
      do {
        const page = await deps.alerts.list(
          caller.tenantId,
          { from: since },
          {
            limit: Math.min(500, command.limit - past.length),
            ...(cursor === undefined ? {} : { cursor }),
          },
        );
        past.push(...page.alerts);
        cursor = page.nextCursor;
      } while (cursor !== undefined && past.length < command.limit);
      const started = await runner.train(
        caller.tenantId,
        command.playbook,
        past,
        `train:${base.id}`,
      );
      const insert: CommandRecord = {
        ...base,
        status: 'running',
        runIds: started.map((s) => s.runId),
        result: { alerts_considered: past.length, alerts_matched: started.length },
      };
      await commands.insert(insert);
      return commandView(insert);
    },

    async commandStatus(tenantId, id) {
      const record = await commands.get(tenantId, id);
      if (record === undefined) throw new SoarError('SOAR_RUN_NOT_FOUND', `no command ${id}`);
      return commandView(record);
    },
  };
}
