import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSecOpsError } from '../../platform/errors/index.ts';
import { requireOrSkip, sharedTestdata } from '../../test/support/services.ts';
import { createIdentityPolicy } from './identity-policy.ts';
import { parseTrustedRoot } from './trusted-root.ts';
import type { ValidatedTrustedRoot } from './trusted-root.ts';
import { parsePublicKeyPem } from './verification-keys.ts';
import { verifyBundle } from './verify-bundle.ts';
import type { SignerPolicy } from './verify-bundle.ts';

// sigstore-js's own bundles (real public-good ones and its test fixtures), verified against
// each trusted root as recorded in expected.json from a plain @sigstore/verify 4.1.3 run.
const dir = requireOrSkip('sigstore-js test data', sharedTestdata('sigstore-js'));

interface Recorded {
  readonly bundle: string;
  readonly artifact: string | null;
  readonly publicKey: string | null;
  readonly verifiesWith: readonly string[];
  readonly failsWith: Readonly<Record<string, string>>;
  readonly content: 'messageSignature' | 'dsseEnvelope';
  readonly identity?: string;
  readonly issuer?: string;
}

const results: readonly Recorded[] =
  dir === undefined
    ? []
    : (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { results: Recorded[] })
        .results;
const pairs = results.flatMap((r) => [
  ...r.verifiesWith.map((root) => [`${r.bundle} with ${root}`, r, root, undefined] as const),
  ...Object.entries(r.failsWith).map(
    ([root, error]) => [`${r.bundle} with ${root}`, r, root, error] as const,
  ),
]);

type Json = Record<string, unknown>;
const EPOCH = '1970-01-01T00:00:00Z';

/**
 * The root with every missing `validFor.start` set to 1970: what the library assumed when the
 * outcome was recorded, written out so the root passes validation.
 */
function withStartsFilled(raw: Json): Json {
  const copy = structuredClone(raw);
  const fill = (holder: Json) => {
    const validFor = (holder.validFor ?? {}) as Json;
    validFor.start ??= EPOCH;
    holder.validFor = validFor;
  };
  for (const key of ['tlogs', 'ctlogs'])
    for (const log of (copy[key] ?? []) as Json[]) fill(log.publicKey as Json);
  for (const key of ['certificateAuthorities', 'timestampAuthorities'])
    for (const ca of (copy[key] ?? []) as Json[]) fill(ca);
  return copy;
}

const roots = new Map<string, { strict: unknown; usable: ValidatedTrustedRoot }>();
function rootFor(path: string): { strict: unknown; usable: ValidatedTrustedRoot } {
  const known = roots.get(path);
  if (known !== undefined) return known;
  const raw = JSON.parse(readFileSync(join(dir ?? '', path), 'utf8')) as Json;
  let strict: unknown;
  let usable: ValidatedTrustedRoot;
  try {
    usable = parseTrustedRoot(raw, path);
    strict = usable;
  } catch (err) {
    strict = err;
    usable = parseTrustedRoot(withStartsFilled(raw), `${path} (starts filled)`);
  }
  const entry = { strict, usable };
  roots.set(path, entry);
  return entry;
}

function signerFor(r: Recorded): SignerPolicy {
  if (r.publicKey !== null)
    return {
      kind: 'keys',
      keys: [parsePublicKeyPem(readFileSync(join(dir ?? '', r.publicKey), 'utf8'), r.publicKey)],
    };
  // Failing fixtures record no signer; any identity does, as they fail before the policy.
  return {
    kind: 'identity',
    policy: createIdentityPolicy({
      certificateIdentity: r.identity ?? 'unrecorded@example.com',
      certificateOidcIssuer: r.issuer ?? 'https://unrecorded.example.com',
    }),
  };
}

describe.skipIf(dir === undefined)('sigstore-js bundles, as recorded', () => {
  let asRecorded = 0;
  afterAll(() => {
    console.log(
      `sigstore-js: ${asRecorded}/${pairs.length} (bundle, trusted root) pairs as recorded`,
    );
  });

  it('covers every bundle of expected.json', () => {
    expect(results).toHaveLength(24);
    expect(pairs.length).toBeGreaterThanOrEqual(results.length);
  });

  it('rejects the fixture roots that lack validFor.start, and accepts the production root', () => {
    expect(rootFor('tuf-seed/trusted_root.json').strict).not.toBeInstanceOf(Error);
    for (const path of ['fixtures/client/trusted_root.json', 'fixtures/verify/trusted_root.json']) {
      const { strict } = rootFor(path);
      expect(isSecOpsError(strict) && strict.code).toBe('SBOM_TRUSTED_ROOT_INVALID');
      if (isSecOpsError(strict))
        expect(strict.issues.every((issue) => issue.path.endsWith('validFor.start'))).toBe(true);
    }
  });

  it.each(pairs)('%s', (_name, r, rootPath, recordedError) => {
    const bundle = JSON.parse(readFileSync(join(dir ?? '', r.bundle), 'utf8')) as unknown;
    // Message signatures are checked against the artifact; DSSE envelopes need none.
    const artifact =
      r.content === 'messageSignature' && r.artifact !== null
        ? { kind: 'bytes' as const, bytes: readFileSync(join(dir ?? '', r.artifact)) }
        : undefined;
    const run = () =>
      verifyBundle({
        bundle,
        artifact,
        trustedRoot: rootFor(rootPath).usable,
        signer: signerFor(r),
      });
    if (recordedError === undefined) {
      const result = run();
      if (r.publicKey === null)
        expect(result.signer).toEqual({
          kind: 'certificate',
          identity: r.identity,
          issuer: r.issuer,
        });
      else expect(result.signer.kind).toBe('key');
    } else {
      let error: unknown;
      try {
        run();
      } catch (err) {
        error = err;
      }
      expect(isSecOpsError(error), 'expected verification to fail').toBe(true);
      if (!isSecOpsError(error)) return;
      // The recorded library error code is the check that failed.
      expect(error.details.check).toBe(recordedError.split(':')[0]);
    }
    asRecorded += 1;
  });
});
