import { afterAll, describe } from 'vitest';
import {
  createFreshSchema,
  probePostgres,
  requireOrSkip,
} from '../../../../test/support/services.ts';
import { describeRelationalStoreContract } from '../../relational-store.contract.ts';
import { createPostgresRelationalStore } from './postgres-relational-store.ts';

const url = requireOrSkip('PostgreSQL', await probePostgres());
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

describe.skipIf(url === undefined)('postgres adapter', () => {
  if (url === undefined) return;
  describeRelationalStoreContract('postgres (pg, fresh schema)', async () => {
    const { schema, drop } = await createFreshSchema(url);
    drops.push(drop);
    return createPostgresRelationalStore({ url, schema, poolSize: 5 });
  });
});
