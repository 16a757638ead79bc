import { alertMigrations } from '../../detections/index.ts';
import { createRelationalJobQueue, queueMigrations } from '../../platform/queue/index.ts';
import { createSqliteRelationalStore } from '../../platform/storage/index.ts';
import { soarMigrations } from '../triage/migrations.ts';
import { describePlaybookRunnerContract } from './playbook-runner.contract.ts';

describePlaybookRunnerContract('embedded queue on sqlite', async () => {
  const store = createSqliteRelationalStore({ path: ':memory:' });
  await store.migrate([...alertMigrations, ...soarMigrations, ...queueMigrations]);
  const queue = createRelationalJobQueue({ store, pollMs: 50 });
  return {
    store,
    queue,
    close: async () => {
      await queue.close();
      await store.close();
    },
  };
});
