import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { IdentityError } from './api-tokens.ts';

const VERSION = 'v1';

/** Checks a key-encryption key: 32 bytes for AES-256-GCM. */
export function assertKeyEncryptionKey(kek: Uint8Array): void {
  if (kek.byteLength !== 32)
    throw new IdentityError(
      'IDENTITY_KEY_UNAVAILABLE',
      `the key-encryption key must be 32 bytes, not ${kek.byteLength}`,
    );
}

/**
 * Encrypts with AES-256-GCM under the key-encryption key, a fresh 96-bit nonce, and `context`
 * as associated data (so a sealed value cannot be moved to another row). Returns
 * `v1.<nonce>.<ciphertext>.<tag>` in base64url.
 */
export function seal(kek: Uint8Array, plaintext: Uint8Array, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv, ct, tag]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Decrypts what `seal` made; a wrong key, context or a tampered value is IDENTITY_KEY_UNAVAILABLE. */
export function unseal(kek: Uint8Array, sealed: string, context: string): Buffer {
  const [version, iv, ct, tag] = sealed.split('.');
  if (version !== VERSION || iv === undefined || ct === undefined || tag === undefined)
    throw new IdentityError('IDENTITY_KEY_UNAVAILABLE', 'unknown sealed key format');
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64url'), {
      authTagLength: 16,
    });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
  } catch (cause) {
    throw new IdentityError(
      'IDENTITY_KEY_UNAVAILABLE',
      'a signing key cannot be decrypted: wrong key-encryption key or tampered row',
      { cause },
    );
  }
}
