export { sql, renderSql, SqlFragment } from './sql.ts';
export type { SqlDialect, SqlValue, RenderedSql } from './sql.ts';
export type {
  RelationalStore,
  SqlExecutor,
  Migration,
  MigrationReport,
  Row,
  StoreHealth,
} from './relational-store.ts';
export { createSqliteRelationalStore } from './adapters/sqlite/sqlite-relational-store.ts';
export type { SqliteRelationalStoreOptions } from './adapters/sqlite/sqlite-relational-store.ts';
export { createPostgresRelationalStore } from './adapters/postgres/postgres-relational-store.ts';
export type { PostgresRelationalStoreOptions } from './adapters/postgres/postgres-relational-store.ts';
export { createMutex } from './transaction-scope.ts';
