import type { Request, Response } from 'express';
import { PlatformError } from '../errors/index.ts';
import type { Principal } from '../identity/index.ts';
import type { Logger } from '../logging/index.ts';
import type { Metrics } from '../metrics/index.ts';
import type { RateLimitStore } from './rate-limit-store.ts';

export interface RateLimitPolicy {
  /** Requests allowed per window. */
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * Per-address and per-principal request limits, with the IETF `RateLimit-Policy` and
 * `RateLimit` headers on every limited response and 429 + `Retry-After` beyond the limit.
 * When the store is unreachable requests are let through (fail open) and counted: an outage of
 * the limiter must not take the API down.
 */
export function createRateLimiter(deps: {
  store: RateLimitStore;
  perAddress: RateLimitPolicy;
  perPrincipal: RateLimitPolicy;
  metrics: Metrics;
  logger: Logger;
}) {
  const rejected = deps.metrics.counter(
    'rate_limit_rejections_total',
    'Requests refused by a rate limit',
    ['scope'],
  );
  const failures = deps.metrics.counter(
    'rate_limit_store_errors_total',
    'Rate-limit checks that could not reach their store (requests let through)',
  );

  const check = async (
    scope: 'address' | 'principal',
    key: string,
    policy: RateLimitPolicy,
    res: Response,
  ): Promise<void> => {
    let decision;
    try {
      decision = await deps.store.consume(`${scope}:${key}`, policy.limit, policy.windowMs);
    } catch (err) {
      failures.inc();
      deps.logger.warn({ err, scope }, 'rate limit not checked');
      return;
    }
    const resetSeconds = Math.max(1, Math.ceil(decision.resetMs / 1000));
    res.append(
      'RateLimit-Policy',
      `"${scope}";q=${String(policy.limit)};w=${String(Math.round(policy.windowMs / 1000))}`,
    );
    res.append('RateLimit', `"${scope}";r=${String(decision.remaining)};t=${String(resetSeconds)}`);
    if (!decision.allowed) {
      rejected.inc({ scope });
      throw new PlatformError(
        'RATE_LIMITED',
        `too many requests from this ${scope}; retry in ${String(resetSeconds)} s`,
        { details: { retryAfterSeconds: resetSeconds } },
      );
    }
  };

  return {
    byAddress: (req: Request, res: Response) =>
      check('address', req.ip ?? req.socket.remoteAddress ?? 'unknown', deps.perAddress, res),
    byPrincipal: (principal: Principal, res: Response) =>
      check('principal', `${principal.tenantId}:${principal.id}`, deps.perPrincipal, res),
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
