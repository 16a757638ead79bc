import { createHash } from 'node:crypto';
import { PlatformError } from '../errors/index.ts';
import type { Migration, MigrationReport, SqlExecutor } from './relational-store.ts';
import { sql } from './sql.ts';
import type { SqlDialect } from './sql.ts';

const TABLE = sql.raw('secops_migrations');

export function migrationScript(migration: Migration, dialect: SqlDialect): string {
  return typeof migration.up === 'string' ? migration.up : migration.up[dialect];
}

export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script).digest('hex');
}

/**
 * Applies pending migrations inside the caller's transaction (which holds the migration lock).
 * `runScript` executes a multi-statement script, which the port's `execute` does not do.
 */
export async function applyMigrations(
  tx: SqlExecutor,
  migrations: readonly Migration[],
  runScript: (script: string) => Promise<void>,
  now: number,
): Promise<MigrationReport> {
  await tx.execute(sql`
    CREATE TABLE IF NOT EXISTS ${TABLE} (
      module TEXT NOT NULL,
      id TEXT NOT NULL,
      name TEXT NOT NULL,
      checksum TEXT NOT NULL,
      applied_at BIGINT NOT NULL,
      PRIMARY KEY (module, id)
    )`);
  const rows = await tx.query<{ module: string; id: string; checksum: string }>(
    sql`SELECT module, id, checksum FROM ${TABLE}`,
  );
  const applied = new Map(rows.map((r) => [`${r.module}:${r.id}`, r.checksum]));

  const seen = new Set<string>();
  const done: string[] = [];
  for (const migration of migrations) {
    const key = `${migration.module}:${migration.id}`;
    if (seen.has(key))
      throw new PlatformError('MIGRATION_FAILED', `migration ${key} is declared twice`);
    seen.add(key);
    const script = migrationScript(migration, tx.dialect);
    const checksum = migrationChecksum(script);
    const previous = applied.get(key);
    if (previous !== undefined) {
      if (previous !== checksum) {
        throw new PlatformError(
          'MIGRATION_CHECKSUM_MISMATCH',
          `migration ${key} (${migration.name}) was changed after it was applied; add a new migration instead`,
          { details: { migration: key } },
        );
      }
      continue;
    }
    try {
      await runScript(script);
    } catch (cause) {
      throw new PlatformError(
        'MIGRATION_FAILED',
        `migration ${key} (${migration.name}) failed: ${(cause as Error).message}`,
        {
          cause,
          details: { migration: key },
        },
      );
    }
    await tx.execute(
      sql`INSERT INTO ${TABLE} (module, id, name, checksum, applied_at) VALUES (${migration.module}, ${migration.id}, ${migration.name}, ${checksum}, ${now})`,
    );
    done.push(key);
  }
  return { applied: done, alreadyApplied: migrations.length - done.length };
}
