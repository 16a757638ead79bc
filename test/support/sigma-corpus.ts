import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuleSources } from '../../detections/index.ts';
import type { RuleLoad } from '../../detections/index.ts';
import { requireOrSkip, sharedTestdata } from './services.ts';

/** The SigmaHQ corpus (../shared/testdata/sigma, see its SOURCE.txt), read once per test file. */
export interface SigmaCorpus {
  readonly root: string;
  /** Rule files, relative to `root`, sorted. */
  readonly files: readonly string[];
  /** Every file compiled without placeholders. */
  readonly load: RuleLoad;
}

/**
 * The corpus compiled, or undefined when it is absent (the suite then skips with the reason
 * printed; under CI=true it fails instead).
 */
export function sigmaCorpus(): SigmaCorpus | undefined {
  const root = requireOrSkip('SigmaHQ rule corpus', sharedTestdata('sigma/rules'));
  if (root === undefined) return undefined;
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yml'))
    .sort();
  const load = loadRuleSources(
    files.map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') })),
    { placeholders: new Map() },
  );
  return { root, files, load };
}
