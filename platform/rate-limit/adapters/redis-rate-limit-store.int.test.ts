import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe } from 'vitest';
import { probeRedis, requireOrSkip } from '../../../test/support/services.ts';
import { describeRateLimitStoreContract } from '../rate-limit-store.contract.ts';
import { createRedisRateLimitStore } from './redis-rate-limit-store.ts';

const url = requireOrSkip('Redis', await probeRedis());
const prefix = `secops:test:${randomBytes(6).toString('hex')}:`;

afterAll(async () => {
  if (url === undefined) return;
  // Leave nothing behind: delete the keys of this run's prefix.
  const redis = new Redis(url);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe.skipIf(url === undefined)('redis rate-limit store', () => {
  if (url === undefined) return;
  describeRateLimitStoreContract('redis (fresh key prefix)', () =>
    Promise.resolve(createRedisRateLimitStore({ url, keyPrefix: prefix })),
  );
});
