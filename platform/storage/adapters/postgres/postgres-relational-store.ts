import pg from 'pg';
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
import { renderSql, sql } from '../../sql.ts';
import type { SqlFragment } from '../../sql.ts';
import {
  ambientExecutor,
  assertOutsideTransaction,
  outsideUnitOfWork,
  onCommit,
  onRollback,
  runInTransactionScope,
} from '../../transaction-scope.ts';

export interface PostgresRelationalStoreOptions {
  readonly url: string;
  readonly poolSize?: number;
  /** Schema every connection uses (`search_path`); tests pass a fresh one per run. */
  readonly schema?: string;
  readonly applicationName?: string;
  readonly statementTimeoutMs?: number;
  readonly clock?: Clock;
}

/** Arbitrary constant key of the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK_KEY = 7_220_417_310;

// Type OIDs (pg_type): results come back shaped like the SQLite adapter's.
const OID = {
  bool: 16,
  int8: 20,
  json: 114,
  numeric: 1700,
  timestamp: 1114,
  timestamptz: 1184,
  jsonb: 3802,
} as const;

const defaultTypeParser = pg.types.getTypeParser as (
  oid: number,
  format: 'text' | 'binary',
) => (value: string) => unknown;

const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    switch (oid) {
      case OID.int8:
      case OID.numeric:
        return toNumber;
      case OID.bool:
        return (v: string) => (v === 't' ? 1 : 0);
      case OID.json:
      case OID.jsonb:
      case OID.timestamp:
      case OID.timestamptz:
        return (v: string) => v;
      default:
        return defaultTypeParser(oid, format ?? 'text');
    }
  },
};

/** int8 and numeric as numbers; an integer beyond 2^53 comes back as a bigint rather than wrong. */
function toNumber(value: string): number | bigint {
  const n = Number(value);
  return Number.isInteger(n) && !Number.isSafeInteger(n) ? BigInt(value) : n;
}

/** The scale relational store: a `pg` pool against PostgreSQL (`DATABASE_URL`). */
export function createPostgresRelationalStore(
  options: PostgresRelationalStoreOptions,
): RelationalStore {
  if (options.schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.schema)) {
    throw new PlatformError('STORAGE_UNAVAILABLE', `not a plain schema name: ${options.schema}`);
  }
  const startup: string[] = [];
  if (options.schema !== undefined) startup.push(`-c search_path=${options.schema}`);
  if (options.statementTimeoutMs !== undefined)
    startup.push(`-c statement_timeout=${String(options.statementTimeoutMs)}`);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'claytom-secops',
    types: typeParsers,
    ...(startup.length > 0 ? { options: startup.join(' ') } : {}),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const clock = options.clock ?? systemClock;
  const owner = {};
  let closed = false;

  const guard = (): void => {
    if (closed) throw new PlatformError('STORAGE_CLOSED', 'the relational store is closed');
  };

  const executorOn = (client: pg.PoolClient | pg.Pool, depth: number): SqlExecutor => {
    const exec = async (statement: SqlFragment) => {
      const { text, values } = renderSql(statement, 'postgres');
      try {
        return await client.query(text, values);
      } catch (cause) {
        throw toStorageError(cause);
      }
    };
    return {
      dialect: 'postgres',
      query: async <T extends Row>(statement: SqlFragment) => (await exec(statement)).rows as T[],
      queryOne: async <T extends Row>(statement: SqlFragment) =>
        (await exec(statement)).rows[0] as T | undefined,
      execute: async (statement: SqlFragment) => ({
        rowCount: (await exec(statement)).rowCount ?? 0,
      }),
      transaction: async <T>(fn: (tx: SqlExecutor) => Promise<T>) => {
        if (depth === 0)
          throw new PlatformError('STORAGE_TX_MISUSE', 'savepoints need a transaction');
        const name = sql.raw(`sp${String(depth)}`);
        await exec(sql`SAVEPOINT ${name}`);
        try {
          const result = await fn(executorOn(client, depth + 1));
          await exec(sql`RELEASE SAVEPOINT ${name}`);
          return result;
        } catch (err) {
          await exec(sql`ROLLBACK TO SAVEPOINT ${name}`);
          throw err;
        }
      },
    };
  };

  const root = executorOn(pool, 0);

  const transaction = async <T>(
    fn: (tx: SqlExecutor) => Promise<T>,
    afterBegin?: SqlFragment,
    unitOfWork = false,
  ): Promise<T> => {
    assertOutsideTransaction(owner);
    guard();
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (cause) {
      throw toStorageError(cause);
    }
    let broken = false;
    try {
      const tx = executorOn(client, 1);
      return await runInTransactionScope(
        owner,
        async () => {
          await tx.execute(sql`BEGIN`);
          try {
            if (afterBegin) await tx.execute(afterBegin);
            const result = await fn(tx);
            await tx.execute(sql`COMMIT`);
            return result;
          } catch (err) {
            try {
              await client.query('ROLLBACK');
            } catch {
              broken = true;
            }
            throw err;
          }
        },
        unitOfWork ? tx : undefined,
      );
    } finally {
      client.release(broken);
    }
  };

  // Inside a unit of work, calls on the store itself run in its open transaction.
  const outside = async <T>(fn: (executor: SqlExecutor) => Promise<T>): Promise<T> => {
    const ambient = ambientExecutor(owner);
    if (ambient !== undefined) return fn(ambient);
    assertOutsideTransaction(owner);
    guard();
    return fn(root);
  };

  return {
    dialect: 'postgres',
    query: (statement) => outside((executor) => executor.query(statement)),
    queryOne: (statement) => outside((executor) => executor.queryOne(statement)),
    execute: (statement) => outside((executor) => executor.execute(statement)),
    transaction: (fn) => {
      const ambient = ambientExecutor(owner);
      return ambient === undefined ? transaction(fn) : ambient.transaction(fn);
    },
    onRollback: (undo) => onRollback(owner, undo),
    onCommit: (then) => {
      onCommit(owner, then);
    },
    unitOfWork: (fn) =>
      ambientExecutor(owner) === undefined ? transaction(fn, undefined, true) : fn(),
    migrate: (migrations: readonly Migration[]): Promise<MigrationReport> =>
      outsideUnitOfWork(owner, 'migrate') ??
      transaction(
        (tx) =>
          applyMigrations(
            tx,
            migrations,
            async (script) => {
              await tx.execute(sql.raw(script));
            },
            clock.now(),
          ),
        sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`,
      ),
    health: async (): Promise<StoreHealth> => {
      try {
        await root.query(sql`SELECT 1`);
        return {
          ok: true,
          dialect: 'postgres',
          detail: `pool ${String(pool.totalCount)}/${String(options.poolSize ?? 10)}`,
        };
      } catch (err) {
        return { ok: false, dialect: 'postgres', detail: (err as Error).message };
      }
    },
    close: async () => {
      await outsideUnitOfWork(owner, 'close');
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

function toStorageError(cause: unknown): unknown {
  if (cause instanceof PlatformError) return cause;
  const code = (cause as { code?: string }).code;
  if (code === '23505')
    return new PlatformError('STORAGE_CONFLICT', 'a record with the same key already exists', {
      cause,
    });
  if (code === '40001' || code === '40P01') {
    return new PlatformError(
      'STORAGE_RETRYABLE',
      'the transaction conflicted with another; retry',
      { cause },
    );
  }
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    code === '57P01' ||
    code === '57P03' ||
    (typeof code === 'string' && code.startsWith('08'))
  ) {
    return new PlatformError('STORAGE_UNAVAILABLE', 'PostgreSQL is unreachable', { cause });
  }
  return cause;
}
