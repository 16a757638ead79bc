import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretsError } from '../../secrets-errors.ts';
import { openValue, rewrapDataKey, sealValue } from './envelope.ts';
import { createMasterKeyring } from './master-keyring.ts';

describe('envelope encryption', () => {
  const ring = createMasterKeyring({ current: { id: 'm1', key: randomBytes(32) } });
  const at = { tenantId: 't', path: 'a/b', version: 3 };

  const codeOf = (fn: () => unknown): string => {
    try {
      fn();
      return 'returned';
    } catch (err) {
      return err instanceof SecretsError ? err.code : 'other';
    }
  };

  it('round-trips and adds only the 16-byte tag to the plaintext', () => {
    const text = '{"k":"välue 🔐"}';
    const sealed = sealValue(text, at, ring);
    expect(sealed.ciphertext.byteLength).toBe(Buffer.byteLength(text) + 16);
    expect(sealed.masterKeyId).toBe('m1');
    expect(openValue(sealed, at, ring)).toBe(text);
  });

  it('uses a fresh data key and nonce for every seal', () => {
    const one = sealValue('same', at, ring);
    const two = sealValue('same', at, ring);
    expect(Buffer.from(one.nonce).equals(Buffer.from(two.nonce))).toBe(false);
    expect(Buffer.from(one.ciphertext).equals(Buffer.from(two.ciphertext))).toBe(false);
    expect(Buffer.from(one.wrappedKey).equals(Buffer.from(two.wrappedKey))).toBe(false);
  });

  it('fails on any change of tenant, path, version or master key id', () => {
    const sealed = sealValue('x', at, ring);
    for (const other of [
      { ...at, tenantId: 'u' },
      { ...at, path: 'a/c' },
      { ...at, version: 4 },
      // A tuple that a naive concatenation would encode the same way.
      { ...at, tenantId: 'ta', path: '/b' },
    ])
      expect(codeOf(() => openValue(sealed, other, ring))).toBe('SECRET_DECRYPT_FAILED');
    const relabelled = createMasterKeyring({
      current: { id: 'm2', key: ring.current.key },
      previous: [],
    });
    expect(codeOf(() => openValue({ ...sealed, masterKeyId: 'm2' }, at, relabelled))).toBe(
      'SECRET_DECRYPT_FAILED',
    );
  });

  it('re-wraps a data key without changing what it decrypts', () => {
    const sealed = sealValue('payload', at, ring);
    const next = createMasterKeyring({
      current: { id: 'm2', key: randomBytes(32) },
      previous: [ring.current],
    });
    const wrapped = rewrapDataKey(sealed, at, next);
    expect(wrapped.masterKeyId).toBe('m2');
    const onlyNew = createMasterKeyring({ current: next.current });
    expect(openValue({ ...sealed, ...wrapped }, at, onlyNew)).toBe('payload');
  });
});
