import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../test/support/errors.ts';
import { verifyPrehashed } from './digest-verify.ts';
import {
  createArtifactSignatureContent,
  createDigestSignatureContent,
} from './signature-content.ts';

const MESSAGE = Buffer.from('hello, world!');
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

const codeOf = errorCodeOf;

describe('verifyPrehashed (ECDSA over a digest, with @noble/curves)', () => {
  it.each([
    ['P-256', 'prime256v1', 'sha256'],
    ['P-384', 'secp384r1', 'sha384'],
    ['P-384 with SHA-256', 'secp384r1', 'sha256'],
    ['P-521', 'secp521r1', 'sha512'],
  ] as const)('verifies %s signatures Node made over the message', (_name, curve, hash) => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
    const signature = sign(hash, MESSAGE, privateKey);
    const digest = createHash(hash).update(MESSAGE).digest();
    expect(verifyPrehashed(publicKey, digest, signature)).toBe(true);
    const other = createHash(hash).update('hello, world?').digest();
    expect(verifyPrehashed(publicKey, other, signature)).toBe(false);
    const otherKey = generateKeyPairSync('ec', { namedCurve: curve }).publicKey;
    expect(verifyPrehashed(otherKey, digest, signature)).toBe(false);
  });

  it('accepts a high-S signature, as OpenSSL does', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const parsed = p256.Signature.fromBytes(sign('sha256', MESSAGE, privateKey), 'der');
    const flipped = new p256.Signature(parsed.r, P256_ORDER - parsed.s);
    const highS = flipped.hasHighS() ? flipped : parsed;
    expect(highS.hasHighS()).toBe(true);
    const der = highS.toBytes('der');
    expect(verify('sha256', MESSAGE, publicKey, der)).toBe(true);
    expect(verifyPrehashed(publicKey, createHash('sha256').update(MESSAGE).digest(), der)).toBe(
      true,
    );
  });

  it('does not verify garbage instead of a DER signature', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const digest = createHash('sha256').update(MESSAGE).digest();
    expect(verifyPrehashed(publicKey, digest, Buffer.from('not a signature'))).toBe(false);
  });

  it('refuses Ed25519 (PureEdDSA signs the message, not a digest) and RSA', () => {
    const digest = createHash('sha256').update(MESSAGE).digest();
    const ed = generateKeyPairSync('ed25519');
    expect(
      codeOf(() => verifyPrehashed(ed.publicKey, digest, sign(null, MESSAGE, ed.privateKey))),
    ).toBe('SBOM_UNSUPPORTED');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(
      codeOf(() => verifyPrehashed(rsa.publicKey, digest, sign('sha256', MESSAGE, rsa.privateKey))),
    ).toBe('SBOM_UNSUPPORTED');
  });
});

describe('signature contents the verifier checks', () => {
  it('verifies an Ed25519 message signature over the file with no hash (PureEdDSA)', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const signature = sign(null, MESSAGE, privateKey);
    const messageDigest = createHash('sha256').update(MESSAGE).digest();
    const content = createArtifactSignatureContent({
      signature,
      messageDigest,
      artifact: MESSAGE,
      hashAlgorithm: 'sha256',
    });
    expect(content.verifySignature(publicKey)).toBe(true);
    // Passing the hash name, as the library does, is refused by OpenSSL for Ed25519.
    expect(() => verify('sha256', MESSAGE, publicKey, signature)).toThrow();
    const tampered = createArtifactSignatureContent({
      signature,
      messageDigest,
      artifact: Buffer.from('hello, world?'),
      hashAlgorithm: 'sha256',
    });
    expect(tampered.verifySignature(publicKey)).toBe(false);
  });

  it('checks an ECDSA signature against the given digest and compares log entries with it', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const signature = sign('sha256', MESSAGE, privateKey);
    const digest = createHash('sha256').update(MESSAGE).digest();
    const content = createDigestSignatureContent({ signature, messageDigest: digest, digest });
    expect(content.verifySignature(publicKey)).toBe(true);
    expect(content.compareDigest(digest)).toBe(true);
    expect(content.compareSignedDigest(Buffer.alloc(32))).toBe(false);
    expect(content.compareSignature(signature)).toBe(true);
    expect(content.compareSignature(Buffer.from(signature).reverse())).toBe(false);
  });
});
