import type { RelationalStore } from '../../../storage/index.ts';
import type { QueueSettings, QueueUnderTest } from '../../job-queue.contract.ts';
import { queueMigrations } from './queue-migrations.ts';
import { createRelationalJobQueue } from './relational-job-queue.ts';

/**
 * The relational queue for the contract suite, on stores `openStore` opens over one database
 * (each reopen is another process's view of it); `cleanup` removes the database after.
 */
export async function relationalQueueUnderTest(
  { leaseMs }: QueueSettings,
  openStore: () => RelationalStore,
  cleanup: () => Promise<void> | void,
): Promise<QueueUnderTest> {
  const stores: RelationalStore[] = [];
  const open = async () => {
    const store = openStore();
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
      await cleanup();
    },
  };
}
