import type { KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { SbomError } from '../errors.ts';

const curves = { prime256v1: p256, secp384r1: p384, secp521r1: p521 } as const;

function isCurveName(name: string | undefined): name is keyof typeof curves {
  return name !== undefined && Object.hasOwn(curves, name);
}

/** The uncompressed SEC1 point (04 || x || y) of an EC public key. */
function ecPoint(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.x === undefined || jwk.y === undefined) throw new Error('EC key without coordinates');
  return Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x, 'base64url'),
    Buffer.from(jwk.y, 'base64url'),
  ]);
}

/**
 * Verifies a DER ECDSA signature against a digest computed elsewhere (Node's crypto only
 * verifies over the message, hashing it itself). ECDSA signs the digest, so a digest is
 * enough; high-S signatures are accepted, as OpenSSL and Go accept them.
 *
 * Ed25519 (PureEdDSA) signs the whole message, not a digest of it, so no digest can verify an
 * Ed25519 signature: that is `SBOM_UNSUPPORTED`, and the caller must pass the file. RSA keys
 * are `SBOM_UNSUPPORTED` too in this slice.
 */
export function verifyPrehashed(
  key: KeyObject,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const name = key.asymmetricKeyDetails?.namedCurve;
    if (!isCurveName(name))
      throw new SbomError('SBOM_UNSUPPORTED', `ECDSA curve ${String(name)} is not supported`);
    try {
      return curves[name].verify(signature, digest, ecPoint(key), {
        prehash: false,
        format: 'der',
        lowS: false,
      });
    } catch {
      // A signature that is not valid DER, or a point off the curve, does not verify.
      return false;
    }
  }
  if (type === 'ed25519' || type === 'ed448')
    throw new SbomError(
      'SBOM_UNSUPPORTED',
      `${type === 'ed25519' ? 'Ed25519' : 'Ed448'} signs the whole message, not a digest: verify this bundle with the file instead of its digest`,
      { details: { check: 'DIGEST_UNSUPPORTED' } },
    );
  throw new SbomError(
    'SBOM_UNSUPPORTED',
    `verifying a ${String(type)} signature from a digest is not supported: verify with the file`,
    { details: { check: 'DIGEST_UNSUPPORTED' } },
  );
}
