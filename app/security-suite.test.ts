import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES } from '../platform/identity/index.ts';
import { startTestApp } from '../test/support/app.ts';
import type { TestApp } from '../test/support/app.ts';

/**
 * Table-driven checks over every declared route (OWASP API Security Top 10, 2023: API1 broken
 * object level authorisation, API2 broken authentication, API3 broken object property level
 * authorisation / mass assignment, API4 unrestricted resource consumption, API5 broken function
 * level authorisation, API8 misconfiguration).
 */
interface Operation {
  method: string;
  path: string;
  permission?: string;
  hasBody: boolean;
}

let t: TestApp;
let operations: Operation[];
const tokenOf = new Map<string, string>();

beforeAll(async () => {
  t = await startTestApp({
    'rateLimit.perAddress': 1_000_000,
    'rateLimit.perPrincipal': 1_000_000,
  });
  const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { 'x-permission'?: string; requestBody?: unknown }>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method,
      path,
      ...(op['x-permission'] ? { permission: op['x-permission'] } : {}),
      hasBody: op.requestBody !== undefined,
    })),
  );
  for (const role of Object.keys(BUILT_IN_ROLES))
    tokenOf.set(role, (await t.app.tokens.create(`matrix-${role}`, role)).token);
});
afterAll(async () => {
  await t.stop();
});

/** A concrete URL for an OpenAPI path: every parameter filled with a harmless dummy. */
const urlOf = (path: string) => `${t.url}${path.replaceAll(/\{[^}]+\}/g, 'matrix-dummy')}`;

describe('function-level authorisation: every route × every built-in role', () => {
  it('allows a route exactly to the roles holding its declared permission', async () => {
    const protectedOps = operations.filter((o) => o.permission !== undefined);
    expect(protectedOps.length).toBeGreaterThan(15);
    const wrong: string[] = [];
    for (const [role, definition] of Object.entries(BUILT_IN_ROLES)) {
      const token = tokenOf.get(role) ?? '';
      for (const op of protectedOps) {
        const res = await fetch(urlOf(op.path), {
          method: op.method.toUpperCase(),
          headers: { authorization: `Bearer ${token}` },
        });
        await res.arrayBuffer();
        const allowed = definition.permissions.includes(op.permission as never);
        const refused = res.status === 401 || res.status === 403;
        if (allowed === refused)
          wrong.push(
            `${role} ${op.method.toUpperCase()} ${op.path}: ${String(res.status)} (permission ${op.permission ?? ''})`,
          );
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses every protected route without credentials, with a bad token, and with an ingest token', async () => {
    const wrong: string[] = [];
    for (const op of operations.filter((o) => o.permission !== undefined)) {
      for (const authorization of [
        undefined,
        'Bearer sat_forged',
        `Bearer ${t.ingestToken}`,
        'Basic YWRtaW46YWRtaW4=',
      ]) {
        const res = await fetch(urlOf(op.path), {
          method: op.method.toUpperCase(),
          headers: authorization ? { authorization } : {},
        });
        await res.arrayBuffer();
        if (res.status !== 401)
          wrong.push(
            `${op.method.toUpperCase()} ${op.path} with ${authorization ?? 'nothing'}: ${String(res.status)}`,
          );
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('resource consumption', () => {
  it('refuses an oversized JSON body with 413 before any work', async () => {
    const res = await fetch(`${t.url}/rbac/roles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'big',
        permissions: ['events:read'],
        description: 'x'.repeat(2 * 1024 * 1024),
      }),
    });
    expect(res.status).toBe(413);
  });

  it('answers malformed JSON with 400 and never quotes the body back', async () => {
    const res = await fetch(`${t.url}/rbac/roles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
      body: '{"name":"x","password":hunter2-canary}',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('hunter2-canary');
  });

  it('refuses a JSON route body sent as another media type with 415', async () => {
    const res = await fetch(`${t.url}/rbac/roles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'text/plain' },
      body: 'name=x',
    });
    expect(res.status).toBe(415);
  });
});

describe('property-based fuzzing of every write route', () => {
  it('answers random JSON bodies with a client error or success, never a server error', async () => {
    const writes = operations.filter((o) => o.hasBody && o.permission !== undefined);
    expect(writes.length).toBeGreaterThan(3);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...writes),
        fc.jsonValue({ maxDepth: 3 }),
        async (op, body) => {
          const res = await fetch(urlOf(op.path), {
            method: op.method.toUpperCase(),
            headers: {
              authorization: `Bearer ${t.adminToken}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify(body),
          });
          const text = await res.text();
          if (res.status >= 500)
            throw new Error(
              `${op.method.toUpperCase()} ${op.path} with ${JSON.stringify(body).slice(0, 200)} → ${String(res.status)} ${text}`,
            );
          if (res.status >= 400)
            expect(res.headers.get('content-type')).toContain('application/problem+json');
        },
      ),
      { numRuns: 300 },
    );
  });
});
