import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toOpenApiDocument } from '../../http/index.ts';
import { identityRoutes } from './identity-routes.ts';
import { createTestIdentity, startIdentityServer } from './identity-test-server.ts';
import type { TestIdentity } from './identity-test-server.ts';

const PASSWORD = 'tangerine-gravel-orbit';

/** A JSON response body, read loosely: the tests assert on its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies of many shapes
type Json = any;

describe('identity routes over HTTP', () => {
  let t: TestIdentity;
  let server: { url: string; close(): Promise<void> };
  let admin: string;
  let otherAdmin: string;

  const call = async (
    method: string,
    path: string,
    options: {
      token?: string;
      json?: unknown;
      form?: string;
      headers?: Record<string, string>;
    } = {},
  ) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form !== undefined) {
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
      body = options.form;
    }
    const res = await fetch(server.url + path, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    const json: Json = text ? JSON.parse(text) : undefined;
    return { status: res.status, headers: res.headers, text, body: json };
  };

  const login = async (username: string, tenant = 'default', password = PASSWORD) =>
    call('POST', '/auth/login', { json: { tenant, username, password } });

  const basic = (id: string, secret: string) =>
    `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

  beforeAll(async () => {
    t = await createTestIdentity({
      overrides: {
        customRolesOf: () =>
          Promise.resolve(new Map([['helpdesk', ['users:read', 'users:write']]])),
      },
    });
    await t.identity.users.create('default', {
      username: 'root',
      password: PASSWORD,
      roles: ['admin'],
    });
    await t.identity.users.create('other', {
      username: 'root',
      password: PASSWORD,
      roles: ['admin'],
    });
    server = await startIdentityServer(t);
    admin = (await login('root')).body.access_token;
    otherAdmin = (await login('root', 'other')).body.access_token;
  });
  afterAll(async () => {
    await server.close();
    await t.store.close();
  });

  describe('people: login, refresh, logout', () => {
    it('signs in with a password and answers a token response that is never cached', async () => {
      const res = await login('root');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 600,
        refresh_token: expect.stringMatching(/^srt_/),
      });
    });

    it('answers unknown users and wrong passwords alike, without echoing the password', async () => {
      const wrong = await login('root', 'default', 'not-the-password-1');
      const unknown = await login('nobody', 'default', 'not-the-password-1');
      for (const res of [wrong, unknown]) {
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('IDENTITY_INVALID_CREDENTIALS');
        expect(res.text).not.toContain('not-the-password-1');
      }
      expect(wrong.body.detail).toBe(unknown.body.detail);
    });

    it('rotates refresh tokens, and a reused one ends the session', async () => {
      const first = (await login('root')).body;
      const second = await call('POST', '/auth/refresh', {
        json: { refresh_token: first.refresh_token },
      });
      expect(second.status).toBe(200);
      expect(second.headers.get('cache-control')).toBe('no-store');
      expect(second.body.refresh_token).not.toBe(first.refresh_token);
      const third = await call('POST', '/oauth/token', {
        form: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: second.body.refresh_token,
        }).toString(),
      });
      expect(third.status).toBe(200);
      expect(third.body).toMatchObject({ token_type: 'Bearer', refresh_token: expect.any(String) });

      const reused = await call('POST', '/auth/refresh', {
        json: { refresh_token: first.refresh_token },
      });
      expect(reused.status).toBe(401);
      expect(reused.body.code).toBe('IDENTITY_INVALID_GRANT');
      expect(t.events.some((e) => e.type === 'refresh.reuse_detected')).toBe(true);
      const afterReuse = await call('POST', '/oauth/token', {
        form: `grant_type=refresh_token&refresh_token=${encodeURIComponent(String(third.body.refresh_token))}`,
      });
      expect(afterReuse.status).toBe(400);
      expect(afterReuse.body).toEqual({
        error: 'invalid_grant',
        error_description: expect.any(String),
      });
    });

    it('logs out: the session ends and the access token is refused at once', async () => {
      const session = (await login('root')).body;
      expect((await call('GET', '/users', { token: session.access_token })).status).toBe(200);
      expect((await call('POST', '/auth/logout')).status).toBe(401);
      const out = await call('POST', '/auth/logout', { token: session.access_token });
      expect(out.status).toBe(204);
      const after = await call('GET', '/users', { token: session.access_token });
      expect(after.status).toBe(401);
      const refresh = await call('POST', '/auth/refresh', {
        json: { refresh_token: session.refresh_token },
      });
      expect(refresh.status).toBe(401);
      expect(t.events.some((e) => e.type === 'logout')).toBe(true);
    });
  });

  describe('people management', () => {
    it('creates, reads, lists and changes accounts in the caller’s tenant', async () => {
      const created = await call('POST', '/users', {
        token: admin,
        json: { username: 'Analyst.One', password: PASSWORD, roles: ['soc-analyst'] },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        tenant: 'default',
        username: 'analyst.one',
        roles: ['soc-analyst'],
        locked: false,
        has_password: true,
      });
      expect(created.text).not.toContain(PASSWORD);
      const id = created.body.id as string;
      expect((await call('GET', `/users/${id}`, { token: admin })).body.id).toBe(id);
      const list = await call('GET', '/users?limit=10', { token: admin });
      expect((list.body.users as { username: string }[]).map((u) => u.username)).toContain(
        'analyst.one',
      );
      const patched = await call('PATCH', `/users/${id}`, {
        token: admin,
        json: { roles: ['soc-analyst', 'auditor'], display_name: 'Analyst One' },
      });
      expect(patched.body).toMatchObject({
        roles: ['soc-analyst', 'auditor'],
        display_name: 'Analyst One',
      });
    });

    it('answers 404 for another tenant’s account, never 403', async () => {
      const id = (await call('GET', '/users', { token: admin })).body.users[0].id as string;
      for (const [method, path] of [
        ['GET', `/users/${id}`],
        ['PATCH', `/users/${id}`],
        ['POST', `/users/${id}/unlock`],
      ] as const) {
        const res = await call(method, path, {
          token: otherAdmin,
          ...(method === 'PATCH' ? { json: { locked: true } } : {}),
        });
        expect(res.status).toBe(404);
      }
      const list = await call('GET', '/users', { token: otherAdmin });
      expect((list.body.users as { tenant: string }[]).map((u) => u.tenant)).toEqual(['other']);
    });

    it('checks permissions: 401 without a token, 403 without users:read', async () => {
      expect((await call('GET', '/users')).status).toBe(401);
      await t.identity.users.create('default', {
        username: 'sam',
        password: PASSWORD,
        roles: ['soc-analyst'],
      });
      const sam = (await login('sam')).body.access_token;
      const res = await call('GET', '/users', { token: sam });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('IDENTITY_FORBIDDEN');
    });

    it('stops users:write from granting or taking over more than its holder has', async () => {
      await t.identity.users.create('default', {
        username: 'helen',
        password: PASSWORD,
        roles: ['helpdesk'],
      });
      const helen = (await login('helen')).body.access_token;
      const asAdmin = await call('POST', '/users', {
        token: helen,
        json: { username: 'mallory', password: PASSWORD, roles: ['admin'] },
      });
      expect(asAdmin.status).toBe(403);
      const rootId = (await t.identity.users.list('default', { limit: 100, offset: 0 })).find(
        (u) => u.username === 'root',
      )!.id;
      const takeover = await call('PATCH', `/users/${rootId}`, {
        token: helen,
        json: { password: 'helen-owns-root-now' },
      });
      expect(takeover.status).toBe(403);
      const fine = await call('POST', '/users', {
        token: helen,
        json: { username: 'newbie', password: PASSWORD, roles: ['helpdesk'] },
      });
      expect(fine.status).toBe(201);
    });

    it('validates input: unknown fields, weak passwords, unknown roles', async () => {
      const unknownField = await call('POST', '/users', {
        token: admin,
        json: { username: 'x1', roles: [], is_admin: true },
      });
      expect(unknownField.status).toBe(400);
      expect(unknownField.body.errors[0].path).toContain('is_admin');
      const weak = await call('POST', '/users', {
        token: admin,
        json: { username: 'x2', password: 'password1234', roles: [] },
      });
      expect(weak.status).toBe(400);
      expect(weak.body.code).toBe('IDENTITY_WEAK_PASSWORD');
      expect(weak.text).not.toContain('password1234');
      const role = await call('POST', '/users', {
        token: admin,
        json: { username: 'x3', roles: ['god'] },
      });
      expect(role.status).toBe(400);
    });

    it('locks a person out everywhere, and unlocks', async () => {
      const id = (
        await call('POST', '/users', {
          token: admin,
          json: { username: 'lena', password: PASSWORD, roles: ['auditor'] },
        })
      ).body.id as string;
      await call('PATCH', `/users/${id}`, { token: admin, json: { roles: ['read-only'] } });
      const session = (await login('lena')).body;
      expect((await call('GET', '/users', { token: session.access_token })).status).toBe(200);
      const locked = await call('PATCH', `/users/${id}`, { token: admin, json: { locked: true } });
      expect(locked.body.locked).toBe(true);
      expect((await call('GET', '/users', { token: session.access_token })).status).toBe(401);
      expect(
        (await call('POST', '/auth/refresh', { json: { refresh_token: session.refresh_token } }))
          .status,
      ).toBe(401);
      expect((await login('lena')).status).toBe(401);
      const unlocked = await call('POST', `/users/${id}/unlock`, { token: admin });
      expect(unlocked.body).toMatchObject({ locked: false, locked_out_until: null });
      t.clock.advance(1000);
      expect((await login('lena')).status).toBe(200);
    });

    it('shows a lockout after failed logins and clears it on unlock', async () => {
      const id = (
        await call('POST', '/users', {
          token: admin,
          json: { username: 'otto', password: PASSWORD, roles: [] },
        })
      ).body.id as string;
      for (let i = 0; i < 5; i++) await login('otto', 'default', 'wrong-password-123');
      const shown = await call('GET', `/users/${id}`, { token: admin });
      expect(shown.body.locked_out_until).toEqual(expect.any(String));
      expect((await login('otto')).status).toBe(401);
      await call('POST', `/users/${id}/unlock`, { token: admin });
      expect((await login('otto')).status).toBe(200);
    });
  });

  describe('agents and the OAuth2 token endpoint', () => {
    let agent: { id: string; client_id: string; client_secret: string };

    beforeAll(async () => {
      const res = await call('POST', '/agents', {
        token: admin,
        json: {
          name: 'soc-triage-01',
          description: 'triage bot',
          roles: ['read-only', 'soc-analyst'],
        },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
      agent = res.body;
    });

    const token = (form: string, headers: Record<string, string> = {}) =>
      call('POST', '/oauth/token', { form, headers });

    const expectError = (res: Awaited<ReturnType<typeof call>>, status: number, error: string) => {
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error, error_description: expect.any(String) });
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
      if (status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    };

    it('returns the secret once; listings never show it', async () => {
      expect(agent.client_secret).toMatch(/^sac_/);
      const list = await call('GET', '/agents', { token: admin });
      expect(list.body.agents).toHaveLength(1);
      expect(list.text).not.toContain(agent.client_secret);
      const one = await call('GET', `/agents/${agent.id}`, { token: admin });
      expect(one.body).toMatchObject({ client_id: agent.client_id, enabled: true });
      expect(one.text).not.toContain(agent.client_secret);
    });

    it('issues a token for client_secret_basic and client_secret_post', async () => {
      const viaBasic = await token('grant_type=client_credentials', {
        authorization: basic(agent.client_id, agent.client_secret),
      });
      expect(viaBasic.status).toBe(200);
      expect(viaBasic.headers.get('cache-control')).toBe('no-store');
      expect(viaBasic.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 600,
        scope: 'read-only soc-analyst',
      });
      const viaPost = await token(
        new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: agent.client_id,
          client_secret: agent.client_secret,
        }).toString(),
      );
      expect(viaPost.status).toBe(200);
      const users = await call('GET', '/users', { token: viaPost.body.access_token });
      expect(users.status).toBe(200);
      const principal = await t.identity.verifyAccessToken(String(viaPost.body.access_token));
      expect(principal).toMatchObject({ id: agent.id, kind: 'agent', name: 'soc-triage-01' });
    });

    it('narrows the token to the roles named in scope, and refuses others (invalid_scope)', async () => {
      const narrow = await token('grant_type=client_credentials&scope=soc-analyst', {
        authorization: basic(agent.client_id, agent.client_secret),
      });
      expect(narrow.body.scope).toBe('soc-analyst');
      expect((await call('GET', '/users', { token: narrow.body.access_token })).status).toBe(403);
      expectError(
        await token('grant_type=client_credentials&scope=admin', {
          authorization: basic(agent.client_id, agent.client_secret),
        }),
        400,
        'invalid_scope',
      );
    });

    it('answers invalid_client (401 with a challenge) for missing, unknown or wrong credentials', async () => {
      expectError(await token('grant_type=client_credentials'), 401, 'invalid_client');
      expectError(
        await token('grant_type=client_credentials', {
          authorization: basic('agt_unknown', agent.client_secret),
        }),
        401,
        'invalid_client',
      );
      expectError(
        await token(
          `grant_type=client_credentials&client_id=${agent.client_id}&client_secret=sac_wrong`,
        ),
        401,
        'invalid_client',
      );
      expectError(
        await token('grant_type=client_credentials', { authorization: 'Basic %%%' }),
        401,
        'invalid_client',
      );
    });

    it('answers invalid_request for a bad body, a missing grant type, repeats or two auth methods', async () => {
      const json = await call('POST', '/oauth/token', {
        json: { grant_type: 'client_credentials' },
      });
      expectError(json, 400, 'invalid_request');
      expectError(await token('scope=x'), 400, 'invalid_request');
      expectError(
        await token('grant_type=client_credentials&grant_type=client_credentials', {
          authorization: basic(agent.client_id, agent.client_secret),
        }),
        400,
        'invalid_request',
      );
      expectError(
        await token(`grant_type=client_credentials&client_secret=${agent.client_secret}`, {
          authorization: basic(agent.client_id, agent.client_secret),
        }),
        400,
        'invalid_request',
      );
      expectError(await token('grant_type=refresh_token'), 400, 'invalid_request');
    });

    it('answers unsupported_grant_type, and unauthorized_client for an agent refreshing', async () => {
      expectError(
        await token('grant_type=password&username=root&password=x', {
          authorization: basic(agent.client_id, agent.client_secret),
        }),
        400,
        'unsupported_grant_type',
      );
      expectError(
        await token('grant_type=refresh_token&refresh_token=srt_x', {
          authorization: basic(agent.client_id, agent.client_secret),
        }),
        400,
        'unauthorized_client',
      );
      expectError(
        await token('grant_type=refresh_token&refresh_token=srt_x'),
        400,
        'invalid_grant',
      );
    });

    it('rotates the secret with a grace period; the old one works until it ends', async () => {
      const rotated = await call('POST', `/agents/${agent.id}/rotate-secret`, {
        token: admin,
        json: { grace_seconds: 60 },
      });
      expect(rotated.status).toBe(200);
      expect(rotated.body.client_secret).not.toBe(agent.client_secret);
      expect(rotated.body.previous_secret_expires_at).toEqual(expect.any(String));
      const auth = (secret: string) =>
        token('grant_type=client_credentials', { authorization: basic(agent.client_id, secret) });
      expect((await auth(agent.client_secret)).status).toBe(200);
      expect((await auth(String(rotated.body.client_secret))).status).toBe(200);
      t.clock.advance(61_000);
      expectError(await auth(agent.client_secret), 401, 'invalid_client');
      agent = { ...agent, client_secret: rotated.body.client_secret };
    });

    it('keeps another tenant’s agents out of reach (404)', async () => {
      for (const path of ['', '/rotate-secret', '/disable', '/enable']) {
        const res = await call(path === '' ? 'GET' : 'POST', `/agents/${agent.id}${path}`, {
          token: otherAdmin,
        });
        expect(res.status).toBe(404);
      }
      expect((await call('GET', '/agents', { token: otherAdmin })).body.agents).toEqual([]);
    });

    it('disables an agent: no new tokens, and its live tokens are refused at once', async () => {
      const live = (
        await token('grant_type=client_credentials', {
          authorization: basic(agent.client_id, agent.client_secret),
        })
      ).body.access_token as string;
      expect((await call('GET', '/users', { token: live })).status).toBe(200);
      const disabled = await call('POST', `/agents/${agent.id}/disable`, { token: admin });
      expect(disabled.body.enabled).toBe(false);
      expect((await call('GET', '/users', { token: live })).status).toBe(401);
      expectError(
        await token('grant_type=client_credentials', {
          authorization: basic(agent.client_id, agent.client_secret),
        }),
        401,
        'invalid_client',
      );
      await call('POST', `/agents/${agent.id}/enable`, { token: admin });
      t.clock.advance(1000);
      const again = await token('grant_type=client_credentials', {
        authorization: basic(agent.client_id, agent.client_secret),
      });
      expect(again.status).toBe(200);
    });
  });

  describe('JWKS', () => {
    it('publishes the public keys with a cache lifetime, never a private part', async () => {
      const res = await call('GET', '/.well-known/jwks.json');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=300');
      expect(res.body.keys.length).toBeGreaterThanOrEqual(1);
      for (const key of res.body.keys) {
        expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
        expect(key).not.toHaveProperty('d');
      }
    });
  });

  describe('OpenAPI', () => {
    it('describes every identity route in a valid OpenAPI 3.1 document', async () => {
      const oidc = { ...t.identity, oidc: {} as never };
      const routes = identityRoutes(oidc);
      const doc = toOpenApiDocument(routes, { title: 'identity', version: '0' }, {});
      const result = await new Validator().validate(doc);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
      expect(paths['/users']?.get?.['x-permission']).toBe('users:read');
      expect(paths['/agents/{id}/rotate-secret']?.post?.['x-permission']).toBe('agents:write');
      expect(paths['/oauth/token']?.post?.security).toEqual([]);
      expect(Object.keys(paths)).toEqual(
        expect.arrayContaining(['/auth/login', '/auth/oidc/callback', '/.well-known/jwks.json']),
      );
    });
  });
});
