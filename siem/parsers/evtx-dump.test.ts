import { describe, expect, it } from 'vitest';
import { evtxDumpParser } from './evtx-dump.ts';
import { field, jsonRecord, parseError, parseOne, textRecord } from './test-fixtures.ts';

const evtx = (file: string) => parseOne(evtxDumpParser, jsonRecord(`evtx-dump/${file}`));

describe('evtx-dump parser', () => {
  it('converts System to the winlog fields Winlogbeat ships', () => {
    const doc = evtx('security-4624.json');
    expect(doc['@timestamp']).toBe('2019-03-04T12:25:55.575Z');
    expect(field(doc, 'secops.timestamp_nanos')).toBe('2019-03-04T12:25:55.575419Z');
    expect(field(doc, 'winlog')).toMatchObject({
      channel: 'Security',
      computer_name: 'WIN-ABC123.contoso.local',
      event_id: '4624',
      provider_name: 'Microsoft-Windows-Security-Auditing',
      provider_guid: '54849625-5478-4994-A5BA-3E3B0328C30D',
      record_id: '207461',
      version: 2,
      task: '12544',
      opcode: '0',
      keywords: ['Audit Success'],
      process: { pid: 628, thread: { id: 4664 } },
      activity_id: 'B66F1C1F-D0D4-0000-2A1D-6FB6D4D0D401',
    });
    expect(field(doc, 'event.code')).toBe('4624');
    expect(field(doc, 'event.provider')).toBe('Microsoft-Windows-Security-Auditing');
    expect(field(doc, 'host.name')).toBe('WIN-ABC123.contoso.local');
    expect(field(doc, 'log.level')).toBe('information');
  });

  it('keeps EventData raw in winlog.event_data, values as strings', () => {
    const doc = evtx('security-4624.json');
    expect(field(doc, 'winlog.event_data.LogonType')).toBe('10');
    expect(field(doc, 'winlog.event_data.KeyLength')).toBe('0');
    expect(field(doc, 'winlog.event_data.SubjectLogonId')).toBe('0x3e7');
    expect(field(doc, 'winlog.event_data.LogonProcessName')).toBe('User32 ');
  });

  it('maps the event with the same code as the winlogbeat parser', () => {
    const doc = evtx('security-4624.json');
    expect(field(doc, 'event')).toMatchObject({
      action: 'logged-in',
      category: ['authentication'],
      type: ['start'],
      outcome: 'success',
      module: 'system',
      dataset: 'system.security',
      kind: 'event',
    });
    expect(field(doc, 'user')).toEqual({
      name: 'IEUser',
      domain: 'WIN-ABC123',
      id: 'S-1-5-21-3623811015-3361044348-30300820-1013',
    });
    expect(field(doc, 'source')).toEqual({ ip: '192.0.2.77', domain: 'WIN-ABC123' });
    expect(field(doc, 'winlog.logon')).toEqual({ id: '0x17d1c3', type: 'RemoteInteractive' });
    expect(field(doc, 'process')).toEqual({
      executable: 'C:\\Windows\\System32\\svchost.exe',
      name: 'svchost.exe',
      pid: 452,
    });
    expect(field(doc, 'ecs.version')).toBe('8.17.0');
  });

  it('reads an evtx_dump -o jsonl line and maps Sysmon process creation', () => {
    const doc = parseOne(evtxDumpParser, textRecord('evtx-dump/sysmon-1.jsonl'));
    expect(field(doc, 'event.dataset')).toBe('windows.sysmon_operational');
    expect(field(doc, 'event.category')).toEqual(['process']);
    expect(field(doc, 'process')).toMatchObject({
      pid: 3616,
      executable: 'C:\\Windows\\System32\\cmd.exe',
      name: 'cmd.exe',
      command_line: 'cmd.exe /c whoami /all',
      hash: { sha256: 'b99d114b267ffd068c3289199b6df95a9f9e64872d6c2b666d63974bbce75bf2' },
      pe: { imphash: '272245e2988e1e430500b852c4fb5e18', original_file_name: 'Cmd.Exe' },
      parent: { pid: 4212, executable: 'C:\\Windows\\explorer.exe' },
    });
    expect(field(doc, 'user')).toEqual({ id: 'S-1-5-18', name: 'jsmith', domain: 'CORP' });
    expect(field(doc, 'winlog.user.identifier')).toBe('S-1-5-18');
    expect(field(doc, 'winlog.event_data.ProcessId')).toBe('3616');
    expect(field(doc, 'winlog.keywords')).toEqual(['0x8000000000000000']);
  });

  it('flattens UserData like Winlogbeat and maps the log-cleared actor (1102)', () => {
    const doc = evtx('log-cleared-1102.json');
    expect(field(doc, 'winlog.user_data')).toEqual({
      SubjectUserSid: 'S-1-5-21-1111111111-2222222222-3333333333-1105',
      SubjectUserName: 'jsmith',
      SubjectDomainName: 'CORP',
      SubjectLogonId: '0x8dcdc',
      xml_name: 'LogFileCleared',
    });
    expect(field(doc, 'event.action')).toBe('audit-log-cleared');
    expect(field(doc, 'user.name')).toBe('jsmith');
    expect(field(doc, 'winlog.keywords')).toEqual(['Audit Success']);
    expect(field(doc, 'winlog.event_data')).toBeUndefined();
  });

  it('reads an EventID with qualifiers and unnamed Data as param1..n', () => {
    const doc = evtx('system-7036.json');
    expect(field(doc, 'event.code')).toBe('7036');
    expect(field(doc, 'winlog.event_data')).toEqual({
      param1: 'Windows Update',
      param2: 'running',
      Binary: '770075006100750073006500720076002F0034000000',
    });
    expect(field(doc, 'winlog.event_source_name')).toBe('Service Control Manager');
    expect(field(doc, 'winlog.keywords')).toEqual(['Classic']);
    expect(field(doc, 'event.dataset')).toBe('system.system');
    expect(doc['@timestamp']).toBe('2024-03-05T12:00:00.123Z');
  });

  it('accepts null EventData, string EventIDs and a Security UserID', () => {
    const doc = evtx('no-event-data.json');
    expect(field(doc, 'event.code')).toBe('12');
    expect(field(doc, 'winlog.event_data')).toBeUndefined();
    expect(field(doc, 'user.id')).toBe('S-1-5-18');
  });

  it('keeps unresolved named Data elements by name', () => {
    const doc = parseOne(evtxDumpParser, {
      kind: 'json',
      value: {
        Event: {
          System: { EventID: 1, Channel: 'Application' },
          EventData: { Data: [{ '#attributes': { Name: 'Foo' }, '#text': 'bar' }, 'plain'] },
          Extra: { x: 1 },
        },
      },
    });
    expect(field(doc, 'winlog.event_data')).toEqual({ Foo: 'bar', param2: 'plain' });
    expect(field(doc, 'winlog.Extra')).toEqual({ x: 1 });
  });

  it('detects evtx_dump records only', () => {
    expect(evtxDumpParser.detect(jsonRecord('evtx-dump/security-4624.json'))).toBe(true);
    expect(evtxDumpParser.detect({ kind: 'json', value: { Event: {} } })).toBe(false);
    expect(evtxDumpParser.detect({ kind: 'json', value: { event: { System: {} } } })).toBe(false);
  });

  it('rejects records it cannot read, naming the field', () => {
    expect(parseError(evtxDumpParser, { kind: 'json', value: { Event: 1 } }).message).toBe(
      'Event: expected an object, got a number',
    );
    expect(parseError(evtxDumpParser, { kind: 'json', value: { Event: {} } }).path).toBe(
      'Event.System',
    );
    expect(
      parseError(evtxDumpParser, { kind: 'json', value: { Event: { System: {} } } }).message,
    ).toBe('Event.System.EventID: missing or not an event number');
    expect(
      parseError(evtxDumpParser, {
        kind: 'json',
        value: {
          Event: {
            System: { EventID: 1, TimeCreated: { '#attributes': { SystemTime: 'later' } } },
          },
        },
      }).path,
    ).toBe('Event.System.TimeCreated.#attributes.SystemTime');
    expect(parseError(evtxDumpParser, { kind: 'text', text: 'Record 1' }).message).toMatch(
      /^not valid JSON/,
    );
  });
});
