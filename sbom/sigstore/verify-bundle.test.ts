import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import { describe, expect, it } from 'vitest';
import { isSecOpsError } from '../../platform/errors/index.ts';
import { requireOrSkip, sharedTestdata } from '../../test/support/services.ts';
import type { ArtifactInput } from './artifact-binding.ts';
import { createIdentityPolicy } from './identity-policy.ts';
import { parseTrustedRoot } from './trusted-root.ts';
import { loadPublicGoodTrustedRoot } from './trusted-root-sources.ts';
import { keyHint, parsePublicKeyPem } from './verification-keys.ts';
import type { VerificationKey } from './verification-keys.ts';
import { verifyBundle } from './verify-bundle.ts';
import type { SignerPolicy, VerifyBundleInput } from './verify-bundle.ts';

// Real conformance bundles, changed in memory where a test needs a variant.
const dir = requireOrSkip('sigstore-conformance test data', sharedTestdata('sigstore-conformance'));
const casesDir = join(dir ?? '', 'test', 'assets', 'bundle-verify');
const IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

type Json = Record<string, unknown>;
const bundleOf = (name: string) =>
  JSON.parse(readFileSync(join(casesDir, name, 'bundle.sigstore.json'), 'utf8')) as Json;
const aTxt = (): ArtifactInput => ({ kind: 'bytes', bytes: readFileSync(join(casesDir, 'a.txt')) });
const keyless = (identity = IDENTITY): SignerPolicy => ({
  kind: 'identity',
  policy: createIdentityPolicy({ certificateIdentity: identity, certificateOidcIssuer: ISSUER }),
});
const conformanceKey = (): VerificationKey =>
  parsePublicKeyPem(
    readFileSync(join(casesDir, 'managed-key-happy-path', 'key.pub'), 'utf8'),
    'key.pub',
  );
const otherKey = (): VerificationKey => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { key: publicKey, hint: keyHint(publicKey), source: 'generated' };
};

function failure(input: Omit<VerifyBundleInput, 'trustedRoot'>): {
  code: string;
  check: unknown;
} {
  try {
    verifyBundle({ ...input, trustedRoot: loadPublicGoodTrustedRoot() });
  } catch (err) {
    if (isSecOpsError(err)) return { code: err.code, check: err.details.check };
    throw err;
  }
  throw new Error('expected verification to fail');
}

describe.skipIf(dir === undefined)('verifyBundle', () => {
  it('rejects an identity prefix that the library policy accepts', () => {
    const json = bundleOf('happy-path-v0.3');
    const prefix = 'https://github.com/sigstore-conformance';
    // The library treats the identity as an unanchored pattern: a prefix passes.
    const library = new Verifier(toTrustMaterial(loadPublicGoodTrustedRoot().root)).verify(
      toSignedEntity(bundleFromJSON(json), readFileSync(join(casesDir, 'a.txt'))),
      { subjectAlternativeName: prefix, extensions: { issuer: ISSUER } },
    );
    expect(library.identity?.subjectAlternativeName).toBe(IDENTITY);
    expect(failure({ bundle: json, artifact: aTxt(), signer: keyless(prefix) }).code).toBe(
      'SBOM_IDENTITY_MISMATCH',
    );
  });

  it('needs the artifact or its digest for a message signature', () => {
    expect(failure({ bundle: bundleOf('happy-path-v0.3'), signer: keyless() }).code).toBe(
      'SBOM_INPUT_INVALID',
    );
  });

  it('refuses a key for a certificate bundle, and an identity for a keyed bundle', () => {
    expect(
      failure({
        bundle: bundleOf('happy-path-v0.3'),
        artifact: aTxt(),
        signer: { kind: 'keys', keys: [conformanceKey()] },
      }).check,
    ).toBe('CERTIFICATE_NOT_EXPECTED');
    expect(
      failure({ bundle: bundleOf('managed-key-happy-path'), artifact: aTxt(), signer: keyless() })
        .check,
    ).toBe('KEY_REQUIRED');
  });

  it('picks the key by hint among several, and fails on the signature with a wrong key', () => {
    const bundle = bundleOf('managed-key-happy-path');
    const result = verifyBundle({
      bundle,
      artifact: aTxt(),
      trustedRoot: loadPublicGoodTrustedRoot(),
      signer: { kind: 'keys', keys: [otherKey(), conformanceKey()] },
    });
    expect(result.signer).toEqual({ kind: 'key', hint: conformanceKey().hint });
    expect(
      failure({
        bundle,
        artifact: aTxt(),
        signer: { kind: 'keys', keys: [otherKey(), otherKey()] },
      }),
    ).toEqual({ code: 'SBOM_VERIFICATION_FAILED', check: 'PUBLIC_KEY_ERROR' });
    expect(
      failure({ bundle, artifact: aTxt(), signer: { kind: 'keys', keys: [otherKey()] } }),
    ).toEqual({ code: 'SBOM_VERIFICATION_FAILED', check: 'SIGNATURE_ERROR' });
  });

  it('verifies a DSSE bundle without an artifact, reporting its subjects, and binds one when given', () => {
    const bundle = bundleOf('happy-path-intoto-in-dsse-v3');
    const result = verifyBundle({
      bundle,
      trustedRoot: loadPublicGoodTrustedRoot(),
      signer: keyless(),
    });
    expect(result.artifact).toEqual({ kind: 'none' });
    expect(result.subjects?.map((s) => s.name)).toEqual(['a.txt']);
    expect(
      failure({
        bundle,
        artifact: { kind: 'bytes', bytes: Buffer.from('other') },
        signer: keyless(),
      }).code,
    ).toBe('SBOM_ARTIFACT_MISMATCH');
  });

  it('refuses what is not a v0.1 to v0.3 bundle, naming why', () => {
    const unknown = { ...bundleOf('happy-path-v0.3'), mediaType: 'application/json' };
    expect(failure({ bundle: unknown, artifact: aTxt(), signer: keyless() }).code).toBe(
      'SBOM_BUNDLE_INVALID',
    );
    expect(failure({ bundle: 'nope', artifact: aTxt(), signer: keyless() }).code).toBe(
      'SBOM_BUNDLE_INVALID',
    );
  });

  it('refuses an inclusion proof without a checkpoint instead of crashing in the library', () => {
    const bundle = bundleOf('happy-path-v0.1');
    const entries = (bundle.verificationMaterial as Json).tlogEntries as Json[];
    delete (entries[0]?.inclusionProof as Json).checkpoint;
    expect(failure({ bundle, artifact: aTxt(), signer: keyless() }).code).toBe(
      'SBOM_BUNDLE_INVALID',
    );
  });

  it('reports the RFC 3161 time of a Rekor v2 bundle, which has no log promise', () => {
    const caseDir = join(casesDir, 'rekor2-happy-path');
    const result = verifyBundle({
      bundle: bundleOf('rekor2-happy-path'),
      artifact: aTxt(),
      trustedRoot: parseTrustedRoot(
        readFileSync(join(caseDir, 'trusted_root.json'), 'utf8'),
        'rekor2-happy-path',
      ),
      signer: keyless(),
    });
    expect(result.timestamps.map((t) => t.source)).toEqual(['tsa']);
    expect(result.version).toBe('0.3');
    expect(result.artifact.kind).toBe('message-digest');
  });
});
