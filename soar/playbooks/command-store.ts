/** The commands of the customer's catalogue: run a playbook, scale workers, dry-run on past alerts. */
export const COMMAND_KINDS = ['activate', 'scale', 'train'] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];

export type CommandStatus = 'running' | 'succeeded' | 'failed';

/** A command as recorded: what was asked, the runs it started and how it ended. */
export interface CommandRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: CommandKind;
  readonly request: Readonly<Record<string, unknown>>;
  readonly status: CommandStatus;
  readonly runIds: readonly string[];
  readonly result: unknown;
  readonly error: string | null;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Commands and the stored concurrency of each integration lane (relational; joins the unit of work). */
export interface CommandStore {
  insert(record: CommandRecord): Promise<void>;
  get(tenantId: string, id: string): Promise<CommandRecord | undefined>;
  /** Records how a command ended (or its runs so far). */
  update(
    id: string,
    change: Partial<Pick<CommandRecord, 'status' | 'runIds' | 'result' | 'error' | 'updatedAt'>>,
  ): Promise<void>;
  /** The concurrency set for each lane by `scale` (every process applies it). */
  laneSettings(): Promise<Record<string, number>>;
  setLane(lane: string, concurrency: number, at: number, by: string): Promise<void>;
}
