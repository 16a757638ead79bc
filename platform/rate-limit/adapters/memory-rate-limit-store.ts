import type { Clock } from '../../clock/index.ts';
import { systemClock } from '../../clock/index.ts';
import type { RateLimitStore } from '../rate-limit-store.ts';

/** Fixed-window counters in this process; old windows are swept as new ones start. */
export function createMemoryRateLimitStore(
  options: { clock?: Clock; maxKeys?: number } = {},
): RateLimitStore {
  const clock = options.clock ?? systemClock;
  const maxKeys = options.maxKeys ?? 100_000;
  const counts = new Map<string, { window: number; count: number }>();
  return {
    consume(key, limit, windowMs) {
      const now = clock.now();
      const window = Math.floor(now / windowMs);
      let entry = counts.get(key);
      if (entry?.window !== window) {
        if (counts.size >= maxKeys) {
          for (const [k, e] of counts) if (e.window !== window) counts.delete(k);
          // Still full: a flood of distinct keys; forget the oldest rather than grow without bound.
          if (counts.size >= maxKeys) counts.delete(counts.keys().next().value ?? '');
        }
        entry = { window, count: 0 };
        counts.set(key, entry);
      }
      entry.count++;
      const resetMs = (window + 1) * windowMs - now;
      return Promise.resolve({
        allowed: entry.count <= limit,
        remaining: Math.max(0, limit - entry.count),
        resetMs,
      });
    },
    close: () => Promise.resolve(),
  };
}
