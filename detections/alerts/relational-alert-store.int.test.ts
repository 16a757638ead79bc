import { describe } from 'vitest';
import { createPostgresRelationalStore } from '../../platform/storage/index.ts';
import { createFreshSchema, probePostgres, requireOrSkip } from '../../test/support/services.ts';
import { describeAlertStoreContract } from './alert-store.contract.ts';
import { alertMigrations } from './migrations.ts';
import { createRelationalAlertStore } from './relational-alert-store.ts';

const url = requireOrSkip('PostgreSQL', await probePostgres());

describe.skipIf(url === undefined)('alerts on postgres', () => {
  if (url === undefined) return;
  // A fresh schema per test, dropped when the test closes its store.
  describeAlertStoreContract('postgres (pg, fresh schema)', async () => {
    const { schema, drop } = await createFreshSchema(url);
    const store = createPostgresRelationalStore({ url, schema, poolSize: 4 });
    await store.migrate(alertMigrations);
    return {
      alerts: createRelationalAlertStore({ store }),
      unitOfWork: (fn) => store.unitOfWork(fn),
      close: async () => {
        await store.close();
        await drop();
      },
    };
  });
});
