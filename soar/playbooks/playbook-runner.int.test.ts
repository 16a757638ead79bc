import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe } from 'vitest';
import { alertMigrations } from '../../detections/index.ts';
import {
  createBullmqJobQueue,
  createRelationalJobQueue,
  queueMigrations,
} from '../../platform/queue/index.ts';
import { createPostgresRelationalStore } from '../../platform/storage/index.ts';
import {
  createFreshSchema,
  probePostgres,
  probeRedis,
  requireOrSkip,
} from '../../test/support/services.ts';
import { soarMigrations } from '../triage/migrations.ts';
import { describePlaybookRunnerContract } from './playbook-runner.contract.ts';

const pgUrl = requireOrSkip('PostgreSQL', await probePostgres());
const redisUrl = requireOrSkip('Redis', await probeRedis());

async function postgres(url: string) {
  const { schema, drop } = await createFreshSchema(url);
  const store = createPostgresRelationalStore({ url, schema, poolSize: 6 });
  await store.migrate([...alertMigrations, ...soarMigrations, ...queueMigrations]);
  return { store, drop };
}

describe.skipIf(pgUrl === undefined || redisUrl === undefined)('playbook runner at scale', () => {
  if (pgUrl === undefined || redisUrl === undefined) return;

  describePlaybookRunnerContract('BullMQ on redis, runs in postgres', async () => {
    const { store, drop } = await postgres(pgUrl);
    const prefix = `secops:test:pb${randomBytes(6).toString('hex')}`;
    const queue = createBullmqJobQueue({ url: redisUrl, prefix });
    return {
      store,
      queue,
      close: async () => {
        await queue.close();
        await store.close();
        await drop();
        const redis = new Redis(redisUrl);
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
        await redis.quit();
      },
    };
  });

  describePlaybookRunnerContract('embedded queue on postgres', async () => {
    const { store, drop } = await postgres(pgUrl);
    const queue = createRelationalJobQueue({ store, pollMs: 50 });
    return {
      store,
      queue,
      close: async () => {
        await queue.close();
        await store.close();
        await drop();
      },
    };
  });
});
