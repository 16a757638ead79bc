/**
 * Account lockout after repeated failed logins. Pure: the caller stores the state.
 *
 * After `threshold` consecutive failures the account is locked for `baseMs`, doubled on each
 * further lockout (1 min, 2 min, 4 min, …) up to `maxMs`. A successful login resets everything.
 * While locked, attempts are refused without counting, so the period does not grow forever.
 */
export interface LockoutPolicy {
  readonly threshold: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = {
  threshold: 5,
  baseMs: 60_000,
  maxMs: 3_600_000,
};

export interface LockoutState {
  /** Consecutive failures since the last success or the last lockout. */
  readonly failedAttempts: number;
  /** Lockouts since the last success: the next period is `baseMs · 2^lockouts`. */
  readonly lockouts: number;
  /** End of the current lockout (epoch ms), or null. */
  readonly lockedUntil: number | null;
}

export const UNLOCKED: LockoutState = { failedAttempts: 0, lockouts: 0, lockedUntil: null };

export function isLockedOut(state: LockoutState, now: number): boolean {
  return state.lockedUntil !== null && state.lockedUntil > now;
}

/** The state after one more failure, and whether it started a lockout. */
export function afterFailure(
  state: LockoutState,
  policy: LockoutPolicy,
  now: number,
): { readonly state: LockoutState; readonly lockedNow: boolean } {
  const failedAttempts = state.failedAttempts + 1;
  if (failedAttempts < policy.threshold)
    return { state: { ...state, failedAttempts }, lockedNow: false };
  const period = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(state.lockouts, 30));
  return {
    state: { failedAttempts: 0, lockouts: state.lockouts + 1, lockedUntil: now + period },
    lockedNow: true,
  };
}
