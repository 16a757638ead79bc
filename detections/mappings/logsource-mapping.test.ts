import { describe, expect, it } from 'vitest';
import { loadMappings, matchesFilter, parseMappings } from './logsource-mapping.ts';

const data = `logsources:
  - product: windows
    filter:
      - winlog.channel: { exists: true }
    fields:
      EventID: [winlog.event_id, event.code]
    default: ['winlog.event_data.{field}', '{field}']
  - product: windows
    category: process_creation
    filter:
      - { winlog.channel: Microsoft-Windows-Sysmon/Operational, event.code: 1 }
    fields:
      Image: [winlog.event_data.Image, process.executable]
  - product: windows
    service: sysmon
    filter:
      - winlog.channel: Microsoft-Windows-Sysmon/Operational
  - product: windows
    category: process_creation
    service: security
    filter:
      - { winlog.channel: Security, event.code: 4688 }
  - category: webserver
    filter:
      - event.category: web
  - service: apache
    filter:
      - event.module: apache
  - category: webserver
    service: apache
    filter:
      - event.dataset: apache.access
`;
const mappings = parseMappings([{ name: 'test.yaml', text: data }]);

describe('resolve', () => {
  it('picks product+category+service over product+category over product+service over product', () => {
    expect(
      mappings.resolve({ product: 'windows', category: 'process_creation', service: 'security' })
        .key,
    ).toBe('windows/process_creation/security');
    expect(
      mappings.resolve({ product: 'windows', category: 'process_creation', service: 'sysmon' }).key,
    ).toBe('windows/process_creation');
    expect(mappings.resolve({ product: 'windows', category: 'process_creation' }).key).toBe(
      'windows/process_creation',
    );
    expect(mappings.resolve({ product: 'windows', service: 'sysmon' }).key).toBe(
      'windows/*/sysmon',
    );
    expect(mappings.resolve({ product: 'windows' }).key).toBe('windows');
  });

  it('picks category+service over category over service when no product is declared', () => {
    expect(mappings.resolve({ category: 'webserver', service: 'apache' }).key).toBe(
      '*/webserver/apache',
    );
    expect(mappings.resolve({ product: 'nginx', category: 'webserver' }).key).toBe('*/webserver');
    expect(mappings.resolve({ service: 'apache' }).key).toBe('*/*/apache');
  });

  it('reads logsource attributes case-insensitively and returns one object per logsource', () => {
    const first = mappings.resolve({ product: 'Windows', category: ' Process_Creation ' });
    expect(first).toBe(mappings.resolve({ product: 'windows', category: 'process_creation' }));
    expect(first.fallback).toBe(false);
  });

  it('inherits the product field map and default templates', () => {
    const source = mappings.resolve({ product: 'windows', category: 'process_creation' });
    expect(source.fieldPaths('Image')).toEqual(['winlog.event_data.Image', 'process.executable']);
    expect(source.fieldPaths('EventID')).toEqual(['winlog.event_id', 'event.code']);
    expect(source.fieldPaths('CommandLine')).toEqual([
      'winlog.event_data.CommandLine',
      'CommandLine',
    ]);
  });

  it('lists every declared logsource', () => {
    expect(mappings.logsources.map((source) => source.key)).toEqual([
      'windows',
      'windows/process_creation',
      'windows/*/sysmon',
      'windows/process_creation/security',
      '*/webserver',
      '*/*/apache',
      '*/webserver/apache',
    ]);
  });
});

describe('fallback', () => {
  it('filters an undeclared product on event.module and event.dataset, fields as written', () => {
    const zeek = mappings.resolve({ product: 'zeek', service: 'smb_files' });
    expect(zeek).toMatchObject({ key: 'zeek/*/smb_files', fallback: true });
    expect(zeek.filter).toEqual([
      [
        { field: 'event.module', oneOf: ['zeek'] },
        { field: 'event.dataset', oneOf: ['zeek.smb_files'] },
      ],
    ]);
    expect(zeek.fieldPaths('id.orig_h')).toEqual(['id.orig_h']);
    const event = { event: { module: 'zeek', dataset: 'zeek.smb_files' }, path: '\\\\srv\\c$' };
    expect(matchesFilter(zeek.filter, event)).toBe(true);
    expect(matchesFilter(zeek.filter, { event: { module: 'zeek', dataset: 'zeek.http' } })).toBe(
      false,
    );
  });

  it('uses a dotted service as the dataset, and only the module for a category', () => {
    expect(mappings.resolve({ product: 'onelogin', service: 'onelogin.events' }).filter).toEqual([
      [
        { field: 'event.module', oneOf: ['onelogin'] },
        { field: 'event.dataset', oneOf: ['onelogin.events'] },
      ],
    ]);
    expect(mappings.resolve({ product: 'opencanary', category: 'application' }).filter).toEqual([
      [{ field: 'event.module', oneOf: ['opencanary'] }],
    ]);
  });

  it('filters a lone service on event.module and a lone category on event.category', () => {
    expect(mappings.resolve({ service: 'netflow' }).filter).toEqual([
      [{ field: 'event.module', oneOf: ['netflow'] }],
    ]);
    expect(mappings.resolve({ category: 'database' }).filter).toEqual([
      [{ field: 'event.category', oneOf: ['database'] }],
    ]);
    expect(mappings.resolve({}).filter).toBeNull();
  });

  it("does not widen an undeclared service of a declared product to all the product's events", () => {
    const sense = mappings.resolve({ product: 'windows', service: 'sense' });
    expect(sense).toMatchObject({ key: 'windows/*/sense', fallback: true });
    expect(sense.filter).toEqual([
      [
        { field: 'event.module', oneOf: ['windows'] },
        { field: 'event.dataset', oneOf: ['windows.sense'] },
      ],
    ]);
    // ...but the product's field conventions still apply.
    expect(sense.fieldPaths('EventID')).toEqual(['winlog.event_id', 'event.code']);
  });
});

describe('loadMappings', () => {
  it('loads the shipped data files', () => {
    const shipped = loadMappings();
    const keys = shipped.logsources.map((source) => source.key);
    expect(keys).toContain('windows/process_creation');
    expect(keys).toContain('aws/*/cloudtrail');
    expect(new Set(keys).size).toBe(keys.length);
  });
});
