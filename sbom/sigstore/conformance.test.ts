import { afterAll, describe, expect, it } from 'vitest';
import { isSecOpsError } from '../../platform/errors/index.ts';
import { requireOrSkip, sharedTestdata } from '../../test/support/services.ts';
import { artifactArgument, loadConformanceCases } from '../../test/support/sigstore-conformance.ts';
import type { ConformanceCase, ConformanceMode } from '../../test/support/sigstore-conformance.ts';
import type { SbomErrorCode } from '../errors.ts';
import { verifyBundleRequest } from './verify-request.ts';

// sigstore-conformance's bundle-verify cases, each run with the artifact's path and with its
// digest, in process through the function `secops verify-bundle` calls.
const dir = requireOrSkip('sigstore-conformance test data', sharedTestdata('sigstore-conformance'));
const cases = dir === undefined ? [] : loadConformanceCases(dir);
const MODES: readonly ConformanceMode[] = ['PATH', 'DIGEST'];
const runs = cases.flatMap((c) => MODES.map((mode) => [`${c.name} (${mode})`, c, mode] as const));

/**
 * Cases a plain `@sigstore/verify` 4.1.3 run gets wrong (cases.json `asExpected: false`), with
 * the error code of our check that catches each.
 */
const LIBRARY_GAPS: Readonly<Record<string, SbomErrorCode>> = {
  'trust-root-tlog-missing-validity-start_fail': 'SBOM_TRUSTED_ROOT_INVALID',
};

/** Cases the library rejects only by crashing, with the check of ours that names the reason. */
const READABLE_REASONS: Readonly<Record<string, string>> = {
  'bundle-with-root-cert_fail': 'CHAIN_CONTAINS_ROOT',
};

function requestFor(c: ConformanceCase, mode: ConformanceMode) {
  return {
    bundlePath: c.bundle,
    artifact: artifactArgument(c, mode),
    keyPath: c.key,
    trustedRootPath: c.trustedRoot,
    ...(c.key === undefined
      ? {
          certificateIdentity: c.certificateIdentity,
          certificateOidcIssuer: c.certificateOidcIssuer,
        }
      : {}),
  };
}

describe.skipIf(dir === undefined)('sigstore-conformance bundle-verify, in process', () => {
  let asExpected = 0;
  afterAll(() => {
    console.log(`sigstore-conformance: ${asExpected}/${runs.length} runs as expected`);
  });

  it('has 70 cases, each run with the path and with the digest (140 runs)', () => {
    expect(cases).toHaveLength(70);
    expect(runs).toHaveLength(140);
  });

  it('declares as gaps exactly the cases the plain library gets wrong', () => {
    const wrong = cases
      .filter((c) => !c.libraryAsExpected.PATH || !c.libraryAsExpected.DIGEST)
      .map((c) => c.name);
    expect(wrong.sort()).toEqual(Object.keys(LIBRARY_GAPS).sort());
  });

  it.each(runs)('%s', async (_name, c, mode) => {
    const outcome = await verifyBundleRequest(requestFor(c, mode)).then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (c.expect === 'pass') {
      if (!outcome.ok) throw outcome.error;
      const { result } = outcome;
      if (c.key === undefined)
        expect(result.signer).toEqual({
          kind: 'certificate',
          identity: c.certificateIdentity,
          issuer: c.certificateOidcIssuer,
        });
      else expect(result.signer.kind).toBe('key');
      expect(result.artifact.kind).not.toBe('none');
      expect(result.tlogEntries).toBeGreaterThan(0);
      expect(result.timestamps.length).toBeGreaterThan(0);
    } else {
      expect(outcome.ok, 'expected verification to fail').toBe(false);
      if (outcome.ok) return;
      const { error } = outcome;
      // Every failure is one of ours, with a readable reason, never a library crash.
      expect(isSecOpsError(error), String(error)).toBe(true);
      if (!isSecOpsError(error)) return;
      expect(error.name).toBe('SbomError');
      expect(error.details.check).not.toBe('MALFORMED');
      const gap = LIBRARY_GAPS[c.name];
      if (gap !== undefined) expect(error.code).toBe(gap);
      const reason = READABLE_REASONS[c.name];
      if (reason !== undefined) expect(error.details.check).toBe(reason);
    }
    asExpected += 1;
  });

  it.skipIf(cases.length === 0)(
    'names the missing validFor.start of the malformed trusted root',
    async () => {
      const c = cases.find((x) => x.name === 'trust-root-tlog-missing-validity-start_fail');
      if (c === undefined) throw new Error('case missing from cases.json');
      const error = await verifyBundleRequest(requestFor(c, 'PATH')).catch((e: unknown) => e);
      expect(isSecOpsError(error) && error.code).toBe('SBOM_TRUSTED_ROOT_INVALID');
      if (!isSecOpsError(error)) return;
      expect(error.issues).toContainEqual(
        expect.objectContaining({ path: 'tlogs[1].publicKey.validFor.start' }),
      );
    },
  );
});
