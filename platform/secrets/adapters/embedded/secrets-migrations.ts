import type { Migration } from '../../../storage/index.ts';

// A live version holds its ciphertext and wrapped data key; a destroyed one holds neither.
const versionsTable = (blob: string): string => `
  CREATE TABLE secrets_paths (
    tenant_id TEXT NOT NULL,
    path TEXT NOT NULL,
    current_version INTEGER NOT NULL DEFAULT 0,
    max_versions INTEGER NOT NULL DEFAULT 0,
    cas_required INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, path)
  );
  CREATE TABLE secrets_versions (
    tenant_id TEXT NOT NULL,
    path TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    deleted_at BIGINT,
    destroyed INTEGER NOT NULL DEFAULT 0,
    master_key_id TEXT,
    wrap_nonce ${blob},
    wrapped_key ${blob},
    nonce ${blob},
    ciphertext ${blob},
    PRIMARY KEY (tenant_id, path, version),
    FOREIGN KEY (tenant_id, path) REFERENCES secrets_paths (tenant_id, path) ON DELETE CASCADE,
    CHECK (
      (destroyed = 0 AND master_key_id IS NOT NULL AND wrap_nonce IS NOT NULL
        AND wrapped_key IS NOT NULL AND nonce IS NOT NULL AND ciphertext IS NOT NULL)
      OR (destroyed = 1 AND master_key_id IS NULL AND wrap_nonce IS NULL
        AND wrapped_key IS NULL AND nonce IS NULL AND ciphertext IS NULL)
    )
  );
  CREATE INDEX secrets_versions_master_key ON secrets_versions (master_key_id);
`;

/** Schema of the embedded secrets store (module `secrets`). */
export const secretsMigrations: readonly Migration[] = [
  {
    module: 'secrets',
    id: '0001',
    name: 'envelope-encrypted versioned secrets',
    up: { sqlite: versionsTable('BLOB'), postgres: versionsTable('BYTEA') },
  },
];
