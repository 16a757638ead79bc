import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { SbomError } from '../errors.ts';
import { parseTrustedRoot } from './trusted-root.ts';
import type { ValidatedTrustedRoot } from './trusted-root.ts';

/** The TUF repository whose seeded `trusted_root.json` is the Sigstore public-good instance. */
export const PUBLIC_GOOD_TUF_REPOSITORY = 'https://tuf-repo-cdn.sigstore.dev';

// The shape of @sigstore/tuf's seeds.json that matters here: base64 targets per repository.
const seedsSchema = z.object({
  [PUBLIC_GOOD_TUF_REPOSITORY]: z.object({
    targets: z.object({ 'trusted_root.json': z.string().min(1) }),
  }),
});

let publicGood: ValidatedTrustedRoot | undefined;

/**
 * The Sigstore public-good (production) trusted root, as `@sigstore/tuf` ships it in its TUF
 * seeds: read from the installed package (never copied into this repository), validated like
 * any other root, and cached for the process. Offline: no TUF refresh happens here, so a newer
 * root is passed with `--trusted-root`.
 */
export function loadPublicGoodTrustedRoot(): ValidatedTrustedRoot {
  if (publicGood !== undefined) return publicGood;
  const require = createRequire(import.meta.url);
  let encoded: string;
  let version = '?';
  try {
    const seeds = seedsSchema.parse(
      JSON.parse(readFileSync(require.resolve('@sigstore/tuf/seeds.json'), 'utf8')),
    );
    encoded = seeds[PUBLIC_GOOD_TUF_REPOSITORY].targets['trusted_root.json'];
    const pkg = JSON.parse(readFileSync(require.resolve('@sigstore/tuf/package.json'), 'utf8')) as {
      version?: unknown;
    };
    if (typeof pkg.version === 'string') version = pkg.version;
  } catch (err) {
    throw new SbomError(
      'SBOM_TRUSTED_ROOT_UNAVAILABLE',
      `the public-good trusted root cannot be read from @sigstore/tuf: ${(err as Error).message}`,
      { cause: err },
    );
  }
  publicGood = parseTrustedRoot(
    Buffer.from(encoded, 'base64').toString('utf8'),
    `@sigstore/tuf@${version} seeds (public good)`,
  );
  return publicGood;
}

/** Reads and validates a trusted root file (`--trusted-root FILE`). */
export async function readTrustedRootFile(path: string): Promise<ValidatedTrustedRoot> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new SbomError(
      'SBOM_INPUT_INVALID',
      `trusted root ${path} cannot be read: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return parseTrustedRoot(text, path);
}
