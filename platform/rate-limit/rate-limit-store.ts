/** The outcome of counting one request against a limit. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Requests left in the current window (0 when refused). */
  readonly remaining: number;
  /** Milliseconds until the window resets. */
  readonly resetMs: number;
}

/**
 * Counts requests per key in fixed windows. Adapters: memory (one process) and Redis (shared by
 * every process, `REDIS_URL`). Each adapter passes `describeRateLimitStoreContract`.
 */
export interface RateLimitStore {
  consume(key: string, limit: number, windowMs: number): Promise<RateLimitDecision>;
  close(): Promise<void>;
}
