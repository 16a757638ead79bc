import { timingSafeEqual, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { SignedEntity } from '@sigstore/verify';
import { verifyPrehashed } from './digest-verify.ts';

/** What the library's Verifier asks of the signed content (its `SignatureContent`). */
export type SignatureContent = SignedEntity['signature'];

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

interface MessageParts {
  /** The bundle's signature bytes. */
  readonly signature: Buffer;
  /** The bundle's `messageDigest.digest` (what the log entry records). */
  readonly messageDigest: Buffer;
}

/**
 * A message signature checked over the artifact's bytes. Like `@sigstore/verify`'s own, except
 * that Ed25519 (PureEdDSA) is verified with no hash: the library passes a hash name, which
 * OpenSSL refuses for Ed25519, so keyed Ed25519 bundles could never verify.
 */
export function createArtifactSignatureContent(
  parts: MessageParts & { readonly artifact: Buffer; readonly hashAlgorithm: string },
): SignatureContent {
  return {
    signature: parts.signature,
    compareSignature: (signature) => same(signature, parts.signature),
    compareDigest: (digest) => same(digest, parts.messageDigest),
    compareSignedDigest: (digest) => same(digest, parts.messageDigest),
    verifySignature: (key: KeyObject) => {
      const pure = key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448';
      try {
        return verify(pure ? null : parts.hashAlgorithm, parts.artifact, key, parts.signature);
      } catch {
        return false;
      }
    },
  };
}

/**
 * A message signature checked against a digest the caller gives instead of the file. The
 * digest has already been found equal to the bundle's message digest; the log entry is
 * compared with it and the signature verified over it without rehashing (`verifyPrehashed`).
 */
export function createDigestSignatureContent(
  parts: MessageParts & { readonly digest: Buffer },
): SignatureContent {
  return {
    signature: parts.signature,
    compareSignature: (signature) => same(signature, parts.signature),
    compareDigest: (digest) => same(digest, parts.digest),
    compareSignedDigest: (digest) => same(digest, parts.digest),
    verifySignature: (key: KeyObject) => verifyPrehashed(key, parts.digest, parts.signature),
  };
}
