import { describe, expect, it } from 'vitest';
import { assertSecretPath, assertTenantId, folderChildren, toFolder } from './secret-path.ts';
import { SecretsError } from './secrets-errors.ts';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return err instanceof SecretsError ? err.code : 'other';
  }
};

describe('secret paths', () => {
  it('accepts safe paths and rejects everything else', () => {
    for (const ok of ['a', 'a/b', 'A-9_.x/y', '...', 'a.b/c..d', 's/'.repeat(15) + 's'])
      expect(codeOf(() => assertSecretPath(ok))).toBe('ok');
    for (const bad of ['', '/', '/a', 'a/', 'a//b', '.', '..', 'a/./b', 'a/..', 'é', 'a b', 'a%2f'])
      expect(codeOf(() => assertSecretPath(bad))).toBe('SECRET_PATH_INVALID');
    expect(codeOf(() => assertSecretPath('s/'.repeat(16) + 's'))).toBe('SECRET_PATH_INVALID');
    expect(codeOf(() => assertSecretPath('x'.repeat(129)))).toBe('SECRET_PATH_INVALID');
    expect(codeOf(() => assertSecretPath(42))).toBe('SECRET_PATH_INVALID');
  });

  it('takes a tenant id as a single segment', () => {
    expect(codeOf(() => assertTenantId('acme-01'))).toBe('ok');
    for (const bad of ['', 'a/b', '..', ' x', undefined])
      expect(codeOf(() => assertTenantId(bad))).toBe('SECRET_PATH_INVALID');
  });

  it('never echoes the rejected input', () => {
    const input = 'sk_live_looks-like-a-secret value';
    try {
      assertSecretPath(input);
    } catch (err) {
      expect(JSON.stringify(err) + String(err)).not.toContain('sk_live');
    }
  });

  it('normalises list prefixes to folders', () => {
    expect(toFolder('')).toBe('');
    expect(toFolder('/')).toBe('');
    expect(toFolder('a')).toBe('a/');
    expect(toFolder('a/b/')).toBe('a/b/');
    for (const bad of ['//', 'a//', '../', 'a/../b'])
      expect(codeOf(() => toFolder(bad))).toBe('SECRET_PATH_INVALID');
  });

  it('lists direct children as Vault does', () => {
    const paths = ['x', 'x/a', 'x/b/c', 'x/b/d', 'y/z', 'xa'];
    expect(folderChildren(paths, '')).toEqual(['x', 'x/', 'xa', 'y/']);
    expect(folderChildren(paths, 'x/')).toEqual(['a', 'b/']);
    expect(folderChildren(paths, 'q/')).toEqual([]);
  });
});
