import type { Clock } from '../clock/index.ts';
import type { IdGenerator } from '../ids/index.ts';
import type { RelationalStore } from '../storage/index.ts';
import { IdentityError } from './api-tokens.ts';
import type { AuthEvent, AuthEventSink } from './auth-events.ts';
import { DEFAULT_LOCKOUT_POLICY, UNLOCKED, afterFailure, isLockedOut } from './lockout.ts';
import type { LockoutPolicy } from './lockout.ts';
import { DEFAULT_PASSWORD_POLICY, passwordProblems } from './password-policy.ts';
import type { PasswordPolicy } from './password-policy.ts';
import {
  DEFAULT_SCRYPT_PARAMS,
  createDummyVerifier,
  hashPassword,
  needsRehash,
  verifyPassword,
} from './passwords.ts';
import type { ScryptParams } from './passwords.ts';
import { assertRolesExist, noCustomRoles, uniqueRoles } from './role-grants.ts';
import type { CustomRolesOf } from './role-grants.ts';
import { toUserRecord, userRepository as repo } from './user-repository.ts';
import type { UserChanges, UserRecord } from './user-repository.ts';

export interface UsersDeps {
  readonly store: RelationalStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly customRolesOf?: CustomRolesOf;
  readonly lockout?: LockoutPolicy;
  readonly passwordPolicy?: PasswordPolicy;
  readonly scrypt?: ScryptParams;
  readonly onAuthEvent?: AuthEventSink;
  /** Ends a person's sessions (refresh families and live access tokens) when locked by an admin. */
  readonly revokeSessions?: (tenantId: string, userId: string) => Promise<void>;
}

export interface NewUser {
  readonly username: string;
  /** Omitted for accounts that only sign in through OIDC. */
  readonly password?: string;
  readonly roles: readonly string[];
  readonly displayName?: string | null;
  readonly oidc?: { readonly issuer: string; readonly subject: string };
}

export interface UserUpdate {
  readonly roles?: readonly string[];
  readonly locked?: boolean;
  readonly displayName?: string | null;
  readonly password?: string;
}

const USERNAME = /^[^\s\p{C}]{1,256}$/u;
const BAD_LOGIN = 'the username or password is wrong, or the account is locked';

/** Usernames compare case-insensitively: stored NFKC-normalised, trimmed and lowercased. */
export function normalizeUsername(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

/**
 * People's accounts per tenant: local passwords (scrypt, policy, lockout with growing periods),
 * roles, administrative locks, and links to an OpenID provider identity.
 */
export function createUsers(deps: UsersDeps) {
  const policy = deps.lockout ?? DEFAULT_LOCKOUT_POLICY;
  const scryptParams = deps.scrypt ?? DEFAULT_SCRYPT_PARAMS;
  const customRolesOf = deps.customRolesOf ?? noCustomRoles;
  const dummyVerify = createDummyVerifier(scryptParams);
  const emit = async (event: AuthEvent) => {
    await deps.onAuthEvent?.(event);
  };

  const checkPassword = (password: string, username: string) => {
    const problems = passwordProblems(
      password,
      username,
      deps.passwordPolicy ?? DEFAULT_PASSWORD_POLICY,
    );
    if (problems.length > 0) {
      throw new IdentityError('IDENTITY_WEAK_PASSWORD', `the password ${problems.join('; ')}`, {
        issues: problems.map((message) => ({ path: 'password', message })),
      });
    }
  };

  const get = async (tenantId: string, id: string): Promise<UserRecord> => {
    const row = await repo.byId(deps.store, tenantId, id);
    if (!row) throw new IdentityError('IDENTITY_USER_NOT_FOUND', `no user ${id}`);
    return toUserRecord(row);
  };

  return {
    async create(tenantId: string, input: NewUser): Promise<UserRecord> {
      const username = normalizeUsername(input.username);
      if (!USERNAME.test(username))
        throw new IdentityError('IDENTITY_INVALID_INPUT', 'the username is empty or has spaces', {
          issues: [{ path: 'username', message: 'no spaces or control characters, 1-256 long' }],
        });
      if (input.password !== undefined) checkPassword(input.password, username);
      const roles = uniqueRoles(input.roles);
      await assertRolesExist(customRolesOf, tenantId, roles);
      const id = deps.ids.uuidv7();
      await repo.insert(deps.store, {
        id,
        tenantId,
        username,
        displayName: input.displayName ?? null,
        passwordHash:
          input.password === undefined ? null : await hashPassword(input.password, scryptParams),
        roles,
        oidc: input.oidc ?? null,
        now: deps.clock.now(),
      });
      return get(tenantId, id);
    },

    get,

    async list(tenantId: string, page: { limit: number; offset: number }): Promise<UserRecord[]> {
      return (await repo.list(deps.store, tenantId, page.limit, page.offset)).map(toUserRecord);
    },

    async findByExternal(
      tenantId: string,
      issuer: string,
      subject: string,
    ): Promise<UserRecord | undefined> {
      const row = await repo.byExternal(deps.store, tenantId, issuer, subject);
      return row ? toUserRecord(row) : undefined;
    },

    /** Changes roles, the administrative lock, the display name or the password. */
    async update(tenantId: string, id: string, update: UserUpdate): Promise<UserRecord> {
      const current = await get(tenantId, id);
      const changes: {
        -readonly [K in keyof UserChanges]: UserChanges[K];
      } = {};
      if (update.roles !== undefined) {
        changes.roles = uniqueRoles(update.roles);
        await assertRolesExist(customRolesOf, tenantId, changes.roles);
      }
      if (update.displayName !== undefined) changes.displayName = update.displayName;
      if (update.password !== undefined) {
        checkPassword(update.password, current.username);
        changes.passwordHash = await hashPassword(update.password, scryptParams);
      }
      if (update.locked !== undefined) {
        changes.locked = update.locked;
        if (!update.locked) changes.lockout = UNLOCKED;
      }
      if (!(await repo.update(deps.store, tenantId, id, changes, deps.clock.now())))
        throw new IdentityError('IDENTITY_USER_NOT_FOUND', `no user ${id}`);
      if (update.locked === true && !current.locked) await deps.revokeSessions?.(tenantId, id);
      return get(tenantId, id);
    },

    /** Clears both the administrative lock and a lockout after failed logins. */
    async unlock(tenantId: string, id: string): Promise<UserRecord> {
      const changes = { locked: false, lockout: UNLOCKED };
      if (!(await repo.update(deps.store, tenantId, id, changes, deps.clock.now())))
        throw new IdentityError('IDENTITY_USER_NOT_FOUND', `no user ${id}`);
      return get(tenantId, id);
    },

    /**
     * Checks a password login. Every refusal is the same IDENTITY_INVALID_CREDENTIALS after the
     * same scrypt work, whether the user is unknown, locked or the password wrong; the reason
     * goes to `onAuthEvent` only.
     */
    async authenticate(tenantId: string, username: string, password: string): Promise<UserRecord> {
      const name = normalizeUsername(username);
      const now = deps.clock.now();
      const row = await repo.byUsername(deps.store, tenantId, name);
      const refuse = async (
        reason: Extract<AuthEvent, { type: 'login.failed' }>['reason'],
        userId?: string,
      ): Promise<never> => {
        await emit({
          type: 'login.failed',
          at: now,
          tenantId,
          username: name,
          method: 'password',
          reason,
          ...(userId !== undefined ? { userId } : {}),
        });
        throw new IdentityError('IDENTITY_INVALID_CREDENTIALS', BAD_LOGIN);
      };
      if (!row) {
        await dummyVerify(password);
        return refuse('unknown_user');
      }
      const user = toUserRecord(row);
      if (row.password_hash === null || user.locked || isLockedOut(user.lockout, now)) {
        await dummyVerify(password);
        return refuse(
          row.password_hash === null
            ? 'no_password'
            : user.locked
              ? 'account_locked'
              : 'locked_out',
          user.id,
        );
      }
      if (!(await verifyPassword(password, row.password_hash))) {
        const lockedUntil = await deps.store.transaction(async (tx) => {
          const fresh = await repo.byId(tx, tenantId, user.id, true);
          if (!fresh) return null;
          const state = toUserRecord(fresh).lockout;
          if (isLockedOut(state, now)) return null;
          const next = afterFailure(state, policy, now);
          await repo.update(tx, tenantId, user.id, { lockout: next.state }, now);
          return next.lockedNow ? next.state.lockedUntil : null;
        });
        if (lockedUntil !== null) {
          await emit({
            type: 'account.locked_out',
            at: now,
            tenantId,
            userId: user.id,
            username: name,
            until: lockedUntil,
          });
        }
        return refuse('bad_password', user.id);
      }
      const changes: { lockout: typeof UNLOCKED; lastLoginAt: number; passwordHash?: string } = {
        lockout: UNLOCKED,
        lastLoginAt: now,
      };
      if (needsRehash(row.password_hash, scryptParams))
        changes.passwordHash = await hashPassword(password, scryptParams);
      await repo.update(deps.store, tenantId, user.id, changes, now);
      await emit({
        type: 'login.succeeded',
        at: now,
        tenantId,
        userId: user.id,
        username: name,
        method: 'password',
      });
      return get(tenantId, user.id);
    },

    /** Records a successful sign-in by another method (OIDC), optionally syncing roles. */
    async recordLogin(
      tenantId: string,
      id: string,
      changes: { readonly roles?: readonly string[] } = {},
    ): Promise<UserRecord> {
      const now = deps.clock.now();
      const roles = changes.roles === undefined ? {} : { roles: uniqueRoles(changes.roles) };
      if (roles.roles !== undefined) await assertRolesExist(customRolesOf, tenantId, roles.roles);
      if (!(await repo.update(deps.store, tenantId, id, { ...roles, lastLoginAt: now }, now)))
        throw new IdentityError('IDENTITY_USER_NOT_FOUND', `no user ${id}`);
      return get(tenantId, id);
    },
  };
}

export type Users = ReturnType<typeof createUsers>;
