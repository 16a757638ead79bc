import { describe, expect, it } from 'vitest';
import { toCanonicalSecretJson, toSecretValue } from './secret-value.ts';
import { SecretsError } from './secrets-errors.ts';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return err instanceof SecretsError ? err.code : 'other';
  }
};

describe('secret values', () => {
  it('serialises with keys in code-unit order, whatever the insertion order', () => {
    const json = toCanonicalSecretJson({ b: '2', a: '1', B: '0', é: 'x', '😀': 'y' });
    expect(json).toBe('{"B":"0","a":"1","b":"2","é":"x","😀":"y"}');
    expect(toCanonicalSecretJson({ z: '1', y: '2' })).toBe(
      toCanonicalSecretJson({ y: '2', z: '1' }),
    );
  });

  it('accepts only plain objects of well-formed strings', () => {
    expect(codeOf(() => toCanonicalSecretJson(Object.create(null)))).toBe('ok');
    for (const bad of [null, [], 'x', 1, new Map(), { a: 1 }, { a: null }, { a: { b: 'c' } }])
      expect(codeOf(() => toCanonicalSecretJson(bad))).toBe('SECRET_VALUE_INVALID');
    expect(codeOf(() => toCanonicalSecretJson({ '': 'x' }))).toBe('SECRET_VALUE_INVALID');
    expect(codeOf(() => toCanonicalSecretJson({ ['k'.repeat(257)]: 'x' }))).toBe(
      'SECRET_VALUE_INVALID',
    );
    expect(codeOf(() => toCanonicalSecretJson({ a: 'x\ud83d' }))).toBe('SECRET_VALUE_INVALID');
    const many = Object.fromEntries(Array.from({ length: 1025 }, (_, i) => [`k${i}`, 'v']));
    expect(codeOf(() => toCanonicalSecretJson(many))).toBe('SECRET_VALUE_INVALID');
  });

  it('measures the limit in UTF-8 bytes of the canonical JSON', () => {
    expect(codeOf(() => toCanonicalSecretJson({ a: 'é'.repeat(10) }, 30))).toBe('ok');
    expect(codeOf(() => toCanonicalSecretJson({ a: 'é'.repeat(20) }, 30))).toBe(
      'SECRET_VALUE_TOO_LARGE',
    );
  });

  it('reads back objects, turning non-string JSON into text', () => {
    expect(toSecretValue({ a: 'x', n: 1, t: true, o: { k: 'v' } })).toEqual({
      a: 'x',
      n: '1',
      t: 'true',
      o: '{"k":"v"}',
    });
    expect(toSecretValue(null)).toBeUndefined();
    expect(toSecretValue(['a'])).toBeUndefined();
  });
});
