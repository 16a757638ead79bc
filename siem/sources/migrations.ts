import type { Migration } from '../../platform/storage/index.ts';

export const siemMigrations: readonly Migration[] = [
  {
    module: 'siem',
    id: '0001',
    name: 'ingest sources',
    up: `
      CREATE TABLE siem_sources (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        parser TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        token_hint TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at BIGINT NOT NULL,
        rotated_at BIGINT
      );
    `,
  },
  {
    module: 'siem',
    id: '0002',
    name: 'ingest sources belong to a tenant',
    // Sources from before tenancy belong to the default tenant; names are unique per tenant.
    // SQLite cannot drop a column's UNIQUE constraint, so its table is rebuilt.
    up: {
      sqlite: `
        CREATE TABLE siem_sources_next (
          id TEXT PRIMARY KEY,
          tenant_id TEXT NOT NULL,
          name TEXT NOT NULL,
          parser TEXT NOT NULL,
          token_hash TEXT NOT NULL UNIQUE,
          token_hint TEXT NOT NULL,
          enabled INTEGER NOT NULL DEFAULT 1,
          created_at BIGINT NOT NULL,
          rotated_at BIGINT,
          UNIQUE (tenant_id, name)
        );
        INSERT INTO siem_sources_next
          (id, tenant_id, name, parser, token_hash, token_hint, enabled, created_at, rotated_at)
          SELECT id, 'default', name, parser, token_hash, token_hint, enabled, created_at, rotated_at
          FROM siem_sources;
        DROP TABLE siem_sources;
        ALTER TABLE siem_sources_next RENAME TO siem_sources;
      `,
      postgres: `
        ALTER TABLE siem_sources ADD COLUMN tenant_id TEXT NOT NULL DEFAULT 'default';
        ALTER TABLE siem_sources ALTER COLUMN tenant_id DROP DEFAULT;
        ALTER TABLE siem_sources DROP CONSTRAINT siem_sources_name_key;
        ALTER TABLE siem_sources ADD CONSTRAINT siem_sources_tenant_name_key UNIQUE (tenant_id, name);
      `,
    },
  },
  {
    module: 'siem',
    id: '0003',
    name: 'positions of pull inputs',
    // Where an input that reads from another log (the platform's audit log) has got to.
    up: `
      CREATE TABLE siem_input_positions (
        input TEXT PRIMARY KEY,
        position BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
    `,
  },
];
