import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSecOpsError } from '../../platform/errors/index.ts';
import { requireOrSkip, sharedTestdata } from '../../test/support/services.ts';
import { parseTrustedRoot } from './trusted-root.ts';
import { PUBLIC_GOOD_TUF_REPOSITORY, loadPublicGoodTrustedRoot } from './trusted-root-sources.ts';

type Json = Record<string, unknown>;

/** The public-good trusted_root.json as @sigstore/tuf ships it (base64 in its seeds). */
function seededRootText(): string {
  const require = createRequire(import.meta.url);
  const seeds = JSON.parse(
    readFileSync(require.resolve('@sigstore/tuf/seeds.json'), 'utf8'),
  ) as Record<string, { targets: Record<string, string> }>;
  const encoded = seeds[PUBLIC_GOOD_TUF_REPOSITORY]?.targets['trusted_root.json'] ?? '';
  return Buffer.from(encoded, 'base64').toString('utf8');
}

function seededRoot(): Json {
  return JSON.parse(seededRootText()) as Json;
}

function rejection(input: unknown): { code: string; issues: readonly { path: string }[] } {
  try {
    parseTrustedRoot(input, 'test root');
  } catch (err) {
    if (isSecOpsError(err)) return { code: err.code, issues: err.issues };
    throw err;
  }
  throw new Error('expected the trusted root to be rejected');
}

const at = (root: Json, key: string, i = 0) => (root[key] as Json[])[i]!;

describe('the public-good trusted root', () => {
  it('loads from @sigstore/tuf, validated, with its logs and authorities', () => {
    const loaded = loadPublicGoodTrustedRoot();
    expect(loaded.source).toMatch(/^@sigstore\/tuf@5\.\d+\.\d+ seeds \(public good\)$/);
    expect(loaded.root.tlogs.length).toBeGreaterThan(0);
    expect(loaded.root.certificateAuthorities.length).toBeGreaterThan(0);
    expect(loaded.root.ctlogs.length).toBeGreaterThan(0);
  });

  const testdata = requireOrSkip('sigstore-js test data', sharedTestdata('sigstore-js'));
  it.skipIf(testdata === undefined)(
    'is the production root the test data records (tuf-seed/trusted_root.json)',
    () => {
      const recorded = readFileSync(join(testdata ?? '', 'tuf-seed', 'trusted_root.json'), 'utf8');
      expect(JSON.parse(seededRootText())).toEqual(JSON.parse(recorded));
    },
  );
});

describe('parseTrustedRoot', () => {
  it.each([
    [
      'a transparency log key',
      'tlogs',
      (e: Json) => e.publicKey as Json,
      'tlogs[0].publicKey.validFor.start',
    ],
    [
      'a CT log key',
      'ctlogs',
      (e: Json) => e.publicKey as Json,
      'ctlogs[0].publicKey.validFor.start',
    ],
    [
      'a certificate authority',
      'certificateAuthorities',
      (e: Json) => e,
      'certificateAuthorities[0].validFor.start',
    ],
    [
      'a timestamp authority',
      'timestampAuthorities',
      (e: Json) => e,
      'timestampAuthorities[0].validFor.start',
    ],
  ] as const)('rejects %s without validFor.start, naming it', (_what, key, holder, path) => {
    const root = seededRoot();
    delete (holder(at(root, key)).validFor as Json).start;
    const { code, issues } = rejection(root);
    expect(code).toBe('SBOM_TRUSTED_ROOT_INVALID');
    expect(issues.map((i) => i.path)).toEqual([path]);
  });

  it('rejects a key with no validity window at all', () => {
    const root = seededRoot();
    delete (at(root, 'tlogs').publicKey as Json).validFor;
    expect(rejection(root).issues.map((i) => i.path)).toEqual([
      'tlogs[0].publicKey.validFor.start',
    ]);
  });

  it('rejects a window that ends before it starts', () => {
    const root = seededRoot();
    const validFor = at(root, 'certificateAuthorities').validFor as Json;
    validFor.end = '2000-01-01T00:00:00Z';
    expect(rejection(root).issues.map((i) => i.path)).toEqual([
      'certificateAuthorities[0].validFor.end',
    ]);
  });

  it('rejects an unknown media type, a bad certificate and a bad key', () => {
    const root = seededRoot();
    root.mediaType = 'application/vnd.dev.sigstore.trustedroot.v9.9+json';
    expect(rejection(root).issues.map((i) => i.path)).toEqual(['mediaType']);

    const badCert = seededRoot();
    const chain = at(badCert, 'certificateAuthorities').certChain as { certificates: Json[] };
    chain.certificates[0]!.rawBytes = Buffer.from('not a certificate').toString('base64');
    expect(rejection(badCert).issues.map((i) => i.path)).toEqual([
      'certificateAuthorities[0].certChain.certificates[0].rawBytes',
    ]);

    const badKey = seededRoot();
    (at(badKey, 'ctlogs').publicKey as Json).rawBytes = Buffer.from('nope').toString('base64');
    expect(rejection(badKey).issues.map((i) => i.path)).toEqual(['ctlogs[0].publicKey.rawBytes']);
  });

  it('rejects text that is not JSON', () => {
    expect(rejection('{"mediaType":').code).toBe('SBOM_TRUSTED_ROOT_INVALID');
  });

  it('accepts JSON nulls for absent optional fields and an open-ended window', () => {
    const root = seededRoot();
    const log = at(root, 'tlogs');
    log.checkpointKeyId = null;
    ((log.publicKey as Json).validFor as Json).end = null;
    expect(parseTrustedRoot(root, 'nulls').root.tlogs[0]?.publicKey?.validFor?.end).toBeUndefined();
  });
});
