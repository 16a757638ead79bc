import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, requireOrSkip, sharedTestdata } from '../test/support/services.ts';
import { runSecops } from '../test/support/secops-cli.ts';

// `secops hunt` and `secops rules check` as a user runs them: the real command in a child process,
// over logs made from the parsers' real fixtures and rules written here.

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'secops-hunt-'));
  dirs.push(dir);
  return dir;
}

const secops = (args: readonly string[], input?: string) =>
  runSecops(args, input === undefined ? {} : { input });

const fixtures = join(repoRoot, 'siem', 'parsers', 'fixtures');
const fixture = (path: string): string => readFileSync(join(fixtures, path), 'utf8').trim();

/** Logs as the tools write them: evtx_dump JSON (Security) and Winlogbeat NDJSON (Sysmon). */
function writeLogs(dir: string): { security: string; sysmon: string } {
  const logon = JSON.parse(fixture('evtx-dump/security-4624.json')) as {
    Event: { System: { EventRecordID: number; TimeCreated: unknown } };
  };
  const records = ['12:25:00', '12:26:00', '12:27:00'].map((time, i) => {
    const copy = structuredClone(logon);
    copy.Event.System.EventRecordID = 207461 + i;
    copy.Event.System.TimeCreated = { '#attributes': { SystemTime: `2019-03-04T${time}Z` } };
    return `Record ${String(i + 1)}\n${JSON.stringify(copy, null, 2)}\n`;
  });
  const security = join(dir, 'security.json');
  writeFileSync(security, records.join(''));
  const sysmon = join(dir, 'sysmon.ndjson');
  const event = JSON.stringify(JSON.parse(fixture('winlogbeat/sysmon-1.json')));
  writeFileSync(sysmon, `${event}\n{"truncated": \n`);
  return { security, sysmon };
}

const RULES: Record<string, string> = {
  'windows/download_cradle.yml': `title: PowerShell Download Cradle
id: 6c6a0ab4-2a55-4a1f-9d0e-4f2f4d3b9a01
status: test
author: Hunt CLI Test
level: high
tags: [attack.execution, attack.t1059.001]
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\powershell.exe'
    CommandLine|contains|all: ['IEX', 'DownloadString']
  condition: selection
fields: [CommandLine, ParentImage]
`,
  'windows/rdp.yaml': `title: RDP Logon
id: 6c6a0ab4-2a55-4a1f-9d0e-4f2f4d3b9a02
name: rdp_logon
author: Hunt CLI Test
level: low
logsource: { product: windows, service: security }
detection:
  selection:
    EventID: 4624
    LogonType: 10
    WorkstationName|expand: '%Workstations%'
  condition: selection
---
title: Repeated RDP Logons
id: 6c6a0ab4-2a55-4a1f-9d0e-4f2f4d3b9a03
author: Hunt CLI Test
level: critical
correlation:
  type: event_count
  rules: [rdp_logon]
  group-by: [TargetUserName]
  timespan: 5m
  condition: { gte: 3 }
`,
  'broken.yml': `title: Broken
logsource: { product: windows }
detection:
  selection:
    Image|sideways: x
  condition: selection
`,
};

function writeRules(dir: string): string {
  const root = join(dir, 'rules');
  for (const [file, text] of Object.entries(RULES)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

describe('secops hunt', () => {
  it('prints matches and a summary, exits 1 on matches and 0 without', () => {
    const dir = tempDir();
    const { security, sysmon } = writeLogs(dir);
    const rules = writeRules(dir);
    const placeholder = ['--placeholder', 'Workstations=WIN-ABC123'];

    const table = secops(['hunt', '--rules', rules, ...placeholder, security, sysmon]);
    expect(table.code).toBe(1);
    // The bad rule is named by file and line; the others ran.
    expect(table.stderr).toContain(`${join(rules, 'broken.yml')}:5: invalid:`);
    expect(table.stderr).toContain(`${sysmon}:2: not valid JSON`);
    expect(table.stderr).toContain(
      'hunt: 4 events from 5 records in 2 inputs (1 not parsed); 2 matches',
    );
    expect(table.stderr).toContain('rules: 3 loaded (1 correlation), 0 unsupported, 1 invalid');
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^time\s+level\s+rule\s+author\s+host\s+fields$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      /^2019-03-04 12:27:00\s+critical\s+Repeated RDP Logons \[event_count\]/,
    );
    expect(lines[1]).toContain('TargetUserName=IEUser');
    expect(lines[2]).toMatch(
      /^2024-03-05 10:00:14\s+high\s+PowerShell Download Cradle\s+Hunt CLI Test\s+wks-042\s+CommandLine=/,
    );

    const ndjson = secops(
      ['hunt', '-r', rules, ...placeholder, '--format', 'ndjson', '-', security],
      readFileSync(sysmon, 'utf8'),
    );
    expect(ndjson.code).toBe(1);
    const matches = ndjson.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(matches).toEqual([
      expect.objectContaining({
        kind: 'rule',
        rule: {
          id: '6c6a0ab4-2a55-4a1f-9d0e-4f2f4d3b9a01',
          title: 'PowerShell Download Cradle',
          level: 'high',
          author: 'Hunt CLI Test',
          tags: ['attack.execution', 'attack.t1059.001'],
          file: join(rules, 'windows', 'download_cradle.yml'),
          line: 1,
        },
        eventId: 'stdin:1',
        timestamp: '2024-03-05T10:00:14.324Z',
        source: { file: 'stdin', line: 1 },
        event: expect.objectContaining({ host: { name: 'wks-042' } }) as unknown,
      }),
      expect.objectContaining({
        kind: 'correlation',
        groupBy: { TargetUserName: 'IEUser' },
        value: 3,
        eventIds: [`${security}:2`, expect.any(String), expect.any(String)],
      }),
    ]);

    const json = secops(['hunt', '-r', rules, ...placeholder, '--format', 'json', security]);
    expect(json.code).toBe(1);
    const body = JSON.parse(json.stdout) as { matches: unknown[]; summary: { suppressed: number } };
    expect(body.matches).toHaveLength(1);
    expect(body.summary.suppressed).toBe(3);

    // Without the placeholder the RDP rule does not load, and the cradle is below critical.
    const quiet = secops(['hunt', '-r', rules, '--min-level', 'critical', security, sysmon]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toContain('unsupported (placeholder)');
    expect(quiet.stderr).toContain('1 match below --min-level not shown');
  });

  it('exits 2 naming the file it cannot read, or when no rule loads', () => {
    const dir = tempDir();
    const { security } = writeLogs(dir);
    const rules = writeRules(dir);
    const missing = join(dir, 'missing.json');

    const noFile = secops(['hunt', '-r', rules, security, missing]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain(`${missing}: cannot read it`);

    const noRules = secops(['hunt', '-r', join(dir, 'no-rules'), security]);
    expect(noRules.code).toBe(2);
    expect(noRules.stderr).toContain(join(dir, 'no-rules'));

    const onlyBroken = secops(['hunt', '-r', join(rules, 'broken.yml'), security]);
    expect(onlyBroken.code).toBe(2);
    expect(onlyBroken.stderr).toContain('no rules loaded');

    expect(secops(['hunt', security]).code).toBe(2);
  });
});

const corpus = requireOrSkip('SigmaHQ rule corpus', sharedTestdata('sigma/rules'));

describe('secops rules check', () => {
  it('lists invalid rules by file and line and exits 1', () => {
    const rules = writeRules(tempDir());
    const result = secops(['rules', 'check', rules, '--placeholder', 'Workstations=WKS-1']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('supported:    3 (2 detection, 1 correlation)');
    expect(result.stdout).toContain('unsupported:  0');
    expect(result.stdout).toContain('invalid:      1');
    expect(result.stdout).toContain(`${join(rules, 'broken.yml')}:5: unknown value modifier`);
  });

  it.skipIf(corpus === undefined)(
    'compiles the SigmaHQ corpus: all supported but 25 placeholder rules',
    () => {
      const result = secops(['rules', 'check', corpus ?? '', '--format', 'json']);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as {
        files: number;
        supported: number;
        unsupported: number;
        unsupportedByFeature: { feature: string; count: number }[];
        invalid: unknown[];
        fallback: { rules: number };
      };
      expect(report).toMatchObject({ files: 3780, supported: 3755, unsupported: 25, invalid: [] });
      expect(report.unsupportedByFeature.map((g) => [g.feature, g.count])).toEqual([
        ['placeholder', 25],
      ]);
      expect(report.fallback.rules).toBeGreaterThan(0);
    },
  );
});
