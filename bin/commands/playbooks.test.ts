import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPlaybookFiles } from './playbooks.ts';
import type { PlaybookCheckReport } from './playbooks.ts';
import { runSecops } from '../../test/support/secops-cli.ts';

// `secops playbooks check` in process over real files, and once as the real binary for the
// wiring and exit codes. No configuration, database or server exists here: the check is offline.

const WEBHOOK_KEY = 'abcdefghijklmnopqrstuvwx';

const VALID = `# Ask before containing
id: contain-host
name: Contain a host
trigger: { manual: true }
vars: { host: wks-9 }
steps:
  - id: ask
    action: approval
    with: { prompt: "Disable the user on \${{ vars.host }}?", timeout: 10m }
  - id: pause
    action: wait
    needs: [ask]
    with: { duration: 1s }
  - id: notify
    action: webhook.send
    needs: [pause]
    with:
      url: { secret: hooks/soc }
      payload: { text: "approved: \${{ steps.ask.output.approved }}" }
  - id: open_case
    action: case.create
    needs: [notify]
    with: { title: "Contained \${{ vars.host }}", tasks: [Reimage the host] }
`;

// Line 7: an unknown input of slack.post (and its missing webhook); line 10: an unknown step.
const INVALID = `id: broken
name: Broken
trigger: { manual: true }
steps:
  - id: a
    action: slack.post
    with: { text: hi, colour: red }
  - id: b
    action: wait
    needs: [nowhere]
    with: { duration: 1s }
`;

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

let dir: string;
const path = (name: string): string => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'secops-playbooks-check-'));
  writeFileSync(path('valid.yml'), VALID);
  writeFileSync(path('invalid.yaml'), INVALID);
  writeFileSync(path('leaky.yml'), LEAKY);
  mkdirSync(path('tree/nested'), { recursive: true });
  writeFileSync(path('tree/nested/one.yaml'), VALID.replace('contain-host', 'nested-one'));
  writeFileSync(
    path('tree/two.json'),
    JSON.stringify({
      id: 'json-two',
      name: 'From JSON',
      trigger: { manual: true },
      steps: [{ id: 'pause', action: 'wait', with: { duration: '2s' } }],
    }),
  );
  writeFileSync(path('tree/notes.txt'), 'not a playbook');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

async function check(paths: readonly string[], format = 'text') {
  const out = collector();
  const err = collector();
  const code = await checkPlaybookFiles(
    paths,
    { format },
    { stdout: out.stream, stderr: err.stream },
  );
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('secops playbooks check', () => {
  it('passes a valid playbook: exit 0', async () => {
    const result = await check([path('valid.yml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `ok ${path('valid.yml')} (contain-host, 4 steps)\n1 playbook file: 1 valid, 0 invalid\n`,
    );
    expect(result.stderr).toBe('');
  });

  it('names file, line, column and field of every problem: exit 1', async () => {
    const result = await check([path('valid.yml'), path('invalid.yaml')]);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toContain(`ok ${path('valid.yml')} (contain-host, 4 steps)`);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${escape(path('invalid.yaml'))}:7:\\d+ steps\\[0\\]\\.with\\.colour: unknown input colour`,
        ),
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${escape(path('invalid.yaml'))}:7:\\d+ steps\\[0\\]\\.with: missing input webhook$`,
        ),
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${escape(path('invalid.yaml'))}:10:\\d+ steps\\[1\\]\\.needs: needs unknown step nowhere$`,
        ),
      ),
    );
    expect(lines.at(-1)).toBe('2 playbook files: 1 valid, 1 invalid');
  });

  it('refuses a literal webhook URL without ever printing its key', async () => {
    const text = await check([path('leaky.yml')]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      new RegExp(
        `^${escape(path('leaky.yml'))}:8:\\d+ steps\\[0\\]\\.with\\.url: a literal credential \\(slack-webhook-url\\)`,
      ),
    );
    const json = await check([path('leaky.yml')], 'json');
    expect(json.code).toBe(1);
    for (const output of [text.stdout, text.stderr, json.stdout, json.stderr])
      expect(output).not.toContain(WEBHOOK_KEY);
  });

  it('checks every .yml, .yaml and .json under a directory, and reports JSON', async () => {
    const result = await check([path('tree')], 'json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as PlaybookCheckReport;
    expect(report).toEqual({
      valid: 2,
      invalid: 0,
      files: [
        {
          file: path('tree/nested/one.yaml'),
          valid: true,
          id: 'nested-one',
          name: 'Contain a host',
          steps: 4,
        },
        { file: path('tree/two.json'), valid: true, id: 'json-two', name: 'From JSON', steps: 1 },
      ],
      unreadable: [],
    });
    const invalid = await check([path('invalid.yaml')], 'json');
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout)).toMatchObject({
      valid: 0,
      invalid: 1,
      files: [
        {
          file: path('invalid.yaml'),
          valid: false,
          problems: expect.arrayContaining([
            expect.objectContaining({ line: 10, field: 'steps[1].needs' }),
          ]) as unknown,
        },
      ],
    });
  });

  it('exits 2 naming a path it cannot read (and still checks the others)', async () => {
    const missing = await check([path('valid.yml'), path('gone.yml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${path('gone.yml')}: cannot read it: no such file`);
    expect(missing.stdout).toContain(`ok ${path('valid.yml')}`);
    mkdirSync(path('empty'), { recursive: true });
    const empty = await check([path('empty')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(`${path('empty')}: cannot read it: no .yml, .yaml or .json`);
  });

  it('runs as the real command with the same exit codes', { timeout: 60_000 }, () => {
    // Offline: nothing points at a server, a database or a configuration.
    const secops = (args: readonly string[]) =>
      runSecops(['playbooks', 'check', ...args], { isolated: true });
    const bad = secops([path('valid.yml'), path('leaky.yml')]);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toContain(`ok ${path('valid.yml')} (contain-host, 4 steps)`);
    expect(bad.stdout).toContain(`${path('leaky.yml')}:8:`);
    expect(bad.stdout + bad.stderr).not.toContain(WEBHOOK_KEY);
    const missing = secops([path('gone.yml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(path('gone.yml'));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
