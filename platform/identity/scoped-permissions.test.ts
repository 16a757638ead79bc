import { describe, expect, it } from 'vitest';
import type { Principal } from './api-tokens.ts';
import { assertMayGrant } from './role-grants.ts';
import { BUILT_IN_ROLES, permissionsOf } from './roles.ts';
import {
  coversPermission,
  holdsPermission,
  holdsPermissionBelow,
  holdsPermissionSomewhere,
  isGrantablePermission,
  parseScopedPermission,
} from './scoped-permissions.ts';

const holder = (...permissions: string[]) => ({ permissions: new Set(permissions) });

describe('parseScopedPermission', () => {
  it('splits a scopable permission from its glob', () => {
    expect(parseScopedPermission('secrets:read:soar/slack/*')).toEqual({
      permission: 'secrets:read',
      glob: ['soar', 'slack', '*'],
    });
    expect(parseScopedPermission('secrets:write:ci/**')?.glob).toEqual(['ci', '**']);
    expect(parseScopedPermission('secrets:list:*')?.glob).toEqual(['*']);
  });

  it.each([
    'secrets:read',
    'secrets:read:',
    'events:read:soar/*',
    'secrets:destroy:soar/*',
    'secrets:read:/soar',
    'secrets:read:soar/',
    'secrets:read:soar//x',
    'secrets:read:soar/./x',
    'secrets:read:soar/../prod',
    'secrets:read:**/x',
    'secrets:read:a/**/b',
    'secrets:read:slack-*',
    'secrets:read:a:b',
    'secrets:read:a b',
    `secrets:read:${'a/'.repeat(16)}b`,
    `secrets:read:${'x'.repeat(129)}`,
  ])('refuses %s', (value) => {
    expect(parseScopedPermission(value)).toBeUndefined();
  });

  it('makes a custom role accept catalog permissions and well-formed scoped ones only', () => {
    expect(isGrantablePermission('secrets:read')).toBe(true);
    expect(isGrantablePermission('secrets:read:soar/*')).toBe(true);
    expect(isGrantablePermission('events:read:soar/*')).toBe(false);
    expect(isGrantablePermission('events:obliterate')).toBe(false);
  });
});

describe('holdsPermission', () => {
  it('lets the plain permission cover every path', () => {
    const p = holder('secrets:read');
    expect(holdsPermission(p, 'secrets:read')).toBe(true);
    expect(holdsPermission(p, 'secrets:read', 'prod/db')).toBe(true);
    expect(holdsPermission(p, 'secrets:write', 'prod/db')).toBe(false);
  });

  it('matches * against exactly one whole segment', () => {
    const p = holder('secrets:read:soar/*');
    expect(holdsPermission(p, 'secrets:read', 'soar/x')).toBe(true);
    expect(holdsPermission(p, 'secrets:read', 'soar')).toBe(false);
    expect(holdsPermission(p, 'secrets:read', 'soar/x/y')).toBe(false);
    expect(holdsPermission(p, 'secrets:read', 'prod/db')).toBe(false);
    expect(holdsPermission(p, 'secrets:read', 'soarx/y')).toBe(false);
    expect(holdsPermission(p, 'secrets:read', 'SOAR/x')).toBe(false);
    // A scoped grant is never the plain permission, nor another action.
    expect(holdsPermission(p, 'secrets:read')).toBe(false);
    expect(holdsPermission(p, 'secrets:write', 'soar/x')).toBe(false);
    expect(holdsPermission(p, 'secrets:list', 'soar/x')).toBe(false);
  });

  it('matches a last ** against one or more trailing segments', () => {
    const p = holder('secrets:read:soar/**', 'secrets:read:*/shared/token');
    expect(holdsPermission(p, 'secrets:read', 'soar/x')).toBe(true);
    expect(holdsPermission(p, 'secrets:read', 'soar/x/y/z')).toBe(true);
    expect(holdsPermission(p, 'secrets:read', 'soar')).toBe(false);
    expect(holdsPermission(p, 'secrets:read', 'team-a/shared/token')).toBe(true);
    expect(holdsPermission(p, 'secrets:read', 'team-a/shared/other')).toBe(false);
  });

  it('ignores malformed scoped strings a principal might carry', () => {
    const p = holder('secrets:read:a/**/b', 'secrets:read:', 'secrets:readx:a');
    expect(holdsPermission(p, 'secrets:read', 'a/x/b')).toBe(false);
    expect(holdsPermissionSomewhere(p, 'secrets:read')).toBe(false);
  });

  it('tells a route gate whether the permission is held on some path', () => {
    expect(holdsPermissionSomewhere(holder('secrets:read'), 'secrets:read')).toBe(true);
    expect(holdsPermissionSomewhere(holder('secrets:read:soar/*'), 'secrets:read')).toBe(true);
    expect(holdsPermissionSomewhere(holder('secrets:list:soar/*'), 'secrets:read')).toBe(false);
  });

  it('tells a lister which folders lead to a path the glob matches', () => {
    const p = holder('secrets:list:soar/slack/*', 'secrets:list:ci/**');
    expect(holdsPermissionBelow(p, 'secrets:list', '')).toBe(true);
    expect(holdsPermissionBelow(p, 'secrets:list', 'soar/')).toBe(true);
    expect(holdsPermissionBelow(p, 'secrets:list', 'soar/slack/')).toBe(true);
    expect(holdsPermissionBelow(p, 'secrets:list', 'soar/slack/x/')).toBe(false);
    expect(holdsPermissionBelow(p, 'secrets:list', 'soar/jira/')).toBe(false);
    expect(holdsPermissionBelow(p, 'secrets:list', 'ci/a/b/c/')).toBe(true);
    expect(holdsPermissionBelow(p, 'secrets:list', 'prod/')).toBe(false);
    expect(holdsPermissionBelow(holder('secrets:list'), 'secrets:list', 'prod/')).toBe(true);
  });
});

describe('granting scoped permissions', () => {
  const admin: Principal = {
    id: 'a',
    name: 'a',
    kind: 'user',
    tenantId: 'acme',
    roles: ['admin'],
    permissions: permissionsOf(['admin']),
  };
  const custom = new Map([
    ['soar-reader', ['secrets:read:soar/*']],
    ['all-reader', ['secrets:read']],
  ]);
  const customRolesOf = () => Promise.resolve(custom);

  it('lets the plain permission cover its scoped forms, never the reverse', async () => {
    expect(coversPermission(admin, 'secrets:read:soar/*')).toBe(true);
    await expect(assertMayGrant(customRolesOf, admin, ['soar-reader'])).resolves.toBeUndefined();
    const scoped: Principal = {
      ...admin,
      roles: ['soar-reader'],
      permissions: permissionsOf(['soar-reader', 'rbac:write'], custom),
    };
    expect(coversPermission(scoped, 'secrets:read')).toBe(false);
    await expect(assertMayGrant(customRolesOf, scoped, ['all-reader'])).rejects.toMatchObject({
      code: 'IDENTITY_FORBIDDEN',
    });
  });
});

describe('built-in roles', () => {
  it('keep secret values out of read-only', () => {
    const readOnly = BUILT_IN_ROLES['read-only']?.permissions ?? [];
    expect(readOnly).toContain('events:read');
    expect(readOnly).not.toContain('secrets:read');
  });
});
