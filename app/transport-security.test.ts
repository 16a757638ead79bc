import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki } from '../test/support/certificates.ts';
import { startTestApp } from '../test/support/app.ts';
import type { TestApp } from '../test/support/app.ts';

describe('rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      'rateLimit.perAddress': 6,
      'rateLimit.perPrincipal': 4,
      'rateLimit.windowSeconds': 60,
    });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('limits each principal and answers 429 with RateLimit and Retry-After headers', async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await fetch(`${t.url}/events/count`, {
        headers: { authorization: `Bearer ${t.adminToken}` },
      });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect(last?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(last?.headers.get('ratelimit')).toContain('"principal";r=0;t=');
    expect(last?.headers.get('ratelimit-policy')).toContain('"principal";q=4;w=60');
    expect(await last?.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
  });

  it('limits each address, before authentication (guessing credentials counts)', async () => {
    let status = 0;
    for (let i = 0; i < 4; i++)
      status = (
        await fetch(`${t.url}/events/count`, { headers: { authorization: 'Bearer sat_wrong' } })
      ).status;
    expect(status).toBe(429);
    expect((await fetch(`${t.url}/health`)).status).toBe(429);
    const metrics = await fetch(`${t.url}/metrics`);
    expect(metrics.status).toBe(429);
  });

  it('leaves ingest to its own backpressure', async () => {
    const res = await fetch(`${t.url}/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.ingestToken}` },
      body: '{"message":"not rate limited"}',
    });
    expect(res.status).toBe(200);
  });
});

describe('security headers', () => {
  it('sends HSTS, a strict content security policy and nosniff', async () => {
    const t = await startTestApp();
    try {
      const res = await fetch(`${t.url}/health`);
      expect(res.headers.get('strict-transport-security')).toBe(
        'max-age=31536000; includeSubDomains',
      );
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-powered-by')).toBeNull();
    } finally {
      await t.stop();
    }
  });
});

describe('TLS 1.3 and mTLS with SPIFFE IDs', () => {
  const allowed = 'spiffe://ci.example.org/ns/build/sa/gate';
  let dir: string;
  let t: TestApp;
  let pki: Awaited<ReturnType<typeof createTestPki>>;
  beforeAll(async () => {
    pki = await createTestPki();
    dir = mkdtempSync(join(tmpdir(), 'secops-tls-'));
    writeFileSync(join(dir, 'ca.pem'), pki.ca);
    writeFileSync(join(dir, 'server.pem'), pki.server.cert);
    writeFileSync(join(dir, 'server.key'), pki.server.key);
    t = await startTestApp({
      'server.tls.certFile': join(dir, 'server.pem'),
      'server.tls.keyFile': join(dir, 'server.key'),
      'server.tls.caFile': join(dir, 'ca.pem'),
      'server.tls.clientCertificates': 'require',
      'server.tls.spiffeIds': [allowed],
    });
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (connect: Record<string, unknown>) => {
    const dispatcher = new Agent({ connect: { ca: pki.ca, ...connect } });
    try {
      const res = await undiciFetch(`${t.url}/health`, { dispatcher });
      return res.status;
    } finally {
      await dispatcher.close();
    }
  };

  it('serves HTTPS to a client with an allowed SPIFFE ID', async () => {
    expect(t.url.startsWith('https://')).toBe(true);
    const client = await pki.client(allowed, '10');
    expect(await get({ cert: client.cert, key: client.key })).toBe(200);
  });

  it('refuses a certificate from the CA with another SPIFFE ID (403)', async () => {
    const other = await pki.client('spiffe://ci.example.org/ns/build/sa/intruder', '11');
    expect(await get({ cert: other.cert, key: other.key })).toBe(403);
  });

  it('refuses a client without a certificate, and any TLS below 1.3, at the handshake', async () => {
    await expect(get({})).rejects.toThrow();
    const client = await pki.client(allowed, '12');
    await expect(
      get({ cert: client.cert, key: client.key, maxVersion: 'TLSv1.2' }),
    ).rejects.toThrow();
  });
});
