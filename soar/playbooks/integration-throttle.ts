import type { RateLimitStore } from '../../platform/rate-limit/index.ts';
import { SoarError } from '../errors.ts';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** `slack=1/s` → slack: 1 call per 1,000 ms. Throws naming the entry when one is malformed. */
export function parseRateLimits(
  entries: readonly string[],
): Map<string, { readonly limit: number; readonly windowMs: number }> {
  const limits = new Map<string, { limit: number; windowMs: number }>();
  for (const entry of entries) {
    const match = /^([a-z][a-z0-9-]{0,62})=(\d{1,6})\/(s|m|h)$/.exec(entry.trim());
    if (match === null || Number(match[2]) < 1)
      throw new SoarError(
        'SOAR_INVALID_REQUEST',
        `rate limit "${entry}": expected integration=count/s|m|h`,
      );
    limits.set(match[1] ?? '', {
      limit: Number(match[2]),
      windowMs: UNIT_MS[match[3] as keyof typeof UNIT_MS],
    });
  }
  return limits;
}

/** `default=4,slack=2` → { default: 4, slack: 2 }. */
export function parseConcurrency(entries: readonly string[]): Record<string, number> {
  return Object.fromEntries(
    entries.map((entry) => {
      const [lane = '', n = ''] = entry.split('=');
      const value = Number(n);
      if (!/^[a-z][a-z0-9-]{0,62}$/.test(lane) || !Number.isInteger(value) || value < 1)
        throw new SoarError('SOAR_INVALID_REQUEST', `concurrency "${entry}": expected lane=number`);
      return [lane, value];
    }),
  );
}

/**
 * Waits until an integration may be called again under its rate limit, counted per tenant
 * (each tenant has its own vendor account) in the shared store (Redis across processes, or
 * memory). Integrations without a limit pass at once.
 */
export function createIntegrationThrottle(
  store: RateLimitStore,
  limits: ReadonlyMap<string, { readonly limit: number; readonly windowMs: number }>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): (tenantId: string, integration: string) => Promise<void> {
  return async (tenantId, integration) => {
    const policy = limits.get(integration);
    if (policy === undefined) return;
    for (;;) {
      const decision = await store.consume(
        `soar.integration:${tenantId}:${integration}`,
        policy.limit,
        policy.windowMs,
      );
      if (decision.allowed) return;
      // Spread the waiters over the next window instead of waking them all at its start.
      await sleep(
        decision.resetMs + Math.floor(Math.random() * Math.min(250, policy.windowMs / 4)),
      );
    }
  };
}
