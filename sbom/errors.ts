import { defineErrors } from '../platform/errors/index.ts';

/**
 * Errors of the sbom module. Tests branch on `code`; a verification failure names the check
 * that failed in `details.check` (the library's code, such as `CERTIFICATE_ERROR`, or ours).
 */
export const SbomError = defineErrors('SbomError', {
  /** A trusted root that cannot be used (malformed, or a key or authority without a start). */
  SBOM_TRUSTED_ROOT_INVALID: 'invalid',
  /** The shipped public-good trusted root could not be read from the installed package. */
  SBOM_TRUSTED_ROOT_UNAVAILABLE: 'unavailable',
  /** A bundle that cannot be read as a Sigstore bundle v0.1 to v0.3. */
  SBOM_BUNDLE_INVALID: 'invalid',
  /** A public key file that cannot be read as a PEM public key. */
  SBOM_KEY_INVALID: 'invalid',
  /** An identity policy that cannot be used (missing, conflicting or bad pattern). */
  SBOM_POLICY_INVALID: 'invalid',
  /** A file that cannot be read, or an argument that is neither a file nor a digest. */
  SBOM_INPUT_INVALID: 'invalid',
  /** The bundle does not verify: signature, certificate chain, SCT, log proof or timestamp. */
  SBOM_VERIFICATION_FAILED: 'forbidden',
  /** The bundle verifies but does not sign this artifact (digest, subject or payload differ). */
  SBOM_ARTIFACT_MISMATCH: 'forbidden',
  /** The bundle verifies but its signer is not the identity or issuer the policy requires. */
  SBOM_IDENTITY_MISMATCH: 'forbidden',
  /** A verification this slice cannot do (an Ed25519 message signature from a digest). */
  SBOM_UNSUPPORTED: 'unsupported',
});
export type SbomError = InstanceType<typeof SbomError>;
export type SbomErrorCode = SbomError['code'];
