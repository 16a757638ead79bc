import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../clock/index.ts';
import { createIdGenerator } from '../ids/index.ts';
import { DEFAULT_TENANT, holdsPermission, permissionsOf } from '../identity/index.ts';
import type { Principal } from '../identity/index.ts';
import { createSqliteRelationalStore } from '../storage/index.ts';
import type { RelationalStore } from '../storage/index.ts';
import { accessMigrations, createAccessStore, createPrincipalResolver } from './index.ts';
import type { AccessStore } from './index.ts';

const clock = createManualClock(Date.UTC(2026, 5, 1));
let dir: string;
let store: RelationalStore;
let access: AccessStore;

const principal = (id: string, tenantId: string, roles: string[]): Principal => ({
  id,
  name: id,
  kind: 'user',
  tenantId,
  roles,
  permissions: permissionsOf(roles),
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'secops-access-'));
  store = createSqliteRelationalStore({ path: join(dir, 'state.db') });
  await store.migrate(accessMigrations);
  access = createAccessStore({ store, clock, ids: createIdGenerator(clock) });
  await access.ensureDefaultTenant();
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tenants', () => {
  it('are managed from the operator tenant only, and each tenant sees only itself', async () => {
    const operator = principal('op', DEFAULT_TENANT, ['admin']);
    await access.createTenant(operator, 'acme', 'Acme');
    const acmeAdmin = principal('a', 'acme', ['admin']);
    await expect(access.createTenant(acmeAdmin, 'evil', 'Evil')).rejects.toMatchObject({
      code: 'ACCESS_OPERATOR_ONLY',
    });
    expect((await access.listTenants(acmeAdmin)).map((t) => t.id)).toEqual(['acme']);
    expect((await access.listTenants(operator)).map((t) => t.id)).toEqual(['acme', 'default']);
    await expect(access.createTenant(operator, 'acme', 'Again')).rejects.toMatchObject({
      code: 'ACCESS_TENANT_EXISTS',
    });
    await expect(access.createTenant(operator, 'Bad Id', 'x')).rejects.toMatchObject({
      code: 'ACCESS_INVALID',
    });
    await expect(
      access.updateTenant(operator, DEFAULT_TENANT, { disabled: true }),
    ).rejects.toMatchObject({ code: 'ACCESS_OPERATOR_ONLY' });
  });
});

describe('custom roles', () => {
  it('are per tenant, use catalog permissions only, and never shadow a built-in role', async () => {
    await access.createRole('acme', 'triage', 'first look', ['alerts:read', 'events:read']);
    expect((await access.getRole('acme', 'triage')).permissions).toEqual([
      'alerts:read',
      'events:read',
    ]);
    await expect(access.getRole(DEFAULT_TENANT, 'triage')).rejects.toMatchObject({
      code: 'ACCESS_ROLE_NOT_FOUND',
    });
    await expect(
      access.createRole('acme', 'x', '', ['events:read', 'events:destroy']),
    ).rejects.toMatchObject({ code: 'ACCESS_UNKNOWN_PERMISSION' });
    await expect(access.createRole('acme', 'admin', '', ['events:read'])).rejects.toMatchObject({
      code: 'ACCESS_ROLE_BUILT_IN',
    });
    await expect(
      access.updateRole('acme', 'auditor', { permissions: ['secrets:read'] }),
    ).rejects.toMatchObject({ code: 'ACCESS_ROLE_BUILT_IN' });
    const resolve = createPrincipalResolver(access);
    const resolved = await resolve(principal('u1', 'acme', ['triage']));
    expect([...resolved.permissions].sort()).toEqual(['alerts:read', 'events:read']);
  });

  it('accept path-scoped secrets permissions, and refuse malformed or unscopable ones', async () => {
    const scoped = ['secrets:list:soar/**', 'secrets:read:soar/slack/*', 'secrets:write:ci/*'];
    await access.createRole('acme', 'soar-bot', 'reads the SOAR connectors', scoped);
    expect((await access.getRole('acme', 'soar-bot')).permissions).toEqual(scoped);
    for (const bad of [
      'events:read:soar/*',
      'secrets:read:',
      'secrets:read:soar/../prod',
      'secrets:read:soar//x',
      'secrets:read:a/**/b',
      'secrets:read:slack-*',
      'secrets:destroy:soar/*',
    ]) {
      await expect(access.createRole('acme', 'bad-scope', '', [bad])).rejects.toMatchObject({
        code: 'ACCESS_UNKNOWN_PERMISSION',
        issues: [{ path: 'body.permissions', message: `unknown permission ${bad}` }],
      });
    }
    const resolved = await createPrincipalResolver(access)(principal('bot', 'acme', ['soar-bot']));
    expect(resolved.permissions.has('secrets:read')).toBe(false);
    expect(holdsPermission(resolved, 'secrets:read', 'soar/slack/webhook')).toBe(true);
    expect(holdsPermission(resolved, 'secrets:read', 'prod/db')).toBe(false);
  });
});

describe('just-in-time elevation', () => {
  it('grants a role for a limited time once someone else approves, then expires by itself', async () => {
    const resolve = createPrincipalResolver(access);
    const analyst = principal('analyst', DEFAULT_TENANT, ['soc-analyst']);
    const lead = principal('lead', DEFAULT_TENANT, ['admin']);
    const request = await access.requestElevation(
      analyst,
      'ir-responder',
      30,
      'contain host ws-042 during incident 17',
    );
    expect((await resolve(analyst)).permissions.has('runbooks:write')).toBe(false);
    await expect(access.decideElevation(analyst, request.id, true)).rejects.toMatchObject({
      code: 'ACCESS_SELF_APPROVAL',
    });
    const approved = await access.decideElevation(lead, request.id, true);
    expect(approved).toMatchObject({
      status: 'approved',
      decidedBy: 'lead',
      expiresAt: clock.now() + 30 * 60_000,
    });
    const elevated = await resolve(analyst);
    expect(elevated.permissions.has('runbooks:write')).toBe(true);
    expect(elevated.elevated?.has('runbooks:write')).toBe(true);
    expect(elevated.elevated?.has('events:read')).toBe(false);
    await expect(access.decideElevation(lead, request.id, true)).rejects.toMatchObject({
      code: 'ACCESS_ELEVATION_NOT_PENDING',
    });
    clock.advance(30 * 60_000);
    expect((await resolve(analyst)).permissions.has('runbooks:write')).toBe(false);
    expect((await access.getElevation(DEFAULT_TENANT, request.id)).status).toBe('expired');
  });

  it('can be revoked early and denied', async () => {
    const resolve = createPrincipalResolver(access);
    const analyst = principal('analyst2', DEFAULT_TENANT, ['soc-analyst']);
    const lead = principal('lead', DEFAULT_TENANT, ['admin']);
    const a = await access.requestElevation(
      analyst,
      'admin',
      60,
      'rotate the leaked webhook secret',
    );
    await access.decideElevation(lead, a.id, true);
    expect((await resolve(analyst)).permissions.has('secrets:write')).toBe(true);
    await access.revokeElevation(analyst, a.id);
    expect((await resolve(analyst)).permissions.has('secrets:write')).toBe(false);
    const b = await access.requestElevation(analyst, 'admin', 60, 'another reason for elevation');
    expect((await access.decideElevation(lead, b.id, false)).status).toBe('denied');
    expect((await resolve(analyst)).permissions.has('secrets:write')).toBe(false);
    await expect(access.getElevation('acme', a.id)).rejects.toMatchObject({
      code: 'ACCESS_ELEVATION_NOT_FOUND',
    });
  });
});
