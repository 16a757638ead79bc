import { createSqliteRelationalStore } from '../../platform/storage/index.ts';
import { describeAlertStoreContract } from './alert-store.contract.ts';
import { alertMigrations } from './migrations.ts';
import { createRelationalAlertStore } from './relational-alert-store.ts';

describeAlertStoreContract('sqlite (in memory)', async () => {
  const store = createSqliteRelationalStore({ path: ':memory:' });
  await store.migrate(alertMigrations);
  return {
    alerts: createRelationalAlertStore({ store }),
    unitOfWork: (fn) => store.unitOfWork(fn),
    close: () => store.close(),
  };
});
