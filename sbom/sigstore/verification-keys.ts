import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { VerificationError } from '@sigstore/verify';
import type { KeyFinderFunc } from '@sigstore/verify';
import { SbomError } from '../errors.ts';

/** A public key to verify keyed bundles with (cosign `--key`). */
export interface VerificationKey {
  readonly key: KeyObject;
  /** The Sigstore key hint: base64 SHA-256 of the DER SubjectPublicKeyInfo. */
  readonly hint: string;
  /** Where it came from, for messages. */
  readonly source: string;
}

/** The key hint Sigstore clients put in a keyed bundle: base64(SHA-256(SPKI DER)). */
export function keyHint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('base64');
}

/** Reads a PEM public key (ECDSA P-256/P-384/P-521, Ed25519 or RSA), as cosign writes them. */
export function parsePublicKeyPem(pem: string, source: string): VerificationKey {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem))
    throw new SbomError('SBOM_KEY_INVALID', `${source} is a private key: pass the public key`);
  if (!/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem))
    throw new SbomError('SBOM_KEY_INVALID', `${source} is not a PEM public key`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new SbomError(
      'SBOM_KEY_INVALID',
      `${source} is not a usable public key: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return { key, hint: keyHint(key), source };
}

/**
 * The key lookup the verifier calls with the bundle's hint. One key is used whatever the hint
 * says (cosign ignores hints: a wrong key fails on the signature); among several, the hint
 * picks the key whose fingerprint it is. A bare key has no validity window.
 */
export function toKeyFinder(keys: readonly VerificationKey[]): KeyFinderFunc {
  return (hint) => {
    const only = keys.length === 1 ? keys[0] : undefined;
    const found = only ?? keys.find((candidate) => candidate.hint === hint);
    if (found === undefined)
      throw new VerificationError({
        code: 'PUBLIC_KEY_ERROR',
        message: `no public key given for the bundle's key hint ${JSON.stringify(hint)}`,
      });
    return { publicKey: found.key, validFor: () => true };
  };
}
