import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteRelationalStore } from '../../../storage/index.ts';
import type { RelationalStore } from '../../../storage/index.ts';
import { describeJobQueueContract } from '../../job-queue.contract.ts';
import { queueMigrations } from './queue-migrations.ts';
import { createRelationalJobQueue } from './relational-job-queue.ts';

describeJobQueueContract('relational on sqlite (fresh file)', async ({ leaseMs }) => {
  const dir = mkdtempSync(join(tmpdir(), 'secops-queue-'));
  const path = join(dir, 'state.db');
  const stores: RelationalStore[] = [];
  const open = async () => {
    const store = createSqliteRelationalStore({ path });
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
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
