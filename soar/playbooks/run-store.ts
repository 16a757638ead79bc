import type { PlaybookDefinition } from './playbook-schema.ts';
import type { StepStatus } from './step-graph.ts';

/** A stored version of a playbook. A new upload with the same id is the next version. */
export interface PlaybookRecord {
  readonly tenantId: string;
  readonly id: string;
  readonly version: number;
  readonly definition: PlaybookDefinition;
  /** The YAML it was uploaded as, comments and all; null when it came as JSON or CACAO. */
  readonly source: string | null;
  readonly createdAt: number;
  readonly createdBy: string;
}

export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

/** What started a run. `key` makes a start idempotent (an alert starts a playbook once). */
export interface RunTrigger {
  readonly kind: 'alert' | 'manual' | 'schedule' | 'playbook' | 'sla' | 'train';
  readonly key: string;
  readonly alertId?: string;
  readonly by?: string;
  readonly parentRunId?: string;
  readonly parentStepKey?: string;
}

export interface RunRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly playbookId: string;
  readonly playbookVersion: number;
  readonly status: RunStatus;
  readonly trigger: RunTrigger;
  /** What expressions read besides step results: `alert`, `vars`, `trigger`. */
  readonly context: Readonly<Record<string, unknown>>;
  readonly dryRun: boolean;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly error: string | null;
}

/** A pending approval: who may decide, until when, and what happens after. */
export interface ApprovalState {
  readonly prompt: string;
  readonly approvers: readonly string[];
  readonly deadline: number;
  readonly default: 'approve' | 'reject';
}

export interface StepRecord {
  readonly runId: string;
  readonly stepId: string;
  readonly status: StepStatus;
  readonly attempts: number;
  /** The rendered inputs with secret references in place of secret values. */
  readonly input: unknown;
  readonly output: unknown;
  readonly error: string | null;
  readonly queuedAt: number | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly approval: ApprovalState | null;
}

export type StepChange = Partial<Omit<StepRecord, 'runId' | 'stepId'>>;

/** Storage of playbooks, runs and their steps (relational; one adapter for SQLite and PostgreSQL). */
export interface RunStore {
  savePlaybook(record: PlaybookRecord): Promise<void>;
  /** The newest version, or the given one. */
  playbook(tenantId: string, id: string, version?: number): Promise<PlaybookRecord | undefined>;
  /** The newest version of each playbook of a tenant. */
  playbooks(tenantId: string): Promise<PlaybookRecord[]>;
  /** Inserts a run and its steps; false (and nothing written) when its trigger key was used. */
  insertRun(run: RunRecord, steps: readonly StepRecord[]): Promise<boolean>;
  run(tenantId: string | null, id: string): Promise<RunRecord | undefined>;
  /** The run a trigger key started for a playbook, if any. */
  runByTrigger(tenantId: string, playbookId: string, key: string): Promise<RunRecord | undefined>;
  runs(
    tenantId: string,
    filter: { readonly playbookId?: string; readonly status?: RunStatus },
    page: { readonly limit: number; readonly cursor?: string },
  ): Promise<{ items: RunRecord[]; nextCursor: string | null }>;
  steps(runId: string): Promise<StepRecord[]>;
  /** How many of these runs are in each status (one query per few hundred ids). */
  runStatusCounts(
    tenantId: string,
    runIds: readonly string[],
  ): Promise<Partial<Record<RunStatus, number>>>;
  /** Across these runs, how many times each step ended in each status. */
  stepStatusCounts(
    runIds: readonly string[],
  ): Promise<Record<string, Partial<Record<StepStatus, number>>>>;
  /** Changes a step when its status is one of `from` (any when omitted); false when it was not. */
  updateStep(
    runId: string,
    stepId: string,
    change: StepChange,
    from?: readonly StepStatus[],
  ): Promise<boolean>;
  /**
   * Takes the run's row lock until the unit of work ends (PostgreSQL `FOR UPDATE`; SQLite has one
   * writer). Two steps finishing at once then advance the run one after the other, the second
   * seeing the first's result.
   */
  lockRun(runId: string): Promise<void>;
  /** Ends a run that is still running; false when it had already ended. */
  finishRun(
    runId: string,
    status: RunStatus,
    endedAt: number,
    error: string | null,
  ): Promise<boolean>;
  /** Runs still running (oldest first), for recovery after a restart. */
  runningRuns(limit: number): Promise<RunRecord[]>;
}
