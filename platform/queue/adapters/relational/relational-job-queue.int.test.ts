import { describe } from 'vitest';
import {
  createFreshSchema,
  probePostgres,
  requireOrSkip,
} from '../../../../test/support/services.ts';
import { createPostgresRelationalStore } from '../../../storage/index.ts';
import { describeJobQueueContract } from '../../job-queue.contract.ts';
import { relationalQueueUnderTest } from './relational-queue-harness.ts';

const url = requireOrSkip('PostgreSQL', await probePostgres());

describe.skipIf(url === undefined)('relational job queue on postgres', () => {
  if (url === undefined) return;
  describeJobQueueContract('relational on postgres (fresh schema)', async (settings) => {
    const { schema, drop } = await createFreshSchema(url);
    return relationalQueueUnderTest(
      settings,
      () => createPostgresRelationalStore({ url, schema, poolSize: 4 }),
      drop,
    );
  });
});
