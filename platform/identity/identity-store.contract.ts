import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../storage/index.ts';
import type { RelationalStore } from '../storage/index.ts';
import { createTestIdentity } from './http/identity-test-server.ts';
import type { TestIdentity } from './http/identity-test-server.ts';
import { createSigningKeys } from './signing-keys.ts';

const GOOD = 'tangerine-gravel-orbit';
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e as { code?: string }).code,
  );

/**
 * What identity's repositories must do on every relational store: users, lockout, agents,
 * refresh-token families, signing keys and revocations. `make` returns a fresh, empty store.
 */
export function describeIdentityStoreContract(
  name: string,
  make: () => Promise<RelationalStore>,
): void {
  describe(`identity over ${name}`, () => {
    let t: TestIdentity;
    beforeAll(async () => {
      t = await createTestIdentity({ store: await make() });
    });
    afterAll(async () => {
      await t.store.close();
    });

    describe('users', () => {
      it('creates, normalises the username, reads back and lists per tenant', async () => {
        const u = await t.identity.users.create('t1', {
          username: '  Alice@Example.COM ',
          password: GOOD,
          roles: ['soc-analyst'],
          displayName: 'Alice',
        });
        expect(u).toMatchObject({
          tenantId: 't1',
          username: 'alice@example.com',
          roles: ['soc-analyst'],
          locked: false,
          hasPassword: true,
          oidc: null,
        });
        expect(await t.identity.users.get('t1', u.id)).toEqual(u);
        expect(
          (await t.identity.users.list('t1', { limit: 10, offset: 0 })).map((x) => x.id),
        ).toEqual([u.id]);
        const row = await t.store.queryOne<{ password_hash: string }>(
          sql`SELECT password_hash FROM platform_users WHERE id = ${u.id}`,
        );
        expect(row?.password_hash).toMatch(/^\$scrypt\$ln=\d+,r=8,p=1\$/);
        expect(row?.password_hash).not.toContain(GOOD);
      });

      it('keeps tenants apart: another tenant’s id is not found, names may repeat', async () => {
        const u = await t.identity.users.create('t2', { username: 'bob', roles: [] });
        expect(await codeOf(t.identity.users.get('t3', u.id))).toBe('IDENTITY_USER_NOT_FOUND');
        expect(await codeOf(t.identity.users.update('t3', u.id, { locked: true }))).toBe(
          'IDENTITY_USER_NOT_FOUND',
        );
        expect(await codeOf(t.identity.users.unlock('t3', u.id))).toBe('IDENTITY_USER_NOT_FOUND');
        expect(await t.identity.users.list('t3', { limit: 10, offset: 0 })).toEqual([]);
        await t.identity.users.create('t3', { username: 'bob', roles: [] });
        expect(await codeOf(t.identity.users.create('t2', { username: 'BOB', roles: [] }))).toBe(
          'IDENTITY_USER_EXISTS',
        );
      });

      it('refuses weak passwords and unknown roles', async () => {
        const weak = await t.identity.users
          .create('t1', { username: 'carol', password: 'password1234', roles: [] })
          .catch((e: unknown) => e as { code: string; issues: unknown[] });
        expect(weak).toMatchObject({ code: 'IDENTITY_WEAK_PASSWORD' });
        expect(JSON.stringify(weak)).not.toContain('password1234');
        expect(
          await codeOf(t.identity.users.create('t1', { username: 'carol', roles: ['root'] })),
        ).toBe('IDENTITY_INVALID_ROLE');
      });

      it('authenticates; unknown user and wrong password are the same refusal', async () => {
        await t.identity.users.create('t4', {
          username: 'dave',
          password: GOOD,
          roles: ['auditor'],
        });
        const ok = await t.identity.users.authenticate('t4', 'DAVE', GOOD);
        expect(ok.lastLoginAt).toBe(t.clock.now());
        expect(await codeOf(t.identity.users.authenticate('t4', 'dave', 'wrong-password!'))).toBe(
          'IDENTITY_INVALID_CREDENTIALS',
        );
        expect(await codeOf(t.identity.users.authenticate('t4', 'nobody', GOOD))).toBe(
          'IDENTITY_INVALID_CREDENTIALS',
        );
        expect(await codeOf(t.identity.users.authenticate('t5', 'dave', GOOD))).toBe(
          'IDENTITY_INVALID_CREDENTIALS',
        );
        const reasons = t.events
          .filter((e) => e.type === 'login.failed' && e.tenantId !== 't1')
          .map((e) => (e.type === 'login.failed' ? e.reason : ''));
        expect(reasons).toEqual(['bad_password', 'unknown_user', 'unknown_user']);
      });

      it('locks out after 5 failures, refuses even the right password, then lets it in', async () => {
        const u = await t.identity.users.create('t6', {
          username: 'erin',
          password: GOOD,
          roles: [],
        });
        for (let i = 0; i < 5; i++)
          await expect(
            t.identity.users.authenticate('t6', 'erin', `wrong-${i}-password`),
          ).rejects.toThrow();
        const locked = t.events.find((e) => e.type === 'account.locked_out' && e.userId === u.id);
        expect(locked).toMatchObject({ until: t.clock.now() + 60_000 });
        expect((await t.identity.users.get('t6', u.id)).lockout.lockedUntil).toBe(
          t.clock.now() + 60_000,
        );
        expect(await codeOf(t.identity.users.authenticate('t6', 'erin', GOOD))).toBe(
          'IDENTITY_INVALID_CREDENTIALS',
        );
        expect(t.events.at(-1)).toMatchObject({ type: 'login.failed', reason: 'locked_out' });
        t.clock.advance(60_000);
        await t.identity.users.authenticate('t6', 'erin', GOOD);
        expect((await t.identity.users.get('t6', u.id)).lockout).toEqual({
          failedAttempts: 0,
          lockouts: 0,
          lockedUntil: null,
        });
      });

      it('unlocks a locked-out account and an administrative lock', async () => {
        const u = await t.identity.users.create('t6', {
          username: 'frank',
          password: GOOD,
          roles: [],
        });
        for (let i = 0; i < 5; i++)
          await expect(
            t.identity.users.authenticate('t6', 'frank', 'wrong-password-x'),
          ).rejects.toThrow();
        await t.identity.users.unlock('t6', u.id);
        await t.identity.users.authenticate('t6', 'frank', GOOD);
        await t.identity.users.update('t6', u.id, { locked: true });
        expect(await codeOf(t.identity.users.authenticate('t6', 'frank', GOOD))).toBe(
          'IDENTITY_INVALID_CREDENTIALS',
        );
        await t.identity.users.update('t6', u.id, { locked: false });
        await t.identity.users.authenticate('t6', 'frank', GOOD);
      });
    });

    describe('agents', () => {
      it('issues the secret once and stores only its hash', async () => {
        const { agent, clientSecret } = await t.identity.agents.create('t1', {
          name: 'soc-agent-01',
          roles: ['soc-analyst'],
        });
        expect(clientSecret).toMatch(/^sac_[A-Za-z0-9_-]{43}$/);
        expect(agent.clientId).toMatch(/^agt_/);
        expect(agent.secretHint).toBe(clientSecret.slice(-4));
        const rows = await t.store.query(sql`SELECT * FROM platform_agents`);
        expect(JSON.stringify(rows)).not.toContain(clientSecret);
        expect(JSON.stringify(await t.identity.agents.get('t1', agent.id))).not.toContain(
          clientSecret,
        );
        expect((await t.identity.agents.authenticateClient(agent.clientId, clientSecret)).id).toBe(
          agent.id,
        );
        expect(
          await codeOf(t.identity.agents.authenticateClient(agent.clientId, 'sac_wrong')),
        ).toBe('IDENTITY_INVALID_CLIENT');
        expect(await codeOf(t.identity.agents.authenticateClient('agt_nope', clientSecret))).toBe(
          'IDENTITY_INVALID_CLIENT',
        );
        expect(await codeOf(t.identity.agents.get('t2', agent.id))).toBe(
          'IDENTITY_AGENT_NOT_FOUND',
        );
        expect(
          await codeOf(t.identity.agents.create('t1', { name: 'soc-agent-01', roles: [] })),
        ).toBe('IDENTITY_AGENT_EXISTS');
      });

      it('rotates: with a grace period the old secret works until it ends; without, never', async () => {
        const { agent, clientSecret: first } = await t.identity.agents.create('t1', {
          name: 'ir-agent-01',
          roles: ['ir-responder'],
        });
        const { clientSecret: second } = await t.identity.agents.rotateSecret('t1', agent.id, {
          graceMs: 60_000,
        });
        await t.identity.agents.authenticateClient(agent.clientId, first);
        await t.identity.agents.authenticateClient(agent.clientId, second);
        expect(t.events.at(-2)).toMatchObject({
          type: 'client.authenticated',
          previousSecret: true,
        });
        t.clock.advance(60_000);
        expect(await codeOf(t.identity.agents.authenticateClient(agent.clientId, first))).toBe(
          'IDENTITY_INVALID_CLIENT',
        );
        const { clientSecret: third } = await t.identity.agents.rotateSecret('t1', agent.id);
        expect(await codeOf(t.identity.agents.authenticateClient(agent.clientId, second))).toBe(
          'IDENTITY_INVALID_CLIENT',
        );
        await t.identity.agents.authenticateClient(agent.clientId, third);
        expect(await codeOf(t.identity.agents.rotateSecret('t2', agent.id))).toBe(
          'IDENTITY_AGENT_NOT_FOUND',
        );
      });

      it('refuses a disabled agent even with its secret, and lets it in once enabled', async () => {
        const { agent, clientSecret } = await t.identity.agents.create('t1', {
          name: 'grc-agent-01',
          roles: ['grc-agent'],
        });
        await t.identity.agents.disable('t1', agent.id);
        expect(
          await codeOf(t.identity.agents.authenticateClient(agent.clientId, clientSecret)),
        ).toBe('IDENTITY_INVALID_CLIENT');
        expect(t.events.at(-1)).toMatchObject({ type: 'client.failed', reason: 'disabled' });
        await t.identity.agents.enable('t1', agent.id);
        await t.identity.agents.authenticateClient(agent.clientId, clientSecret);
      });
    });

    describe('refresh tokens', () => {
      let userId: string;
      beforeAll(async () => {
        userId = (await t.identity.users.create('t7', { username: 'gina', roles: [] })).id;
      });

      it('rotates on every use; the old token stops working', async () => {
        const first = await t.identity.refreshTokens.start('t7', userId);
        expect(first.token).toMatch(/^srt_/);
        const second = await t.identity.refreshTokens.rotate(first.token);
        expect(second.familyId).toBe(first.familyId);
        expect(second.token).not.toBe(first.token);
        const third = await t.identity.refreshTokens.rotate(second.token);
        expect(third.userId).toBe(userId);
        const rows = await t.store.query(sql`SELECT * FROM platform_refresh_tokens`);
        expect(JSON.stringify(rows)).not.toContain(third.token);
      });

      it('revokes the whole family when a rotated token is used again', async () => {
        const first = await t.identity.refreshTokens.start('t7', userId);
        const second = await t.identity.refreshTokens.rotate(first.token);
        expect(await codeOf(t.identity.refreshTokens.rotate(first.token))).toBe(
          'IDENTITY_INVALID_GRANT',
        );
        expect(t.events.at(-1)).toMatchObject({
          type: 'refresh.reuse_detected',
          tenantId: 't7',
          userId,
          familyId: first.familyId,
        });
        expect(await codeOf(t.identity.refreshTokens.rotate(second.token))).toBe(
          'IDENTITY_INVALID_GRANT',
        );
      });

      it('lets only one of two concurrent uses of a token through, and revokes the family', async () => {
        const first = await t.identity.refreshTokens.start('t7', userId);
        const results = await Promise.allSettled([
          t.identity.refreshTokens.rotate(first.token),
          t.identity.refreshTokens.rotate(first.token),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        const next = (won[0] as PromiseFulfilledResult<{ token: string }>).value.token;
        expect(await codeOf(t.identity.refreshTokens.rotate(next))).toBe('IDENTITY_INVALID_GRANT');
      });

      it('expires after the idle period and after the family’s absolute lifetime', async () => {
        const idle = t.identity.refreshTokens.idleLifetimeMs;
        const a = await t.identity.refreshTokens.start('t7', userId);
        t.clock.advance(idle);
        expect(await codeOf(t.identity.refreshTokens.rotate(a.token))).toBe(
          'IDENTITY_INVALID_GRANT',
        );

        let b = await t.identity.refreshTokens.start('t7', userId);
        const steps = Math.ceil(t.identity.refreshTokens.absoluteLifetimeMs / (idle / 2));
        let refused = false;
        for (let i = 0; i < steps && !refused; i++) {
          t.clock.advance(idle / 2);
          try {
            b = await t.identity.refreshTokens.rotate(b.token);
          } catch {
            refused = true;
          }
        }
        expect(refused).toBe(true);
      });

      it('revokes one family, or all of a user’s, and purges expired families', async () => {
        const a = await t.identity.refreshTokens.start('t7', userId);
        const b = await t.identity.refreshTokens.start('t7', userId);
        await t.identity.refreshTokens.revokeFamily('t8', a.familyId);
        // Another tenant's revocation of the same family id does nothing.
        await t.identity.refreshTokens.rotate(a.token);
        await t.identity.refreshTokens.revokeAllForUser('t7', userId);
        expect(await codeOf(t.identity.refreshTokens.rotate(b.token))).toBe(
          'IDENTITY_INVALID_GRANT',
        );
        t.clock.advance(t.identity.refreshTokens.absoluteLifetimeMs);
        expect(await t.identity.refreshTokens.purgeExpired()).toBeGreaterThan(0);
      });
    });

    describe('signing keys', () => {
      it('keeps private keys sealed, publishes successors early and agrees across processes', async () => {
        const store = t.store;
        const keys = t.identity.signingKeys;
        await keys.rotateIfDue();
        const [first] = await keys.list();
        expect(first).toBeDefined();
        expect((await keys.rotateIfDue()).created).toBe(false);
        const row = await store.queryOne<{ public_jwk: string; private_key_sealed: string }>(
          sql`SELECT public_jwk, private_key_sealed FROM platform_signing_keys WHERE kid = ${first!.kid}`,
        );
        expect(JSON.parse(row!.public_jwk)).not.toHaveProperty('d');
        expect(row!.private_key_sealed).toMatch(/^v1\./);

        // Another process (same store and key-encryption key) racing the rotation.
        const other = createSigningKeys({
          store,
          clock: t.clock,
          keyEncryptionKey: t.keyEncryptionKey,
          verificationWindowMs: 630_000,
        });
        t.clock.set(first!.notAfter - 3_600_000);
        await Promise.all([keys.rotateIfDue(), other.rotateIfDue()]);
        const all = await keys.list();
        expect(all.map((k) => k.generation)).toEqual([first!.generation, first!.generation + 1]);
        expect(all[1]!.notBefore).toBe(first!.notAfter);
        expect((await keys.signer()).kid).toBe(first!.kid);
        t.clock.set(first!.notAfter);
        expect((await other.signer()).kid).toBe(all[1]!.kid);
        expect((await keys.jwks()).keys.map((k) => k.kid)).toEqual([first!.kid, all[1]!.kid]);
      });

      it('cannot use keys under another key-encryption key', async () => {
        const stranger = createSigningKeys({
          store: t.store,
          clock: t.clock,
          keyEncryptionKey: Buffer.alloc(32, 7),
          verificationWindowMs: 630_000,
        });
        expect(await codeOf(stranger.signer())).toBe('IDENTITY_KEY_UNAVAILABLE');
      });
    });

    describe('revocations', () => {
      it('refuses revoked token ids and subjects until they would have expired', async () => {
        const r = t.identity.revocations;
        const now = t.clock.now();
        const token = { jti: 'j-1', tenantId: 't1', subject: 's-1', issuedAt: now };
        expect(await r.isRevoked(token)).toBe(false);
        await r.revokeToken({ jti: 'j-1', tenantId: 't1', subject: 's-1', expiresAt: now + 1000 });
        await r.revokeToken({ jti: 'j-1', tenantId: 't1', subject: 's-1', expiresAt: now + 1000 });
        expect(await r.isRevoked(token)).toBe(true);
        const other = { jti: 'j-2', tenantId: 't1', subject: 's-2', issuedAt: now };
        await r.revokeSubject('t2', 's-2');
        expect(await r.isRevoked(other)).toBe(false);
        await r.revokeSubject('t1', 's-2');
        expect(await r.isRevoked(other)).toBe(true);
        expect(await r.isRevoked({ ...other, issuedAt: now + 1000 })).toBe(false);
        t.clock.advance(24 * 3_600_000);
        expect(await r.purgeExpired()).toBeGreaterThanOrEqual(2);
        expect(await r.isRevoked(token)).toBe(false);
      });
    });
  });
}
