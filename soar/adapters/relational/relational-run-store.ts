import { sql } from '../../../platform/storage/index.ts';
import type { RelationalStore, SqlFragment } from '../../../platform/storage/index.ts';
import type { PlaybookDefinition } from '../../playbooks/playbook-schema.ts';
import type {
  ApprovalState,
  PlaybookRecord,
  RunRecord,
  RunStatus,
  RunStore,
  RunTrigger,
  StepChange,
  StepRecord,
} from '../../playbooks/run-store.ts';
import type { StepStatus } from '../../playbooks/step-graph.ts';
import { decodeIdCursor, encodeIdCursor, timeOf } from './row-values.ts';

interface PlaybookRow {
  tenant_id: string;
  id: string;
  version: number | string;
  definition: string;
  source: string | null;
  created_at: number | string;
  created_by: string;
  [key: string]: unknown;
}

interface RunRow {
  id: string;
  tenant_id: string;
  playbook_id: string;
  playbook_version: number | string;
  status: string;
  trigger: string;
  context: string;
  dry_run: number | string;
  started_at: number | string;
  ended_at: number | string | null;
  error: string | null;
  [key: string]: unknown;
}

interface StepRow {
  run_id: string;
  step_id: string;
  status: string;
  attempts: number | string;
  input: string | null;
  output: string | null;
  error: string | null;
  queued_at: number | string | null;
  started_at: number | string | null;
  ended_at: number | string | null;
  approval: string | null;
  [key: string]: unknown;
}

const json = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(value);
const parsed = (text: string | null): unknown =>
  text === null ? null : (JSON.parse(text) as unknown);

function toPlaybook(row: PlaybookRow): PlaybookRecord {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    version: Number(row.version),
    definition: JSON.parse(row.definition) as PlaybookDefinition,
    source: row.source,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
  };
}

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    playbookId: row.playbook_id,
    playbookVersion: Number(row.playbook_version),
    status: row.status as RunStatus,
    trigger: JSON.parse(row.trigger) as RunTrigger,
    context: JSON.parse(row.context) as Record<string, unknown>,
    dryRun: Number(row.dry_run) === 1,
    startedAt: Number(row.started_at),
    endedAt: timeOf(row.ended_at),
    error: row.error,
  };
}

function toStep(row: StepRow): StepRecord {
  return {
    runId: row.run_id,
    stepId: row.step_id,
    status: row.status as StepStatus,
    attempts: Number(row.attempts),
    input: parsed(row.input),
    output: parsed(row.output),
    error: row.error,
    queuedAt: timeOf(row.queued_at),
    startedAt: timeOf(row.started_at),
    endedAt: timeOf(row.ended_at),
    approval: parsed(row.approval) as ApprovalState | null,
  };
}

const STEP_COLUMNS: Record<keyof StepChange, string> = {
  status: 'status',
  attempts: 'attempts',
  input: 'input',
  output: 'output',
  error: 'error',
  queuedAt: 'queued_at',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  approval: 'approval',
};

/** Ids in groups small enough for one `IN (…)` list on either database. */
function chunks(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += 500) out.push(ids.slice(i, i + 500));
  return out;
}

/** Playbooks, runs and steps in `soar_playbooks`, `soar_playbook_runs` and `soar_run_steps`. */
export function createRelationalRunStore(store: RelationalStore): RunStore {
  return {
    async savePlaybook(record) {
      await store.execute(sql`
        INSERT INTO soar_playbooks (tenant_id, id, version, name, definition, source, created_at, created_by)
        VALUES (${record.tenantId}, ${record.id}, ${record.version}, ${record.definition.name},
                ${JSON.stringify(record.definition)}, ${record.source}, ${record.createdAt},
                ${record.createdBy})`);
    },

    async playbook(tenantId, id, version) {
      const row = await store.queryOne<PlaybookRow>(sql`
        SELECT * FROM soar_playbooks WHERE tenant_id = ${tenantId} AND id = ${id}
        ${version === undefined ? sql`` : sql`AND version = ${version}`}
        ORDER BY version DESC LIMIT 1`);
      return row === undefined ? undefined : toPlaybook(row);
    },

    async playbooks(tenantId) {
      const rows = await store.query<PlaybookRow>(sql`
        SELECT p.* FROM soar_playbooks p
         WHERE p.tenant_id = ${tenantId}
           AND p.version = (SELECT MAX(version) FROM soar_playbooks q
                             WHERE q.tenant_id = p.tenant_id AND q.id = p.id)
         ORDER BY p.id`);
      return rows.map(toPlaybook);
    },

    async insertRun(run, steps) {
      return store.transaction(async (tx) => {
        const { rowCount } = await tx.execute(sql`
          INSERT INTO soar_playbook_runs
            (id, tenant_id, playbook_id, playbook_version, status, trigger_key, trigger, context,
             dry_run, started_at, ended_at, error)
          VALUES (${run.id}, ${run.tenantId}, ${run.playbookId}, ${run.playbookVersion}, ${run.status},
                  ${run.trigger.key}, ${JSON.stringify(run.trigger)}, ${JSON.stringify(run.context)},
                  ${run.dryRun ? 1 : 0}, ${run.startedAt}, ${run.endedAt}, ${run.error})
          ON CONFLICT (tenant_id, playbook_id, trigger_key) DO NOTHING`);
        if (rowCount === 0) return false;
        for (const [position, step] of steps.entries()) {
          await tx.execute(sql`
            INSERT INTO soar_run_steps
              (run_id, step_id, position, status, attempts, input, output, error, queued_at, started_at, ended_at, approval)
            VALUES (${step.runId}, ${step.stepId}, ${position}, ${step.status}, ${step.attempts}, ${json(step.input)},
                    ${json(step.output)}, ${step.error}, ${step.queuedAt}, ${step.startedAt},
                    ${step.endedAt}, ${json(step.approval)})`);
        }
        return true;
      });
    },

    async run(tenantId, id) {
      const row = await store.queryOne<RunRow>(sql`
        SELECT * FROM soar_playbook_runs WHERE id = ${id}
        ${tenantId === null ? sql`` : sql`AND tenant_id = ${tenantId}`}`);
      return row === undefined ? undefined : toRun(row);
    },

    async runByTrigger(tenantId, playbookId, key) {
      const row = await store.queryOne<RunRow>(sql`
        SELECT * FROM soar_playbook_runs
         WHERE tenant_id = ${tenantId} AND playbook_id = ${playbookId} AND trigger_key = ${key}`);
      return row === undefined ? undefined : toRun(row);
    },

    async runs(tenantId, filter, page) {
      const conditions: SqlFragment[] = [sql`tenant_id = ${tenantId}`];
      if (filter.playbookId !== undefined) conditions.push(sql`playbook_id = ${filter.playbookId}`);
      if (filter.status !== undefined) conditions.push(sql`status = ${filter.status}`);
      if (page.cursor !== undefined) conditions.push(sql`id < ${decodeIdCursor(page.cursor)}`);
      const rows = await store.query<RunRow>(sql`
        SELECT * FROM soar_playbook_runs WHERE ${sql.join(conditions, ' AND ')}
        ORDER BY id DESC LIMIT ${page.limit + 1}`);
      const items = rows.slice(0, page.limit).map(toRun);
      const last = items.at(-1);
      return {
        items,
        nextCursor: rows.length > page.limit && last !== undefined ? encodeIdCursor(last.id) : null,
      };
    },

    async steps(runId) {
      const rows = await store.query<StepRow>(sql`
        SELECT * FROM soar_run_steps WHERE run_id = ${runId} ORDER BY position`);
      return rows.map(toStep);
    },

    async runStatusCounts(tenantId, runIds) {
      const counts: Partial<Record<RunStatus, number>> = {};
      for (const ids of chunks(runIds)) {
        const rows = await store.query<{ status: string; n: number | string }>(sql`
          SELECT status, COUNT(*) AS n FROM soar_playbook_runs
           WHERE tenant_id = ${tenantId} AND id IN (${sql.join(ids.map((id) => sql`${id}`))})
           GROUP BY status`);
        for (const row of rows) {
          const status = row.status as RunStatus;
          counts[status] = (counts[status] ?? 0) + Number(row.n);
        }
      }
      return counts;
    },

    async stepStatusCounts(runIds) {
      const counts: Record<string, Partial<Record<StepStatus, number>>> = {};
      for (const ids of chunks(runIds)) {
        const rows = await store.query<{ step_id: string; status: string; n: number | string }>(sql`
          SELECT step_id, status, COUNT(*) AS n FROM soar_run_steps
           WHERE run_id IN (${sql.join(ids.map((id) => sql`${id}`))})
           GROUP BY step_id, status`);
        for (const row of rows) {
          const step = (counts[row.step_id] ??= {});
          const status = row.status as StepStatus;
          step[status] = (step[status] ?? 0) + Number(row.n);
        }
      }
      return counts;
    },

    async updateStep(runId, stepId, change, from) {
      const sets: SqlFragment[] = [];
      for (const [key, value] of Object.entries(change) as [keyof StepChange, unknown][]) {
        const column = sql.ident(STEP_COLUMNS[key]);
        const bound =
          key === 'input' || key === 'output' || key === 'approval'
            ? json(value)
            : (value as string | number | null);
        sets.push(sql`${column} = ${bound}`);
      }
      if (sets.length === 0) return true;
      const guard =
        from === undefined
          ? sql``
          : sql`AND status IN (${sql.join(from.map((status) => sql`${status}`))})`;
      const { rowCount } = await store.execute(sql`
        UPDATE soar_run_steps SET ${sql.join(sets)}
         WHERE run_id = ${runId} AND step_id = ${stepId} ${guard}`);
      return rowCount > 0;
    },

    async lockRun(runId) {
      if (store.dialect === 'postgres')
        await store.query(sql`SELECT id FROM soar_playbook_runs WHERE id = ${runId} FOR UPDATE`);
    },

    async finishRun(runId, status, endedAt, error) {
      const { rowCount } = await store.execute(sql`
        UPDATE soar_playbook_runs SET status = ${status}, ended_at = ${endedAt}, error = ${error}
         WHERE id = ${runId} AND status = 'running'`);
      return rowCount > 0;
    },

    async runningRuns(limit) {
      const rows = await store.query<RunRow>(sql`
        SELECT * FROM soar_playbook_runs WHERE status = 'running' ORDER BY id LIMIT ${limit}`);
      return rows.map(toRun);
    },
  };
}
