import { describe, expect, it } from 'vitest';
import { loadMappings, matchesFilter } from './logsource-mapping.ts';
import { fieldValue, fixtureEvent, jsonEvent } from './test-fixtures.ts';

// Windows events as our parsers store them (winlogbeat, evtx-dump, ECS passthrough), against the
// shipped mapping data.
const mappings = loadMappings();
const processCreation = mappings.resolve({ product: 'windows', category: 'process_creation' });
const sysmon1 = fixtureEvent('winlogbeat-sysmon-1.json');
const security4688 = fixtureEvent('winlogbeat-security-4688.json');
const defend = fixtureEvent('elastic-defend-process-start.json');

describe('windows process_creation', () => {
  it('holds Sysmon 1, Security 4688 and ECS-only process starts', () => {
    expect(matchesFilter(processCreation.filter, sysmon1)).toBe(true);
    expect(matchesFilter(processCreation.filter, security4688)).toBe(true);
    expect(matchesFilter(processCreation.filter, defend)).toBe(true);
  });

  it('reads Sysmon fields raw: User keeps its domain, IntegrityLevel its name', () => {
    expect(fieldValue(processCreation, sysmon1, 'Image')).toBe(
      'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    );
    expect(fieldValue(processCreation, sysmon1, 'User')).toBe('CORP\\jsmith');
    expect(fieldValue(processCreation, sysmon1, 'IntegrityLevel')).toBe('High');
    expect(fieldValue(processCreation, sysmon1, 'ProcessId')).toBe('3616');
    expect(fieldValue(processCreation, sysmon1, 'ParentProcessId')).toBe('4212');
    expect(fieldValue(processCreation, sysmon1, 'OriginalFileName')).toBe('PowerShell.EXE');
    // Not in the product's field map: found by the default template in winlog.event_data.
    expect(fieldValue(processCreation, sysmon1, 'TerminalSessionId')).toBe('1');
  });

  it("reads Security 4688's renamed fields under the Sysmon names", () => {
    expect(fieldValue(processCreation, security4688, 'Image')).toBe(
      'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    );
    expect(fieldValue(processCreation, security4688, 'ParentImage')).toBe(
      'C:\\Windows\\explorer.exe',
    );
    expect(fieldValue(processCreation, security4688, 'CommandLine')).toBe(
      'powershell.exe -NoProfile -EncodedCommand SQBFAFgA',
    );
    expect(fieldValue(processCreation, security4688, 'IntegrityLevel')).toBe('S-1-16-12288');
    expect(fieldValue(processCreation, security4688, 'LogonId')).toBe('0x8dcdc');
    // 4688's ProcessId is the creator's; the new process's id is NewProcessId.
    expect(fieldValue(processCreation, security4688, 'ProcessId')).toBe('0x1d6c');
    // ...and the creator's id comes back through the parent pid our parser derives from it.
    expect(fieldValue(processCreation, security4688, 'ParentProcessId')).toBe(0x12a8);
    expect(fieldValue(processCreation, security4688, 'User')).toBe('jsmith');
    expect(fieldValue(processCreation, security4688, 'OriginalFileName')).toBeUndefined();
  });

  it('reads ECS-only events through the ECS fields', () => {
    expect(fieldValue(processCreation, defend, 'Image')).toBe(
      'C:\\Windows\\System32\\rundll32.exe',
    );
    expect(fieldValue(processCreation, defend, 'ParentImage')).toBe(
      'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
    );
    expect(fieldValue(processCreation, defend, 'OriginalFileName')).toBe('RUNDLL32.EXE');
    expect(fieldValue(processCreation, defend, 'IntegrityLevel')).toBe('medium');
  });

  it('does not hold other Windows events, nor process starts from other systems', () => {
    const registry = fixtureEvent('evtx-dump-sysmon-13.jsonl');
    expect(matchesFilter(processCreation.filter, registry)).toBe(false);
    const linux = jsonEvent({
      '@timestamp': '2024-03-05T11:15:02.412Z',
      event: { kind: 'event', category: ['process'], type: ['start'] },
      host: { os: { type: 'linux' } },
      process: { executable: '/usr/bin/curl' },
    });
    expect(matchesFilter(processCreation.filter, linux)).toBe(false);
  });
});

describe('other Windows logsources', () => {
  it('takes Sysmon 13 from evtx_dump as registry_set and registry_event, not registry_add', () => {
    const event = fixtureEvent('evtx-dump-sysmon-13.jsonl');
    const set = mappings.resolve({ product: 'windows', category: 'registry_set' });
    expect(matchesFilter(set.filter, event)).toBe(true);
    expect(
      matchesFilter(
        mappings.resolve({ product: 'windows', category: 'registry_event' }).filter,
        event,
      ),
    ).toBe(true);
    expect(
      matchesFilter(
        mappings.resolve({ product: 'windows', category: 'registry_add' }).filter,
        event,
      ),
    ).toBe(false);
    expect(fieldValue(set, event, 'TargetObject')).toMatch(/\\CurrentVersion\\Run\\Updater$/);
    expect(fieldValue(set, event, 'Details')).toBe(
      'C:\\Users\\jsmith\\AppData\\Roaming\\updater.exe',
    );
    expect(fieldValue(set, event, 'EventType')).toBe('SetValue');
  });

  it('takes PowerShell 4104 as ps_script with its script block', () => {
    const event = fixtureEvent('winlogbeat-powershell-4104.json');
    const script = mappings.resolve({ product: 'windows', category: 'ps_script' });
    expect(matchesFilter(script.filter, event)).toBe(true);
    expect(
      matchesFilter(mappings.resolve({ product: 'windows', category: 'ps_module' }).filter, event),
    ).toBe(false);
    expect(fieldValue(script, event, 'ScriptBlockText')).toContain('DownloadString');
    expect(
      matchesFilter(mappings.resolve({ product: 'windows', service: 'powershell' }).filter, event),
    ).toBe(true);
  });

  it('takes Windows PowerShell 400 as ps_classic_start with its details as Data', () => {
    const event = fixtureEvent('evtx-dump-powershell-400.jsonl');
    const start = mappings.resolve({ product: 'windows', category: 'ps_classic_start' });
    expect(matchesFilter(start.filter, event)).toBe(true);
    expect(fieldValue(start, event, 'Data')).toContain('HostName=ConsoleHost');
    expect(fieldValue(start, event, 'Data')).toContain('HostApplication=powershell.exe');
  });

  it('selects the Security log by channel for service: security', () => {
    const security = mappings.resolve({ product: 'windows', service: 'security' });
    expect(security.key).toBe('windows/*/security');
    expect(matchesFilter(security.filter, security4688)).toBe(true);
    expect(matchesFilter(security.filter, sysmon1)).toBe(false);
    expect(fieldValue(security, security4688, 'EventID')).toBe('4688');
    expect(fieldValue(security, security4688, 'NewProcessName')).toMatch(/powershell\.exe$/);
    expect(fieldValue(security, security4688, 'SubjectUserName')).toBe('jsmith');
  });

  it('holds every Windows record and ECS events from Windows hosts for product: windows', () => {
    const windows = mappings.resolve({ product: 'windows' });
    for (const event of [sysmon1, security4688, defend]) {
      expect(matchesFilter(windows.filter, event)).toBe(true);
    }
    expect(fieldValue(windows, sysmon1, 'Provider_Name')).toBe('Microsoft-Windows-Sysmon');
    expect(fieldValue(windows, sysmon1, 'Channel')).toBe('Microsoft-Windows-Sysmon/Operational');
  });
});
