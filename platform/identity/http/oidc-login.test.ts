import { generateKeyPairSync } from 'node:crypto';
import { Provider } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OidcConfig } from '../oidc-login.ts';
import { createIdentityApp, createTestIdentity, listenOnLoopback } from './identity-test-server.ts';
import type { LoopbackServer, TestIdentity } from './identity-test-server.ts';

const CLIENT_ID = 'claytom-secops';
const CLIENT_SECRET = 'a-test-client-secret-of-sufficient-length-0123456789';

/** The provider's people: account id → claims. */
const ACCOUNTS: Record<string, Record<string, unknown>> = {
  alice: {
    name: 'Alice Analyst',
    preferred_username: 'alice',
    email: 'alice@example.test',
    groups: ['secops-analysts', 'everyone'],
  },
  bob: { name: 'Bob', preferred_username: 'bob', groups: ['everyone'] },
};

/** A tiny cookie jar: enough for the provider's interaction cookies and our binding cookie. */
function createJar() {
  const cookies = new Map<string, string>();
  return {
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    store(res: Response) {
      for (const line of res.headers.getSetCookie()) {
        const [pair = '', ...attrs] = line.split(';');
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        const expired = attrs.some(
          (a) => /^\s*max-age=0/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a),
        );
        if (expired || value === '') cookies.delete(name);
        else cookies.set(name, value);
      }
    },
    get: (name: string) => cookies.get(name),
    delete: (name: string) => cookies.delete(name),
  };
}

type Jar = ReturnType<typeof createJar>;

async function request(jar: Jar, url: string, init: RequestInit = {}) {
  const res = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
  });
  jar.store(res);
  return res;
}

/**
 * Signs `account` in at the provider for real: follows the redirects, fills the login form,
 * confirms consent, and stops at the redirect back to our callback, which it returns.
 */
async function signInAtProvider(jar: Jar, authorizationUrl: string, account: string) {
  let url = authorizationUrl;
  for (let step = 0; step < 20; step++) {
    const res = await request(jar, url);
    const location = res.headers.get('location');
    if (location !== null) {
      const next = new URL(location, url).href;
      if (next.includes('/auth/oidc/callback')) return next;
      url = next;
      continue;
    }
    const html = await res.text();
    expect(res.status, html).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    expect(action).toBeDefined();
    const form = new URLSearchParams({ prompt: prompt ?? '' });
    if (prompt === 'login') {
      form.set('login', account);
      form.set('password', 'any password: devInteractions checks none');
    }
    const posted = await request(jar, new URL(action!, url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const after = posted.headers.get('location');
    expect(after, await posted.text()).not.toBeNull();
    url = new URL(after!, url).href;
  }
  throw new Error('the provider flow did not come back to the callback');
}

describe('OIDC single sign-on against a real OpenID provider (oidc-provider)', () => {
  let idp: LoopbackServer;
  const apps: { server: LoopbackServer; t: TestIdentity }[] = [];

  /** Our platform, with OIDC configured against the provider, on its own loopback port. */
  const startPlatform = async (oidc: Partial<OidcConfig>) => {
    const server = await listenOnLoopback();
    const t = await createTestIdentity({
      overrides: {
        oidc: {
          issuer: idp.url,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          redirectUri: `${server.url}/auth/oidc/callback`,
          scopes: ['openid', 'profile', 'email', 'groups'],
          groupsClaim: 'groups',
          groupRoles: { 'secops-analysts': ['soc-analyst'] },
          defaultRoles: ['read-only'],
          allowInsecureLoopback: true,
          ...oidc,
        },
      },
    });
    server.handle(createIdentityApp(t));
    apps.push({ server, t });
    return { server, t };
  };

  let auto: { server: LoopbackServer; t: TestIdentity };
  let manual: { server: LoopbackServer; t: TestIdentity };
  const redirectUris: string[] = [];

  beforeAll(async () => {
    idp = await listenOnLoopback();
    auto = await startPlatform({ autoProvision: true });
    manual = await startPlatform({ autoProvision: false });
    redirectUris.push(
      `${auto.server.url}/auth/oidc/callback`,
      `${manual.server.url}/auth/oidc/callback`,
    );
    const provider = new Provider(idp.url, {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: redirectUris,
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      claims: {
        openid: ['sub'],
        profile: ['name', 'preferred_username'],
        email: ['email'],
        groups: ['groups'],
      },
      findAccount: (_ctx, id) => {
        const claims = ACCOUNTS[id];
        if (!claims) return undefined;
        return { accountId: id, claims: () => ({ sub: id, ...claims }) };
      },
      features: { devInteractions: { enabled: true } },
      pkce: { required: () => true },
      cookies: { keys: ['an-oidc-provider-cookie-signing-key-for-tests'] },
      jwks: {
        keys: [
          generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
            format: 'jwk',
          }),
        ],
      },
      ttl: { AccessToken: 600, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    });
    const callback = provider.callback();
    idp.handle((req, res) => {
      void callback(req, res);
    });
  });

  afterAll(async () => {
    for (const { server, t } of apps) {
      await server.close();
      await t.store.close();
    }
    await idp.close();
  });

  /** Starts at our login route and returns the callback response. */
  const signIn = async (
    platform: { server: LoopbackServer },
    account: string,
    options: { dropBinding?: boolean } = {},
  ) => {
    const jar = createJar();
    const start = await request(jar, `${platform.server.url}/auth/oidc/login`);
    expect(start.status).toBe(302);
    const authorizationUrl = new URL(start.headers.get('location')!);
    expect(authorizationUrl.origin).toBe(idp.url);
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
    for (const p of ['state', 'nonce', 'code_challenge'])
      expect(authorizationUrl.searchParams.get(p)).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(jar.get('secops_oidc')).toBeDefined();
    const callback = await signInAtProvider(jar, authorizationUrl.href, account);
    if (options.dropBinding === true) jar.delete('secops_oidc');
    const res = await request(jar, callback);
    return { res, body: (await res.json()) as Record<string, unknown>, callback, jar };
  };

  it('signs a new person in end to end, provisions the account and maps groups to roles', async () => {
    const { res, body } = await signIn(auto, 'alice');
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 600,
      refresh_token: expect.stringMatching(/^srt_/),
    });
    const principal = await auto.t.identity.verifyAccessToken(body.access_token as string);
    expect(principal).toMatchObject({ kind: 'user', name: 'alice', roles: ['soc-analyst'] });
    const user = await auto.t.identity.users.get('default', principal.id);
    expect(user).toMatchObject({
      username: 'alice',
      displayName: 'Alice Analyst',
      hasPassword: false,
      oidc: { issuer: idp.url, subject: 'alice' },
    });
    expect(auto.t.events.at(-1)).toMatchObject({ type: 'login.succeeded', method: 'oidc' });

    // The session refreshes like any other.
    const refreshed = await auto.t.identity.sessions.refresh(body.refresh_token as string);
    expect(refreshed.refresh_token).not.toBe(body.refresh_token);

    // A second sign-in finds the same account.
    const again = await signIn(auto, 'alice');
    const second = await auto.t.identity.verifyAccessToken(again.body.access_token as string);
    expect(second.id).toBe(principal.id);
  });

  it('gives the default roles when no group maps', async () => {
    const { body } = await signIn(auto, 'bob');
    const principal = await auto.t.identity.verifyAccessToken(body.access_token as string);
    expect(principal.roles).toEqual(['read-only']);
  });

  it('refuses a callback without the browser binding, and a replayed callback', async () => {
    const unbound = await signIn(auto, 'alice', { dropBinding: true });
    expect(unbound.res.status).toBe(401);
    expect(unbound.body.code).toBe('IDENTITY_OIDC_FAILED');

    const ok = await signIn(auto, 'alice');
    expect(ok.res.status).toBe(200);
    const replay = await request(ok.jar, ok.callback);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { code: string }).code).toBe('IDENTITY_OIDC_FAILED');
  });

  it('refuses a forged authorization code', async () => {
    const jar = createJar();
    const start = await request(jar, `${auto.server.url}/auth/oidc/login`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const forged = new URL(`${auto.server.url}/auth/oidc/callback`);
    forged.search = new URLSearchParams({ code: 'forged-code', state, iss: idp.url }).toString();
    const res = await request(jar, forged.href);
    const body = (await res.json()) as { code: string };
    expect(res.status).toBe(401);
    expect(body.code).toBe('IDENTITY_OIDC_FAILED');
    expect(JSON.stringify(body)).not.toContain(CLIENT_SECRET);
  });

  it('without auto-provisioning, signs in only accounts an administrator linked', async () => {
    const refused = await signIn(manual, 'alice');
    expect(refused.res.status).toBe(403);
    expect(refused.body.code).toBe('IDENTITY_NOT_PROVISIONED');
    expect(manual.t.events.at(-1)).toMatchObject({
      type: 'login.failed',
      reason: 'not_provisioned',
    });

    const linked = await manual.t.identity.users.create('default', {
      username: 'alice.a',
      roles: [],
      oidc: { issuer: idp.url, subject: 'alice' },
    });
    const { res, body } = await signIn(manual, 'alice');
    expect(res.status).toBe(200);
    const principal = await manual.t.identity.verifyAccessToken(body.access_token as string);
    expect(principal).toMatchObject({ id: linked.id, roles: ['soc-analyst'] });

    await manual.t.identity.users.update('default', linked.id, { locked: true });
    expect((await signIn(manual, 'alice')).res.status).toBe(401);
  });
});
