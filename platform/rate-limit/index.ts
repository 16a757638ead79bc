export type { RateLimitDecision, RateLimitStore } from './rate-limit-store.ts';
export { createMemoryRateLimitStore } from './adapters/memory-rate-limit-store.ts';
export { createRedisRateLimitStore } from './adapters/redis-rate-limit-store.ts';
export { createRateLimiter } from './rate-limiter.ts';
export type { RateLimiter, RateLimitPolicy } from './rate-limiter.ts';
