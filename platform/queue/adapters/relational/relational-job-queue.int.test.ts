import { describe } from 'vitest';
import {
  createFreshSchema,
  probePostgres,
  requireOrSkip,
} from '../../../../test/support/services.ts';
import { createPostgresRelationalStore } from '../../../storage/index.ts';
import type { RelationalStore } from '../../../storage/index.ts';
import { describeJobQueueContract } from '../../job-queue.contract.ts';
import { queueMigrations } from './queue-migrations.ts';
import { createRelationalJobQueue } from './relational-job-queue.ts';

const url = requireOrSkip('PostgreSQL', await probePostgres());

describe.skipIf(url === undefined)('relational job queue on postgres', () => {
  if (url === undefined) return;
  describeJobQueueContract('relational on postgres (fresh schema)', async ({ leaseMs }) => {
    const { schema, drop } = await createFreshSchema(url);
    const stores: RelationalStore[] = [];
    const open = async () => {
      const store = createPostgresRelationalStore({ url, schema, poolSize: 4 });
      stores.push(store);
      await store.migrate(queueMigrations);
      return createRelationalJobQueue({
        store,
        pollMs: 50,
        ...(leaseMs === undefined ? {} : { leaseMs }),
      });
    };
    const queue = await open();
    return {
      queue,
      reopen: open,
      close: async () => {
        await queue.close();
        for (const store of stores) await store.close();
        await drop();
      },
    };
  });
});
