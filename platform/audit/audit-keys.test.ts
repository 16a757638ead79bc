import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateAuditKeys, loadAuditKeys } from './audit-keys.ts';
import { hmacSensitive } from './sensitive-hmac.ts';
import { parseVerifierKey, verifierKey } from './signed-note.ts';

const dir = mkdtempSync(join(tmpdir(), 'secops-audit-keys-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('audit keys', () => {
  it('generates keys that load back from PEM text or a file', () => {
    const keys = generateAuditKeys();
    expect(keys.hmacKey).toHaveLength(32);
    const file = join(dir, 'audit-signing.pem');
    writeFileSync(file, keys.signingKeyPem, { mode: 0o600 });
    for (const source of [{ signingKeyPem: keys.signingKeyPem }, { signingKeyFile: file }]) {
      const loaded = loadAuditKeys({ ...source, hmacKeyBase64: keys.hmacKeyBase64 });
      expect(loaded.hmacKey.equals(keys.hmacKey)).toBe(true);
      expect(verifierKey('n', createPublicKey(loaded.signingKey))).toBe(
        verifierKey('n', keys.publicKey),
      );
    }
    expect(parseVerifierKey(verifierKey('secops.example/audit', keys.publicKey)).name).toBe(
      'secops.example/audit',
    );
  });

  it.each([
    ['no signing key', { hmacKeyBase64: Buffer.alloc(32).toString('base64') }],
    ['two signing keys', { signingKeyPem: 'x', signingKeyFile: 'y', hmacKeyBase64: 'AAAA' }],
    ['an unreadable file', { signingKeyFile: join(dir, 'absent.pem'), hmacKeyBase64: 'AAAA' }],
    ['a key that is not PEM', { signingKeyPem: 'not a key', hmacKeyBase64: 'AAAA' }],
    [
      'an RSA key',
      {
        signingKeyPem: generateKeyPairSync('rsa', { modulusLength: 1024 })
          .privateKey.export({ format: 'pem', type: 'pkcs8' })
          .toString(),
        hmacKeyBase64: Buffer.alloc(32).toString('base64'),
      },
    ],
    ['no HMAC key', { signingKeyPem: generateAuditKeys().signingKeyPem }],
    [
      'a short HMAC key',
      {
        signingKeyPem: generateAuditKeys().signingKeyPem,
        hmacKeyBase64: Buffer.alloc(16).toString('base64'),
      },
    ],
    [
      'an HMAC key that is not base64',
      { signingKeyPem: generateAuditKeys().signingKeyPem, hmacKeyBase64: '%%%%' },
    ],
  ])('refuses %s with AUDIT_KEY_INVALID, never echoing the key', (_name, options) => {
    let error: unknown;
    try {
      loadAuditKeys(options);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'AUDIT_KEY_INVALID' });
    expect((error as Error).message).not.toContain('PRIVATE KEY');
  });
});

describe('HMAC of sensitive values', () => {
  it('is HMAC-SHA256 in hex with the Vault prefix (RFC 4231 §4.3, test case 2)', () => {
    expect(hmacSensitive(Buffer.from('Jefe'), 'what do ya want for nothing?')).toBe(
      'hmac-sha256:5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
