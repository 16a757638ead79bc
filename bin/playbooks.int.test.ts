import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../test/support/app.ts';
import type { TestApp } from '../test/support/app.ts';
import { runSecopsAsync } from '../test/support/secops-cli.ts';

// `secops playbooks push` and `run` as an operator runs them, against a server started in this
// process (the command runs as a child process, so the server's event loop keeps serving).

let t: TestApp;
let dir: string;

const MANUAL_WAIT = `# A manual playbook with one durable timer
id: manual-wait
name: Manual wait
trigger: { manual: true }
steps:
  - id: pause
    action: wait
    with: { duration: 1s }
`;

// Line 7: slack.post has no input colour (and lacks its webhook).
const BROKEN = `id: broken
name: Broken
trigger: { manual: true }
steps:
  - id: a
    action: slack.post
    with: { text: hi, colour: red }
`;

const WEBHOOK_KEY = 'abcdefghijklmnopqrstuvwx';
const LEAKY = `id: leaky
name: Leaky
trigger: { manual: true }
steps:
  - id: notify
    action: webhook.send
    with:
      url: https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/${WEBHOOK_KEY}
      payload: { text: hello }
`;

const ASKS = `id: asks-first
name: Asks first
trigger: { manual: true }
steps:
  - id: ask
    action: approval
    with: { prompt: "Go ahead with \${{ vars.target }}?", timeout: 10m }
  - id: after
    action: wait
    needs: [ask]
    with: { duration: 1s }
`;

const secops = (args: readonly string[], env: Record<string, string> = {}) =>
  runSecopsAsync(args, { env: { SECOPS_URL: '', SECOPS_TOKEN: '', ...env } });

const server = () => ['--url', t.url, '--token', t.adminToken];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'secops-playbooks-cli-'));
  writeFileSync(join(dir, 'manual-wait.yml'), MANUAL_WAIT);
  writeFileSync(join(dir, 'broken.yml'), BROKEN);
  writeFileSync(join(dir, 'asks-first.yml'), ASKS);
  writeFileSync(join(dir, 'leaky.yml'), LEAKY);
  t = await startTestApp();
});
afterAll(async () => {
  await t.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('secops playbooks push', () => {
  it('stores the valid file, reports every problem of the refused ones by file and line: exit 1', async () => {
    const good = join(dir, 'manual-wait.yml');
    const bad = join(dir, 'broken.yml');
    const leaky = join(dir, 'leaky.yml');
    const result = await secops(['playbooks', 'push', good, bad, leaky, ...server()]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${good}: manual-wait version 1\n`);
    expect(result.stderr).toContain(`secops: ${bad}: refused: not a valid playbook (2 problems)\n`);
    expect(result.stderr).toMatch(
      new RegExp(
        `${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7:\\d+ steps\\[0\\]\\.with\\.colour: unknown input colour`,
      ),
    );
    expect(result.stderr).toContain(`  - ${bad}:7:11 steps[0].with: missing input webhook\n`);
    expect(result.stderr).toContain(
      `  - ${leaky}:8:12 steps[0].with.url: a literal credential (slack-webhook-url)`,
    );
    expect(result.stdout + result.stderr).not.toContain(WEBHOOK_KEY);
    const stored = await t.call('GET', '/playbooks/manual-wait/source', t.adminToken);
    expect(stored.text).toBe(MANUAL_WAIT);
    expect((await t.call('GET', '/playbooks/broken', t.adminToken)).status).toBe(404);
  });

  it('exits 0 when every file is stored (URL and token from the environment), 2 when refused the token', async () => {
    const again = await secops(
      ['playbooks', 'push', join(dir, 'manual-wait.yml'), join(dir, 'asks-first.yml')],
      {
        SECOPS_URL: t.url,
        SECOPS_TOKEN: t.adminToken,
      },
    );
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`${join(dir, 'manual-wait.yml')}: manual-wait version 2\n`);
    expect(again.stdout).toContain(`${join(dir, 'asks-first.yml')}: asks-first version 1\n`);
    const forged = await secops([
      'playbooks',
      'push',
      join(dir, 'manual-wait.yml'),
      '--url',
      t.url,
      '--token',
      'sat_forged',
    ]);
    expect(forged.code).toBe(2);
    expect(forged.stderr).toContain('server answered 401');
  });
});

describe('secops playbooks run', () => {
  it('starts a manual playbook and follows it to the end: exit 0, each step shown', async () => {
    const result = await secops(['playbooks', 'run', 'manual-wait', '--wait', ...server()]);
    expect(result.code, result.stderr).toBe(0);
    const [header, ...steps] = result.stdout.trim().split('\n');
    expect(header).toMatch(/^run \S+ completed in [\d.]+ s \(playbook manual-wait version 2\)$/);
    expect(steps).toEqual([expect.stringMatching(/^ {2}pause {2}completed {2}[\d.]+ s$/)]);
    const runId = header?.split(' ')[1] ?? '';
    const run = await t.call('GET', `/runs/${runId}`, t.adminToken);
    expect(run.body.status).toBe('completed');
  });

  it('starts one run per idempotency key, and reports JSON', async () => {
    const args = [
      'playbooks',
      'run',
      'manual-wait',
      '--idempotency-key',
      'cli-once',
      '--format',
      'json',
      ...server(),
    ];
    const first = await secops(args);
    expect(first.code, first.stderr).toBe(0);
    const second = await secops(args);
    const [a, b] = [first, second].map(
      (r) => JSON.parse(r.stdout) as { id: string; started: boolean },
    );
    expect(b?.id).toBe(a?.id);
    expect([a?.started, b?.started]).toEqual([true, false]);
  });

  it('names a step waiting for approval, and gives up at --timeout with exit 2', async () => {
    const result = await secops([
      'playbooks',
      'run',
      'asks-first',
      '--var',
      'target=wks-9',
      '--wait',
      '--timeout',
      '3',
      ...server(),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/step ask waiting for approval: Go ahead with wks-9\?/);
    expect(result.stderr).toContain('is still running after 3 s');
    expect(result.stdout).toMatch(
      /^ {2}ask {4}waiting for approval: Go ahead with wks-9\? \(until /m,
    );
    expect(result.stdout).toMatch(/^ {2}after {2}pending$/m);
    const runId = result.stdout.split(' ')[1] ?? '';
    const cancelled = await t.call('POST', `/runs/${runId}/cancel`, t.adminToken);
    expect(cancelled.body.status).toBe('cancelled');
  });

  it('says clearly when the playbook does not exist or the server cannot be asked: exit 2', async () => {
    const unknown = await secops(['playbooks', 'run', 'no-such-playbook', '--wait', ...server()]);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(
      /^secops: playbook no-such-playbook: not started: server answered 404: .*no-such-playbook/,
    );
    const missing = await secops(['playbooks', 'run', 'manual-wait', '--url', t.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--token');
    const badVar = await secops([
      'playbooks',
      'run',
      'manual-wait',
      '--var',
      'novalue',
      ...server(),
    ]);
    expect(badVar.code).toBe(2);
    expect(badVar.stderr).toContain('--var novalue: give key=value');
  });
});
