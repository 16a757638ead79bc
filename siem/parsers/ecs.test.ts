import { describe, expect, it } from 'vitest';
import { ecsParser } from './ecs.ts';
import { field, jsonRecord, parseError, parseOne } from './test-fixtures.ts';

describe('ecs parser', () => {
  it('passes an ECS document through, normalising @timestamp to UTC milliseconds', () => {
    const record = jsonRecord('ecs/filebeat-nginx.json');
    const doc = parseOne(ecsParser, record);
    expect(doc['@timestamp']).toBe('2024-03-05T09:11:12.345Z');
    // Everything else is untouched, including the shipper's ECS version and empty arrays;
    // only event.kind is added.
    const input = record.kind === 'json' ? record.value : null;
    expect({ ...doc, '@timestamp': field(input, '@timestamp') }).toEqual({
      ...(input as object),
      event: { ...(field(input, 'event') as object), kind: 'event' },
    });
    expect(field(doc, 'ecs.version')).toBe('8.11.0');
    expect(doc.tags).toEqual([]);
  });

  it('expands dotted keys as Elasticsearch does and reads epoch milliseconds', () => {
    const doc = parseOne(ecsParser, jsonRecord('ecs/dotted-keys.json'));
    expect(doc).toEqual({
      '@timestamp': '2024-03-05T10:11:12.123Z',
      ecs: { version: '8.17.0' },
      event: { kind: 'alert', category: ['intrusion_detection'] },
      host: { name: 'sensor-01', os: { family: 'linux' } },
      source: { ip: '203.0.113.50' },
      rule: { name: 'ET SCAN Nmap' },
      labels: { env: 'prod' },
      threat: { technique: { id: ['T1046'] } },
      related: { ip: ['203.0.113.50'] },
    });
  });

  it('keeps nanosecond precision in secops.timestamp_nanos', () => {
    const doc = parseOne(ecsParser, jsonRecord('ecs/nanos.json'));
    expect(doc['@timestamp']).toBe('2024-03-05T10:11:12.123Z');
    expect(field(doc, 'secops.timestamp_nanos')).toBe('2024-03-05T10:11:12.123456789Z');
  });

  it('expands dotted keys inside nested objects and arrays', () => {
    const doc = parseOne(ecsParser, {
      kind: 'json',
      value: {
        '@timestamp': '2024-01-01T00:00:00Z',
        threat: { enrichments: [{ 'indicator.ip': '192.0.2.1' }] },
        'a..b': 1,
      },
    });
    expect(field(doc, 'threat.enrichments')).toEqual([{ indicator: { ip: '192.0.2.1' } }]);
    expect(doc['a..b']).toBe(1);
  });

  it('uses the receive time when there is no @timestamp, and numeric strings as epoch milliseconds', () => {
    expect(
      parseOne(ecsParser, { kind: 'json', value: { event: { action: 'x' } } })['@timestamp'],
    ).toBe('2024-01-03T12:00:00.000Z');
    expect(
      parseOne(ecsParser, { kind: 'json', value: { '@timestamp': '1704067200000' } })['@timestamp'],
    ).toBe('2024-01-01T00:00:00.000Z');
    expect(
      parseOne(ecsParser, { kind: 'json', value: { '@timestamp': null, event: {} } })['@timestamp'],
    ).toBe('2024-01-03T12:00:00.000Z');
  });

  it('keeps a field named __proto__ as data', () => {
    const value = JSON.parse(
      '{"@timestamp":"2024-01-01T00:00:00Z","labels":{"__proto__":{"x":1}},"a.__proto__":2}',
    ) as Record<string, never>;
    const doc = parseOne(ecsParser, { kind: 'json', value });
    expect(Object.keys(field(doc, 'labels') as object)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(field(doc, 'labels'))).toBe(Object.prototype);
    expect(Object.keys(doc.a as object)).toEqual(['__proto__']);
  });

  it('detects ECS-shaped documents only', () => {
    expect(ecsParser.detect(jsonRecord('ecs/filebeat-nginx.json'))).toBe(true);
    expect(ecsParser.detect({ kind: 'json', value: { 'event.kind': 'event' } })).toBe(true);
    expect(ecsParser.detect({ kind: 'json', value: { ecs: { version: '8.0.0' } } })).toBe(true);
    expect(ecsParser.detect({ kind: 'json', value: { '@timestamp': 'x', event: 'login' } })).toBe(
      false,
    );
    expect(ecsParser.detect({ kind: 'json', value: { msg: 'x' } })).toBe(false);
    expect(ecsParser.detect({ kind: 'text', text: '{"@timestamp":1}' })).toBe(false);
  });

  it('rejects what it cannot represent, naming the field', () => {
    expect(parseError(ecsParser, jsonRecord('ecs/conflict.json'))).toEqual({
      parser: 'ecs',
      message: 'host.name: conflicts with the non-object value at host',
      path: 'host.name',
    });
    expect(
      parseError(ecsParser, { kind: 'json', value: { 'host.name': 'a', host: { name: 'b' } } })
        .message,
    ).toBe('host.name: is given twice (as a dotted and a nested field)');
    expect(parseError(ecsParser, { kind: 'json', value: { '@timestamp': 'noon' } }).message).toBe(
      '@timestamp: not a valid timestamp',
    );
    expect(parseError(ecsParser, { kind: 'json', value: { '@timestamp': 1e20 } }).path).toBe(
      '@timestamp',
    );
    expect(parseError(ecsParser, { kind: 'json', value: { event: 'login' } }).message).toBe(
      'event: expected an object, got a string',
    );
    expect(parseError(ecsParser, { kind: 'json', value: [1] }).message).toBe(
      'expected a JSON object, got an array',
    );
    expect(parseError(ecsParser, { kind: 'text', text: '{' }).message).toMatch(
      /^not valid JSON \(/,
    );
  });

  it('returns a complete document as it is, without copying it', () => {
    const value = {
      '@timestamp': '2024-03-05T10:11:12.345Z',
      ecs: { version: '8.11.0' },
      event: { kind: 'event', dataset: 'system.syslog' },
      host: { name: 'web01' },
    };
    expect(parseOne(ecsParser, { kind: 'json', value })).toBe(value);
  });

  it('never changes the record, copying only the objects it adds to', () => {
    const value = {
      host: { name: 'web01' },
      '@timestamp': '2024-03-05T10:11:12.123456789+01:00',
      event: { dataset: 'x' },
    };
    const before = structuredClone(value);
    const doc = parseOne(ecsParser, { kind: 'json', value });
    expect(value).toEqual(before);
    expect(Object.keys(doc)).toEqual(['@timestamp', 'host', 'event', 'ecs', 'secops']);
    expect(doc.host).toBe(value.host);
    expect(doc.event).toEqual({ dataset: 'x', kind: 'event' });
    expect(field(doc, 'secops.timestamp_nanos')).toBe('2024-03-05T09:11:12.123456789Z');

    const dotted = { '@timestamp': '2024-03-05T10:11:12.345Z', 'host.name': 'a', ecs: {} };
    const dottedBefore = structuredClone(dotted);
    expect(parseOne(ecsParser, { kind: 'json', value: dotted })).toEqual({
      '@timestamp': '2024-03-05T10:11:12.345Z',
      host: { name: 'a' },
      ecs: { version: '8.17.0' },
      event: { kind: 'event' },
    });
    expect(dotted).toEqual(dottedBefore);
  });
});
