import type { Migration } from '../../../storage/index.ts';

/** The jobs table of the embedded queue. A completed job's row is deleted; a failed one stays. */
export const queueMigrations: readonly Migration[] = [
  {
    module: 'platform.queue',
    id: '0001',
    name: 'jobs table',
    up: `
      CREATE TABLE platform_jobs (
        queue TEXT NOT NULL,
        id TEXT NOT NULL,
        data TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('waiting', 'active', 'failed')),
        attempts_made INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL,
        backoff TEXT,
        run_at BIGINT NOT NULL,
        lease_owner TEXT,
        lease_until BIGINT,
        stalls INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (queue, id)
      );
      CREATE INDEX platform_jobs_ready ON platform_jobs (queue, state, run_at);
    `,
  },
];
