import { createHash, timingSafeEqual } from 'node:crypto';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { z } from 'zod';
import { SbomError } from '../errors.ts';

/** What was signed, as the caller has it: the file's bytes, or only its SHA-256 digest. */
export type ArtifactInput =
  | { readonly kind: 'bytes'; readonly bytes: Buffer }
  | { readonly kind: 'digest'; readonly algorithm: 'sha256'; readonly digest: Buffer };

/** How the artifact was tied to the signed content. */
export type ArtifactBinding =
  | { readonly kind: 'message-digest'; readonly digest: string }
  | { readonly kind: 'in-toto-subject'; readonly digest: string; readonly subject: string }
  | { readonly kind: 'dsse-payload'; readonly digest: string }
  | { readonly kind: 'none' };

/** An in-toto statement subject: a name and its digests by algorithm. */
export interface StatementSubject {
  readonly name: string;
  readonly digest: Readonly<Record<string, string>>;
}

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

// Protobuf HashAlgorithm → Node hash name; unspecified is SHA-256, as the library reads it.
// SHA-3 message digests are deprecated in the specs and refused here.
const HASH_NAMES: Readonly<Record<number, string>> = {
  [HashAlgorithm.HASH_ALGORITHM_UNSPECIFIED]: 'sha256',
  [HashAlgorithm.SHA2_256]: 'sha256',
  [HashAlgorithm.SHA2_384]: 'sha384',
  [HashAlgorithm.SHA2_512]: 'sha512',
};

/** The Node hash name for a bundle's message digest algorithm, or why there is none. */
export function hashName(algorithm: HashAlgorithm): string {
  const name = HASH_NAMES[algorithm];
  if (name === undefined)
    throw new SbomError(
      'SBOM_BUNDLE_INVALID',
      `the bundle's message digest uses an unknown hash algorithm (${algorithm})`,
    );
  return name;
}

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function mismatch(message: string, check: string): SbomError {
  return new SbomError('SBOM_ARTIFACT_MISMATCH', message, { details: { check } });
}

/** `sha256:<hex>` of an artifact input. */
export function describeArtifact(artifact: ArtifactInput): string {
  return artifact.kind === 'digest'
    ? `sha256:${artifact.digest.toString('hex')}`
    : `sha256:${createHash('sha256').update(artifact.bytes).digest('hex')}`;
}

/**
 * Checks that a message-signature bundle is about this artifact: its message digest must be
 * the digest of the file (in the bundle's algorithm), or equal the SHA-256 digest given.
 */
export function checkMessageDigest(
  messageDigest: { readonly algorithm: HashAlgorithm; readonly digest: Buffer },
  artifact: ArtifactInput,
): ArtifactBinding {
  const name = hashName(messageDigest.algorithm);
  const expected = messageDigest.digest;
  if (artifact.kind === 'digest') {
    if (name !== 'sha256')
      throw mismatch(
        `the bundle signs a ${name} digest; a sha256 digest cannot be compared with it (pass the file)`,
        'MESSAGE_DIGEST',
      );
    if (!same(artifact.digest, expected))
      throw mismatch(
        `the bundle's message digest sha256:${expected.toString('hex')} is not the given digest sha256:${artifact.digest.toString('hex')}`,
        'MESSAGE_DIGEST',
      );
    return { kind: 'message-digest', digest: `sha256:${expected.toString('hex')}` };
  }
  const actual = createHash(name).update(artifact.bytes).digest();
  if (!same(actual, expected))
    throw mismatch(
      `the artifact's ${name} digest ${actual.toString('hex')} is not the bundle's message digest ${expected.toString('hex')}`,
      'MESSAGE_DIGEST',
    );
  return { kind: 'message-digest', digest: `${name}:${expected.toString('hex')}` };
}

const statementSchema = z.looseObject({
  _type: z.string(),
  subject: z
    .array(
      z.looseObject({ name: z.string().default(''), digest: z.record(z.string(), z.string()) }),
    )
    .min(1),
});

/** The subjects of an in-toto statement payload, or `undefined` for another payload type. */
export function statementSubjects(envelope: {
  readonly payloadType: string;
  readonly payload: Buffer;
}): readonly StatementSubject[] | undefined {
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(envelope.payload.toString('utf8'));
  } catch {
    throw mismatch('the DSSE payload says in-toto but is not JSON', 'IN_TOTO_STATEMENT');
  }
  const parsed = statementSchema.safeParse(json);
  if (!parsed.success)
    throw mismatch(
      'the DSSE payload is not an in-toto statement with subjects',
      'IN_TOTO_STATEMENT',
    );
  return parsed.data.subject;
}

// Subject digest algorithms a file can be hashed with here (in-toto names).
const SUBJECT_HASHES = ['sha256', 'sha384', 'sha512'] as const;

/**
 * Ties a DSSE envelope to the artifact. For an in-toto statement the artifact must be one of
 * its subjects (by SHA-256, or SHA-384/512 when the file is given); for any other payload the
 * artifact must be the payload itself.
 */
export function checkDsseBinding(
  envelope: { readonly payloadType: string; readonly payload: Buffer },
  artifact: ArtifactInput,
): ArtifactBinding {
  const subjects = statementSubjects(envelope);
  const given = describeArtifact(artifact);
  if (subjects === undefined) {
    const payloadDigest = createHash('sha256').update(envelope.payload).digest();
    const matches =
      artifact.kind === 'digest'
        ? same(artifact.digest, payloadDigest)
        : same(artifact.bytes, envelope.payload);
    if (!matches)
      throw mismatch(
        `the artifact (${given}) is not the DSSE payload (${envelope.payloadType}, sha256:${payloadDigest.toString('hex')})`,
        'DSSE_PAYLOAD',
      );
    return { kind: 'dsse-payload', digest: given };
  }
  for (const subject of subjects) {
    for (const algorithm of SUBJECT_HASHES) {
      const recorded = subject.digest[algorithm]?.toLowerCase();
      if (recorded === undefined) continue;
      const actual =
        artifact.kind === 'digest'
          ? algorithm === 'sha256'
            ? artifact.digest.toString('hex')
            : undefined
          : createHash(algorithm).update(artifact.bytes).digest('hex');
      if (actual !== undefined && actual === recorded)
        return {
          kind: 'in-toto-subject',
          digest: `${algorithm}:${recorded}`,
          subject: subject.name,
        };
    }
  }
  const listed = subjects
    .map(
      (s) =>
        `${s.name || '(unnamed)'} ${Object.entries(s.digest)
          .map(([a, d]) => `${a}:${d}`)
          .join(' ')}`,
    )
    .join('; ');
  throw mismatch(
    `the artifact (${given}) is not a subject of the in-toto statement (${listed})`,
    'IN_TOTO_SUBJECT',
  );
}
