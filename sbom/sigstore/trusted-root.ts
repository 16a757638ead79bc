import { X509Certificate, crypto } from '@sigstore/core';
import { PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import { z } from 'zod';
import type { FieldIssue } from '../../platform/errors/index.ts';
import { SbomError } from '../errors.ts';

/** The trusted-root media types this verifier reads (protobuf-specs TrustedRoot). */
export const TRUSTED_ROOT_MEDIA_TYPES = [
  'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  'application/vnd.dev.sigstore.trustedroot.v0.1+json',
  'application/vnd.dev.sigstore.trustedroot.v0.2+json',
] as const;

/** A trusted root that passed validation, with where it came from. */
export interface ValidatedTrustedRoot {
  /** Where it was read from: a file path or `@sigstore/tuf@<version> seeds (public good)`. */
  readonly source: string;
  readonly root: TrustedRoot;
}

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'expected base64');
const timestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'expected an RFC 3339 timestamp');

// A validity window must have a start: the library reads a missing start as "since 1970", which
// would trust a key or authority for signatures made before it existed.
const timeRange = z.looseObject({
  start: timestamp.nullish(),
  end: timestamp.nullish(),
});

const publicKey = z.looseObject({
  rawBytes: base64.min(1),
  keyDetails: z.union([z.string(), z.number()]),
  validFor: timeRange.nullish(),
});

const logInstance = z.looseObject({
  baseUrl: z.string().nullish(),
  hashAlgorithm: z.union([z.string(), z.number()]).nullish(),
  publicKey,
  logId: z.looseObject({ keyId: base64.min(1) }),
  checkpointKeyId: z.looseObject({ keyId: base64.min(1) }).nullish(),
});

const certificateAuthority = z.looseObject({
  uri: z.string().nullish(),
  certChain: z.looseObject({
    certificates: z.array(z.looseObject({ rawBytes: base64.min(1) })).min(1),
  }),
  validFor: timeRange.nullish(),
});

const trustedRootDocument = z.looseObject({
  mediaType: z.enum(TRUSTED_ROOT_MEDIA_TYPES),
  tlogs: z.array(logInstance),
  certificateAuthorities: z.array(certificateAuthority),
  ctlogs: z.array(logInstance),
  timestampAuthorities: z.array(certificateAuthority).nullish(),
});
type TrustedRootDocument = z.infer<typeof trustedRootDocument>;

/** `a.b[2].c` from a zod path. */
function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

function checkWindow(
  validFor: z.infer<typeof timeRange> | null | undefined,
  path: string,
  issues: FieldIssue[],
): void {
  if (validFor?.start == null) {
    issues.push({
      path: `${path}.start`,
      message: 'is missing: every key and authority needs the start of its validity window',
    });
    return;
  }
  if (validFor.end != null && Date.parse(validFor.end) < Date.parse(validFor.start))
    issues.push({ path: `${path}.end`, message: `is before its start (${validFor.start})` });
}

// The key details @sigstore/verify reads as PKCS#1 DER (the rest as SubjectPublicKeyInfo):
// a key is checked the way the verifier will load it.
const PKCS1_KEY_DETAILS: ReadonlySet<string> = new Set([
  'PKCS1_RSA_PKCS1V5',
  'PKIX_RSA_PKCS1V5',
  'PKIX_RSA_PKCS1V15_2048_SHA256',
  'PKIX_RSA_PKCS1V15_3072_SHA256',
  'PKIX_RSA_PKCS1V15_4096_SHA256',
]);

function checkKey(key: z.infer<typeof publicKey>, path: string, issues: FieldIssue[]): void {
  checkWindow(key.validFor, `${path}.validFor`, issues);
  const details =
    typeof key.keyDetails === 'number' ? PublicKeyDetails[key.keyDetails] : key.keyDetails;
  const pkcs1 = details !== undefined && PKCS1_KEY_DETAILS.has(details);
  try {
    crypto.createPublicKey(Buffer.from(key.rawBytes, 'base64'), pkcs1 ? 'pkcs1' : 'spki');
  } catch (err) {
    issues.push({
      path: `${path}.rawBytes`,
      message: `is not a public key (${(err as Error).message})`,
    });
  }
}

function checkAuthority(
  ca: z.infer<typeof certificateAuthority>,
  path: string,
  issues: FieldIssue[],
): void {
  checkWindow(ca.validFor, `${path}.validFor`, issues);
  ca.certChain.certificates.forEach((cert, i) => {
    try {
      X509Certificate.parse(Buffer.from(cert.rawBytes, 'base64'));
    } catch (err) {
      issues.push({
        path: `${path}.certChain.certificates[${i}].rawBytes`,
        message: `is not an X.509 certificate (${(err as Error).message})`,
      });
    }
  });
}

function semanticIssues(doc: TrustedRootDocument): FieldIssue[] {
  const issues: FieldIssue[] = [];
  doc.tlogs.forEach((log, i) => checkKey(log.publicKey, `tlogs[${i}].publicKey`, issues));
  doc.ctlogs.forEach((log, i) => checkKey(log.publicKey, `ctlogs[${i}].publicKey`, issues));
  doc.certificateAuthorities.forEach((ca, i) =>
    checkAuthority(ca, `certificateAuthorities[${i}]`, issues),
  );
  (doc.timestampAuthorities ?? []).forEach((ca, i) =>
    checkAuthority(ca, `timestampAuthorities[${i}]`, issues),
  );
  return issues;
}

function invalid(source: string, issues: readonly FieldIssue[], cause?: unknown): SbomError {
  const first = issues[0];
  const summary = first === undefined ? 'unreadable' : `${first.path} ${first.message}`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new SbomError('SBOM_TRUSTED_ROOT_INVALID', `trusted root ${source}: ${summary}${more}`, {
    issues,
    cause,
  });
}

/**
 * Validates a trusted root (JSON text or parsed JSON) and converts it for the verifier. Rejects
 * unknown media types, malformed keys and certificates, windows that end before they start, and
 * any log key or authority without `validFor.start` (which `@sigstore/verify` would accept as
 * valid since 1970).
 */
export function parseTrustedRoot(input: unknown, source: string): ValidatedTrustedRoot {
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (err) {
      throw invalid(
        source,
        [{ path: '(document)', message: `is not JSON (${(err as Error).message})` }],
        err,
      );
    }
  }
  const parsed = trustedRootDocument.safeParse(json);
  if (!parsed.success)
    throw invalid(
      source,
      parsed.error.issues.map((issue) => ({
        path: pathOf(issue.path) || '(document)',
        message: issue.message,
      })),
    );
  const issues = semanticIssues(parsed.data);
  if (issues.length > 0) throw invalid(source, issues);
  try {
    const root = TrustedRoot.fromJSON(parsed.data);
    // What the verifier will build from it: must not fail later, mid-verification.
    toTrustMaterial(root);
    return { source, root };
  } catch (err) {
    throw invalid(source, [{ path: '(document)', message: (err as Error).message }], err);
  }
}
