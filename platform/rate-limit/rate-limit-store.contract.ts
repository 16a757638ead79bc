import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimitStore } from './rate-limit-store.ts';

/** What every rate-limit store must do; `make` returns a store with an empty key space. */
export function describeRateLimitStoreContract(
  name: string,
  make: () => Promise<RateLimitStore>,
): void {
  describe(`RateLimitStore contract: ${name}`, () => {
    let store: RateLimitStore;
    beforeAll(async () => {
      store = await make();
    });
    afterAll(async () => {
      await store.close();
    });

    it('allows up to the limit in a window, then refuses, with what remains and when it resets', async () => {
      const decisions = [];
      for (let i = 0; i < 5; i++) decisions.push(await store.consume('k1', 3, 60_000));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
      expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0, 0]);
      for (const d of decisions) {
        expect(d.resetMs).toBeGreaterThan(0);
        expect(d.resetMs).toBeLessThanOrEqual(60_000);
      }
    });

    it('counts keys separately', async () => {
      expect((await store.consume('a', 1, 60_000)).allowed).toBe(true);
      expect((await store.consume('b', 1, 60_000)).allowed).toBe(true);
      expect((await store.consume('a', 1, 60_000)).allowed).toBe(false);
    });

    it('counts concurrent requests exactly', async () => {
      const decisions = await Promise.all(
        Array.from({ length: 50 }, () => store.consume('burst', 20, 60_000)),
      );
      expect(decisions.filter((d) => d.allowed)).toHaveLength(20);
    });

    it('starts a new window after the old one ends', async () => {
      expect((await store.consume('short', 1, 200)).allowed).toBe(true);
      await new Promise((r) => setTimeout(r, 450));
      expect((await store.consume('short', 1, 200)).allowed).toBe(true);
    });
  });
}
