import type { Migration } from '../storage/index.ts';

export const accessMigrations: readonly Migration[] = [
  {
    module: 'access',
    id: '0001',
    name: 'tenants, custom roles, elevation',
    up: `
      CREATE TABLE access_tenants (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE access_roles (
        tenant_id TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        permissions TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (tenant_id, name)
      );
      CREATE TABLE access_elevations (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        principal_id TEXT NOT NULL,
        principal_name TEXT NOT NULL,
        role TEXT NOT NULL,
        reason TEXT NOT NULL,
        minutes INTEGER NOT NULL,
        status TEXT NOT NULL,
        requested_at BIGINT NOT NULL,
        decided_by TEXT,
        decided_at BIGINT,
        expires_at BIGINT
      );
      CREATE INDEX access_elevations_principal ON access_elevations (tenant_id, principal_id, status);
    `,
  },
];
