import { SecretsError } from './secrets-errors.ts';

/** Longest accepted secret path, in characters. */
export const MAX_SECRET_PATH_LENGTH = 512;
/** Longest accepted path segment or tenant id. */
export const MAX_SEGMENT_LENGTH = 128;
/** Deepest accepted path. */
export const MAX_PATH_SEGMENTS = 16;

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * Why a single segment is unacceptable, or undefined when it is fine. The messages never echo
 * the input: a caller may have put something sensitive in the wrong argument.
 */
function segmentProblem(segment: string): string | undefined {
  if (segment === '') return 'is empty';
  if (segment === '.' || segment === '..') return 'is a dot segment';
  if (segment.length > MAX_SEGMENT_LENGTH) return `is longer than ${MAX_SEGMENT_LENGTH} characters`;
  if (!SEGMENT.test(segment)) return 'has a character outside A-Z a-z 0-9 . _ -';
  return undefined;
}

function invalid(field: string, message: string): SecretsError {
  return new SecretsError('SECRET_PATH_INVALID', `invalid ${field}: ${message}`, {
    issues: [{ path: field, message }],
  });
}

/** Throws `SECRET_PATH_INVALID` unless `tenantId` is one safe segment. */
export function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string') throw invalid('tenantId', 'is not a string');
  const problem = segmentProblem(tenantId);
  if (problem !== undefined) throw invalid('tenantId', problem);
}

function checkSegments(field: string, text: string): void {
  if (text.length > MAX_SECRET_PATH_LENGTH)
    throw invalid(field, `is longer than ${MAX_SECRET_PATH_LENGTH} characters`);
  const segments = text.split('/');
  if (segments.length > MAX_PATH_SEGMENTS)
    throw invalid(field, `has more than ${MAX_PATH_SEGMENTS} segments`);
  segments.forEach((segment, i) => {
    const problem = segmentProblem(segment);
    if (problem !== undefined) throw invalid(field, `segment ${i + 1} ${problem}`);
  });
}

/**
 * Throws `SECRET_PATH_INVALID` unless `path` is a secret path: 1 to 16 non-empty segments of
 * `[A-Za-z0-9._-]` (no `.` or `..`), joined by single `/`, no leading or trailing `/`, at most
 * 512 characters.
 */
export function assertSecretPath(path: unknown): asserts path is string {
  if (typeof path !== 'string') throw invalid('path', 'is not a string');
  if (path === '') throw invalid('path', 'is empty');
  checkSegments('path', path);
}

/**
 * Normalises a list prefix to a folder: `''` (the root) or `a/b/`. A trailing `/` is optional
 * on input; otherwise the rules of `assertSecretPath` apply.
 */
export function toFolder(prefix: unknown): string {
  if (typeof prefix !== 'string') throw invalid('prefix', 'is not a string');
  if (prefix === '' || prefix === '/') return '';
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (trimmed === '') throw invalid('prefix', 'is empty');
  checkSegments('prefix', trimmed);
  return `${trimmed}/`;
}

/**
 * The direct children of `folder` among `paths`, as Vault KV v2 LIST answers: secret names,
 * and sub-folders with a trailing `/`, deduplicated and sorted by UTF-16 code units.
 */
export function folderChildren(paths: Iterable<string>, folder: string): string[] {
  const children = new Set<string>();
  for (const path of paths) {
    if (!path.startsWith(folder)) continue;
    const rest = path.slice(folder.length);
    if (rest === '') continue;
    const slash = rest.indexOf('/');
    children.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  }
  return [...children].sort(compareCodeUnits);
}

/** Plain code-unit order, the same in every locale. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
