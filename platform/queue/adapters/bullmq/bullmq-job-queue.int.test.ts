import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe } from 'vitest';
import { probeRedis, requireOrSkip } from '../../../../test/support/services.ts';
import { describeJobQueueContract } from '../../job-queue.contract.ts';
import { createBullmqJobQueue } from './bullmq-job-queue.ts';

const url = requireOrSkip('Redis', await probeRedis());

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}

describe.skipIf(url === undefined)('bullmq job queue', () => {
  if (url === undefined) return;
  describeJobQueueContract('bullmq on redis (fresh prefix)', ({ leaseMs }) => {
    const prefix = `secops:test:q${randomBytes(6).toString('hex')}`;
    const open = () =>
      createBullmqJobQueue({ url, prefix, ...(leaseMs === undefined ? {} : { leaseMs }) });
    const queue = open();
    const reopened: ReturnType<typeof open>[] = [];
    return Promise.resolve({
      queue,
      reopen: () => {
        const another = open();
        reopened.push(another);
        return Promise.resolve(another);
      },
      close: async () => {
        await queue.close();
        for (const another of reopened) await another.close();
        await deleteKeys(url, prefix);
      },
    });
  });
});
