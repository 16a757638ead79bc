import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../test/support/app.ts';
import type { TestApp } from '../test/support/app.ts';
import { runSecopsAsync } from '../test/support/secops-cli.ts';

// `secops rules reload` as an operator runs it, against a server started in this process (so
// the command runs as a child process without blocking the server's event loop).

let t: TestApp;
let rulesDir: string;

const rule = (title: string, id: string) => `title: ${title}
id: ${id}
level: low
logsource: { product: testapp }
detection:
  selection:
    message|contains: reload-canary
  condition: selection
`;

const secops = (args: readonly string[], env: Record<string, string> = {}) =>
  runSecopsAsync(args, { env: { SECOPS_URL: '', SECOPS_TOKEN: '', ...env } });

beforeAll(async () => {
  rulesDir = mkdtempSync(join(tmpdir(), 'secops-reload-rules-'));
  writeFileSync(
    join(rulesDir, 'one.yml'),
    rule('Reload One', 'ffffffff-0000-4000-8000-000000000001'),
  );
  t = await startTestApp({ 'detections.ruleDirs': [rulesDir] });
});
afterAll(async () => {
  await t.stop();
  rmSync(rulesDir, { recursive: true, force: true });
});

describe('secops rules reload', () => {
  it('reloads a running server and prints what loaded: exit 0', async () => {
    writeFileSync(
      join(rulesDir, 'two.yml'),
      rule('Reload Two', 'ffffffff-0000-4000-8000-000000000002'),
    );
    const result = await secops(['rules', 'reload', '--url', t.url, '--token', t.adminToken]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^reloaded: +generation 2 /);
    expect(result.stdout).toContain(`rule dirs:    starter, ${rulesDir}`);
    expect(result.stdout).toMatch(/invalid: +0/);
    expect(t.app.detections.get('ffffffff-0000-4000-8000-000000000002')?.title).toBe('Reload Two');
  });

  it('exits 1 and names file and line when a rule is invalid (token and URL from the environment, JSON)', async () => {
    writeFileSync(
      join(rulesDir, 'bad.yml'),
      rule('Bad', 'ffffffff-0000-4000-8000-000000000003').replace(
        'message|contains',
        'message|sideways',
      ),
    );
    try {
      const text = await secops(['rules', 'reload'], {
        SECOPS_URL: t.url,
        SECOPS_TOKEN: t.adminToken,
      });
      expect(text.code).toBe(1);
      expect(text.stdout).toContain(`${join(rulesDir, 'bad.yml')}:7: `);
      const json = await secops([
        'rules',
        'reload',
        '--format',
        'json',
        '--url',
        t.url,
        '--token',
        t.adminToken,
      ]);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout) as {
        generation: number;
        invalid: { file: string; line: number }[];
      };
      expect(report.invalid).toEqual([
        expect.objectContaining({ file: join(rulesDir, 'bad.yml'), line: 7 }),
      ]);
      expect(report.generation).toBe(t.app.detections.current().generation);
    } finally {
      rmSync(join(rulesDir, 'bad.yml'));
    }
  });

  it('exits 2 when the reload fails (the server keeps its rules), or the server refuses the token', async () => {
    const generation = t.app.detections.current().generation;
    const moved = `${rulesDir}-moved`;
    renameSync(rulesDir, moved);
    try {
      const failed = await secops(['rules', 'reload', '--url', t.url, '--token', t.adminToken]);
      expect(failed.code).toBe(2);
      expect(failed.stderr).toContain('server answered 503');
      expect(failed.stderr).toContain(rulesDir);
      expect(t.app.detections.current().generation).toBe(generation);
    } finally {
      renameSync(moved, rulesDir);
    }
    const refused = await secops(['rules', 'reload', '--url', t.url, '--token', 'sat_forged']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('server answered 401');
    const missing = await secops(['rules', 'reload', '--url', t.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--token');
  });
});
