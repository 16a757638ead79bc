import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../test/support/app.ts';
import type { TestApp } from '../test/support/app.ts';

let t: TestApp;
let analyst: string;
beforeAll(async () => {
  t = await startTestApp();
  analyst = (await t.app.tokens.create('analyst', 'soc-analyst')).token;
});
afterAll(async () => {
  await t.stop();
});

async function call(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> & {
      errors?: { path: string }[];
    },
  };
}

describe('RBAC over HTTP', () => {
  it('lists built-in roles and creates custom ones from catalog permissions only', async () => {
    const roles = await call(t.adminToken, 'GET', '/rbac/roles');
    expect((roles.body.roles as { name: string }[]).map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'admin',
        'soc-analyst',
        'ir-responder',
        'grc-agent',
        'auditor',
        'ci',
      ]),
    );
    const created = await call(t.adminToken, 'POST', '/rbac/roles', {
      name: 'triage-lead',
      description: 'leads triage',
      permissions: ['alerts:read', 'alerts:write', 'events:read'],
    });
    expect(created.status).toBe(201);
    const unknown = await call(t.adminToken, 'POST', '/rbac/roles', {
      name: 'bad',
      permissions: ['events:read', 'events:obliterate'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('ACCESS_UNKNOWN_PERMISSION');
    const massAssignment = await call(t.adminToken, 'POST', '/rbac/roles', {
      name: 'x-role',
      permissions: ['events:read'],
      built_in: true,
    });
    expect(massAssignment.status).toBe(400);
    expect(massAssignment.body.errors?.map((e) => e.path)).toEqual(['body.built_in']);
    expect(
      (await call(t.adminToken, 'PATCH', '/rbac/roles/admin', { permissions: ['events:read'] }))
        .status,
    ).toBe(409);
  });

  it('refuses a missing permission with 403 problem+json and counts it', async () => {
    const res = await call(analyst, 'GET', '/rbac/roles');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'IDENTITY_FORBIDDEN', status: 403 });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/secops_http_access_denied_total\{permission="rbac:read"\} [1-9]/);
    expect((await call('sat_nope', 'GET', '/rbac/roles')).status).toBe(401);
  });
});

describe('just-in-time elevation over HTTP', () => {
  it('lets an approver grant a role for minutes, after which the permission works', async () => {
    const request = await call(analyst, 'POST', '/elevations', {
      role: 'read-only',
      minutes: 5,
      reason: 'review role bindings for audit',
    });
    expect(request.status).toBe(201);
    const id = request.body.id as string;
    expect((await call(analyst, 'POST', `/elevations/${id}/approve`)).status).toBe(403);
    expect((await call(analyst, 'GET', '/rbac/roles')).status).toBe(403);
    const approved = await call(t.adminToken, 'POST', `/elevations/${id}/approve`);
    expect(approved.body).toMatchObject({ status: 'approved', minutes: 5 });
    expect((await call(analyst, 'GET', '/rbac/roles')).status).toBe(200);
    const mine = await call(analyst, 'GET', '/elevations');
    expect((mine.body.elevations as { id: string }[]).map((e) => e.id)).toEqual([id]);
    expect((await call(analyst, 'GET', `/elevations/${id}`)).body).toMatchObject({ id });
    expect((await call(t.adminToken, 'GET', `/elevations/${id}`)).status).toBe(200);
    const other = (await t.app.tokens.create('other-analyst', 'soc-analyst')).token;
    expect((await call(other, 'GET', `/elevations/${id}`)).status).toBe(404);
    // Using the granted permission is audited, once per request.
    const uses = await t.app.audit.list({ action: 'access.elevation.use', limit: 10 });
    expect(uses.records).toMatchObject([
      { outcome: 'success', details: { permission: 'rbac:read' }, resource: { type: 'route' } },
    ]);
    expect((await call(analyst, 'POST', `/elevations/${id}/revoke`)).body).toMatchObject({
      status: 'revoked',
    });
  });

  it('refuses an elevation with a reason too short, listing the field', async () => {
    const res = await call(analyst, 'POST', '/elevations', {
      role: 'admin',
      minutes: 5,
      reason: 'pls',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path)).toEqual(['body.reason']);
  });
});
