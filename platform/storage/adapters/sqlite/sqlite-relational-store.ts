import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { SQLInputValue, StatementSync } from 'node:sqlite';
import type { Clock } from '../../../clock/index.ts';
import { systemClock } from '../../../clock/index.ts';
import { PlatformError } from '../../../errors/index.ts';
import { applyMigrations } from '../../migrator.ts';
import type {
  Migration,
  MigrationReport,
  RelationalStore,
  Row,
  SqlExecutor,
  StoreHealth,
} from '../../relational-store.ts';
import { renderSql } from '../../sql.ts';
import type { SqlFragment, SqlValue } from '../../sql.ts';
import {
  ambientExecutor,
  assertOutsideTransaction,
  createMutex,
  outsideUnitOfWork,
  onCommit,
  onRollback,
  runInTransactionScope,
} from '../../transaction-scope.ts';

export interface SqliteRelationalStoreOptions {
  /** Database file, or `:memory:`. Parent directories are created. */
  readonly path: string;
  /** `full` fsyncs the WAL on every commit (survives power loss); `normal` survives a crash. */
  readonly durability?: 'full' | 'normal';
  readonly busyTimeoutMs?: number;
  readonly clock?: Clock;
}

const STATEMENT_CACHE_LIMIT = 512;

/**
 * The embedded relational store: one `node:sqlite` connection in WAL mode. SQLite allows one
 * writer; calls are serialised through a FIFO mutex so a transaction's statements never
 * interleave with another caller's.
 */
export function createSqliteRelationalStore(
  options: SqliteRelationalStoreOptions,
): RelationalStore {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new DatabaseSync(options.path, { enableForeignKeyConstraints: true });
  db.exec(`PRAGMA journal_mode = WAL;
    PRAGMA synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'};
    PRAGMA busy_timeout = ${String(options.busyTimeoutMs ?? 5000)};
    PRAGMA foreign_keys = ON;`);
  const clock = options.clock ?? systemClock;
  const lock = createMutex();
  const statements = new Map<string, StatementSync>();
  const owner = {};
  let closed = false;
  let savepoints = 0;

  const prepare = (text: string): StatementSync => {
    let stmt = statements.get(text);
    if (stmt === undefined) {
      stmt = db.prepare(text);
      if (statements.size >= STATEMENT_CACHE_LIMIT) {
        const oldest = statements.keys().next();
        if (oldest.done !== true) statements.delete(oldest.value);
      }
      statements.set(text, stmt);
    }
    return stmt;
  };

  const run = <T>(fn: () => T): T => {
    if (closed) throw new PlatformError('STORAGE_CLOSED', 'the relational store is closed');
    try {
      return fn();
    } catch (cause) {
      throw toStorageError(cause);
    }
  };

  // Executes directly on the connection; callers hold the lock.
  const direct: SqlExecutor = {
    dialect: 'sqlite',
    query: <T extends Row>(statement: SqlFragment) =>
      Promise.resolve(
        run(() => {
          const { text, values } = renderSql(statement, 'sqlite');
          return prepare(text).all(...bind(values)) as T[];
        }),
      ),
    queryOne: <T extends Row>(statement: SqlFragment) =>
      Promise.resolve(
        run(() => {
          const { text, values } = renderSql(statement, 'sqlite');
          return prepare(text).get(...bind(values)) as T | undefined;
        }),
      ),
    execute: (statement: SqlFragment) =>
      Promise.resolve(
        run(() => {
          const { text, values } = renderSql(statement, 'sqlite');
          return { rowCount: Number(prepare(text).run(...bind(values)).changes) };
        }),
      ),
    transaction: async <T>(fn: (tx: SqlExecutor) => Promise<T>) => {
      const name = `sp${String(++savepoints)}`;
      run(() => db.exec(`SAVEPOINT ${name}`));
      try {
        const result = await fn(direct);
        run(() => db.exec(`RELEASE ${name}`));
        return result;
      } catch (err) {
        run(() => db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`));
        throw err;
      }
    },
  };

  const topLevelTransaction = async <T>(
    fn: (tx: SqlExecutor) => Promise<T>,
    ambient?: SqlExecutor,
  ): Promise<T> => {
    assertOutsideTransaction(owner);
    return lock(() =>
      runInTransactionScope(
        owner,
        async () => {
          run(() => db.exec('BEGIN IMMEDIATE'));
          try {
            const result = await fn(direct);
            run(() => db.exec('COMMIT'));
            return result;
          } catch (err) {
            if (db.isTransaction) db.exec('ROLLBACK');
            throw err;
          }
        },
        ambient,
      ),
    );
  };

  // Inside a unit of work, calls on the store itself run in its open transaction.
  const locked = async <T>(fn: (executor: SqlExecutor) => Promise<T>): Promise<T> => {
    const ambient = ambientExecutor(owner);
    if (ambient !== undefined) return fn(ambient);
    assertOutsideTransaction(owner);
    return lock(() => fn(direct));
  };

  return {
    dialect: 'sqlite',
    query: (statement) => locked((executor) => executor.query(statement)),
    queryOne: (statement) => locked((executor) => executor.queryOne(statement)),
    execute: (statement) => locked((executor) => executor.execute(statement)),
    transaction: (fn) => {
      const ambient = ambientExecutor(owner);
      return ambient === undefined ? topLevelTransaction(fn) : ambient.transaction(fn);
    },
    onRollback: (undo) => onRollback(owner, undo),
    onCommit: (then) => {
      onCommit(owner, then);
    },
    unitOfWork: (fn) =>
      ambientExecutor(owner) === undefined ? topLevelTransaction(fn, direct) : fn(),
    migrate: (migrations: readonly Migration[]): Promise<MigrationReport> =>
      outsideUnitOfWork(owner, 'migrate') ??
      topLevelTransaction((tx) =>
        applyMigrations(
          tx,
          migrations,
          (script) => {
            run(() => {
              db.exec(script);
            });
            return Promise.resolve();
          },
          clock.now(),
        ),
      ),
    health: (): Promise<StoreHealth> =>
      locked((): Promise<StoreHealth> => {
        try {
          run(() => db.prepare('SELECT 1').get());
          return Promise.resolve({ ok: true, dialect: 'sqlite', detail: options.path });
        } catch (err) {
          return Promise.resolve({ ok: false, dialect: 'sqlite', detail: (err as Error).message });
        }
      }),
    close: () =>
      outsideUnitOfWork(owner, 'close') ??
      lock(() => {
        if (!closed) {
          closed = true;
          statements.clear();
          db.close();
        }
        return Promise.resolve();
      }),
  };
}

function bind(values: readonly SqlValue[]): SQLInputValue[] {
  return values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
}

// SQLite extended result codes (https://sqlite.org/rescode.html).
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

function toStorageError(cause: unknown): unknown {
  if (cause instanceof PlatformError) return cause;
  const errcode = (cause as { errcode?: number }).errcode;
  if (errcode === SQLITE_CONSTRAINT_UNIQUE || errcode === SQLITE_CONSTRAINT_PRIMARYKEY) {
    return new PlatformError('STORAGE_CONFLICT', 'a record with the same key already exists', {
      cause,
    });
  }
  if (
    errcode !== undefined &&
    ((errcode & 0xff) === SQLITE_BUSY || (errcode & 0xff) === SQLITE_LOCKED)
  ) {
    return new PlatformError('STORAGE_RETRYABLE', 'the database is busy; retry', { cause });
  }
  return cause;
}
