import type { SqlDialect, SqlFragment } from './sql.ts';

/** A result row: column name to value. Integers come back as numbers, JSON columns as text. */
export type Row = Record<string, unknown>;

/** Runs statements; the same interface inside and outside a transaction. */
export interface SqlExecutor {
  readonly dialect: SqlDialect;
  query<T extends Row = Row>(statement: SqlFragment): Promise<T[]>;
  queryOne<T extends Row = Row>(statement: SqlFragment): Promise<T | undefined>;
  execute(statement: SqlFragment): Promise<{ rowCount: number }>;
  /**
   * Runs `fn` atomically. At the top level it is a transaction; inside one it is a savepoint.
   * The callback must use the executor it is given: touching the outer store from inside a
   * transaction throws `STORAGE_TX_MISUSE` instead of deadlocking.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

/**
 * A schema change owned by a module. `up` is one SQL script, or one per dialect where they
 * differ. Applied migrations are never edited: a changed checksum stops the start.
 */
export interface Migration {
  readonly module: string;
  /** Sortable within the module, e.g. `0001`. */
  readonly id: string;
  readonly name: string;
  readonly up: string | Readonly<Record<SqlDialect, string>>;
}

export interface MigrationReport {
  readonly applied: readonly string[];
  readonly alreadyApplied: number;
}

export interface StoreHealth {
  readonly ok: boolean;
  readonly dialect: SqlDialect;
  readonly detail: string;
}

/**
 * The relational storage port: the platform's state (sources, alerts, cases, audit, evidence
 * metadata). Adapters: embedded SQLite through `node:sqlite`, and PostgreSQL.
 */
export interface RelationalStore extends SqlExecutor {
  /**
   * Runs `fn` as one transaction in which calls on this store itself (from any service that holds
   * it) take part: they commit together when `fn` resolves and roll back together when it
   * throws. Used to commit a change and its audit record atomically. Nested transactions become
   * savepoints; a nested unit of work joins the outer one.
   */
  unitOfWork<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `undo` if the unit of work (or transaction) this call runs in rolls back, after the
   * rollback: for state outside the database (a cache, an engine swapped in) that a change already
   * updated. Outside one, does nothing. An undo registered in a savepoint that rolls back while its
   * unit of work commits does not run.
   */
  onRollback(undo: () => void): void;
  /**
   * Runs `then` once the unit of work (or transaction) this call runs in has committed, outside
   * it; at once when called outside one. Not run when it rolls back. For work handed to systems
   * outside the database (enqueueing on Redis) that must not see uncommitted state.
   */
  onCommit(then: () => void): void;
  /** Applies pending migrations in order, atomically, holding a lock against other processes. */
  migrate(migrations: readonly Migration[]): Promise<MigrationReport>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
