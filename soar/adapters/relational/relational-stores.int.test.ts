import { describe } from 'vitest';
import { createPostgresRelationalStore } from '../../../platform/storage/index.ts';
import { createFreshSchema, probePostgres, requireOrSkip } from '../../../test/support/services.ts';
import { describeCaseContract } from '../../cases/case-service.contract.ts';
import { describeTriageContract } from '../../triage/triage-service.contract.ts';

const url = requireOrSkip('PostgreSQL', await probePostgres());

describe.skipIf(url === undefined)('soar on postgres', () => {
  if (url === undefined) return;
  const postgres = async () => {
    // A fresh schema per test, dropped when the test closes its store.
    const { schema, drop } = await createFreshSchema(url);
    const store = createPostgresRelationalStore({ url, schema, poolSize: 4 });
    return {
      store,
      close: async () => {
        await store.close();
        await drop();
      },
    };
  };
  describeTriageContract('postgres (pg, fresh schema)', postgres);
  describeCaseContract('postgres (pg, fresh schema)', postgres);
});
