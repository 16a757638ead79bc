import { afterAll, describe } from 'vitest';
import { createPostgresRelationalStore } from '../../platform/storage/index.ts';
import { createFreshSchema, probePostgres, requireOrSkip } from '../../test/support/services.ts';
import { describeSourceRegistryContract } from './source-registry.contract.ts';

const url = requireOrSkip('PostgreSQL', await probePostgres());
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});

describe.skipIf(url === undefined)('ingest sources on postgres', () => {
  if (url === undefined) return;
  describeSourceRegistryContract('postgres (pg, fresh schema)', async () => {
    const { schema, drop } = await createFreshSchema(url);
    drops.push(drop);
    return createPostgresRelationalStore({ url, schema, poolSize: 2 });
  });
});
