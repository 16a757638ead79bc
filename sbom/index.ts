// The sbom module's front door. This slice: offline Sigstore bundle verification.
export { SbomError } from './errors.ts';
export type { SbomErrorCode } from './errors.ts';
export { TRUSTED_ROOT_MEDIA_TYPES, parseTrustedRoot } from './sigstore/trusted-root.ts';
export type { ValidatedTrustedRoot } from './sigstore/trusted-root.ts';
export {
  PUBLIC_GOOD_TUF_REPOSITORY,
  loadPublicGoodTrustedRoot,
  readTrustedRootFile,
} from './sigstore/trusted-root-sources.ts';
export {
  checkIdentity,
  createIdentityPolicy,
  hasIdentityOptions,
} from './sigstore/identity-policy.ts';
export type {
  IdentityPolicy,
  IdentityPolicyOptions,
  SignerIdentity,
  ValueMatcher,
} from './sigstore/identity-policy.ts';
export { keyHint, parsePublicKeyPem } from './sigstore/verification-keys.ts';
export type { VerificationKey } from './sigstore/verification-keys.ts';
export {
  IN_TOTO_PAYLOAD_TYPE,
  checkDsseBinding,
  checkMessageDigest,
  describeArtifact,
} from './sigstore/artifact-binding.ts';
export type {
  ArtifactBinding,
  ArtifactInput,
  StatementSubject,
} from './sigstore/artifact-binding.ts';
export { verifyPrehashed } from './sigstore/digest-verify.ts';
export { BUNDLE_MEDIA_TYPES, parseBundle, verifyBundle } from './sigstore/verify-bundle.ts';
export type {
  BundleVerification,
  SignerPolicy,
  VerifiedSigner,
  VerifyBundleInput,
} from './sigstore/verify-bundle.ts';
export {
  readArtifactArgument,
  readBundleFile,
  verifyBundleRequest,
} from './sigstore/verify-request.ts';
export type { VerifyBundleRequest } from './sigstore/verify-request.ts';
