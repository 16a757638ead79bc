import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sigmaCorpus } from '../../test/support/sigma-corpus.ts';
import { UNSUPPORTED_FEATURES } from './unsupported-features.ts';

// The SigmaHQ corpus (../shared/testdata/sigma, see its SOURCE.txt): every rule is compiled.
const corpus = sigmaCorpus();

describe.skipIf(corpus === undefined)('the SigmaHQ corpus', () => {
  const root = corpus?.root ?? '';
  const files = corpus?.files ?? [];
  const load = corpus?.load ?? { rules: [], correlations: [], problems: [] };

  it('is all there (3,780 rule files)', () => {
    expect(files).toHaveLength(3780);
    expect(relative(root, join(root, files[0] ?? ''))).not.toMatch(/^\.\./);
  });

  it('loads at least 99 % of the rules', () => {
    const total = load.rules.length + load.problems.length + load.correlations.length;
    expect(total).toBe(3780);
    const share = load.rules.length / total;
    console.log(
      `SigmaHQ corpus: ${String(load.rules.length)} of ${String(total)} rules load (${(share * 100).toFixed(2)} %)`,
    );
    expect(share).toBeGreaterThanOrEqual(0.99);
  });

  it('fails every other rule for a declared unsupported feature, counted', () => {
    const counts = new Map<string, number>();
    for (const problem of load.problems) {
      expect(problem, `${problem.file}:${String(problem.line)} ${problem.message}`).toMatchObject({
        kind: 'unsupported',
      });
      expect(Object.keys(UNSUPPORTED_FEATURES)).toContain(problem.feature);
      counts.set(problem.feature, (counts.get(problem.feature) ?? 0) + 1);
    }
    for (const [feature, count] of counts)
      console.log(
        `  unsupported ${feature}: ${String(count)} (${UNSUPPORTED_FEATURES[feature] ?? ''})`,
      );
    // Each problem names its file and line.
    for (const problem of load.problems) expect(problem.line).toBeGreaterThan(0);
  });

  it('keeps every loaded rule author for attribution (Detection Rule License)', () => {
    const withoutAuthor = load.rules.filter((r) => !r.rule.meta.author);
    expect(withoutAuthor.map((r) => r.file)).toEqual([]);
  });
});
