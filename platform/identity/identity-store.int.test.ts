import { afterAll, describe } from 'vitest';
import { createFreshSchema, probePostgres, requireOrSkip } from '../../test/support/services.ts';
import { createPostgresRelationalStore } from '../storage/index.ts';
import { describeIdentityStoreContract } from './identity-store.contract.ts';

const url = requireOrSkip('PostgreSQL', await probePostgres());
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

describe.skipIf(url === undefined)('identity on postgres', () => {
  if (url === undefined) return;
  describeIdentityStoreContract('postgres (pg, fresh schema)', async () => {
    const { schema, drop } = await createFreshSchema(url);
    drops.push(drop);
    return createPostgresRelationalStore({ url, schema, poolSize: 5 });
  });
});
