import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isSecOpsError } from '../../platform/errors/index.ts';
import { loadMappings } from '../mappings/logsource-mapping.ts';
import { runHunt } from './hunt-runner.ts';
import type { HuntInput, HuntMatch, HuntOptions, HuntProgress, RuleHit } from './hunt-runner.ts';
import { toMatchRecord } from './match-record.ts';
import { compileRuleSet } from './rule-set.ts';
import type { HuntRuleSet } from './rule-set.ts';

// Real records from the parsers' fixtures: an evtx_dump Sysmon 1 line and a Security 4624 event.
const fixtures = new URL('../../siem/parsers/fixtures/', import.meta.url);
const sysmonLine = readFileSync(new URL('evtx-dump/sysmon-1.jsonl', fixtures), 'utf8').trim();
const logon = JSON.parse(
  readFileSync(new URL('evtx-dump/security-4624.json', fixtures), 'utf8'),
) as { Event: { System: { EventRecordID: number; TimeCreated: Record<string, unknown> } } };

/** evtx_dump's JSON output: a `Record N` line, then the event pretty-printed. */
function evtxDump(events: readonly unknown[]): string {
  return events.map((e, i) => `Record ${String(i + 1)}\n${JSON.stringify(e, null, 2)}\n`).join('');
}

/** The 4624 fixture (an RDP logon of IEUser) at `time`. */
function logonAt(time: string, record: number): unknown {
  const copy = structuredClone(logon);
  copy.Event.System.EventRecordID = record;
  copy.Event.System.TimeCreated = { '#attributes': { SystemTime: time } };
  return copy;
}

const mappings = loadMappings();
const receivedAt = Date.UTC(2024, 5, 1);

const WHOAMI = `title: Whoami Through Cmd
id: 11111111-1111-4111-8111-111111111111
author: Hunt Test
level: medium
tags: [attack.discovery]
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\cmd.exe'
    CommandLine|contains: whoami
  condition: selection
fields: [CommandLine, User, NoSuchField]
`;

const RDP = `title: RDP Logon
id: 22222222-2222-4222-8222-222222222222
name: rdp_logon
author: Hunt Test
level: low
logsource: { product: windows, service: security }
detection:
  selection:
    EventID: 4624
    LogonType: 10
  condition: selection
`;

const RDP_BURST = `title: RDP Logon Burst
id: 33333333-3333-4333-8333-333333333333
author: Hunt Test
level: high
correlation:
  type: event_count
  rules: [rdp_logon]
  group-by: [TargetUserName]
  timespan: 10m
  condition: { gte: 3 }
`;

function ruleSet(...texts: string[]): HuntRuleSet {
  const set = compileRuleSet(
    texts.map((text, i) => ({ file: `rules/${String(i)}.yml`, text })),
    { mappings },
  );
  expect(set.problems).toEqual([]);
  return set;
}

function input(name: string, text: string): HuntInput {
  return { name, open: () => Readable.from([Buffer.from(text)]) };
}

async function hunt(
  set: HuntRuleSet,
  inputs: readonly HuntInput[],
  options: Partial<HuntOptions> = {},
) {
  const matches: HuntMatch[] = [];
  const errors: string[] = [];
  const progress: HuntProgress[] = [];
  const summary = await runHunt(inputs, {
    ruleSet: set,
    receivedAt,
    onMatch: (m) => matches.push(m),
    onRecordError: (e) => errors.push(e),
    onProgress: (p) => progress.push(p),
    ...options,
  });
  return { summary, matches, errors, progress };
}

describe('runHunt', () => {
  it('matches evtx_dump records parsed as ingest parses them, with the rule’s fields', async () => {
    const { matches, summary } = await hunt(ruleSet(WHOAMI), [
      input('sysmon.jsonl', `${sysmonLine}\n`),
    ]);
    expect(matches).toHaveLength(1);
    const hit = matches[0] as RuleHit;
    expect(hit.kind).toBe('rule');
    expect(hit.rule.meta.title).toBe('Whoami Through Cmd');
    expect(hit.event).toMatchObject({
      id: 'sysmon.jsonl:1',
      line: 1,
      timestamp: Date.parse('2024-03-05T10:00:14.324Z'),
    });
    // The ECS document ingest would store.
    expect(hit.event.doc).toMatchObject({
      winlog: {
        channel: 'Microsoft-Windows-Sysmon/Operational',
        computer_name: 'wks-042.corp.example.com',
      },
      event: { code: '1' },
    });
    expect(hit.fields).toEqual([
      ['CommandLine', 'cmd.exe /c whoami /all'],
      ['User', 'CORP\\jsmith'],
    ]);
    expect(toMatchRecord(hit)).toMatchObject({
      kind: 'rule',
      rule: {
        id: '11111111-1111-4111-8111-111111111111',
        title: 'Whoami Through Cmd',
        level: 'medium',
        author: 'Hunt Test',
        tags: ['attack.discovery'],
        file: 'rules/0.yml',
        line: 1,
      },
      eventId: 'sysmon.jsonl:1',
      timestamp: '2024-03-05T10:00:14.324Z',
      source: { file: 'sysmon.jsonl', line: 1 },
      fields: { CommandLine: 'cmd.exe /c whoami /all', User: 'CORP\\jsmith' },
    });
    expect(summary).toMatchObject({ inputs: 1, records: 1, events: 1, rejected: 0, matches: 1 });
    expect(summary.byRule).toEqual([
      {
        kind: 'rule',
        ref: '11111111-1111-4111-8111-111111111111',
        title: 'Whoami Through Cmd',
        level: 'medium',
        count: 1,
      },
    ]);
  });

  it('correlates matches across files in event-time order and keeps the base rule quiet', async () => {
    // The later file comes first: the correlation still sees the three logons in order.
    const late = evtxDump([logonAt('2019-03-04T12:29:00Z', 3)]);
    const early = evtxDump([
      logonAt('2019-03-04T12:25:00Z', 1),
      logonAt('2019-03-04T12:27:00Z', 2),
    ]);
    const { matches, summary } = await hunt(ruleSet(`${RDP}---\n${RDP_BURST}`), [
      input('b.json', late),
      input('a.json', early),
    ]);
    expect(matches.map((m) => m.kind)).toEqual(['correlation']);
    const record = toMatchRecord(matches[0]!);
    expect(record).toMatchObject({
      kind: 'correlation',
      rule: { title: 'RDP Logon Burst', type: 'event_count', level: 'high', author: 'Hunt Test' },
      groupBy: { TargetUserName: 'IEUser' },
      value: 3,
      firstTimestamp: '2019-03-04T12:25:00.000Z',
      timestamp: '2019-03-04T12:29:00.000Z',
      // evtx_dump records start after their `Record N` line.
      eventIds: ['a.json:2', expect.stringMatching(/^a\.json:\d+$/), 'b.json:2'],
    });
    // generate: false (the default): the three logons feed the correlation, not the report.
    expect(summary).toMatchObject({ events: 3, matches: 1, suppressed: 3 });
  });

  it('counts matches below --min-level without reporting them', async () => {
    const { matches, summary } = await hunt(ruleSet(WHOAMI), [input('sysmon.jsonl', sysmonLine)], {
      minLevel: 'high',
    });
    expect(matches).toEqual([]);
    expect(summary).toMatchObject({ matches: 0, belowLevel: 1 });
  });

  it('reports unreadable records by file and line and goes on', async () => {
    const { matches, errors, summary } = await hunt(ruleSet(WHOAMI), [
      input('mixed.jsonl', `{"broken": \n${sysmonLine}\n{"@timestamp": "yesterday-ish"}\n`),
    ]);
    expect(matches).toHaveLength(1);
    expect(errors).toEqual([
      expect.stringMatching(/^mixed\.jsonl:1: not valid JSON/),
      // The ECS parser refuses it, as it does at ingest.
      expect.stringMatching(/^mixed\.jsonl:3: ecs: @timestamp: /),
    ]);
    expect(summary).toMatchObject({ records: 3, events: 1, rejected: 2 });
  });

  it('reads syslog lines with the syslog parser, dated in the receive year', async () => {
    const rule = `title: SSH Password Failure
author: Hunt Test
level: low
logsource: { product: linux, service: sshd }
detection:
  keywords: ['Failed password']
  condition: keywords
`;
    const line =
      '<86>Jan  2 03:04:05 web01 sshd[2101]: Failed password for root from 198.51.100.7 port 51515 ssh2\n';
    const { matches } = await hunt(ruleSet(rule), [input('auth.log', line)]);
    expect(matches).toHaveLength(1);
    const hit = matches[0] as RuleHit;
    expect(hit.event.doc).toMatchObject({ host: { hostname: 'web01' }, process: { name: 'sshd' } });
    expect(new Date(hit.event.timestamp).getUTCFullYear()).toBe(2024);
    expect(hit.event.id).toBe('auth.log:1');
  });

  it('expands placeholders given with the rule set', async () => {
    const rule = `title: Logon From Admin Workstation
author: Hunt Test
logsource: { product: windows, service: security }
detection:
  selection:
    EventID: 4624
    WorkstationName|expand: '%Workstations%'
  condition: selection
`;
    const set = compileRuleSet([{ file: 'p.yml', text: rule }], {
      mappings,
      placeholders: new Map([['Workstations', ['WKS-1', 'WIN-ABC123']]]),
    });
    expect(set.problems).toEqual([]);
    const { matches } = await hunt(set, [
      input('s.json', evtxDump([logonAt('2019-03-04T12:25:00Z', 1)])),
    ]);
    expect(matches).toHaveLength(1);
  });

  it('reports progress in bytes over every input', async () => {
    const first = `${sysmonLine}\n`;
    const second = evtxDump([logonAt('2019-03-04T12:25:00Z', 1)]);
    const { progress } = await hunt(ruleSet(WHOAMI), [input('a', first), input('b', second)]);
    const bytes = progress.map((p) => p.bytesRead);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({
      input: 'b',
      bytesRead: Buffer.byteLength(first) + Buffer.byteLength(second),
      records: 2,
      events: 2,
      matches: 1,
    });
  });

  it('names the input it cannot read (DETECTION_INVALID_REQUEST)', async () => {
    const broken: HuntInput = {
      name: 'gone.json',
      open: () =>
        new Readable({
          read() {
            this.destroy(Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' }));
          },
        }),
    };
    const error = await hunt(ruleSet(WHOAMI), [broken]).catch((err: unknown) => err);
    expect(isSecOpsError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'DETECTION_INVALID_REQUEST',
      details: { input: 'gone.json' },
    });
  });
});
