import type { Principal } from './api-tokens.ts';
import { isPermission } from './roles.ts';
import type { Permission } from './roles.ts';

/**
 * Permissions a custom role may also grant on part of a resource tree, as
 * `<permission>:<glob>` (`secrets:read:soar/slack/*`). The plain permission covers every path.
 */
export const SCOPABLE_PERMISSIONS: readonly Permission[] = [
  'secrets:list',
  'secrets:read',
  'secrets:write',
];

/** A permission limited to the paths its glob matches. */
export interface ScopedPermission {
  readonly permission: Permission;
  /** Glob segments: a literal segment, `*` (exactly one segment) or a last `**` (one or more). */
  readonly glob: readonly string[];
}

// The secret path rules (platform/secrets/secret-path.ts), restated here: identity cannot
// import secrets (secrets → http → identity would make a cycle).
const SEGMENT = /^[A-Za-z0-9._-]{1,128}$/;
const MAX_GLOB_SEGMENTS = 16;
const MAX_GLOB_LENGTH = 512;

function isGlobSegment(segment: string, last: boolean): boolean {
  if (segment === '*' || (segment === '**' && last)) return true;
  return SEGMENT.test(segment) && segment !== '.' && segment !== '..';
}

/**
 * `secrets:read:soar/*` → `{ permission: 'secrets:read', glob: ['soar', '*'] }`; undefined
 * unless the permission is scopable and the glob is well formed (`**` only last, no partial
 * wildcards such as `slack-*`, no empty, `.` or `..` segments).
 */
export function parseScopedPermission(value: string): ScopedPermission | undefined {
  const first = value.indexOf(':');
  const second = first === -1 ? -1 : value.indexOf(':', first + 1);
  if (second === -1) return undefined;
  const permission = value.slice(0, second);
  const glob = value.slice(second + 1);
  if (!isPermission(permission) || !SCOPABLE_PERMISSIONS.includes(permission)) return undefined;
  if (glob.length === 0 || glob.length > MAX_GLOB_LENGTH) return undefined;
  const segments = glob.split('/');
  if (segments.length > MAX_GLOB_SEGMENTS) return undefined;
  if (!segments.every((s, i) => isGlobSegment(s, i === segments.length - 1))) return undefined;
  return { permission, glob: segments };
}

/** What a custom role may list: a catalog permission, or a well-formed scoped one. */
export function isGrantablePermission(value: string): boolean {
  return isPermission(value) || parseScopedPermission(value) !== undefined;
}

/** Whether `glob` matches the path `segments` (case-sensitive, whole segments). */
function globMatches(glob: readonly string[], segments: readonly string[]): boolean {
  const tail = glob.at(-1) === '**';
  const fixed = tail ? glob.length - 1 : glob.length;
  if (tail ? segments.length <= fixed : segments.length !== fixed) return false;
  for (let i = 0; i < fixed; i++) if (glob[i] !== '*' && glob[i] !== segments[i]) return false;
  return true;
}

/** Whether `glob` matches some path strictly below the folder `segments`. */
function globReachesBelow(glob: readonly string[], segments: readonly string[]): boolean {
  for (let i = 0; i < segments.length; i++) {
    const g = glob[i];
    if (g === undefined) return false;
    if (g === '**') return true;
    if (g !== '*' && g !== segments[i]) return false;
  }
  return glob.length > segments.length;
}

function scopesOf(principal: Pick<Principal, 'permissions'>, permission: string): string[][] {
  const prefix = `${permission}:`;
  const globs: string[][] = [];
  for (const held of principal.permissions) {
    if (!held.startsWith(prefix)) continue;
    const scoped = parseScopedPermission(held);
    if (scoped?.permission === permission) globs.push([...scoped.glob]);
  }
  return globs;
}

const segmentsOf = (path: string): string[] => (path === '' ? [] : path.split('/'));

/**
 * Whether the principal holds `permission`: everywhere (no `resourcePath`), or on
 * `resourcePath` (the plain permission, or a scoped one whose glob matches the path).
 * `resourcePath` must already be a valid path; the check is on whole segments.
 */
export function holdsPermission(
  principal: Pick<Principal, 'permissions'>,
  permission: string,
  resourcePath?: string,
): boolean {
  if (principal.permissions.has(permission)) return true;
  if (resourcePath === undefined) return false;
  const segments = segmentsOf(resourcePath);
  return scopesOf(principal, permission).some((glob) => globMatches(glob, segments));
}

/**
 * Whether the principal holds `permission` on at least one path: the gate of a route whose
 * handler then checks the path with `holdsPermission`.
 */
export function holdsPermissionSomewhere(
  principal: Pick<Principal, 'permissions'>,
  permission: string,
): boolean {
  return principal.permissions.has(permission) || scopesOf(principal, permission).length > 0;
}

/**
 * Whether the principal holds `permission` on some path below `folder` (`''` is the root,
 * `a/b/` a folder): which sub-folders a scoped lister may see.
 */
export function holdsPermissionBelow(
  principal: Pick<Principal, 'permissions'>,
  permission: string,
  folder: string,
): boolean {
  if (principal.permissions.has(permission)) return true;
  const segments = segmentsOf(folder.endsWith('/') ? folder.slice(0, -1) : folder);
  return scopesOf(principal, permission).some((glob) => globReachesBelow(glob, segments));
}

/**
 * Whether holding `granted` is covered by what the principal holds: the same permission, or
 * the plain permission of a scoped one (a broader grant covers any narrower one).
 */
export function coversPermission(
  principal: Pick<Principal, 'permissions'>,
  granted: string,
): boolean {
  if (principal.permissions.has(granted)) return true;
  const scoped = parseScopedPermission(granted);
  return scoped !== undefined && principal.permissions.has(scoped.permission);
}
