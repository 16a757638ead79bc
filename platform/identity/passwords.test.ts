import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, needsRehash, verifyPassword } from './passwords.ts';

describe('password hashing (scrypt, PHC strings)', () => {
  it('stores N=2^15, r=8, p=1, a 16-byte salt and a 32-byte hash in a PHC string', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const m = /^\$scrypt\$ln=15,r=8,p=1\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored);
    expect(m).not.toBeNull();
    expect(Buffer.from(m![1]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(m![2]!, 'base64')).toHaveLength(32);
    expect(stored).not.toContain('horse');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password!'),
      hashPassword('same password!'),
    ]);
    expect(a).not.toBe(b);
  });

  it('compares NFC-normalised passwords (composed and decomposed é are the same)', async () => {
    const stored = await hashPassword('caf\u00e9 au lait du matin', { ln: 10, r: 8, p: 1 });
    expect(await verifyPassword('cafe\u0301 au lait du matin', stored)).toBe(true);
  });

  it('keeps the parameters so they can be raised: weaker hashes need a rehash', async () => {
    const weak = await hashPassword('a long enough password', { ln: 10, r: 8, p: 1 });
    expect(await verifyPassword('a long enough password', weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await hashPassword('a long enough password'))).toBe(false);
    expect(needsRehash(weak, { ...DEFAULT_SCRYPT_PARAMS, ln: 10 })).toBe(false);
  });

  it('never matches a malformed or absurd stored value', async () => {
    expect(await verifyPassword('x', 'not a hash')).toBe(false);
    expect(
      await verifyPassword(
        'x',
        '$scrypt$ln=40,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA',
      ),
    ).toBe(false);
    expect(needsRehash('garbage')).toBe(true);
  });
});
