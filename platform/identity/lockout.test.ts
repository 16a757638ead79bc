import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCKOUT_POLICY, UNLOCKED, afterFailure, isLockedOut } from './lockout.ts';

describe('lockout policy', () => {
  const policy = DEFAULT_LOCKOUT_POLICY;

  const fail = (times: number, start = UNLOCKED, now = 0) => {
    let state = start;
    let locked = false;
    for (let i = 0; i < times; i++)
      ({ state, lockedNow: locked } = afterFailure(state, policy, now));
    return { state, locked };
  };

  it('locks after 5 consecutive failures, not before', () => {
    expect(fail(4).locked).toBe(false);
    expect(isLockedOut(fail(4).state, 0)).toBe(false);
    const { state, locked } = fail(5);
    expect(locked).toBe(true);
    expect(state.lockedUntil).toBe(60_000);
    expect(isLockedOut(state, 59_999)).toBe(true);
    expect(isLockedOut(state, 60_000)).toBe(false);
  });

  it('doubles the period with each further lockout, up to the maximum', () => {
    let state = UNLOCKED;
    const periods: number[] = [];
    for (let n = 0; n < 8; n++) {
      const now = n * 10_000_000;
      state = fail(5, state, now).state;
      periods.push((state.lockedUntil ?? 0) - now);
    }
    expect(periods).toEqual([
      60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000,
    ]);
  });
});
