import { createHmac, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SignJWT, decodeProtectedHeader } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestIdentity } from './http/identity-test-server.ts';
import type { TestIdentity } from './http/identity-test-server.ts';

const ISS = 'https://secops.test';
const AUD = 'claytom-secops-api';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

const reasonOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: unknown) => {
      const err = e as { code?: string; details?: { reason?: string } };
      expect(err.code).toBe('IDENTITY_UNAUTHENTICATED');
      return err.details?.reason;
    },
  );

describe('access tokens (JWT, ES256)', () => {
  let t: TestIdentity;
  beforeEach(async () => {
    t = await createTestIdentity({
      overrides: {
        customRolesOf: (tenant) =>
          Promise.resolve(new Map(tenant === 'acme' ? [['hunter', ['events:read']]] : [])),
      },
    });
  });
  afterEach(async () => {
    await t.store.close();
  });

  const subject = {
    id: 'u-1',
    kind: 'user' as const,
    name: 'alice',
    tenantId: 'acme',
    roles: ['hunter', 'ci'],
    sessionId: 'fam-1',
  };

  /** Signs arbitrary header and claims with the real current signing key. */
  const sign = async (
    claims: Record<string, unknown>,
    header: Record<string, unknown> = {},
    key?: KeyObject,
  ) => {
    const signer = await t.identity.signingKeys.signer();
    const now = Math.floor(t.clock.now() / 1000);
    return new SignJWT({
      iss: ISS,
      aud: AUD,
      sub: 'u-1',
      iat: now,
      exp: now + 600,
      jti: 'j-forged',
      client_id: 'claytom-secops',
      tenant: 'acme',
      roles: ['admin'],
      kind: 'user',
      name: 'mallory',
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: 'at+jwt', ...header })
      .sign(key ?? signer.privateKey);
  };

  it('issues RFC 9068 tokens and verifies them into a principal', async () => {
    const issued = await t.identity.accessTokens.issue(subject);
    expect(issued.expiresIn).toBe(600);
    const header = decodeProtectedHeader(issued.token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(header.kid).toBe((await t.identity.signingKeys.list())[0]?.kid);
    const claims = JSON.parse(Buffer.from(issued.token.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({
      iss: ISS,
      aud: AUD,
      sub: 'u-1',
      jti: issued.jti,
      tenant: 'acme',
      roles: ['hunter', 'ci'],
      kind: 'user',
      name: 'alice',
      client_id: 'claytom-secops',
      sid: 'fam-1',
    });
    expect(claims.exp - claims.iat).toBe(600);
    const principal = await t.identity.verifyAccessToken(issued.token);
    expect(principal).toMatchObject({ id: 'u-1', kind: 'user', tenantId: 'acme', name: 'alice' });
    expect([...principal.permissions].sort()).toEqual(['events:read', 'signatures:verify']);
  });

  it('accepts a token crafted with the real key and every rule met (control case)', async () => {
    expect(await reasonOf(t.identity.verifyAccessToken(await sign({})))).toBe('accepted');
  });

  it('refuses an expired token (beyond the clock tolerance)', async () => {
    const { token } = await t.identity.accessTokens.issue(subject);
    t.clock.advance(600_000 + 29_000);
    expect(await reasonOf(t.identity.verifyAccessToken(token))).toBe('accepted');
    t.clock.advance(2_000);
    expect(await reasonOf(t.identity.verifyAccessToken(token))).toBe('expired');
  });

  it('refuses a token not valid yet (nbf, or iat in the future)', async () => {
    const now = Math.floor(t.clock.now() / 1000);
    expect(await reasonOf(t.identity.verifyAccessToken(await sign({ nbf: now + 300 })))).toBe(
      'not_yet_valid',
    );
    expect(await reasonOf(t.identity.verifyAccessToken(await sign({ iat: now + 300 })))).toBe(
      'not_yet_valid',
    );
  });

  it('refuses a forged signature: edited claims, or another key under our kid', async () => {
    const { token } = await t.identity.accessTokens.issue(subject);
    const [h, , s] = token.split('.');
    const edited = `${h}.${b64({ ...JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()), roles: ['admin'] })}.${s}`;
    expect(await reasonOf(t.identity.verifyAccessToken(edited))).toBe('bad_signature');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(await reasonOf(t.identity.verifyAccessToken(await sign({}, {}, privateKey)))).toBe(
      'bad_signature',
    );
  });

  it('refuses alg: none', async () => {
    const { kid } = await t.identity.signingKeys.signer();
    const now = Math.floor(t.clock.now() / 1000);
    const payload = { iss: ISS, aud: AUD, sub: 'u-1', iat: now, exp: now + 600, jti: 'x' };
    for (const alg of ['none', 'None', 'NONE']) {
      const unsigned = `${b64({ alg, typ: 'at+jwt', kid })}.${b64(payload)}.`;
      expect(await reasonOf(t.identity.verifyAccessToken(unsigned))).toMatch(
        /alg_not_allowed|malformed/,
      );
    }
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const { kid } = await t.identity.signingKeys.signer();
    const jwk = (await t.identity.signingKeys.jwks()).keys[0]!;
    const now = Math.floor(t.clock.now() / 1000);
    const payload = {
      iss: ISS,
      aud: AUD,
      sub: 'u-1',
      iat: now,
      exp: now + 600,
      jti: 'hs',
      client_id: 'x',
      tenant: 'acme',
      roles: ['admin'],
      kind: 'user',
      name: 'm',
    };
    const { createPublicKey } = await import('node:crypto');
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    for (const secret of [JSON.stringify(jwk), pem, `${jwk.x}${jwk.y}`]) {
      const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid })}.${b64(payload)}`;
      const mac = createHmac('sha256', secret).update(input).digest('base64url');
      expect(await reasonOf(t.identity.verifyAccessToken(`${input}.${mac}`))).toBe(
        'alg_not_allowed',
      );
    }
  });

  it('refuses other ES/RS/PS algorithms', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(
      await reasonOf(t.identity.verifyAccessToken(await sign({}, { alg: 'ES384' }, privateKey))),
    ).toBe('alg_not_allowed');
  });

  it('refuses a wrong audience or issuer', async () => {
    expect(await reasonOf(t.identity.verifyAccessToken(await sign({ aud: 'other-api' })))).toBe(
      'claim_invalid',
    );
    expect(
      await reasonOf(t.identity.verifyAccessToken(await sign({ iss: 'https://evil.test' }))),
    ).toBe('claim_invalid');
    expect(await reasonOf(t.identity.verifyAccessToken(await sign({ iss: `${ISS}/` })))).toBe(
      'claim_invalid',
    );
  });

  it('refuses an unknown or missing kid', async () => {
    expect(await reasonOf(t.identity.verifyAccessToken(await sign({}, { kid: 'nope' })))).toBe(
      'unknown_key',
    );
    expect(await reasonOf(t.identity.verifyAccessToken(await sign({}, { kid: undefined })))).toBe(
      'unknown_key',
    );
  });

  it('requires typ at+jwt', async () => {
    expect(await reasonOf(t.identity.verifyAccessToken(await sign({}, { typ: undefined })))).toBe(
      'claim_invalid',
    );
    expect(await reasonOf(t.identity.verifyAccessToken(await sign({}, { typ: 'JWT' })))).toBe(
      'claim_invalid',
    );
    // RFC 9068 allows the full media type too.
    expect(
      await reasonOf(t.identity.verifyAccessToken(await sign({}, { typ: 'application/at+jwt' }))),
    ).toBe('accepted');
  });

  it('refuses tokens missing the tenant, roles or kind', async () => {
    for (const claim of ['tenant', 'roles', 'kind', 'jti', 'client_id'])
      expect(await reasonOf(t.identity.verifyAccessToken(await sign({ [claim]: undefined })))).toBe(
        'claim_invalid',
      );
  });

  it('refuses a revoked jti, even after the verification was cached', async () => {
    const { token } = await t.identity.accessTokens.issue(subject);
    const verified = await t.identity.accessTokens.verifyClaims(token);
    await t.identity.accessTokens.verifyClaims(token);
    await t.identity.accessTokens.revoke(verified);
    expect(await reasonOf(t.identity.verifyAccessToken(token))).toBe('revoked');
    const other = await t.identity.accessTokens.issue(subject);
    expect(await reasonOf(t.identity.verifyAccessToken(other.token))).toBe('accepted');
  });

  it('refuses every earlier token of a revoked subject (agent disabled, user locked)', async () => {
    const { token } = await t.identity.accessTokens.issue(subject);
    await t.identity.verifyAccessToken(token);
    await t.identity.revocations.revokeSubject('acme', 'u-1');
    expect(await reasonOf(t.identity.verifyAccessToken(token))).toBe('revoked');
    t.clock.advance(1000);
    const later = await t.identity.accessTokens.issue(subject);
    expect(await reasonOf(t.identity.verifyAccessToken(later.token))).toBe('accepted');
  });

  it('refuses garbage', async () => {
    for (const junk of ['', 'a.b.c', 'not-a-jwt', `${b64({ alg: 'ES256' })}.e30.AAAA`])
      expect(await reasonOf(t.identity.verifyAccessToken(junk))).toMatch(
        /malformed|unknown_key|claim_invalid/,
      );
  });
});

describe('signing key rotation', () => {
  let t: TestIdentity;
  beforeEach(async () => {
    t = await createTestIdentity();
  });
  afterEach(async () => {
    await t.store.close();
  });

  it('keeps tokens of the previous key valid until they expire, and the JWKS follows', async () => {
    const subject = {
      id: 'a-1',
      kind: 'agent' as const,
      name: 'bot',
      tenantId: 'default',
      roles: [],
    };
    await t.identity.maintain();
    const [k1] = await t.identity.signingKeys.list();
    const kidOf = (token: string) => decodeProtectedHeader(token).kid;
    const jwksKids = async () => (await t.identity.signingKeys.jwks()).keys.map((k) => k.kid);
    expect(await jwksKids()).toEqual([k1!.kid]);

    // An hour before the end of signing, the successor is published but does not sign yet.
    t.clock.set(k1!.notAfter - 3_600_000);
    expect((await t.identity.maintain()).rotated).toBe(true);
    const [, k2] = await t.identity.signingKeys.list();
    expect(await jwksKids()).toEqual([k1!.kid, k2!.kid]);
    t.clock.set(k1!.notAfter - 60_000);
    const old = await t.identity.accessTokens.issue(subject);
    expect(kidOf(old.token)).toBe(k1!.kid);

    // The successor signs from the end of the first key's period; the old token still verifies.
    t.clock.set(k1!.notAfter + 60_000);
    const fresh = await t.identity.accessTokens.issue(subject);
    expect(kidOf(fresh.token)).toBe(k2!.kid);
    await t.identity.verifyAccessToken(old.token);
    await t.identity.verifyAccessToken(fresh.token);
    expect(await jwksKids()).toEqual([k1!.kid, k2!.kid]);

    // Once every token the first key signed has expired, it leaves the JWKS and is purged.
    t.clock.set(k1!.expiresAt);
    expect(await jwksKids()).toEqual([k2!.kid]);
    expect(await reasonOf(t.identity.verifyAccessToken(old.token))).toMatch(/expired|unknown_key/);
    expect((await t.identity.maintain()).purged).toBeGreaterThanOrEqual(1);
    expect((await t.identity.signingKeys.list()).map((k) => k.kid)).toEqual([k2!.kid]);
    await t.identity.verifyAccessToken(fresh.token);
  });

  it('verifies tokens signed by another process’s newer key (reload on unknown kid)', async () => {
    const a = t.identity;
    const b = (
      await createTestIdentity({
        store: t.store,
        clock: t.clock,
        overrides: { keyEncryptionKey: t.keyEncryptionKey },
      })
    ).identity;
    await a.maintain();
    const [k1] = await a.signingKeys.list();
    t.clock.set(k1!.notAfter + 5_000);
    const token = (
      await b.accessTokens.issue({
        id: 'x',
        kind: 'agent',
        name: 'x',
        tenantId: 'default',
        roles: [],
      })
    ).token;
    expect(decodeProtectedHeader(token).kid).not.toBe(k1!.kid);
    expect((await a.verifyAccessToken(token)).id).toBe('x');
  });
});
