import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRuleSources } from './rule-files.ts';

const root = mkdtempSync(join(tmpdir(), 'secops-rule-files-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('readRuleSources', () => {
  it('reads .yml and .yaml files under a directory, recursively and sorted, and single files', async () => {
    const dir = join(root, 'rules');
    mkdirSync(join(dir, 'windows', 'process_creation'), { recursive: true });
    mkdirSync(join(dir, 'folder.yml'));
    writeFileSync(join(dir, 'windows', 'process_creation', 'b.yml'), 'title: b\n');
    writeFileSync(join(dir, 'windows', 'a.yaml'), 'title: a\n');
    writeFileSync(join(dir, 'README.md'), '# not a rule\n');
    writeFileSync(join(dir, 'c.YML'), 'title: c\n');
    const single = join(root, 'single.yml');
    writeFileSync(single, 'title: single\n');

    const sources = await readRuleSources([dir, single]);
    expect(sources).toEqual([
      { file: join(dir, 'c.YML'), text: 'title: c\n' },
      { file: join(dir, 'windows', 'a.yaml'), text: 'title: a\n' },
      { file: join(dir, 'windows', 'process_creation', 'b.yml'), text: 'title: b\n' },
      { file: single, text: 'title: single\n' },
    ]);
  });

  it('names a path it cannot read (DETECTION_RULE_NOT_FOUND)', async () => {
    const missing = join(root, 'missing');
    await expect(readRuleSources([missing])).rejects.toMatchObject({
      code: 'DETECTION_RULE_NOT_FOUND',
      details: { path: missing },
    });
  });
});
