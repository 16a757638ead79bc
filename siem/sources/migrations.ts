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
];
