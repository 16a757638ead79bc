import { describe, expect, it } from 'vitest';
import { requireOrSkip, sharedTestdata } from '../test/support/services.ts';
import { conformanceArgs, loadConformanceCases } from '../test/support/sigstore-conformance.ts';
import type { ConformanceMode } from '../test/support/sigstore-conformance.ts';
import { runSecops } from '../test/support/secops-cli.ts';

/** The real `secops` command as the conformance suite runs it, with no stdin. */
const secops = (args: readonly string[]) => runSecops(args);

const dir = requireOrSkip('sigstore-conformance test data', sharedTestdata('sigstore-conformance'));
const cases = dir === undefined ? [] : loadConformanceCases(dir);

function caseNamed(name: string) {
  const found = cases.find((c) => c.name === name);
  if (found === undefined) throw new Error(`${name} is not in cases.json`);
  return found;
}

// A few conformance cases through the real CLI (all 140 run in process, in
// sbom/sigstore/conformance.test.ts): keyless by path, DSSE by digest, keyed by digest, and
// the case the plain library accepts.
const THROUGH_THE_CLI: readonly (readonly [string, ConformanceMode, number, string])[] = [
  ['happy-path-v0.3', 'PATH', 0, 'Verified OK'],
  ['happy-path-intoto-in-dsse-v3', 'DIGEST', 0, 'in-toto subject a.txt'],
  ['managed-key-happy-path', 'DIGEST', 0, 'public key TLMsSDfG3ajPsWge'],
  ['signature-mismatch_fail', 'PATH', 1, 'verification failed: TLOG_BODY_ERROR'],
  ['trust-root-tlog-missing-validity-start_fail', 'DIGEST', 2, 'tlogs[1].publicKey.validFor.start'],
];

describe.skipIf(dir === undefined)('secops verify-bundle (the conformance client)', () => {
  it.each(THROUGH_THE_CLI)('%s by %s exits %i', (name, mode, exit, text) => {
    const result = secops(['verify-bundle', ...conformanceArgs(caseNamed(name), mode)]);
    expect(result.code, result.stderr).toBe(exit);
    expect(exit === 0 ? result.stdout : result.stderr).toContain(text);
    if (exit !== 0) expect(result.stdout).toBe('');
  });

  it('exits 2 and says why when given a key and an identity', () => {
    const c = caseNamed('managed-key-happy-path');
    const result = secops([
      'verify-bundle',
      '--bundle',
      c.bundle,
      '--key',
      c.key ?? '',
      '--certificate-identity',
      c.certificateIdentity,
      c.artifact,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not both');
  });
});
