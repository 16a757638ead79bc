import {
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
  ValidationError,
  bundleFromJSON,
} from '@sigstore/bundle';
import type { Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import {
  PolicyError,
  VerificationError,
  Verifier,
  toSignedEntity,
  toTrustMaterial,
} from '@sigstore/verify';
import type { KeyFinderFunc, SignedEntity } from '@sigstore/verify';
import { isSecOpsError } from '../../platform/errors/index.ts';
import { SbomError } from '../errors.ts';
import {
  checkDsseBinding,
  checkMessageDigest,
  hashName,
  statementSubjects,
} from './artifact-binding.ts';
import type { ArtifactBinding, ArtifactInput, StatementSubject } from './artifact-binding.ts';
import { checkIdentity } from './identity-policy.ts';
import type { IdentityPolicy } from './identity-policy.ts';
import {
  createArtifactSignatureContent,
  createDigestSignatureContent,
} from './signature-content.ts';
import type { ValidatedTrustedRoot } from './trusted-root.ts';
import { toKeyFinder } from './verification-keys.ts';
import type { VerificationKey } from './verification-keys.ts';

/** The bundle media types read here, by version. */
export const BUNDLE_MEDIA_TYPES: Readonly<Record<string, '0.1' | '0.2' | '0.3'>> = {
  [BUNDLE_V01_MEDIA_TYPE]: '0.1',
  [BUNDLE_V02_MEDIA_TYPE]: '0.2',
  [BUNDLE_V03_LEGACY_MEDIA_TYPE]: '0.3',
  [BUNDLE_V03_MEDIA_TYPE]: '0.3',
};

/** Who may have signed: a certificate identity (keyless) or one of some public keys. */
export type SignerPolicy =
  | { readonly kind: 'identity'; readonly policy: IdentityPolicy }
  | { readonly kind: 'keys'; readonly keys: readonly VerificationKey[] };

export interface VerifyBundleInput {
  /** The bundle as parsed JSON. */
  readonly bundle: unknown;
  /** The artifact or its digest; required for message signatures, optional for DSSE. */
  readonly artifact?: ArtifactInput | undefined;
  readonly trustedRoot: ValidatedTrustedRoot;
  readonly signer: SignerPolicy;
}

/** A verified signer: the certificate's identity and issuer, or the key's hint. */
export type VerifiedSigner =
  | { readonly kind: 'certificate'; readonly identity: string; readonly issuer: string | null }
  | { readonly kind: 'key'; readonly hint: string | null };

/** What a successful verification established. */
export interface BundleVerification {
  readonly mediaType: string;
  readonly version: '0.1' | '0.2' | '0.3';
  readonly content: 'messageSignature' | 'dsseEnvelope';
  readonly signer: VerifiedSigner;
  /** How the artifact was tied to what was signed (`none` for a DSSE bundle given no artifact). */
  readonly artifact: ArtifactBinding;
  /** DSSE only: the payload type and, for in-toto statements, their subjects. */
  readonly payloadType?: string;
  readonly subjects?: readonly StatementSubject[];
  /** Verified signing times: log integration times (with a promise) and RFC 3161 times. */
  readonly timestamps: readonly { readonly source: 'tlog' | 'tsa'; readonly time: string }[];
  readonly tlogEntries: number;
  readonly trustedRoot: string;
}

function failed(check: string, message: string, cause?: unknown): SbomError {
  return new SbomError('SBOM_VERIFICATION_FAILED', message, { details: { check }, cause });
}

/** Parses and validates the bundle's structure for its declared version. */
export function parseBundle(json: unknown): { bundle: Bundle; version: '0.1' | '0.2' | '0.3' } {
  const mediaType =
    typeof json === 'object' && json !== null
      ? (json as Record<string, unknown>).mediaType
      : undefined;
  const version = typeof mediaType === 'string' ? BUNDLE_MEDIA_TYPES[mediaType] : undefined;
  if (version === undefined)
    throw new SbomError(
      'SBOM_BUNDLE_INVALID',
      `not a Sigstore bundle v0.1 to v0.3 (mediaType ${JSON.stringify(mediaType ?? null)})`,
      { issues: [{ path: 'mediaType', message: 'is not a known bundle media type' }] },
    );
  try {
    return { bundle: bundleFromJSON(json), version };
  } catch (err) {
    const fields = err instanceof ValidationError ? err.fields : [];
    throw new SbomError(
      'SBOM_BUNDLE_INVALID',
      `invalid v${version} bundle: ${fields.length > 0 ? `bad or missing ${fields.join(', ')}` : (err as Error).message}`,
      { cause: err, issues: fields.map((path) => ({ path, message: 'is missing or invalid' })) },
    );
  }
}

function isSelfSigned(cert: X509Certificate): boolean {
  return cert.subject.equals(cert.issuer) && cert.verify();
}

// Checks before any cryptography: the kind of signer against the policy, and the shape of
// what the bundle carries.
function checkVerificationMaterial(
  bundle: Bundle,
  signer: SignerPolicy,
  trustedRoot: ValidatedTrustedRoot,
): void {
  const material = bundle.verificationMaterial.content;
  if (material.$case === 'publicKey' && signer.kind === 'identity')
    throw failed(
      'KEY_REQUIRED',
      `the bundle is signed with a public key (hint ${JSON.stringify(material.publicKey.hint)}), not a certificate: verify it with --key`,
    );
  if (material.$case !== 'publicKey' && signer.kind === 'keys')
    throw failed(
      'CERTIFICATE_NOT_EXPECTED',
      'the bundle is signed with a certificate, not a key: verify it with --certificate-identity and --certificate-oidc-issuer',
    );
  if (material.$case === 'x509CertificateChain')
    checkCarriedChain(material.x509CertificateChain.certificates.slice(1), trustedRoot);
  bundle.verificationMaterial.tlogEntries.forEach((entry, i) => {
    // v0.1 validation does not look inside an inclusion proof, and the library then reads
    // `checkpoint.envelope` of a proof that has none.
    if (entry.inclusionProof !== undefined && entry.inclusionProof.checkpoint === undefined)
      throw new SbomError(
        'SBOM_BUNDLE_INVALID',
        `tlog entry ${i} has an inclusion proof without a checkpoint`,
        {
          issues: [
            {
              path: `verificationMaterial.tlogEntries[${i}].inclusionProof.checkpoint`,
              message: 'is missing',
            },
          ],
        },
      );
  });
}

/**
 * Certificates a v0.1/v0.2 bundle carries after its leaf. The library builds the chain from the
 * trusted root only and ignores these; a root (self-signed) certificate among them that the
 * trusted root does not hold claims a trust anchor the verifier was not given, and is rejected
 * (sigstore-conformance `bundle-with-root-cert_fail`). Real bundles that carry the public-good
 * intermediate and root verify as before.
 */
function checkCarriedChain(
  carried: readonly { readonly rawBytes: Buffer }[],
  trustedRoot: ValidatedTrustedRoot,
): void {
  const trusted = trustedRoot.root.certificateAuthorities.flatMap(
    (ca) => ca.certChain?.certificates.map((cert) => cert.rawBytes) ?? [],
  );
  carried.forEach((raw, i) => {
    if (trusted.some((known) => known.equals(raw.rawBytes))) return;
    let cert: X509Certificate;
    try {
      cert = X509Certificate.parse(Buffer.from(raw.rawBytes));
    } catch (err) {
      throw new SbomError(
        'SBOM_BUNDLE_INVALID',
        `certificate ${i + 1} of the bundle's chain is not an X.509 certificate`,
        { cause: err },
      );
    }
    if (isSelfSigned(cert))
      throw failed(
        'CHAIN_CONTAINS_ROOT',
        `the bundle's certificate chain contains a root certificate (position ${i + 1}) that is not in the trusted root: trust anchors come from the trusted root only`,
      );
  });
}

type MessageSignature = Extract<
  Bundle['content'],
  { $case: 'messageSignature' }
>['messageSignature'];

function bindMessage(
  message: MessageSignature,
  entity: SignedEntity,
  artifact: ArtifactInput | undefined,
): {
  entity: SignedEntity;
  binding: ArtifactBinding;
} {
  if (artifact === undefined)
    throw new SbomError(
      'SBOM_INPUT_INVALID',
      'a message-signature bundle is verified against the artifact or its digest: none was given',
    );
  const binding = checkMessageDigest(message.messageDigest, artifact);
  const parts = { signature: message.signature, messageDigest: message.messageDigest.digest };
  const signature =
    artifact.kind === 'digest'
      ? createDigestSignatureContent({ ...parts, digest: artifact.digest })
      : createArtifactSignatureContent({
          ...parts,
          artifact: artifact.bytes,
          hashAlgorithm: hashName(message.messageDigest.algorithm),
        });
  return { entity: { ...entity, signature }, binding };
}

function toEntity(bundle: Bundle): SignedEntity {
  try {
    return toSignedEntity(bundle);
  } catch (err) {
    throw new SbomError(
      'SBOM_BUNDLE_INVALID',
      `the bundle's certificate or timestamps cannot be read: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

function runVerifier(
  trustedRoot: ValidatedTrustedRoot,
  keys: KeyFinderFunc,
  entity: SignedEntity,
): ReturnType<Verifier['verify']> {
  try {
    const material = toTrustMaterial(trustedRoot.root, keys);
    return new Verifier(material, {
      tlogThreshold: 1,
      ctlogThreshold: 1,
      timestampThreshold: 1,
    }).verify(entity);
  } catch (err) {
    if (isSecOpsError(err)) throw err;
    if (err instanceof VerificationError || err instanceof PolicyError) {
      const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw failed(err.code, `${err.code}: ${err.message}${cause}`, err);
    }
    // The library reading attacker-controlled fields it did not expect to be malformed.
    throw failed('MALFORMED', `the bundle could not be verified: ${(err as Error).message}`, err);
  }
}

function verifiedTimestamps(entity: SignedEntity): BundleVerification['timestamps'] {
  const times: { source: 'tlog' | 'tsa'; time: string }[] = [];
  for (const timestamp of entity.timestamps) {
    if (timestamp.$case === 'timestamp-authority')
      times.push({ source: 'tsa', time: timestamp.timestamp.signingTime.toISOString() });
    // Only an entry with a signed promise vouches for its integration time.
    else if (timestamp.tlogEntry.inclusionPromise !== undefined)
      times.push({
        source: 'tlog',
        time: new Date(Number(timestamp.tlogEntry.integratedTime) * 1000).toISOString(),
      });
  }
  return times;
}

const noKeys: KeyFinderFunc = (hint) => {
  throw new VerificationError({ code: 'PUBLIC_KEY_ERROR', message: `key not found: ${hint}` });
};

/**
 * Verifies a Sigstore bundle (v0.1 to v0.3) fully offline: the signature (message or DSSE),
 * the signer (Fulcio certificate chain with its SCT, or a given key), the transparency log
 * entry (inclusion proof and checkpoint, or signed entry timestamp), the timestamps, the
 * identity policy and that the bundle is about this artifact. Throws an `SbomError` naming the
 * failed check; returns what was established.
 */
export function verifyBundle(input: VerifyBundleInput): BundleVerification {
  const { bundle, version } = parseBundle(input.bundle);
  checkVerificationMaterial(bundle, input.signer, input.trustedRoot);
  let entity = toEntity(bundle);
  let binding: ArtifactBinding = { kind: 'none' };
  if (bundle.content.$case === 'messageSignature')
    ({ entity, binding } = bindMessage(bundle.content.messageSignature, entity, input.artifact));
  const keys = input.signer.kind === 'keys' ? toKeyFinder(input.signer.keys) : noKeys;
  const signer = runVerifier(input.trustedRoot, keys, entity);

  let verifiedSigner: VerifiedSigner;
  if (input.signer.kind === 'identity') {
    const identity = {
      subjectAlternativeName: signer.identity?.subjectAlternativeName,
      issuer: signer.identity?.extensions?.issuer,
    };
    checkIdentity(input.signer.policy, identity);
    verifiedSigner = {
      kind: 'certificate',
      identity: identity.subjectAlternativeName ?? '',
      issuer: identity.issuer ?? null,
    };
  } else {
    const material = bundle.verificationMaterial.content;
    verifiedSigner = {
      kind: 'key',
      hint: material.$case === 'publicKey' ? material.publicKey.hint || null : null,
    };
  }

  const dsse = bundle.content.$case === 'dsseEnvelope' ? bundle.content.dsseEnvelope : undefined;
  if (dsse !== undefined && input.artifact !== undefined)
    binding = checkDsseBinding(dsse, input.artifact);
  const subjects = dsse === undefined ? undefined : statementSubjectsOrNone(dsse);
  return {
    mediaType: bundle.mediaType,
    version,
    content: bundle.content.$case,
    signer: verifiedSigner,
    artifact: binding,
    ...(dsse !== undefined ? { payloadType: dsse.payloadType } : {}),
    ...(subjects !== undefined ? { subjects } : {}),
    timestamps: verifiedTimestamps(entity),
    tlogEntries: bundle.verificationMaterial.tlogEntries.length,
    trustedRoot: input.trustedRoot.source,
  };
}

// Subjects are reported when the payload is a readable statement; binding errors come from
// checkDsseBinding, so a DSSE bundle verified without an artifact still verifies.
function statementSubjectsOrNone(envelope: {
  readonly payloadType: string;
  readonly payload: Buffer;
}): readonly StatementSubject[] | undefined {
  try {
    return statementSubjects(envelope);
  } catch {
    return undefined;
  }
}
