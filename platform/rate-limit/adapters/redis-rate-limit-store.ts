import { Redis } from 'ioredis';
import type { Clock } from '../../clock/index.ts';
import { systemClock } from '../../clock/index.ts';
import { PlatformError } from '../../errors/index.ts';
import type { RateLimitStore } from '../rate-limit-store.ts';

// INCR and set the expiry on the first hit of a window, atomically; returns [count, pttl].
const CONSUME = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { count, redis.call('PTTL', KEYS[1]) }
`;

/** Fixed-window counters in Redis, shared by every process of the platform. */
export function createRedisRateLimitStore(options: {
  url: string;
  keyPrefix?: string;
  clock?: Clock;
}): RateLimitStore {
  const clock = options.clock ?? systemClock;
  const redis = new Redis(options.url, {
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
  });
  // Connection errors surface on commands; an error event must not crash the process.
  redis.on('error', () => undefined);
  const prefix = options.keyPrefix ?? 'secops:rl:';
  return {
    async consume(key, limit, windowMs) {
      const window = Math.floor(clock.now() / windowMs);
      let result: [number, number];
      try {
        result = (await redis.eval(
          CONSUME,
          1,
          `${prefix}${key}:${String(window)}`,
          String(windowMs),
        )) as [number, number];
      } catch (cause) {
        throw new PlatformError(
          'STORAGE_UNAVAILABLE',
          'the rate-limit store (Redis) is unreachable',
          { cause },
        );
      }
      const [count, pttl] = result;
      return {
        allowed: count <= limit,
        remaining: Math.max(0, limit - count),
        resetMs: pttl > 0 ? pttl : windowMs,
      };
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
