import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** How a conformance case hands over the artifact: its path, or `sha256:<hex>`. */
export type ConformanceMode = 'PATH' | 'DIGEST';

/** One bundle-verify case of sigstore-conformance, paths absolute (see its cases.json). */
export interface ConformanceCase {
  readonly name: string;
  readonly expect: 'pass' | 'fail';
  readonly bundle: string;
  readonly artifact: string;
  /** Absent: the Sigstore public-good production root. */
  readonly trustedRoot: string | undefined;
  readonly key: string | undefined;
  readonly certificateIdentity: string;
  readonly certificateOidcIssuer: string;
  readonly description: string;
  /** What a plain `@sigstore/verify` 4.1.3 run gave (recorded in cases.json). */
  readonly libraryAsExpected: Readonly<Record<ConformanceMode, boolean>>;
}

interface RawCase {
  name: string;
  expect: 'pass' | 'fail';
  bundle: string;
  artifact: string;
  trustedRoot: string | null;
  key: string | null;
  certificateIdentity: string;
  certificateOidcIssuer: string;
  description: string;
  observedWithSigstoreVerify4_1_3_offline: Record<ConformanceMode, { asExpected: boolean }>;
}

/** Reads `cases.json` of the sigstore-conformance copy in `dir`. */
export function loadConformanceCases(dir: string): ConformanceCase[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as {
    casesRoot: string;
    cases: RawCase[];
  };
  const root = join(dir, manifest.casesRoot);
  return manifest.cases.map((c) => ({
    name: c.name,
    expect: c.expect,
    bundle: join(root, c.bundle),
    artifact: join(root, c.artifact),
    trustedRoot: c.trustedRoot === null ? undefined : join(root, c.trustedRoot),
    key: c.key === null ? undefined : join(root, c.key),
    certificateIdentity: c.certificateIdentity,
    certificateOidcIssuer: c.certificateOidcIssuer,
    description: c.description,
    libraryAsExpected: {
      PATH: c.observedWithSigstoreVerify4_1_3_offline.PATH.asExpected,
      DIGEST: c.observedWithSigstoreVerify4_1_3_offline.DIGEST.asExpected,
    },
  }));
}

/** The `FILE_OR_DIGEST` argument of a case in a mode. */
export function artifactArgument(c: ConformanceCase, mode: ConformanceMode): string {
  if (mode === 'PATH') return c.artifact;
  return `sha256:${createHash('sha256').update(readFileSync(c.artifact)).digest('hex')}`;
}

/**
 * The `verify-bundle` arguments the conformance suite passes for a case, in its order:
 * `--bundle F (--certificate-identity I --certificate-oidc-issuer U | --key K)
 * [--trusted-root F] FILE_OR_DIGEST`.
 */
export function conformanceArgs(c: ConformanceCase, mode: ConformanceMode): string[] {
  return [
    '--bundle',
    c.bundle,
    ...(c.key !== undefined
      ? ['--key', c.key]
      : [
          '--certificate-identity',
          c.certificateIdentity,
          '--certificate-oidc-issuer',
          c.certificateOidcIssuer,
        ]),
    ...(c.trustedRoot !== undefined ? ['--trusted-root', c.trustedRoot] : []),
    artifactArgument(c, mode),
  ];
}
