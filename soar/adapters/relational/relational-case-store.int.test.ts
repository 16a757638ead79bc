import { describe } from 'vitest';
import { createPostgresRelationalStore } from '../../../platform/storage/index.ts';
import { createFreshSchema, probePostgres, requireOrSkip } from '../../../test/support/services.ts';
import { describeCaseContract } from '../../cases/case-service.contract.ts';

const url = requireOrSkip('PostgreSQL', await probePostgres());

describe.skipIf(url === undefined)('cases on postgres', () => {
  if (url === undefined) return;
  // A fresh schema per test, dropped when the test closes its store.
  describeCaseContract('postgres (pg, fresh schema)', async () => {
    const { schema, drop } = await createFreshSchema(url);
    const store = createPostgresRelationalStore({ url, schema, poolSize: 4 });
    return {
      store,
      close: async () => {
        await store.close();
        await drop();
      },
    };
  });
});
